"""The executor's phone pages of the portal in a real browser: executor1
signs in on a 360 px window with his back-office login, opens «Мои
заявки», takes one of his team's orders and closes it with a decision and
a photo sent to the camera's file input; the pages at 360 and 1280 px go
to test-output/browser/portal-orders-*.png, axe-core finds no serious
violation and the console no error (harness: tests/test_browser.py)."""
import io
import time

import pytest

from .demo_server import PASSWORD, Session
from .test_browser import (  # noqa: F401 - fixtures browser, _need_browser
    OUTPUT, _console, _need_browser, _shot, _visible, _waiter, browser)
from .portal_browser import axe_violations as _axe, console_errors as _errors

pytestmark = pytest.mark.browser



def _photo(path):
    "A small real JPEG, as a phone's camera gives it"
    from PIL import Image
    image = Image.new('RGB', (320, 240), (90, 140, 200))
    output = io.BytesIO()
    image.save(output, format='JPEG', quality=80)
    path.write_bytes(output.getvalue())
    return path


def _fits(driver):
    width = driver.execute_script(
        'return document.documentElement.scrollWidth;')
    inner = driver.execute_script('return window.innerWidth;')
    assert width <= inner + 1, (
        f'the page is wider ({width} px) than the window ({inner} px)')


def _full_shot(driver, name):
    "The whole page, as long as it is (the phone's user scrolls it)"
    import base64
    width, height = driver.execute_script(
        'return [document.documentElement.clientWidth,'
        ' document.documentElement.scrollHeight];')
    shot = driver.execute_cdp_cmd('Page.captureScreenshot', {
            'format': 'png', 'captureBeyondViewport': True,
            'clip': {'x': 0, 'y': 0, 'width': width, 'height': height,
                'scale': 1}})
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / name).write_bytes(base64.b64decode(shot['data']))


def _check(driver, name):
    "Screenshot, no sideways scrolling, no serious accessibility defect"
    time.sleep(0.5)
    _full_shot(driver, name)
    _fits(driver)
    violations = _axe(driver)
    assert not violations, violations


def test_executor_takes_and_closes_an_order_on_a_phone(
        crm_server, browser, tmp_path):
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    portal = f'{base_url}{database}/portal'
    session = Session(base_url, database, 'executor1')
    # One of his team's orders nobody has taken (the back office's own
    # test takes the ones assigned to him)
    waiting = session.search_read('crm.work_order', [
            ('employee', '=', None),
            ('state', 'in', ['created', 'redirected'])], ['number'])
    assert waiting, 'executor1 has no unallocated order of his team'
    order = waiting[0]
    measures = 'Перекрыт стояк, заменена прокладка'
    photo = _photo(tmp_path / 'IMG_0001.jpg')
    from selenium.webdriver.support.ui import Select
    try:
        driver.set_window_size(360, 740)
        driver.get(portal + '/login')
        wait.until(lambda d: _visible(d, '#login'))
        _check(driver, 'portal-orders-login-360.png')
        driver.find_element('id', 'login').send_keys('executor1')
        driver.find_element('id', 'password').send_keys(PASSWORD)
        driver.find_element('css selector', 'main form button').click()

        wait.until(lambda d: d.current_url.endswith('/portal/orders'))
        wait.until(lambda d: _visible(d, '.order-card'))
        cards = _visible(driver, '.order-card')
        assert any(order['number'] in c.text for c in cards), (
            order['number'], [c.text for c in cards])
        _check(driver, 'portal-orders-list-360.png')
        card, = [c for c in cards if order['number'] in c.text]
        # A thumb's target: the whole card
        assert card.size['height'] >= 48, card.size
        card.click()

        wait.until(lambda d: _visible(d, 'h1') and order['number'] in
            _visible(d, 'h1')[0].text)
        phones = _visible(driver, 'a.phone')
        assert not phones or phones[0].get_attribute(
            'href').startswith('tel:')
        _check(driver, 'portal-orders-order-360.png')
        take, = [b for b in _visible(driver, 'button')
            if b.text == 'Взять в работу']
        assert take.size['height'] >= 44, take.size
        take.click()
        wait.until(lambda d: [p for p in _visible(d, '.notice')
                if 'взята в работу' in p.text])

        # Closing without a decision is refused next to the field (the
        # browser logs the answer's 400 status, and only that)
        errors = _errors(driver)
        driver.find_element('css selector', '#close summary').click()
        driver.find_element('css selector', '#close button').click()
        wait.until(lambda d: _visible(d, '#decision-error'))
        errors += [e for e in _errors(driver)
            if 'status of 400' not in e['message']]
        _check(driver, 'portal-orders-refused-360.png')

        Select(driver.find_element('id', 'decision')).select_by_visible_text(
            'Выполнено')
        driver.find_element('id', 'measures').send_keys(measures)
        upload = driver.find_element('id', 'photos')
        assert upload.get_attribute('capture') == 'environment'
        upload.send_keys(str(photo))
        wait.until(lambda d: 'IMG_0001.jpg' in d.find_element(
                'id', 'photos-chosen').text)
        _check(driver, 'portal-orders-close-360.png')
        driver.find_element('css selector', '#close button').click()
        wait.until(lambda d: [p for p in _visible(d, '.notice')
                if 'выполнена' in p.text])
        assert order['number'] not in driver.find_element(
            'tag name', 'main').text
        _check(driver, 'portal-orders-done-360.png')

        driver.get(f"{portal}/orders/{order['id']}")
        wait.until(lambda d: _visible(d, '.photo-grid img'))
        _check(driver, 'portal-orders-done-order-360.png')

        driver.set_window_size(1280, 900)
        driver.get(portal + '/orders')
        wait.until(lambda d: _visible(d, 'h1'))
        _check(driver, 'portal-orders-list-1280.png')
        driver.get(f"{portal}/orders/{order['id']}")
        wait.until(lambda d: _visible(d, '.photo-grid img'))
        _check(driver, 'portal-orders-order-1280.png')
        errors += _errors(driver)
        assert not errors, errors
    except Exception:
        _shot(driver, 'portal-orders-99-failure.png')
        _console(driver)
        raise
    done, = session.search_read('crm.work_order', [('id', '=', order['id'])],
        ['state', 'measures', 'photos', 'decision', 'employee'])
    assert done['state'] == 'done' and done['measures'] == measures
    assert done['decision'] and done['employee']
    assert len(done['photos']) == 1
