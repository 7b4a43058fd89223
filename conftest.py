"""Collection of the Tryton addons' own tests under pytest.

Each addon in addons/<name>/ is installed (``pip install -e``) as the package
``trytond.modules.<name>``. pytest on its own would import
``addons/<name>/tests/test_module.py`` under a made-up name (``crm_dispatch.tests
.test_module``) and would also import ``addons/<name>/__init__.py`` as a
top-level package, i.e. the addon's code twice, under two names. Here:

- directories under addons/ are plain directories for pytest (no package
  ``__init__`` import),
- every test file of an addon is imported by its real name
  ``trytond.modules.<name>.tests.<file>``, exactly the module Tryton uses.

The doctest scenarios (``addons/*/tests/*.rst``) run from tests/test_scenarios.py.
"""
import importlib
import os
import pathlib

import pytest

# Tests of standard modules that reach the Internet (VIES...) stay off
os.environ.setdefault('TEST_NETWORK', '0')

ROOT = pathlib.Path(__file__).resolve().parent
ADDONS = ROOT / 'addons'


def _addon_of(path):
    "Return (addon name, path inside the addon) if path is in a Tryton addon"
    try:
        relative = pathlib.Path(path).resolve().relative_to(ADDONS)
    except ValueError:
        return None, None
    if not relative.parts:
        return None, None
    name = relative.parts[0]
    if not (ADDONS / name / 'tryton.cfg').is_file():
        return None, None
    return name, pathlib.PurePath(*relative.parts[1:])


def pytest_collect_directory(path, parent):
    name, _ = _addon_of(path)
    if name is not None or pathlib.Path(path).resolve() == ADDONS:
        return pytest.Dir.from_parent(parent, path=path)
    return None


class AddonTestModule(pytest.Module):
    "Test file of an addon, imported as trytond.modules.<addon>.tests.<file>"

    dotted_name = None

    def _getobj(self):
        module = importlib.import_module(self.dotted_name)
        origin = pathlib.Path(module.__file__).resolve()
        if origin != self.path.resolve():
            raise self.CollectError(
                f"{self.dotted_name} is imported from {origin}, not from "
                f"{self.path}: install the addon with "
                f"'pip install -e addons/{self.dotted_name.split('.')[2]}' "
                "(make venv)")
        return module


def pytest_pycollect_makemodule(module_path, parent):
    name, inner = _addon_of(module_path)
    if name is None:
        return None
    parts = [*inner.with_suffix('').parts]
    if parts and parts[-1] == '__init__':
        parts.pop()
    module = AddonTestModule.from_parent(parent, path=module_path)
    module.dotted_name = '.'.join(['trytond', 'modules', name, *parts])
    return module


# Browser tests that also run on PostgreSQL (make test-pg): the server side
# of what they drive differs by database (search folding and indexes, SQL
# aggregates by month, the order of rows, a registry's import, the e-mail a
# sign-up sends).  The other browser tests drive the same web client over
# the same server code and run on SQLite only (make test): on two cores the
# CI keeps within its time this way.  BROWSER_ALL=1 runs them all.
PG_BROWSER = {
    'test_browser.py', 'test_browser_search.py', 'test_browser_extra.py',
    'test_browser_analytics_pivot.py', 'test_browser_portal_flow.py',
    'test_browser_billing_payments.py',
    }


def pytest_collection_modifyitems(config, items):
    uri = os.environ.get('TRYTOND_DATABASE_URI', '')
    if not uri.startswith('postgresql') or os.environ.get('BROWSER_ALL'):
        return
    kept, deselected = [], []
    for item in items:
        if (item.get_closest_marker('browser')
                and item.path.name not in PG_BROWSER):
            deselected.append(item)
        else:
            kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
