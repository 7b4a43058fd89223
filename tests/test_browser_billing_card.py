"""The account's billing card at 1366×768 in headless Chromium over the
small demo (harness: test_browser.py; screenshots in
test-output/browser/billing_card_*.png): operator1 opens an appeal of his
line, presses «Расчёты по счёту» and reads the debt, the charges by month,
the balances, payments and meters of its account, then a meter's readings
graph. The demo has no billing yet: the admin enters two months of it for
the appeal's account over JSON-RPC first."""
import datetime as dt
import re
import time

import pytest

from .test_browser import (  # noqa: F401 - the harness's fixtures
    USER, _click_button, _console, _login, _shot, _visible, _waiter,
    browser)
from .test_browser_card import _WIDGETS_JS, _viewport
from .test_races import Client

pytestmark = pytest.mark.browser

LATIN = re.compile('[A-Za-z]{3,}')
PANE = '#tabcontent .tab-pane.active'


def _month(today, back):
    index = today.year * 12 + today.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _date(date):
    "A date as trytond's JSON-RPC reads it"
    return {'__class__': 'date', 'year': date.year, 'month': date.month,
        'day': date.day}


def _dec(text):
    return {'__class__': 'Decimal', 'decimal': text}


def _one(client, model, domain, values):
    "The record of model matching domain, created with values if none"
    found = client.model(model, 'search', domain, 0, 1, None)
    if found:
        return found[0]
    created, = client.model(model, 'create', [values])
    return created


def _billing_of(admin, company, account):
    """Two months of cold water by meter and upkeep by area, a payment, a
    meter with three readings; return the debt the card must show"""
    today = dt.date.today()
    first, second = _month(today, 2), _month(today, 1)
    services = {}
    for sequence, (code, name, unit, method) in enumerate([
                ('card_cold', 'Холодное водоснабжение', 'м³', 'meter'),
                ('card_upkeep', 'Содержание жилого помещения', 'м²', 'area'),
                ]):
        services[code] = _one(admin, 'crm.service', [
                ('company', '=', company), ('code', '=', code)], {
                'company': company, 'code': code, 'name': name,
                'unit': unit, 'method': method, 'sequence': sequence})
    periods = [_one(admin, 'crm.billing.period', [
                ('company', '=', company), ('date', '=', _date(m))],
            {'company': company, 'date': _date(m)})
        for m in [first, second]]
    if not admin.model('crm.charge', 'search',
            [('account', '=', account)], 0, 1, None):
        # 5 м³ × 52.30 = 261.50 and 4 м³ × 52.30 = 209.20;
        # 54.20 м² × 32.50 = 1761.50 each month
        lines = [(periods[0], 'card_cold', '5', '52.30', '261.50'),
            (periods[0], 'card_upkeep', '54.20', '32.50', '1761.50'),
            (periods[1], 'card_cold', '4', '52.30', '209.20'),
            (periods[1], 'card_upkeep', '54.20', '32.50', '1761.50')]
        admin.model('crm.charge', 'create', [{
                    'company': company, 'account': account,
                    'period': period, 'service': services[code],
                    'method': 'meter' if code == 'card_cold' else 'area',
                    'quantity': _dec(quantity), 'rate': _dec(rate),
                    'amount': _dec(amount)}
                for period, code, quantity, rate, amount in lines])
        admin.model('crm.payment', 'create', [{
                    'company': company, 'account': account,
                    'date': _date(second + dt.timedelta(days=9)),
                    'amount': _dec('2023.00'), 'payer': 'Иванов П. С.'}])
        meter, = admin.model('crm.meter', 'create', [{
                    'company': company, 'account': account,
                    'kind': 'individual', 'service': services['card_cold'],
                    'serial': 'ХВ-0451', 'place': 'Ванная',
                    'digits': 5, 'initial_value': _dec('100')}])
        admin.model('crm.meter.reading', 'create', [{
                    'meter': meter, 'company': company,
                    'date': _date(m + dt.timedelta(days=23)),
                    'value': _dec(value), 'consumption': _dec(consumption),
                    'source': 'operator', 'state': 'accepted'}
                for m, value, consumption in [
                    (_month(today, 3), '103', '3'), (first, '108', '5'),
                    (second, '112', '4')]])
    # 261.50 + 1761.50 + 209.20 + 1761.50 − 2023.00
    return '1 970,70'


def _card_appeal(admin, operator):
    "An appeal of operator1's line in work, with an account he can read"
    mine = set(operator.model('crm.appeal', 'search', [
                ('accounts', '!=', None), ('state', '=', 'in_work')],
            0, 200, None))
    appeals = admin.model('crm.appeal', 'search_read', [
            ('id', 'in', sorted(mine))], 0, 1, [('id', 'ASC')],
        ['number', 'company', 'accounts'])
    if not appeals:
        pytest.fail('operator1 has no appeal in work with an account in '
            'the demo data')
    return appeals[0]


