"""Personal accounts in a real browser: a resident links two accounts in the
portal (by the code an operator issued, by the holder's surname and the
area) on a phone and on a desktop; the operator sees him on the account's
form in the web client, issues a new code and revokes his access, and the
account leaves the resident's page.  Screenshots in test-output/browser/
(portal-accounts-*.png); axe-core finds no serious or critical violation;
the browser console stays clean."""
import re
import time

import pytest

from .demo_server import PASSWORD, Session
from .test_browser import (  # noqa: F401 - fixtures browser, _need_browser
    OUTPUT, _click_button, _login, _need_browser, _shot, _visible, _waiter,
    browser)
from .portal_browser import axe_violations as _axe, console_errors as _severe

pytestmark = pytest.mark.browser

ACTIVE = '#tabcontent .tab-pane.active'


def _size(driver, width, height):
    driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
            'width': width, 'height': height, 'deviceScaleFactor': 1,
            'mobile': width < 600})


def _portal_shots(driver, name):
    "The page at 360 px and 1280 px, checked by axe-core at both"
    for width, height in [(360, 740), (1280, 900)]:
        _size(driver, width, height)
        time.sleep(0.5)
        # Nothing wider than the screen: no sideways scrolling on a phone
        assert driver.execute_script(
            'return document.documentElement.scrollWidth') <= width, name
        driver.execute_script('window.scrollTo(0, 0)')
        _shot(driver, f'portal-accounts-{name}-{width}.png')
        assert not _axe(driver), (name, width, _axe(driver))


def _submit(driver, summary, values):
    "Fill the link form under the <details> whose summary is given"
    details = [d for d in driver.find_elements('css selector', 'details')
        if summary in d.find_element('css selector', 'summary').text]
    details = details[0]
    if not details.get_attribute('open'):
        details.find_element('css selector', 'summary').click()
    for name, value in values.items():
        field = details.find_element('css selector', f'input[name="{name}"]')
        field.clear()
        field.send_keys(value)
    details.find_element('css selector', 'button[type="submit"]').click()


def _portal_login(driver, wait, portal, email):
    "Sign in to the portal and open the accounts page"
    driver.get(f'{portal}/login')
    wait.until(lambda d: _visible(d, '#login'))
    driver.find_element('id', 'login').send_keys(email)
    driver.find_element('id', 'password').send_keys(PASSWORD)
    driver.find_element('css selector', 'main button[type="submit"]').click()
    wait.until(lambda d: not d.current_url.endswith('/login'))
    # The start page is the appeals' (another part of the portal): its
    # messages are not this test's
    driver.get_log('browser')
    driver.get(f'{portal}/accounts')
    wait.until(lambda d: 'Лицевые счета' in d.find_element(
            'tag name', 'h1').text)


def test_resident_links_and_operator_revokes(crm_server, browser):
    try:
        _scenario(crm_server, browser)
    except Exception:
        _shot(browser, 'portal-accounts-failure.png')
        (OUTPUT / 'portal-accounts-failure.html').write_text(
            browser.page_source, encoding='utf-8')
        raise


