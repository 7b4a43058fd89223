"The server's log: the slow requests and every warning or error."
import logging
import unittest

from trytond.modules.crm_dispatch import request_log
from trytond.modules.crm_dispatch.request_log import SlowRequests

DISPATCH = '%s.%s%s from %s@%s%s in %i ms'


class CrmDispatchRequestLogTestCase(unittest.TestCase):
    "A request's lines written when it was slow"

    def _written(self, name, level, msg, *args, exc_info=None):
        logger = logging.getLogger(name)
        records = []

        class Keep(logging.Handler):
            def emit(self, record):
                records.append(record.getMessage())
        handler = Keep(logging.DEBUG)
        level_, propagate = logger.level, logger.propagate
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        try:
            logger.log(level, msg, *args, exc_info=exc_info)
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level_)
            logger.propagate = propagate
        return records

    def test_installed_once_on_both_loggers(self):
        request_log.patch_request_log()
        for name in request_log.LOGGERS:
            with self.subTest(name=name):
                filters = [f for f in logging.getLogger(name).filters
                    if isinstance(f, SlowRequests)]
                self.assertEqual(len(filters), 1)
                self.assertEqual(filters[0].threshold, 300)

    def test_slow_requests_only(self):
        "At the threshold a request is slow, a millisecond less it is not"
        request_log.patch_request_log()
        call = ('crm.appeal', 'read', '([1], ["number"])', 'operator1',
            '127.0.0.1', '/crm/rpc/')
        for duration, written in [(299, False), (300, True), (4000, True)]:
            with self.subTest(duration=duration):
                self.assertEqual(bool(self._written(
                            'trytond.protocols.dispatcher', logging.INFO,
                            DISPATCH, *call, duration)), written)
                self.assertEqual(bool(self._written(
                            'trytond.wsgi', logging.INFO, '%s in %i ms',
                            '<JSONRequest>', duration)), written)

    def test_quick_line_not_made(self):
        """A quick request's info line is dropped before its record is
        made; a slow one, or one with a traceback, is written"""
        request_log.patch_request_log()
        logger = logging.getLogger('trytond.protocols.dispatcher')
        self.assertEqual(logger.info.threshold, 300)
        made = []
        make_record = logger.makeRecord

        def counted(*args, **kwargs):
            record = make_record(*args, **kwargs)
            made.append(record.getMessage())
            return record
        call = ('crm.appeal', 'read', '()', 'operator1', '127.0.0.1', '/')
        level = logger.level
        logger.setLevel(logging.INFO)
        logger.makeRecord = counted
        try:
            logger.info(DISPATCH, *call, 299.9)
            logger.info(DISPATCH, *call, 299.9, exc_info=False)
            self.assertEqual(made, [])
            logger.info(DISPATCH, *call, 300.0)
            logger.info("Retry: %i", 2)
            try:
                raise ValueError("boom")
            except ValueError:
                logger.info(DISPATCH, *call, 2.0, exc_info=True)
        finally:
            del logger.makeRecord
            logger.setLevel(level)
        self.assertEqual(made, [
                'crm.appeal.read() from operator1@127.0.0.1/ in 300 ms',
                'Retry: 2',
                'crm.appeal.read() from operator1@127.0.0.1/ in 2 ms'])

    def test_warnings_errors_and_others_kept(self):
        request_log.patch_request_log()
        name = 'trytond.protocols.dispatcher'
        call = ('crm.appeal', 'read', '()', 'operator1', '127.0.0.1', '/')
        self.assertTrue(self._written(
                name, logging.ERROR, DISPATCH, *call, 2))
        self.assertTrue(self._written(
                name, logging.WARNING, DISPATCH, *call, 2))
        try:
            raise ValueError("boom")
        except ValueError as exception:
            self.assertTrue(self._written(
                    name, logging.INFO, DISPATCH, *call, 2,
                    exc_info=exception))
        self.assertEqual(self._written(
                name, logging.INFO, "Retry: %i", 2), ["Retry: 2"])
