"""A resident's bills and readings in a real browser: the accounts' debts,
an account's charges by month, balance history and payments, the readings
form and its refusal of a wrong value, on a phone (360 px) and a desktop
(1280 px).  Screenshots in test-output/browser/portal-billing-*.png;
axe-core finds no serious or critical violation; no console error.

The demo's billing data come with the lead's demo; until then the test
gives resident1's first account what it shows through JSON-RPC as admin
(a service, two months of charges, a payment, a meter)."""
import datetime as dt

import pytest

from .demo_server import Session
from .portal_browser import console_errors, portal_login, portal_shots
from .test_browser import (  # noqa: F401 - fixtures browser, _need_browser
    OUTPUT, _need_browser, _shot, _visible, _waiter, browser)

pytestmark = pytest.mark.browser

RESIDENT = 'resident1@example.com'
PASSWORD = 'demo1234'
SERIAL = 'ХВ-БРАУЗЕР-1'


def _month(date, back):
    for _ in range(back):
        date = (date.replace(day=1) - dt.timedelta(days=1))
    return date.replace(day=1)


def _rpc_date(value):
    return {'__class__': 'date', 'year': value.year, 'month': value.month,
        'day': value.day}


def _decimal(value):
    return {'__class__': 'Decimal', 'decimal': value}


def _billing_of(admin, account):
    """Charges, a payment and a meter on the account unless it has them"""
    context = admin.call('model.res.user.get_preferences', True, {})
    context['company'] = account['company']

    def ids(model, domain):
        return admin.call(f'model.{model}.search', domain, 0, None, None,
            context)

    def create(model, values):
        return admin.call(f'model.{model}.create', values, context)
    company = account['company']
    if ids('crm.meter', [('serial', '=', SERIAL)]):
        return
    codes = {'browser_cold': ('Холодное водоснабжение (ПУ)', 'м³', 'meter'),
        'browser_upkeep': ('Содержание жилого помещения (ПУ)', 'м²',
            'area')}
    services = {}
    for code, (name, unit, method) in codes.items():
        found = ids('crm.service', [('code', '=', code)])
        services[code] = found[0] if found else create('crm.service', [{
                    'company': company, 'code': code, 'name': name,
                    'unit': unit, 'method': method}])[0]
    today = dt.date.today()
    lines = []
    for back in (2, 1):
        month = _month(today, back)
        period = ids('crm.billing.period', [('company', '=', company),
                ('date', '=', _rpc_date(month))])
        period = period[0] if period else create('crm.billing.period', [{
                    'company': company, 'date': _rpc_date(month)}])[0]
        lines += [
            {'service': services['browser_cold'], 'method': 'meter',
                'quantity': _decimal('4.85'), 'rate': _decimal('52.30'),
                'amount': _decimal('253.66'), 'period': period},
            {'service': services['browser_upkeep'], 'method': 'area',
                'quantity': _decimal('54.20'), 'rate': _decimal('32.50'),
                'amount': _decimal('1761.50'), 'period': period}]
    lines.append({'service': services['browser_upkeep'], 'method': 'manual',
            'kind': 'recalculation', 'reason': 'Перерасчёт за отопление',
            'amount': _decimal('-120.40'), 'period': period})
    create('crm.charge', [dict(l, company=company, account=account['id'])
            for l in lines])
    create('crm.payment', [{'company': company, 'account': account['id'],
                'date': _rpc_date(_month(today, 1) + dt.timedelta(days=9)),
                'amount': _decimal('2015.16'), 'document': '774512'}])
    create('crm.meter', [{'company': company, 'kind': 'individual',
                'account': account['id'], 'service': services['browser_cold'],
                'serial': SERIAL, 'place': 'Кухня', 'digits': 5,
                'initial_value': _decimal('12.5'),
                'verification_date': _rpc_date(dt.date(2025, 1, 15)),
                'verification_interval': 6}])


def test_resident_bills_and_readings(crm_server, browser):
    try:
        _scenario(crm_server, browser)
    except Exception:
        _shot(browser, 'portal-billing-failure.png')
        (OUTPUT / 'portal-billing-failure.html').write_text(
            browser.page_source, encoding='utf-8')
        raise


def _scenario(crm_server, browser):
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    admin = Session(base_url, database, 'admin')
    link = admin.search_read('crm.portal.account.link', [
            ('web_user.email', '=', RESIDENT), ('active', '=', True)],
        ['account', 'account.company', 'account.number'], limit=1)[0]
    account = {'id': link['account'], 'company': link['account.']['company'],
        'number': link['account.']['number']}
    _billing_of(admin, account)

    portal = f'{base_url}{database}/portal'
    driver.delete_all_cookies()
    portal_login(driver, wait, portal, RESIDENT, PASSWORD)
    driver.get_log('browser')

    driver.get(f'{portal}/billing')
    wait.until(lambda d: 'Начисления и оплаты' in d.find_element(
            'tag name', 'h1').text)
    assert f"№ {account['number']}" in driver.find_element(
        'tag name', 'main').text
    portal_shots(driver, 'portal-billing', 'list')

    driver.get(f"{portal}/billing/{account['id']}")
    wait.until(lambda d: d.find_elements('id', 'debt'))
    text = driver.find_element('tag name', 'main').text
    assert 'Перерасчёт за отопление' in text, text
    assert 'Холодное водоснабжение (ПУ)' in text
    assert 'История баланса' in text and '774512' in text
    portal_shots(driver, 'portal-billing', 'account')

    driver.get(f'{portal}/readings')
    wait.until(lambda d: SERIAL in d.find_element('tag name', 'main').text)
    portal_shots(driver, 'portal-billing', 'readings')
    # A value that is not a number: the error next to the field
    card = [c for c in driver.find_elements('css selector', '.meter-card')
        if SERIAL in c.text][0]
    field = card.find_elements('css selector', 'input[name="value"]')
    if field:
        field[0].send_keys('двенадцать')
        card.find_element('css selector', 'button[type="submit"]').click()
        wait.until(lambda d: _visible(d, '.field-error'))
        assert 'Введите показание числом' in driver.find_element(
            'css selector', '.field-error').text
        portal_shots(driver, 'portal-billing', 'readings-error')
    assert not console_errors(driver), console_errors(driver)