def _english(driver):
    "Latin words among the labels, headers, tabs and buttons of the tab"
    texts = [e.text.strip() for e in _visible(driver, f'{PANE} label,'
            f' {PANE} th, {PANE} .nav-tabs a, {PANE} button,'
            ' .tab-title, #tablist a')]
    return [t for t in texts if LATIN.search(t)]


def _plain(text):
    "Text with sao's no-break group separators as plain spaces"
    return text.replace('\xa0', ' ').replace('\u202f', ' ')


def _widgets(driver, names):
    "What the widgets of the current form show ({} while it is not open)"
    try:
        boxes = driver.execute_script(_WIDGETS_JS, names) or {}
    except Exception:  # noqa: BLE001 - another form is still shown
        return {}
    return {n: _plain(b['text']) for n, b in boxes.items()}


def _tab(driver, title):
    tab, = [t for t in _visible(driver, f'{PANE} .nav-tabs a')
        if t.text.strip() == title]
    tab.click()
    time.sleep(1)


def _rows(driver):
    return [_plain(r.text) for r in _visible(driver,
            f'{PANE} .tab-content .tab-pane.active tbody tr:not(.more-row)')
        if r.text.strip()]


def test_billing_card_from_the_appeal(crm_server, browser):
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    admin = Client(base_url, database, 'admin')
    operator = Client(base_url, database, USER)
    appeal = _card_appeal(admin, operator)
    account = appeal['accounts'][0]
    debt = _billing_of(admin, appeal['company'], account)
    number, = [a['number'] for a in admin.model('crm.account', 'read',
            [account], ['number'])]
    try:
        _login(driver, wait, base_url, database, USER)
        _viewport(driver)
        driver.execute_script('window.location.hash = arguments[0];',
            f'#{database}/model/crm.appeal/{appeal["id"]}')
        wait.until(lambda d: appeal['number'] in (d.execute_script(
                    _WIDGETS_JS, ['number']) or {}).get('number', {}).get(
                'text', ''))
        time.sleep(1)
        # The debt beside the appeal's accounts
        accounts = _widgets(driver, ['accounts'])['accounts']
        assert debt in accounts, accounts
        # The card does not scroll sideways
        widths = driver.execute_script(f"""
            const form = document.querySelector('{PANE} .form');
            return [form.scrollWidth, form.clientWidth];""")
        assert widths[0] <= widths[1], f'sideways scrolling: {widths}'

        _shot(driver, 'billing_card_01_appeal.png')

        _click_button(driver, 'Расчёты по счёту')
        wait.until(lambda d: debt in _widgets(
                d, ['billing_debt']).get('billing_debt', ''))
        time.sleep(1)
        title = [t.text for t in _visible(driver, '#tablist a')
            if 'Расчёты' in t.text]
        assert title and number in title[0], title
        boxes = _widgets(driver, ['number', 'last_payment_amount'])
        assert number in boxes['number'], boxes
        assert '2 023,00' in boxes['last_payment_amount'], boxes
        months = _rows(driver)
        # The latest month first, its services in their order
        assert len(months) == 4, months
        assert 'Холодное водоснабжение' in months[0], months
        assert '209,20' in months[0] and '1 761,50' in months[1], months
        assert not _english(driver), _english(driver)
        _shot(driver, 'billing_card_02_charges.png')

        _tab(driver, 'Сальдо по месяцам')
        balances = _rows(driver)
        assert debt in balances[0], balances
        _shot(driver, 'billing_card_03_balances.png')
        _tab(driver, 'Оплаты')
        assert '2 023,00' in _rows(driver)[0]
        _tab(driver, 'Приборы учёта')
        meters = _rows(driver)
        assert 'ХВ-0451' in meters[0] and '112' in meters[0], meters
        assert not _english(driver), _english(driver)
        _shot(driver, 'billing_card_04_meters.png')

        # sao's button of a row acts on the selected row: select it first
        serial, = [c for c in _visible(driver, f'{PANE} .tab-content '
                '.tab-pane.active tbody td') if c.text.strip() == 'ХВ-0451']
        serial.click()
        time.sleep(1)
        _click_button(driver, 'График')
        wait.until(lambda d: _visible(d, f'{PANE} .graph svg, {PANE} '
                '.graph canvas'))
        time.sleep(2)
        assert not _english(driver), _english(driver)
        _shot(driver, 'billing_card_05_graph.png')
    except Exception:
        _shot(driver, 'billing_card_99_failure.png')
        _console(driver)
        raise
