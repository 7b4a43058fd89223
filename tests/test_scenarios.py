"""Doctest scenarios of the addons (addons/<name>/tests/*.rst) under pytest.

pytest ignores unittest's ``load_tests`` protocol, by which Tryton modules hand
their scenarios to unittest (``tests/test_scenario.py`` calling
``trytond.tests.test_tryton.load_doc_tests``). Here every scenario becomes one
pytest test:

- if the addon has ``tests/test_scenario.py`` with ``load_tests``, that function
  builds the suite, exactly as ``python -m unittest`` would (skips, ``.json``
  configurations and whatever else the addon does there are honoured);
- otherwise ``load_doc_tests`` builds it for the addon's tests package, the way
  Tryton's own modules do: ``doctest.DocFileSuite`` per ``*.rst`` with
  ``doctest_setup``/``doctest_teardown``, ``doctest_checker`` and the option
  flags REPORT_ONLY_FIRST_FAILURE | ELLIPSIS | IGNORE_EXCEPTION_DETAIL
  (| STRIP_DECIMAL on SQLite).

The test fails with doctest's own report of the first failing example.

SCENARIO_MODULES=party,company (comma separated) runs the scenarios of those
installed Tryton modules instead of the repository's addons, which is how the
harness itself is checked against Tryton's standard modules.
"""
import importlib
import os
import pathlib
import unittest

import pytest

from trytond.tests.test_tryton import load_doc_tests

ROOT = pathlib.Path(__file__).resolve().parent.parent
ADDONS = ROOT / 'addons'


def _module_names():
    if names := os.environ.get('SCENARIO_MODULES'):
        return [n.strip() for n in names.split(',') if n.strip()]
    return sorted(
        p.parent.name for p in ADDONS.glob('*/tryton.cfg')
        if (p.parent / 'tests').is_dir())


def _flatten(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from _flatten(test)
        else:
            yield test


def _build_suite(module_name):
    package = f'trytond.modules.{module_name}.tests'
    loader = unittest.TestLoader()
    try:
        scenario_module = importlib.import_module(f'{package}.test_scenario')
    except ModuleNotFoundError as exc:
        if exc.name != f'{package}.test_scenario':
            raise
        scenario_module = None
    if scenario_module is not None and hasattr(scenario_module, 'load_tests'):
        return scenario_module.load_tests(loader, unittest.TestSuite(), None)
    tests = importlib.import_module(package)
    return load_doc_tests(
        package, tests.__file__, loader, unittest.TestSuite(), None)


def _collect():
    params = []
    for module_name in _module_names():
        seen = {}
        for case in _flatten(_build_suite(module_name)):
            # DocFileCase.id() is the file name with '.' replaced by '_'
            name = case.id()
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f'{name}[{seen[name]}]'
            params.append(pytest.param(case, id=f'{module_name}/{name}'))
    return params


@pytest.mark.parametrize('case', _collect())
def test_scenario(case):
    result = unittest.TestResult()
    case.run(result)
    assert result.testsRun == 1
    reports = [report for _, report in result.errors]
    # A failed example: doctest's own report, without unittest's traceback
    reports += [
        report.split('AssertionError: ', 1)[-1]
        for _, report in result.failures]
    if reports:
        pytest.fail('\n'.join(reports), pytrace=False)
    if result.skipped:
        pytest.skip(result.skipped[0][1])
