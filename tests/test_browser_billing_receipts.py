"""Receipts in the web client: an accountant opens a building, prints
«Квитанции по дому» from its printer icon, sees the dialog with the
building and the period, and the browser saves one PDF with a page per
account.  Screenshots in test-output/browser/ (billing_receipts_*.png)."""
import pathlib
import tempfile
import time

import pytest

from trytond.modules.crm_dispatch.tests.tools import pdf_text

from .demo_server import Session
from .test_browser import (
    _click_button, _console, _login, _need_browser, _shot, _visible,
    _waiter, browser)

pytestmark = pytest.mark.browser
__all__ = ['_need_browser', 'browser']  # fixtures of test_browser

ACTIVE = '#tabcontent .tab-pane.active'
REQUISITES = {
    'payee_name': 'ООО «УК Демо»', 'payee_inn': '5902123456',
    'payee_kpp': '590201001', 'bank_name': 'ПАО Сбербанк',
    'bank_bic': '045773603', 'bank_account': '40702810949770012345',
    'bank_corr_account': '30101810900000000603',
    }


def _billing_month(session, company):
    "Requisites and a billing month for the organisation (idempotent)"
    context = session.call('model.res.user.get_preferences', True, {})
    context['company'] = company
    settings = session.call('model.crm.billing.settings.search',
        [('company', '=', company)], 0, 1, None, context)
    if settings:
        session.call('model.crm.billing.settings.write', settings,
            REQUISITES, context)
    else:
        session.call('model.crm.billing.settings.create',
            [dict(REQUISITES, company=company)], context)
    if not session.call('model.crm.billing.period.search',
            [('company', '=', company)], 0, 1, None, context):
        session.call('model.crm.billing.period.create', [{
                    'company': company,
                    'date': {'__class__': 'date', 'year': 2026, 'month': 11,
                        'day': 1}}], context)


def test_accountant_prints_building_receipts(crm_server, browser):
    base_url, database = crm_server
    driver, wait = browser, _waiter(browser)
    session = Session(base_url, database, 'admin')
    building = next(b for b in session.search_read('crm.building', [],
            ['company', 'premises'])
        if session.search_read('crm.account',
            [('premise.building', '=', b['id'])], ['id'], limit=1))
    accounts = session.search_read('crm.account',
        [('premise.building', '=', building['id'])], ['number'])
    _billing_month(session, building['company'])
    downloads = pathlib.Path(tempfile.mkdtemp(prefix='crm-downloads-'))
    driver.execute_cdp_cmd('Browser.setDownloadBehavior', {
            'behavior': 'allow', 'downloadPath': str(downloads)})
    try:
        _login(driver, wait, base_url, database, 'admin')
        driver.execute_script('window.location.hash = arguments[0];',
            f"#{database}/model/crm.building/{building['id']}")
        wait.until(lambda d: [e for e in _visible(d, f'{ACTIVE} .form label')
                if e.text.strip()])
        time.sleep(1)
        print_button, = _visible(driver, f'{ACTIVE} button#print')
        print_button.click()
        item = wait.until(lambda d: [e for e in _visible(
                    d, f'{ACTIVE} a[role="menuitem"]')
                if e.text.strip() == 'Квитанции по дому'])[0]
        item.click()
        wait.until(lambda d: [e for e in _visible(d, '.modal-dialog select')
                if 'ноябрь 2026' in e.text])
        time.sleep(0.5)
        labels = [e.text.strip() for e in _visible(
                driver, '.modal-dialog label') if e.text.strip()]
        assert {'Дом:', 'Период:'} <= set(labels), labels
        _shot(driver, 'billing_receipts_01_batch_dialog.png')
        _click_button(driver, 'Печать', scope='.modal-dialog .modal-footer')
        wait.until(lambda d: [p for p in downloads.glob('*.pdf')
                if p.stat().st_size])
        time.sleep(0.5)
        pdf, = downloads.glob('*.pdf')
        text = pdf_text(pdf.read_bytes())
        assert 'ЕДИНЫЙ ПЛАТЁЖНЫЙ ДОКУМЕНТ' in text
        for account in accounts:
            assert account['number'] in text, account['number']
        _shot(driver, 'billing_receipts_02_printed.png')
    except Exception:
        _shot(driver, 'billing_receipts_99_failure.png')
        _console(driver)
        raise
