"""A resident's whole way through the portal in headless Chromium, on a
phone's screen: sign-up with the agreement → the validation letter read
from the loopback SMTP server → linking an account with the code of the
receipt → an appeal whose required field is first left empty → the
operator's public reply in the back office → the reply and the
notification in the portal → closing → a rating of 2 → the appeal on the
supervisor's quality-control list in sao."""
import re
import time

import pytest

from .demo_server import Session
from .portal_browser import console_errors, portal_shots
from .test_browser import (  # noqa: F401 - the harness's fixtures
    _login, _need_browser, _open_menu, _shot, _visible, _waiter, browser)

pytestmark = pytest.mark.browser

EMAIL = 'flow.resident@example.com'
PHONE_WIDTH = [(360, 1800)]
LINK = re.compile(r'https?://[^\s"<>]+/validate\?token=[0-9a-f]+')


def _validation_link(mailbox, email, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for letter in mailbox.letters:
            if email in letter['to']:
                body = letter['message'].get_body(
                    preferencelist=('plain', 'html')).get_content()
                found = LINK.search(body.replace('&amp;', '&'))
                if found:
                    return found.group(0)
        time.sleep(0.5)
    raise AssertionError(f'no validation letter to {email}: '
        f'{[l["to"] for l in mailbox.letters]}')


def _topic_with_required_field(admin):
    """A topic the administrator offers on the portal with a required
    field, made as he would in the back office (the demo's have none
    required: its operators register appeals without them)"""
    context = admin.call('model.res.user.get_preferences', True, {})
    found = admin.search_read('crm.appeal.reason', [
            ('code', '=', 'flow_meter')], ['id'])
    if found:
        return found[0]
    group, = admin.search_read('crm.appeal.reason.group', [
            ('name', '=', 'Приборы учёта')], ['id'], limit=1)
    reason_id, = admin.call('model.crm.appeal.reason.create', [{
                'group': group['id'], 'code': 'flow_meter',
                'name': 'Показания водосчётчика', 'portal': True,
                'default_hours': 24}], context)
    admin.call('model.crm.appeal.extra_field.create', [{
                'name': 'flow_meter_number', 'string': 'Номер счётчика',
                'type_': 'char', 'required': True, 'sequence': 1,
                'reasons': [('add', [reason_id])]}, {
                'name': 'flow_meter_value', 'string': 'Показание',
                'type_': 'numeric', 'required': True, 'sequence': 2,
                'reasons': [('add', [reason_id])]}], context)
    return {'id': reason_id}


def _submit(driver, form_css='main form'):
    from selenium.webdriver.common.by import By
    forms = driver.find_elements(By.CSS_SELECTOR, form_css)
    forms[-1].find_element(By.CSS_SELECTOR, 'button[type=submit]').click()


def test_resident_way_to_quality_control(crm_server, crm_mailbox, browser):
    from selenium.webdriver.common.by import By

    base_url, database = crm_server
    portal = f'{base_url}{database}/portal'
    driver = browser
    wait = _waiter(driver)
    driver.set_window_size(360, 800)
    admin = Session(base_url, database, 'admin')
    account, = admin.search_read('crm.account', [
            ('portal_code', '!=', None), ('portal_links', '=', None),
            ('premise', '!=', None)],
        ['number', 'portal_code'], limit=1)
    reason = _topic_with_required_field(admin)

    # Sign-up: the agreement must be accepted
    driver.get(portal + '/signup')
    for field, value in [('email', EMAIL), ('phone', '+7 921 555-01-02'),
            ('name', 'Лебедева Ирина Сергеевна'), ('password', 'ключ-2026-кабинет'),
            ('password2', 'ключ-2026-кабинет')]:
        driver.find_element(By.ID, field).send_keys(value)
    _submit(driver)
    wait.until(lambda d: d.find_elements(By.ID, 'agree-error'))
    portal_shots(driver, 'portal-flow', 'signup-error')
    for field in ['password', 'password2']:
        driver.find_element(By.ID, field).send_keys('ключ-2026-кабинет')
    driver.find_element(By.ID, 'agree').click()
    _submit(driver)
    wait.until(lambda d: '/signup' not in d.current_url
        or 'письмо' in d.find_element(By.TAG_NAME, 'main').text.lower())

    # The letter came to the loopback SMTP server; its link validates
    link = _validation_link(crm_mailbox, EMAIL)
    driver.get(link)
    wait.until(lambda d: '/validate' not in d.current_url
        or 'подтвержд' in d.find_element(By.TAG_NAME, 'main').text.lower())
    assert 'ошибка' not in driver.find_element(
        By.TAG_NAME, 'main').text.lower()

    # Link the account with the code of the receipt
    driver.get(portal + '/accounts')
    if '/login' in driver.current_url:
        driver.find_element(By.ID, 'login').send_keys(EMAIL)
        driver.find_element(By.ID, 'password').send_keys('ключ-2026-кабинет')
        _submit(driver)
        wait.until(lambda d: '/accounts' in d.current_url)
    code_form = driver.find_element(By.CSS_SELECTOR,
        'form[action$="/accounts/link"]')
    inputs = {i.get_attribute('name'): i for i in code_form.find_elements(
            By.CSS_SELECTOR, 'input') if i.is_displayed()}
    inputs['number'].send_keys(account['number'])
    inputs['code'].send_keys(account['portal_code'])
    code_form.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    wait.until(lambda d: account['number'] in d.find_element(
            By.TAG_NAME, 'main').text and '/accounts' in d.current_url)
    portal_shots(driver, 'portal-flow', 'accounts', PHONE_WIDTH)

    # An appeal: the required fields first left empty
    driver.get(portal + '/appeals/new/%s' % reason['id'])
    driver.find_element(By.ID, 'description').send_keys(
        'Передаю показания счётчика холодной воды')
    _submit(driver, 'main form[enctype]')
    wait.until(lambda d: d.find_elements(
        By.ID, 'field_flow_meter_value-error'))
    field = driver.find_element(By.ID, 'field_flow_meter_value')
    assert field.get_attribute('aria-invalid') == 'true'
    assert 'Показание' in driver.find_element(
        By.ID, 'field_flow_meter_value-error').text
    portal_shots(driver, 'portal-flow', 'appeal-error', PHONE_WIDTH)
    driver.find_element(By.ID, 'field_flow_meter_number').send_keys(
        '12345678')
    driver.find_element(By.ID, 'field_flow_meter_value').send_keys('123,4')
    _submit(driver, 'main form[enctype]')
    wait.until(lambda d: re.search(r'/appeals/\d+', d.current_url))
    appeal_id = int(re.search(r'/appeals/(\d+)', driver.current_url).group(1))
    number = driver.find_element(By.TAG_NAME, 'h1').text.split()[-1]

    # The operator answers publicly in the back office (the same RPC as
    # sao's «Ответить жителю»)
    supervisor = Session(base_url, database, 'supervisor')
    context = supervisor.call('model.res.user.get_preferences', True, {})
    appeal, = supervisor.search_read('crm.appeal', [('id', '=', appeal_id)],
        ['number', 'source.code'])
    assert appeal['number'] == number
    assert appeal['source.']['code'] == 'portal'
    supervisor.call('model.crm.appeal.message.create', [{
                'appeal': appeal_id, 'public': True,
                'text': 'Показания приняты, спасибо!'}], context)

    # The resident sees the reply and the notification
    driver.get(portal + '/appeals/%s' % appeal_id)
    assert 'Показания приняты, спасибо!' in driver.find_element(
        By.TAG_NAME, 'main').text
    badge = driver.find_elements(By.CSS_SELECTOR, '.portal-nav .badge')
    assert badge and int(badge[0].text) >= 1
    driver.get(portal + '/notifications')
    assert number in driver.find_element(By.TAG_NAME, 'main').text
    portal_shots(driver, 'portal-flow', 'notifications', PHONE_WIDTH)

    # Closed, then rated 2
    driver.get(portal + '/appeals/%s' % appeal_id)
    driver.find_element(By.CSS_SELECTOR,
        'form[action$="/close"] button').click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '.rate-form'))
    driver.find_element(By.ID, 'rating-2').click()
    driver.find_element(By.ID, 'comment').send_keys('Долго ждал ответа')
    driver.find_element(By.CSS_SELECTOR, '.rate-form button').click()
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, '.rate-form'))
    portal_shots(driver, 'portal-flow', 'rated', PHONE_WIDTH)
    assert not console_errors(driver), console_errors(driver)

    # The supervisor finds it on the quality-control list in sao
    driver.set_window_size(1366, 768)
    _login(driver, wait, base_url, database, 'supervisor')
    _open_menu(driver, wait, 'CRM обращений', 'Контроль качества')
    rows = '#tabcontent .tab-pane.active .treeview tbody tr:not(.more-row)'
    wait.until(lambda d: [r for r in _visible(d, rows) if number in r.text])
    _shot(driver, 'portal-flow-quality-1366.png')
