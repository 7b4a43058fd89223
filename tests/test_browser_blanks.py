"""Blanks in the web client: the administrator's blank form, and an operator
printing the act from an appeal's printer icon down to the PDF the browser
saves.  Screenshots in test-output/browser/ (blanks_*.png)."""
import pathlib
import tempfile
import time

import pytest

from trytond.modules.crm_dispatch.tests.tools import (
    pdf_text, require_libreoffice)

from .demo_server import Session
from .test_browser import (
    _click_button, _console, _login, _need_browser, _shot, _visible,
    _waiter, browser)

pytestmark = pytest.mark.browser
__all__ = ['_need_browser', 'browser']  # fixtures of test_browser

ACTIVE = '#tabcontent .tab-pane.active'


def _open(driver, wait, database, path):
    driver.execute_script('window.location.hash = arguments[0];',
        f'#{database}/model/{path}')
    wait.until(lambda d: [e for e in _visible(d, f'{ACTIVE} .form label')
            if e.text.strip()])
    time.sleep(1)


def test_admin_sees_blank_form(crm_server, browser):
    base_url, database = crm_server
    driver, wait = browser, _waiter(browser)
    act, = Session(base_url, database, 'admin').search_read('crm.blank',
        [('name', '=', 'Акт выполненных работ')], ['id'])
    try:
        _login(driver, wait, base_url, database, 'admin')
        driver.execute_script('window.location.hash = arguments[0];',
            f'#{database}/model/crm.blank')
        wait.until(lambda d: [e for e in _visible(
                    d, f'{ACTIVE} .treeview tbody td[headers]')
                if 'Аварийно' in e.text])
        headers = [e.text.strip() for e in _visible(
                driver, f'{ACTIVE} .treeview thead th') if e.text.strip()]
        assert {'Название', 'Печатается из', 'Организация',
            'Линии поддержки'} <= set(headers), headers
        _shot(driver, 'blanks_00_admin_list.png')
        _open(driver, wait, database, f"crm.blank/{act['id']}")
        labels = [e.text.strip() for e in _visible(
                driver, f'{ACTIVE} .form label') if e.text.strip()]
        assert {'Название:', 'Печатается из:', 'Шаблон:',
            'Поля для подстановки:'} <= set(labels), labels
        help_text = driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0]))"
            ".map(t => t.value).join('\\n');", f'{ACTIVE} .form textarea')
        assert '<number> — номер обращения' in help_text
        filename = driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0]))"
            ".map(i => i.value).join(' ');", f'{ACTIVE} .form input')
        assert 'Акт выполненных работ.odt' in filename
        _shot(driver, 'blanks_01_admin_form.png')
    except Exception:
        _shot(driver, 'blanks_99_failure.png')
        _console(driver)
        raise


def test_operator_prints_act_as_pdf(crm_server, browser):
    require_libreoffice()
    base_url, database = crm_server
    driver, wait = browser, _waiter(browser)
    session = Session(base_url, database, 'operator2')
    appeal, = session.search_read('crm.appeal', [
            ('applicant', '!=', None), ('number', '!=', None)],
        ['number'], limit=1)
    downloads = pathlib.Path(tempfile.mkdtemp(prefix='crm-downloads-'))
    driver.execute_cdp_cmd('Browser.setDownloadBehavior', {
            'behavior': 'allow', 'downloadPath': str(downloads)})
    try:
        _login(driver, wait, base_url, database, 'operator2')
        _open(driver, wait, database, f"crm.appeal/{appeal['id']}")
        print_button, = _visible(driver, f'{ACTIVE} button#print')
        print_button.click()
        item = wait.until(lambda d: [e for e in _visible(
                    d, f'{ACTIVE} a[role="menuitem"]')
                if e.text.strip() == 'Печать бланка'])[0]
        _shot(driver, 'blanks_02_print_menu.png')
        item.click()
        wait.until(lambda d: [e for e in _visible(d, '.modal-dialog select')
                if 'Акт выполненных работ' in e.text])
        time.sleep(0.5)
        _shot(driver, 'blanks_03_print_wizard.png')
        _click_button(driver, 'Печать', scope='.modal-dialog .modal-footer')
        wait.until(lambda d: [p for p in downloads.glob('*.pdf')
                if p.stat().st_size])
        time.sleep(0.5)
        pdf, = downloads.glob('*.pdf')
        assert pdf.name == f"Акт выполненных работ-{appeal['number']}.pdf"
        assert appeal['number'] in pdf_text(pdf.read_bytes())
        _shot(driver, 'blanks_04_printed.png')
    except Exception:
        _shot(driver, 'blanks_99_failure.png')
        _console(driver)
        raise
