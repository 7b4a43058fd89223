"""The conversation with the resident in headless Chromium over the small
demo (harness: test_browser.py; screenshots in
test-output/browser/portal-office-*.png): operator1 opens an appeal, writes
a public reply in the «Переписка с жителем» tab; the resident signs in to
the portal and finds the notification of it on the notifications page at
360 px and 1280 px (axe-core: no serious or critical violation; no console
errors)."""
import time

import pytest

from .demo_server import PASSWORD, Session
from .test_browser import (  # noqa: F401 - the harness's fixtures
    OUTPUT, USER, _click_button, _console, _login, _shot, _visible, _waiter,
    browser)
from .portal_browser import axe_violations as _axe
from .test_browser_card import _viewport
from .test_browser_dispatch_card import _english, _open, _rows, _tab

pytestmark = pytest.mark.browser

PANE = '#tabcontent .tab-pane.active'
REPLY = 'Слесарь придёт завтра с 9 до 12, подготовьте доступ к стояку.'
RESIDENT = 'resident.office@example.com'


def _resident_appeal(base_url, database):
    """An appeal in work that operator1 sees, with a web user of its
    applicant made by the administrator"""
    operator = Session(base_url, database, USER)
    appeals = operator.search_read('crm.appeal', [
            ('state', '=', 'in_work'), ('applicant', '!=', None),
            ('support_line.number', '=', 1)],
        ['number', 'applicant'], limit=1)
    assert appeals, 'no appeal in work of line 1 in the demo'
    appeal, = appeals
    admin = Session(base_url, database, 'admin')
    context = admin.call('model.res.user.get_preferences', True, {})
    admin.call('model.web.user.create', [{
                'email': RESIDENT, 'password': PASSWORD,
                'email_valid': True, 'party': appeal['applicant'],
                }], context)
    return appeal


def _errors(driver, only=''):
    "The console errors since the last call (of pages whose URL has only)"
    return [e for e in driver.get_log('browser')
        if e['level'] == 'SEVERE' and only in e['message']]


def test_operator_replies_resident_is_notified(crm_server, browser):
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    appeal = _resident_appeal(base_url, database)
    try:
        _login(driver, wait, base_url, database, USER)
        _viewport(driver)
        _open(driver, wait, database, appeal)
        _tab(driver, 'Переписка с жителем')
        _shot(driver, 'portal-office-01-tab.png')
        _click_button(driver, 'Ответить жителю', scope=PANE)
        wait.until(lambda d: _visible(d, '.modal-dialog textarea'))
        text, = _visible(driver, '.modal-dialog textarea')
        text.send_keys(REPLY)
        public, = _visible(driver, '.modal-dialog input[type="checkbox"]')
        assert not public.is_selected(), 'a new message must be internal'
        public.click()
        labels = [e.text.strip() for e in _visible(driver,
                '.modal-dialog label, .modal-dialog button')
            if e.text.strip()]
        assert 'Видно жителю' in ' '.join(labels), labels
        _shot(driver, 'portal-office-02-reply.png')
        _click_button(driver, 'Отправить', scope='.modal-dialog')
        wait.until(lambda d: not _visible(d, '.modal-dialog'))
        wait.until(lambda d: any(REPLY in r for r in _rows(d, 'messages')))
        time.sleep(1)
        _shot(driver, 'portal-office-03-sent.png')
        assert not _english(driver), _english(driver)
        assert not _errors(driver)

        # The resident in the portal
        portal = f'{base_url}{database}/portal'
        # Straight to the notifications (the appeals pages are another part's)
        driver.get(f'{portal}/login?next=/notifications')
        wait.until(lambda d: _visible(d, '#login'))
        # sao's requests cut short by leaving it are not the portal's
        _errors(driver)
        _visible(driver, '#login')[0].send_keys(RESIDENT)
        _visible(driver, '#password')[0].send_keys(PASSWORD)
        _visible(driver, 'form button[type="submit"]')[-1].click()
        wait.until(lambda d: '/login' not in d.current_url)
        for width, height in [(360, 740), (1280, 800)]:
            driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
                    'width': width, 'height': height,
                    'deviceScaleFactor': 1, 'mobile': width < 500})
            driver.get(f'{portal}/notifications')
            wait.until(lambda d: _visible(d, 'h1'))
            page = driver.find_element('css selector', 'main').text
            assert f'Ответ по обращению № {appeal["number"]}' in page, page
            assert REPLY in page, page
            _shot(driver, f'portal-office-notifications-{width}.png')
            assert _axe(driver) == []
            widths = driver.execute_script(
                'return [document.documentElement.scrollWidth, '
                'document.documentElement.clientWidth]')
            assert widths[0] <= widths[1], f'sideways scrolling: {widths}'
            assert not _errors(driver, '/portal')
        link = driver.find_element('css selector', '.notification a')
        assert link.get_attribute('href').endswith(
            f'/portal/appeals/{appeal["id"]}')
    except Exception:
        _shot(driver, 'portal-office-99-failure.png')
        _console(driver)
        raise
