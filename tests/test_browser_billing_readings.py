"""A meter's card with its readings at 1366×768, in headless Chromium over
the small demo (harness: test_browser.py; screenshot
test-output/browser/billing_readings_01_meter_form.png).

The demo has no meters yet: the administrator puts one on a demo account
with six monthly readings over JSON-RPC, the last one a spike that waits
for approval, as the back office would."""
import datetime as dt
import re
import time

import pytest

from .demo_server import Session
from .test_browser import (  # noqa: F401 - the harness's fixtures
    _login, _shot, _visible, _waiter, browser)
from .test_browser_card import CYRILLIC, LATIN, _viewport

pytestmark = pytest.mark.browser

SERIAL = 'BR-2026-001'


def _months_back(today, n, day=24):
    "The day of the month n months before today's"
    index = today.year * 12 + today.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, day)


def _date(date):
    "A date as JSON-RPC carries it"
    return {'__class__': 'date', 'year': date.year, 'month': date.month,
        'day': date.day}


def _decimal(value):
    return {'__class__': 'Decimal', 'decimal': str(value)}


def _meter_with_readings(session):
    "Create (once) the meter and its readings; return the meter's id"
    context = session.call('model.res.user.get_preferences', True, {})
    found = session.search_read('crm.meter', [('serial', '=', SERIAL)],
        ['id'])
    if found:
        return found[0]['id']
    company = context['company']
    account, = session.search_read('crm.account',
        [('company', '=', company)], ['id'], limit=1)
    services = session.search_read('crm.service',
        [('company', '=', company), ('method', '=', 'meter')], ['id'],
        limit=1)
    if services:
        service = services[0]['id']
    else:
        service, = session.call('model.crm.service.create', [{
                    'company': company, 'code': 'br_cold', 'unit': 'м³',
                    'name': 'Холодное водоснабжение', 'method': 'meter'}],
            context)
    today = dt.date.today()
    start = _months_back(today, 7)
    meter, = session.call('model.crm.meter.create', [{
                'company': company, 'kind': 'individual',
                'account': account['id'], 'service': service,
                'serial': SERIAL, 'model': 'СВК-15', 'place': 'Кухня',
                'digits': 5, 'initial_value': _decimal(100),
                'install_date': _date(start),
                'verification_date': _date(start),
                'verification_interval': 6}], context)
    # 10 m³ a month, then 45: more than 3 × 10, waits for approval
    for n, value in zip(range(6, 0, -1), [110, 120, 130, 140, 150, 195]):
        session.call('model.crm.meter.reading.create', [{
                    'meter': meter, 'value': _decimal(value),
                    'date': _date(_months_back(today, n))}], context)
    return meter


def test_meter_form_with_readings(crm_server, browser):
    """The meter's card and its readings in Russian, the spike marked
    «На согласовании», all of it on a 1366×768 screen"""
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    session = Session(base_url, database, 'admin')
    meter = _meter_with_readings(session)
    _login(driver, wait, base_url, database, 'admin')
    _viewport(driver)
    driver.execute_script('window.location.hash = arguments[0];',
        f'#{database}/model/crm.meter/{meter}')
    rows_css = ('#tabcontent .tab-pane.active .form .treeview tbody '
        'tr:not(.more-row)')

    def readings_shown(d):
        rows = [r for r in _visible(d, rows_css) if r.text.strip()]
        return rows if len(rows) >= 6 else None
    rows = wait.until(readings_shown)
    time.sleep(1)
    _shot(driver, 'billing_readings_01_meter_form.png')

    labels = [e.text.strip() for e in _visible(driver,
            '#tabcontent .tab-pane.active .form label') if e.text.strip()]
    english = [t for t in labels if LATIN.search(t)]
    assert not english, f'English labels: {english}'
    assert 'Заводской номер:' in labels or any(
        'номер' in t.lower() for t in labels), labels
    headers = [e.text.strip() for e in _visible(driver,
            '#tabcontent .tab-pane.active .form .treeview thead th')
        if e.text.strip()]
    assert all(CYRILLIC.search(h) for h in headers), headers
    texts = [r.text for r in rows]
    assert any('На согласовании' in t for t in texts), texts
    assert sum('Принято' in t for t in texts) == 5, texts
    # Nothing of the card runs off the screen sideways
    widths = driver.execute_script("""
        const form = document.querySelector(
            '#tabcontent .tab-pane.active .form');
        const scroller = form.parentElement;
        return [scroller.scrollWidth, scroller.clientWidth];""")
    assert widths[0] <= widths[1], f'sideways scrolling: {widths}'
    # the readings' dates are on screen, not scrolled away
    assert all(re.search(r'\d\d\.\d\d\.\d{4}', t) for t in texts), texts
