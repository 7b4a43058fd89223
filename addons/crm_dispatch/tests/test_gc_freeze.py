"The loaded pool frozen out of the garbage collector's walks, on request."
import configparser
import gc
import unittest
from unittest import mock

from trytond import config
from trytond.modules.crm_dispatch import gc_freeze
from trytond.pool import Pool


class CrmDispatchGcFreezeTestCase(unittest.TestCase):
    "Pool.init frozen after, unfrozen before, with [crm] gc_freeze"

    def setUp(self):
        self.calls = []
        for name in ['freeze', 'unfreeze', 'collect']:
            patcher = mock.patch.object(gc_freeze.gc, name,
                side_effect=lambda *a, n=name: self.calls.append(n))
            patcher.start()
            self.addCleanup(patcher.stop)

    def _setting(self, value):
        "[crm] gc_freeze set to value (None: left out) for the test"
        parser = config._config
        if not parser.has_section('crm'):
            parser.add_section('crm')
        old = configparser.RawConfigParser.get(
            parser, 'crm', 'gc_freeze', fallback=None)

        def put(value):
            if value is None:
                parser.remove_option('crm', 'gc_freeze')
            else:
                parser.set('crm', 'gc_freeze', value)
            config._cache_clear()
        put(value)
        self.addCleanup(put, old)

    def _init(self):
        def init(pool, update=None):
            self.calls.append('init')
            return 'loaded'
        return gc_freeze.frozen(init)

    def test_installed_on_pool_init(self):
        gc_freeze.patch_gc_freeze()
        self.assertTrue(Pool.init.crm_gc_freeze)
        wrapped = Pool.init
        gc_freeze.patch_gc_freeze()
        self.assertIs(Pool.init, wrapped)

    def test_frozen_once_loaded(self):
        self._setting('True')
        self.assertEqual(self._init()(None, update=None), 'loaded')
        self.assertEqual(self.calls, ['unfreeze', 'init', 'collect', 'freeze'])

    def test_frozen_after_a_failed_load(self):
        "What a failed load left is frozen as well, the earlier pool too"
        self._setting('True')

        def init(pool):
            self.calls.append('init')
            raise RuntimeError('broken module')
        with self.assertRaises(RuntimeError):
            gc_freeze.frozen(init)(None)
        self.assertEqual(self.calls, ['unfreeze', 'init', 'collect', 'freeze'])

    def test_off_by_default_and_when_false(self):
        for value in [None, 'False']:
            with self.subTest(value=value):
                self.calls.clear()
                self._setting(value)
                self.assertEqual(self._init()(None), 'loaded')
                self.assertEqual(self.calls, ['init'])

    def test_real_freeze_is_handed_back(self):
        "gc's own freeze and unfreeze, as the wrapper calls them"
        mock.patch.stopall()
        self._setting('True')
        self.addCleanup(gc.unfreeze)
        gc_freeze.frozen(lambda pool: None)(None)
        self.assertGreater(gc.get_freeze_count(), 0)
        gc_freeze.frozen(lambda pool: self.assertEqual(
                gc.get_freeze_count(), 0))(None)
