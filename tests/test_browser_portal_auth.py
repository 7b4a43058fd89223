"""The portal's account pages in a real browser (headless Chromium): sign-up
with the agreement published by the administrator, the profile, signing out
and in, on a phone (360 px) and a desktop (1280 px) window; every page passes
axe-core without serious or critical violations and logs no console error.
Screenshots: test-output/browser/portal-auth-*.png."""
import datetime as dt
import os
import time

import pytest

from .demo_server import Session
from .test_browser import OUTPUT, _shot, _waiter, browser  # noqa: F401
from .portal_browser import axe_violations as _axe, console_errors as _console_errors

pytestmark = pytest.mark.browser

SIZES = {'360': (360, 800), '1280': (1280, 900)}
PASSWORD = 'Lesnaya-Ulitsa-15'


def _page(driver, wait, url, name):
    """Open url (None: stay), check and photograph it at both sizes"""
    if url:
        driver.get_log('browser')  # what came before is not this page's
        driver.get(url)
    wait.until(lambda d: d.execute_script(
            'return document.readyState') == 'complete')
    for size, (width, height) in SIZES.items():
        driver.set_window_size(width, height)
        time.sleep(0.3)
        # The whole page on the picture, not only what the window shows
        full = driver.execute_script(
            'return document.documentElement.scrollHeight')
        driver.set_window_size(width, max(height, full + 140))
        time.sleep(0.3)
        # No sideways scrolling on a phone
        assert driver.execute_script(
            'return document.documentElement.scrollWidth') <= width + 1, (
            f'{name} is wider than {width} px')
        _shot(driver, f'portal-auth-{name}-{size}.png')
    driver.set_window_size(width, height)
    assert _axe(driver) == [], name
    assert _console_errors(driver) == [], name


def _fill(driver, values):
    for name, value in values.items():
        field = driver.find_element('name', name)
        if field.get_attribute('type') == 'checkbox':
            if bool(value) != field.is_selected():
                field.click()
        else:
            field.clear()
            field.send_keys(value)


def test_resident_signs_up_edits_profile_signs_in(crm_server, browser):
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    portal = f'{base_url}{database}/portal'
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in OUTPUT.glob('portal-auth-*.png'):
        old.unlink()
    # The administrator publishes an agreement: sign-up asks to accept it
    admin = Session(base_url, database, 'admin')
    context = admin.call('model.res.user.get_preferences', True, {})
    admin.call('model.crm.portal.agreement.create', [{
                'version': 'браузер-1',
                'title': 'Пользовательское соглашение',
                'text': 'Условия пользования личным кабинетом и согласие '
                'на обработку персональных данных (152-ФЗ).',
                'date': {'__class__': 'date', 'year': dt.date.today().year,
                    'month': dt.date.today().month,
                    'day': dt.date.today().day},
                }], context)
    email = f'browser{os.getpid()}@example.com'
    driver.set_window_size(*SIZES['360'])
    try:
        _page(driver, wait, f'{portal}/signup', 'signup')
        assert driver.find_element('id', 'agree')

        # A mistake: errors next to the fields, in Russian
        _fill(driver, {'email': email, 'name': 'Кузнецова Анна Сергеевна',
                'phone': '8 926 100-20-30', 'password': PASSWORD,
                'password2': PASSWORD + '!'})
        driver.find_element('css selector', 'form button[type=submit]').click()
        wait.until(lambda d: d.find_elements('id', 'password-error'))
        assert 'Пароли не совпадают' in driver.find_element(
            'id', 'password-error').text
        assert driver.find_elements('id', 'agree-error')
        driver.get_log('browser')  # the 400 answer itself is expected
        _page(driver, wait, None, 'signup-errors')

        _fill(driver, {'password': PASSWORD, 'password2': PASSWORD,
                'agree': True})
        driver.find_element('css selector', 'form button[type=submit]').click()
        wait.until(lambda d: '/signup' not in d.current_url)

        _page(driver, wait, f'{portal}/profile', 'profile')
        assert 'Подтвердите e-mail' in driver.find_element(
            'id', 'email-unconfirmed').text
        assert driver.find_element('id', 'name').get_attribute(
            'value') == 'Кузнецова Анна Сергеевна'
        _fill(driver, {'name': 'Кузнецова Анна', 'notify_email': False})
        driver.find_element('css selector',
            'input[value=profile] ~ button[type=submit]').click()
        wait.until(lambda d: d.find_elements('css selector', '.notice'))
        assert 'Изменения сохранены' in driver.find_element(
            'css selector', '.notice[role=status]').text
        _page(driver, wait, None, 'profile-saved')

        driver.find_element('css selector', 'button.link').click()  # Выйти
        wait.until(lambda d: '/login' in d.current_url)
        _page(driver, wait, None, 'login')
        _fill(driver, {'login': '+7 926 100 20 30', 'password': PASSWORD})
        driver.find_element('css selector', 'form button[type=submit]').click()
        wait.until(lambda d: '/login' not in d.current_url)
        driver.get(f'{portal}/profile')
        assert driver.find_element('id', 'name').get_attribute(
            'value') == 'Кузнецова Анна'
        assert not driver.find_element('id', 'notify_email').is_selected()

        driver.find_element('css selector', 'button.link').click()
        wait.until(lambda d: '/login' in d.current_url)
        _page(driver, wait, f'{portal}/reset', 'reset')
        _page(driver, wait, f'{portal}/agreement', 'agreement')
    except Exception:
        _shot(driver, 'portal-auth-99-failure.png')
        raise
