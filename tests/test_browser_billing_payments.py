"""Payments in the web client at 1366×768: an accountant loads a Sberbank
registry through «Расчёты › Загрузить реестр», sees the registry with its
payments, then the turnover statement of the month.  Screenshots in
test-output/browser/billing_payments_*.png."""
import datetime as dt
import pathlib
import tempfile
import time

import pytest

from .demo_server import Session
from .test_browser import (
    _click_button, _console, _login, _need_browser, _open_menu, _shot,
    _visible, _waiter, browser)

pytestmark = pytest.mark.browser
__all__ = ['_need_browser', 'browser']  # fixtures of test_browser

ACTIVE = '#tabcontent .tab-pane.active'
# The demo's administrator is in the accountants' group (billing.xml)
USER = 'admin'


def _registry(numbers, day):
    "A Sberbank e-registry (cp1251) paying 1000,00 + 1,50 n to each account"
    lines = [';'.join([day.strftime('%d-%m-%Y'), '09:3%s:00' % n, '8614',
                '8614/0042', f'2026{n:08d}', number,
                'Плательщик Демо %s' % n, 'г. Пермь', day.strftime('%m%Y'),
                f'{1000 + n * 1.5:.2f}'.replace('.', ','), '', ''])
        for n, number in enumerate(numbers, 1)]
    lines.append(f'={len(lines)};;;')
    path = pathlib.Path(tempfile.mkdtemp(prefix='crm-registry-')) / (
        'sber_%s.txt' % day.strftime('%Y%m%d'))
    path.write_bytes(('\r\n'.join(lines) + '\r\n').encode('cp1251'))
    return path


def _texts(driver, css):
    return [e.text.strip() for e in _visible(driver, css) if e.text.strip()]


def test_accountant_imports_registry_and_sees_turnover(crm_server, browser):
    base_url, database = crm_server
    driver, wait = browser, _waiter(browser)
    driver.set_window_size(1366, 768)
    session = Session(base_url, database, USER)
    company = session.call('model.res.user.get_preferences', True, {}
        )['company']
    accounts = session.search_read('crm.account',
        [('company', '=', company)], ['number'], limit=3)
    numbers = [a['number'] for a in accounts]
    assert len(numbers) == 3, accounts
    path = _registry(numbers, dt.date.today())
    try:
        _login(driver, wait, base_url, database, USER)
        _open_menu(driver, wait, 'Расчёты',
            'Загрузить реестр')
        wait.until(lambda d: [e for e in _visible(d, '.modal-dialog select')
                if 'Сбербанк' in e.text]
            or [e for e in _visible(d, '.modal-dialog input')
                if 'Сбербанк' in (e.get_attribute('value') or '')])
        # one dialog: the wizard opened once
        time.sleep(1)
        assert len(_visible(driver, '.modal-dialog')) == 1
        file_input, = driver.find_elements(
            'css selector', '.modal-dialog input[type="file"]')
        file_input.send_keys(str(path))
        wait.until(lambda d: [e for e in _visible(d, '.modal-dialog input')
                if path.name in (e.get_attribute('value') or '')])
        time.sleep(0.5)
        labels = _texts(driver, '.modal-dialog label')
        assert {'Формат:', 'Файл:'} <= set(labels), labels
        _shot(driver, 'billing_payments_01_import.png')

        _click_button(driver, 'Загрузить',
            scope='.modal-dialog .modal-footer')
        # The registry opens on its form with the three payments
        wait.until(lambda d: [e for e in _visible(
                    d, f'{ACTIVE} .treeview tbody td')
                if numbers[0] in e.text])
        time.sleep(1)
        labels = _texts(driver, f'{ACTIVE} .form label')
        assert {'Имя файла:', 'Количество оплат:', 'Сумма:'} <= set(
            labels), labels
        values = driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0]))"
            ".map(i => i.value).join(' | ');", f'{ACTIVE} .form input'
            ).replace('\xa0', ' ')
        assert not _visible(driver, '.modal-dialog')
        assert path.name in values, values
        # 1001,50 + 1003,00 + 1004,50
        assert '3 009,00' in values, values
        _shot(driver, 'billing_payments_02_registry.png')

        _open_menu(driver, wait, 'Расчёты',
            'Оборотно-сальдовая ведомость')
        wait.until(lambda d: _visible(d, '.modal-dialog .form label'))
        time.sleep(1)
        _click_button(driver, 'Показать',
            scope='.modal-dialog .modal-footer')
        wait.until(lambda d: [e for e in _visible(
                    d, '.modal-dialog .treeview tbody td')
                if numbers[0] in e.text])
        time.sleep(1)
        headers = _texts(driver, '.modal-dialog .treeview thead th')
        assert {'Лицевой счёт', 'Сальдо на начало', 'Начислено', 'Пени',
            'Оплачено', 'Сальдо на конец'} <= set(headers), headers
        values = driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0]))"
            ".map(i => i.value).join(' | ');", '.modal-dialog .form input')
        assert 'osv-' in values, values
        _shot(driver, 'billing_payments_03_turnover.png')
    except Exception:
        _shot(driver, 'billing_payments_99_failure.png')
        _console(driver)
        raise