def _scenario(crm_server, browser):
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    admin = Session(base_url, database, 'admin')
    context = admin.call('model.res.user.get_preferences', True, {})
    first, second = admin.search_read('crm.account', [
            ('holder', '!=', None), ('premise.area', '!=', None),
            ('active', '=', True), ('portal_links', '=', None)],
        ['number', 'holder.name', 'premise.area'], limit=2)
    admin.call('model.crm.account.issue_portal_code', [first['id']], context)
    code, = admin.search_read('crm.account', [('id', '=', first['id'])],
        ['portal_code'])
    code = code['portal_code']
    email = f'accounts{int(time.time())}@example.com'
    admin.call('model.web.user.create', [{'email': email,
                'password': PASSWORD, 'email_valid': True}], context)

    portal = f'{base_url}{database}/portal'
    _portal_login(driver, wait, portal, email)
    _portal_shots(driver, 'empty')

    # A wrong code: the one error, next to the form, the focusable alert
    _size(driver, 360, 740)
    _submit(driver, 'По коду', {'number': first['number'], 'code': '00000000'})
    wait.until(lambda d: _visible(d, '#link-error'))
    assert 'Не удалось привязать' in driver.find_element(
        'id', 'link-error').text
    _portal_shots(driver, 'error')

    _submit(driver, 'По коду', {'number': first['number'], 'code': code})
    wait.until(lambda d: 'Лицевой счёт привязан' in d.page_source)
    surname = second['holder.']['name'].split()[0].upper().replace('Ё', 'Е')
    area = second['premise.']['area']  # JSON-RPC: {'decimal': '95.7'}
    area = area['decimal'].replace('.', ',')
    _submit(driver, 'По фамилии', {'number': second['number'],
            'surname': surname, 'area': area})
    wait.until(lambda d: len(d.find_elements(
                'css selector', '.account-card')) == 2)
    text = driver.find_element('tag name', 'main').text
    assert f"№ {first['number']}" in text and f"№ {second['number']}" in text
    _portal_shots(driver, 'list')

    # The confirmation of unlinking
    driver.find_element('partial link text',
        f"Отвязать счёт № {second['number']}").click()
    wait.until(lambda d: 'Отвязать лицевой счёт' in d.find_element(
            'tag name', 'h1').text)
    _portal_shots(driver, 'unlink')
    driver.find_element('css selector', 'main button[type="submit"]').click()
    wait.until(lambda d: 'отвязан' in d.page_source)
    assert len(driver.find_elements('css selector', '.account-card')) == 1
    assert not _severe(driver), _severe(driver)

    # The back office: the account's form at 1366×768, the new tab
    driver.delete_all_cookies()
    _login(driver, wait, base_url, database, 'admin')
    _size(driver, 1366, 768)
    driver.execute_script('window.location.hash = arguments[0];',
        f"#{database}/model/crm.account/{first['id']}")
    tab = f'{ACTIVE} .nav-tabs a'
    wait.until(lambda d: [a for a in _visible(d, tab)
            if 'Жители в личном кабинете' in a.text])
    [a for a in _visible(driver, tab)
        if 'Жители в личном кабинете' in a.text][0].click()
    wait.until(lambda d: [r for r in _visible(d, f'{ACTIVE} .treeview tr')
            if email in r.text])
    time.sleep(1)
    _shot(driver, 'portal-accounts-backoffice-1366.png')

    def shown_code(driver):
        values = [i.get_attribute('value') for i in _visible(
                driver, f'{ACTIVE} .form input') if re.fullmatch(
                r'\d{8}', i.get_attribute('value') or '')]
        return values[0] if values else None
    assert shown_code(driver) == code
    _click_button(driver, 'Выдать код для кабинета')
    wait.until(lambda d: shown_code(d) not in (None, code))
    new_code = shown_code(driver)

    # sao runs a row's button once the row is the current record
    [r for r in _visible(driver, f'{ACTIVE} .treeview tbody tr')
        if email in r.text][0].find_elements('css selector', 'td')[2].click()
    time.sleep(1)
    _click_button(driver, 'Отозвать доступ')
    _click_button(driver, 'ОК', scope='.modal-dialog .modal-footer')
    wait.until(lambda d: not [r for r in _visible(
                d, f'{ACTIVE} .treeview tbody tr')
            if email in r.text and _visible(r, 'button')])
    time.sleep(1)
    _shot(driver, 'portal-accounts-backoffice-revoked-1366.png')
    links = admin.search_read('crm.portal.account.link', [
            ('account', '=', first['id']), ('web_user.email', '=', email),
            ('active', 'in', [True, False])],
        ['active', 'revoked_by', 'revoked_date'])
    assert [l['active'] for l in links] == [False]
    assert links[0]['revoked_by'] == admin.user_id
    assert admin.search_read('crm.account', [('id', '=', first['id'])],
        ['portal_code'])[0]['portal_code'] == new_code
    assert not _severe(driver), _severe(driver)

    # The resident lost the account at once
    driver.delete_all_cookies()
    _portal_login(driver, wait, portal, email)
    assert not driver.find_elements('css selector', '.account-card')
