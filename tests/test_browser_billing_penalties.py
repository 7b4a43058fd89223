"""The penalty breakdown and a debtor case in the back office at 1366×768
(harness: test_browser.py; screenshots test-output/browser/
billing_penalties_*.png).  The data is made over RPC as the accountants do:
charges for January–March 2026 of one account, «Рассчитать пени» for the
periods, «Отбор должников» on 15.06.2026."""
import re
import time

import pytest

from .demo_server import Session
from .test_browser import (  # noqa: F401 - the harness's fixtures
    _console, _login, _need_browser, _open_menu, _shot, _visible, _waiter,
    browser)
from .test_browser_card import _viewport

pytestmark = pytest.mark.browser

LATIN = re.compile('[A-Za-z]{3,}')
ROWS = ('#tabcontent .tab-pane.active .treeview tbody '
    'tr:not(.more-row)')


def _date(y, m, d):
    return {'__class__': 'date', 'year': y, 'month': m, 'day': d}


def _dec(value):
    return {'__class__': 'Decimal', 'decimal': value}


def _debtor(session):
    "An account of admin's organisation owing 3 × 3000 with penalties"
    ctx = session.call('model.res.user.get_preferences', True, {})
    company = ctx['company']
    account, = session.search_read('crm.account',
        [('company', '=', company)], ['id', 'number'], limit=1)
    service, = session.call('model.crm.service.create', [{
                'company': company, 'code': 'penalties_browser',
                'name': 'Содержание жилого помещения', 'unit': 'м²',
                'method': 'fixed'}], ctx)
    periods = []
    for month in range(1, 7):
        found = session.search_read('crm.billing.period', [
                ('company', '=', company),
                ('date', '=', _date(2026, month, 1))], ['id'])
        periods += [p['id'] for p in found] or session.call(
            'model.crm.billing.period.create', [{
                    'company': company, 'date': _date(2026, month, 1)}], ctx)
    session.call('model.crm.charge.create', [{
                'company': company, 'period': periods[m],
                'account': account['id'], 'service': service,
                'method': 'manual', 'amount': _dec('3000.00')}
            for m in range(3)], ctx)
    session.call(
        'model.crm.billing.period.compute_penalties', periods, ctx)
    wizard = 'wizard.crm.debtor.select'
    session_id, _, _ = session.call(f'{wizard}.create', ctx)
    session.call(f'{wizard}.execute', session_id, {'start': {
                'company': company, 'building': None,
                'min_debt': _dec('9000.00'), 'min_age': 3,
                'date': _date(2026, 6, 15)}}, 'open_', ctx)
    return account


def _open_row(driver, wait, text):
    from selenium.webdriver.common.action_chains import ActionChains
    wait.until(lambda d: [r for r in _visible(d, ROWS) if text in r.text])
    time.sleep(1)
    row, = [r for r in _visible(driver, ROWS) if text in r.text][:1]
    # The last cell: the first ones are links that open their record
    cells = [c for c in row.find_elements('css selector', 'td[headers]')
        if c.is_displayed()]
    ActionChains(driver).double_click(cells[-1]).perform()
    wait.until(lambda d: _visible(
            d, '#tabcontent .tab-pane.active .form'))
    time.sleep(1.5)


def _form_text(driver):
    return driver.execute_script("""
        const pane = document.querySelector('#tabcontent .tab-pane.active');
        return Array.from(pane.querySelectorAll('label, th, .nav-tabs a'))
            .filter(e => e.offsetParent).map(e => e.innerText.trim())
            .filter(t => t).join('\\n');""")


def test_debtor_case_and_penalty_breakdown(crm_server, browser):
    base_url, database = crm_server
    account = _debtor(Session(base_url, database, 'admin'))
    driver = browser
    wait = _waiter(driver)
    try:
        _login(driver, wait, base_url, database, 'admin')
        _viewport(driver)
        _open_menu(driver, wait, 'Расчёты', 'Пени')
        _open_row(driver, wait, account['number'])
        labels = _form_text(driver)
        for label in ['Лицевой счёт', 'Период', 'Месяц долга',
                'Ключевая ставка, %', 'Доля ставки', 'Дней']:
            assert label in labels, labels
        assert not LATIN.findall(labels), labels
        # The latest period first (June): March's debt, due 10.04, is
        # between its day 31 (11.05) and day 91 (10.07): at 1/300
        assert '1/300' in driver.find_element(
            'css selector', '#tabcontent .tab-pane.active').text
        _shot(driver, 'billing_penalties_breakdown.png')

        _open_menu(driver, wait, 'Расчёты',
            'Дела должников')
        _open_row(driver, wait, account['number'])
        labels = _form_text(driver)
        for label in ['Должник', 'Стадия', 'Статус', 'Госпошлина',
                'Судебные расходы', 'Задачи', 'Долг']:
            assert label in labels, labels
        assert not LATIN.findall(labels), labels
        _shot(driver, 'billing_penalties_case.png')
    except Exception:
        _shot(driver, 'billing_penalties_99_failure.png')
        _console(driver)
        raise
