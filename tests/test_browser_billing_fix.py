"""Billing screens at 1366×768 fixed after issue 10's first landing: the
turnover statement dialog shows all six columns, the charges run shows its
progress, and an accountant who is no operator reaches billing from a menu
of his own.  Screenshots in test-output/browser/billing_fix_*.png."""
import time

import pytest

from .test_browser import (
    _click_button, _console, _login, _need_browser, _open_menu, _shot,
    _visible, _waiter, browser)

pytestmark = pytest.mark.browser
__all__ = ['_need_browser', 'browser']  # fixtures of test_browser

# The demo's administrator is in the accountants' group (billing.xml)
USER = 'admin'

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
    try:
        _login(driver, wait, base_url, database, USER)
        _open_menu(driver, wait, 'CRM обращений', 'Расчёты',
            'Оборотно-сальдовая ведомость')
        wait.until(lambda d: _visible(d, '.modal-dialog .form label'))
        time.sleep(1)
        _click_button(driver, 'Показать',
            scope='.modal-dialog .modal-footer')
        wait.until(lambda d: _visible(
                d, '.modal-dialog .treeview thead th'))
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
