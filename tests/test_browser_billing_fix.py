"""Billing screens at 1366×768 fixed after issue 10's first landing: the
turnover statement dialog shows all six columns, the charges run shows its
progress, and an accountant who is no operator reaches billing from a menu
of his own.  Screenshots in test-output/browser/billing_fix_*.png."""
import datetime as dt
import time

import pytest

from .demo_server import PASSWORD, Session
from .test_browser import (
    _click_button, _console, _login, _need_browser, _open_menu, _shot,
    _visible, _waiter, browser)

pytestmark = pytest.mark.browser
__all__ = ['_need_browser', 'browser']  # fixtures of test_browser

# The demo's administrator is in the accountants' group (billing.xml)
USER = 'admin'
ACTIVE = '#tabcontent .tab-pane.active'


def _texts(driver, css):
    return [e.text.strip() for e in _visible(driver, css) if e.text.strip()]

# Per visible header of the dialog's list: its text and whether it lies
# inside the list's visible box; and whether the list scrolls sideways
FIT = """
const body = document.querySelector('.modal-dialog .modal-body');
const box = body.getBoundingClientRect();
return {
    // what a sideways scroll would reveal in any scrolling box
    scroll: [body].concat(Array.from(body.querySelectorAll('*')))
        .filter(e => e.offsetParent
            && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
        .map(e => e.scrollWidth - e.clientWidth)
        .reduce((a, b) => Math.max(a, b), 0),
    body: [box.left, box.right],
    headers: Array.from(body.querySelectorAll('.treeview thead th'))
        .filter(th => th.offsetParent && th.innerText.trim())
        .map(th => [th.innerText.trim(),
            th.getBoundingClientRect().right <= box.right + 1]),
};"""


def test_turnover_dialog_shows_every_column(crm_server, browser):
    base_url, database = crm_server
    driver, wait = browser, _waiter(browser)
    driver.set_window_size(1366, 768)
    session = Session(base_url, database, USER)
    context = session.call('model.res.user.get_preferences', True, {})
    account, = session.search_read('crm.account',
        [('company', '=', context['company'])], ['number'], limit=1)
    today = dt.date.today()
    # A payment of this month: the statement has a row with amounts
    session.call('model.crm.payment.create', [{
                'company': context['company'], 'account': account['id'],
                'date': {'__class__': 'date', 'year': today.year,
                    'month': today.month, 'day': today.day},
                'amount': {'__class__': 'Decimal', 'decimal': '1234567.89'},
                }], context)
    try:
        _login(driver, wait, base_url, database, USER)
        _open_menu(driver, wait, 'Расчёты',
            'Оборотно-сальдовая ведомость')
        wait.until(lambda d: _visible(d, '.modal-dialog .form label'))
        time.sleep(1)
        _click_button(driver, 'Показать',
            scope='.modal-dialog .modal-footer')
        wait.until(lambda d: [e for e in _visible(
                    d, '.modal-dialog .treeview tbody td')
                if account['number'] in e.text])
        time.sleep(1.5)
        fit = driver.execute_script(FIT)
        _shot(driver, 'billing_fix_01_turnover.png')
        headers = dict(fit['headers'])
        assert set(headers) == {'Лицевой счёт', 'Сальдо на начало',
            'Начислено', 'Пени', 'Оплачено', 'Сальдо на конец'}, fit
        assert all(headers.values()), fit
        assert fit['scroll'] <= 0, fit
    except Exception:
        _shot(driver, 'billing_fix_99_failure.png')
        _console(driver)
        raise


def _accountant_group(session):
    "The accountants' group (ir.model.data is not open to RPC)"
    group, = session.search_read('res.group',
        [('name', 'in', ['CRM Accountant', 'CRM Бухгалтер'])], ['id'])
    return group['id']


def test_pure_accountant_reaches_accounts(crm_server, browser):
    """An accountant of no other group sees the top menu «Расчёты» (not
    «CRM обращений») and opens his organisation's accounts from it"""
    base_url, database = crm_server
    driver, wait = browser, _waiter(browser)
    driver.set_window_size(1366, 768)
    admin = Session(base_url, database, USER)
    context = admin.call('model.res.user.get_preferences', True, {})
    login = 'accountant_only'
    if not admin.search_read('res.user', [('login', '=', login)], ['id']):
        admin.call('model.res.user.create', [{
                    'name': 'Бухгалтер Только Расчёты', 'login': login,
                    'password': PASSWORD,
                    'companies': [('add', [context['company']])],
                    'company': context['company'],
                    'groups': [('add', [_accountant_group(admin)])],
                    }], context)
    numbers = {a['number'] for a in admin.search_read('crm.account',
            [('company', '=', context['company'])], ['number'])}
    try:
        _login(driver, wait, base_url, database, login)
        tops = _texts(driver, '#menu .treeview tbody tr')
        assert 'Расчёты' in tops, tops
        assert 'CRM обращений' not in tops, tops
        _open_menu(driver, wait, 'Расчёты', 'Карточки лицевых счетов')
        wait.until(lambda d: [e for e in _visible(
                    d, f'{ACTIVE} .treeview tbody td')
                if e.text.strip() in numbers])
        time.sleep(1)
        _shot(driver, 'billing_fix_02_pure_accountant.png')
        assert not _visible(driver, '.modal-dialog'), 'an error dialog'
    except Exception:
        _shot(driver, 'billing_fix_99_failure.png')
        _console(driver)
        raise


def test_charges_run_progress(crm_server, browser):
    """«Рассчитать» on a month: the form shows the run done, its progress
    bar full and the run in the runs list"""
    base_url, database = crm_server
    driver, wait = browser, _waiter(browser)
    driver.set_window_size(1366, 768)
    admin = Session(base_url, database, USER)
    context = admin.call('model.res.user.get_preferences', True, {})
    if not admin.search_read('crm.billing.period',
            [('company', '=', context['company'])], ['id']):
        admin.call('model.crm.billing.period.create', [{
                    'company': context['company'],
                    'date': {'__class__': 'date', 'year': 2026, 'month': 10,
                        'day': 1}}], context)
    try:
        _login(driver, wait, base_url, database, USER)
        _open_menu(driver, wait, 'Расчёты', 'Расчётные периоды')
        wait.until(lambda d: _visible(d, f'{ACTIVE} .treeview tbody tr'))
        time.sleep(1)
        from selenium.webdriver.common.action_chains import ActionChains
        row = _visible(driver, f'{ACTIVE} .treeview tbody tr')[0]
        ActionChains(driver).double_click(row).perform()
        wait.until(lambda d: _visible(d, f'{ACTIVE} .form label'))
        time.sleep(1)
        _click_button(driver, 'Рассчитать', scope=ACTIVE)
        # The confirmation, then the queued run (run by trytond itself)
        _click_button(driver, 'ОК', scope='.modal-dialog .modal-footer')
        wait.until(lambda d: 'Выполнен' in driver.execute_script(
                "return Array.from(document.querySelectorAll(arguments[0]))"
                ".map(s => s.selectedIndex >= 0 ? "
                "s.options[s.selectedIndex].text : '').join('|');",
                f'{ACTIVE} .form select'))
        time.sleep(1)
        bars = [e.text for e in _visible(driver, f'{ACTIVE} .progress-bar')]
        assert '100,00%' in bars, bars
        _shot(driver, 'billing_fix_03_charges_run.png')
    except Exception:
        _shot(driver, 'billing_fix_99_failure.png')
        _console(driver)
        raise
