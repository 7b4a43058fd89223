"""Routing in the web client: the administrator's list and form of routing
rules and the «check routing» wizard; an appeal routed on creation shows
its rule and priority to the operator of its line.  Screenshots go to
test-output/browser/routing_*.png."""
import time

import pytest

from .demo_server import Session
from .test_browser import (
    _click_button, _console, _login, _need_browser, _shot, _visible,
    _waiter, browser)

__all__ = ['browser', '_need_browser']

pytestmark = pytest.mark.browser
ACTIVE = '#tabcontent .tab-pane.active'


def _open(driver, wait, database, path, css):
    driver.execute_script(
        'window.location.hash = arguments[0];', f'#{database}/{path}')
    wait.until(lambda d: _visible(d, css))
    time.sleep(1)


def _texts(driver, css):
    return [e.text.strip() for e in _visible(driver, css) if e.text.strip()]


def test_admin_sees_rules_and_checks_routing(crm_server, browser):
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    try:
        _login(driver, wait, base_url, database, 'admin')
        _open(driver, wait, database, 'model/crm.routing.rule',
            f'{ACTIVE} .treeview tbody tr td[headers]')
        headers = _texts(driver, f'{ACTIVE} .treeview thead th')
        cells = _texts(driver, f'{ACTIVE} .treeview tbody td')
        _shot(driver, 'routing_rules_list.png')
        assert {'Название', 'Условия', 'Назначает'} <= set(headers), headers
        assert 'Аварии ночью' in cells, cells
        assert any('20:00–08:00' in c for c in cells), cells

        rule, = Session(base_url, database, 'admin').search_read(
            'crm.routing.rule', [('name', '=', 'Аварии ночью')], ['id'],
            limit=1)
        _open(driver, wait, database,
            f'model/crm.routing.rule/{rule["id"]}', f'{ACTIVE} .form label')
        labels = _texts(driver, f'{ACTIVE} .form label')
        _shot(driver, 'routing_rule_form.png')
        assert {'Линия поддержки:', 'Приоритет:', 'Срок (часов):'} <= set(
            labels), labels

        _click_button(driver, 'Проверить маршрутизацию')
        wait.until(lambda d: _visible(d, '.modal-dialog textarea'))
        time.sleep(2)
        verdict = _visible(driver, '.modal-dialog textarea')[0]
        text = verdict.get_attribute('value')
        _shot(driver, 'routing_check.png')
        assert 'По часам организации' in text, text
        _click_button(driver, 'Закрыть', scope='.modal-dialog .modal-footer')
    except Exception:
        _shot(driver, 'routing_99_failure.png')
        _console(driver)
        raise


def test_operator_sees_the_rule_of_a_routed_appeal(crm_server, browser):
    "An emergency registered through the API goes to line 2, high priority"
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    admin = Session(base_url, database, 'admin')
    context = admin.call('model.res.user.get_preferences', True, {})
    operator2 = Session(base_url, database, 'operator2')
    company = operator2.search_read('res.user', [
            ('id', '=', operator2.user_id)], ['company'])[0]['company']
    reason, = admin.search_read('crm.appeal.reason', [
            ('code', '=', 'no_power')], ['id'], limit=1)
    source, = admin.search_read('crm.appeal.source', [
            ('code', '=', 'phone')], ['id'], limit=1)
    appeal_id, = admin.call('model.crm.appeal.create', [{
                'company': company, 'source': source['id'],
                'reason': reason['id'],
                'description': 'Нет света во всём подъезде'}], context)
    appeal, = admin.search_read('crm.appeal', [('id', '=', appeal_id)],
        ['routing_rule.name', 'support_line.number', 'priority'])
    assert appeal['routing_rule.']['name'] in {'Аварии', 'Аварии ночью'}
    assert appeal['support_line.']['number'] == 2
    try:
        _login(driver, wait, base_url, database, 'operator2')
        _open(driver, wait, database, f'model/crm.appeal/{appeal_id}',
            f'{ACTIVE} .form label')
        assert 'Приоритет:' in _texts(driver, f'{ACTIVE} .form label')
        # The rule is on the «Processing» page
        tab, = [a for a in _visible(driver, f'{ACTIVE} .form .nav-tabs a')
            if a.text.strip() == 'Обработка']
        tab.click()
        wait.until(lambda d: 'Правило маршрутизации:' in _texts(
                d, f'{ACTIVE} .form label'))
        labels = _texts(driver, f'{ACTIVE} .form label')
        values = driver.execute_script("""
            return Array.from(document.querySelectorAll(
                    arguments[0] + ' .form input, '
                    + arguments[0] + ' .form select'))
                .map(e => e.tagName == 'SELECT'
                    ? (e.selectedIndex >= 0
                        ? e.options[e.selectedIndex].text : '')
                    : e.value);""", ACTIVE)
        _shot(driver, 'routing_appeal_form.png')
        assert {'Правило маршрутизации:', 'Назначено вручную:',
            'Наблюдатели'} <= set(labels), labels
        assert appeal['routing_rule.']['name'] in values, values
        assert ('Высокий' in values) or ('Аварийный' in values), values
    except Exception:
        _shot(driver, 'routing_99_failure.png')
        _console(driver)
        raise
