"""Sign-up with a mobile phone alone in a real browser (headless Chromium,
360 px): without an SMS gateway the form asks for an e-mail; with a gateway
(the administrator's, pointed at a fake SMS provider on loopback) the code
arrives by SMS, a wrong one is refused, the right one signs the resident
in. Screenshots: test-output/browser/portal-phone-*.png."""
import os
import urllib.parse

import pytest

from trytond.modules.crm_dispatch.tests.sms_server import SMSServer

from .demo_server import Session
from .portal_browser import console_errors, portal_shots
from .test_browser import OUTPUT, _waiter, browser  # noqa: F401

pytestmark = pytest.mark.browser

PHONE_WIDTH = [(360, 800)]
PASSWORD = 'Sadovaya-Kudrinskaya-3'


def _fill(driver, values):
    for name, value in values.items():
        field = driver.find_element('name', name)
        field.clear()
        field.send_keys(value)


def _submit(driver, wait, form_action=None):
    "Click the first submit button (of the form posting to form_action)"
    css = (f'form[action$="{form_action}"] button[type=submit]'
        if form_action else 'main form button[type=submit]')
    old = driver.find_element('tag name', 'html')
    driver.find_element('css selector', css).click()
    wait.until(lambda d: old != d.find_element('tag name', 'html'))


def _signup_form(driver, phone):
    _fill(driver, {'phone': phone, 'name': 'Смирнова Ольга Ивановна',
            'password': PASSWORD, 'password2': PASSWORD})
    agree = driver.find_elements('id', 'agree')
    if agree and not agree[0].is_selected():
        agree[0].click()


def test_phone_only_sign_up(crm_server, browser):
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    portal = f'{base_url}{database}/portal'
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in OUTPUT.glob('portal-phone-*.png'):
        old.unlink()
    phone = '+7916%07d' % (os.getpid() % 10 ** 7)
    digits = phone.lstrip('+')
    admin = Session(base_url, database, 'admin')
    context = admin.call('model.res.user.get_preferences', True, {})
    driver.set_window_size(*PHONE_WIDTH[0])

    # The demo has no gateway: phone-only sign-up says it is unavailable
    driver.get_log('browser')
    driver.get(portal + '/signup')
    text = driver.find_element('tag name', 'main').text
    assert 'Регистрация только по телефону сейчас недоступна' in text
    assert driver.find_element('id', 'email').get_attribute('required')
    _signup_form(driver, phone)
    _submit(driver, wait, '/signup')
    assert 'Регистрация только по телефону недоступна' in driver.find_element(
        'id', 'email-error').text
    portal_shots(driver, 'portal-phone', 'no-gateway', PHONE_WIDTH)

    with SMSServer() as sms:
        gateway, = admin.call('model.crm.sms.gateway.create', [{
                    'name': 'Тестовый шлюз (браузер)', 'provider': 'smsc',
                    'login': 'uk', 'password': 'psw',
                    'base_url': sms.url, 'timeout': 5}], context)
        try:
            driver.get(portal + '/signup')
            assert not driver.find_element('id', 'email').get_attribute(
                'required')
            _signup_form(driver, phone)
            portal_shots(driver, 'portal-phone', 'signup', PHONE_WIDTH)
            _submit(driver, wait, '/signup')
            assert '/phone/confirm' in driver.current_url
            assert urllib.parse.quote(phone) in driver.current_url
            assert driver.find_element('tag name', 'h1').text == (
                'Подтверждение телефона')
            code = sms.last_code(digits)
            assert code, sms.requests
            portal_shots(driver, 'portal-phone', 'confirm', PHONE_WIDTH)

            wrong = '%06d' % ((int(code) + 1) % 10 ** 6)
            _fill(driver, {'code': wrong})
            _submit(driver, wait, '/phone/confirm')
            assert 'Неверный код. Осталось попыток: 4' in driver.find_element(
                'id', 'code-error').text
            assert driver.find_element('id', 'code').get_attribute(
                'aria-invalid') == 'true'
            portal_shots(driver, 'portal-phone', 'wrong-code', PHONE_WIDTH)

            _fill(driver, {'code': code})
            _submit(driver, wait, '/phone/confirm')
            wait.until(lambda d: '/appeals' in d.current_url)
            nav = driver.find_element('css selector', 'nav').text
            assert 'Профиль' in nav
            # No banner about an e-mail the resident has not got
            assert not driver.find_elements('id', 'email-unconfirmed')
            portal_shots(driver, 'portal-phone', 'signed-in', PHONE_WIDTH)
            assert console_errors(driver) == []

            driver.get(portal + '/profile')
            assert driver.find_element('id', 'phone').get_attribute(
                'value').replace(' ', '').replace('-', '') == phone
            portal_shots(driver, 'portal-phone', 'profile', PHONE_WIDTH)
        finally:
            # Other browser tests sign up without SMS
            admin.call('model.crm.sms.gateway.delete', [gateway], context)
