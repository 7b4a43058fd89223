"""The executor's day in a real browser: executor1 logs in, opens «Мои
заявки» from the menu, takes an order and closes it with a decision,
measures and a photo; then the same on a phone-sized window (360 px), as
a plumber on site sees it.  Screenshots go to test-output/browser/
(harness: tests/test_browser.py)."""
import base64
import datetime as dt
import time

import pytest

from .demo_server import Session
from .test_browser import (  # noqa: F401 - fixtures browser, _need_browser
    OUTPUT, _click_button, _console, _login, _need_browser, _open_menu,
    _shot, _type_into, _visible, _waiter, _wait_form_state, browser)

pytestmark = pytest.mark.browser

ACTIVE = '#tabcontent .tab-pane.active'
# A 2×2 PNG: the photo of the result
PHOTO = base64.b64decode(
    'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGNgYGD4z8Dw'
    'n4GBgYGBgQEAHgAD/2cN5E8AAAAASUVORK5CYII=')


def _my_waiting_orders(session):
    "executor1's orders assigned to him and not yet taken, oldest first"
    user, = session.search_read('res.user', [('id', '=', session.user_id)],
        ['employees'])
    return session.search_read('crm.work_order', [
            ('employee', 'in', user['employees']),
            ('state', 'in', ['created', 'redirected'])],
        ['number', 'state'])


def _take_and_close(driver, wait, number, measures, prefix):
    "On the open form of the order: take it, then close it with a photo"
    wait.until(lambda d: [e for e in _visible(d, f'{ACTIVE} .form button')
            if 'РАБОТУ' in e.text.upper()])
    time.sleep(1)
    _shot(driver, f'{prefix}_1_order.png')
    _click_button(driver, 'Взять в работу')
    _wait_form_state(driver, wait, 'В работе')
    _shot(driver, f'{prefix}_2_taken.png')
    # The dispatcher's buttons are not his
    shown = [b.text.upper() for b in _visible(driver, f'{ACTIVE} .form button')]
    assert not [t for t in shown if 'ОТМЕНИТЬ ЗАЯВКУ' in t
        or 'НАЗНАЧИТЬ' in t], shown

    _click_button(driver, 'Выполнено')
    wait.until(lambda d: _visible(d, '.modal-dialog select'))
    time.sleep(1)
    decision, = _visible(driver, '.modal-dialog select')
    from selenium.webdriver.support.ui import Select
    Select(decision).select_by_visible_text('Выполнено')
    _type_into(driver, '.modal-dialog textarea', measures)
    photo = OUTPUT / f'{prefix}_photo.png'
    photo.write_bytes(PHOTO)
    upload = driver.find_element(
        'css selector', '.modal-dialog input[type="file"]')
    upload.send_keys(str(photo))
    time.sleep(1)
    _shot(driver, f'{prefix}_3_done_wizard.png')
    _click_button(driver, 'Выполнено', scope='.modal-dialog .modal-footer')
    _wait_form_state(driver, wait, 'Выполнена')
    time.sleep(1)
    _shot(driver, f'{prefix}_4_done.png')


def test_executor_closes_an_order_with_a_photo(crm_server, browser):
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    session = Session(base_url, database, 'executor1')
    waiting = _my_waiting_orders(session)
    assert len(waiting) >= 2, 'executor1 has too few orders to take'
    number = waiting[0]['number']
    measures = 'Заменён смеситель, течь устранена'
    try:
        driver.set_window_size(1366, 768)
        _login(driver, wait, base_url, database, 'executor1')
        _open_menu(driver, wait, 'CRM обращений', 'Заявки', 'Мои заявки',
            double=True)
        rows = f'{ACTIVE} .treeview tbody tr:not(.more-row)'
        wait.until(lambda d: [r for r in _visible(d, rows)
                if number in r.text])
        time.sleep(1)
        _shot(driver, 'orders_1_mine.png')
        tabs = [t.text for t in _visible(driver, f'{ACTIVE} .nav-tabs li')]
        assert any('К выполнению' in t for t in tabs), tabs
        from selenium.webdriver.common.action_chains import ActionChains
        row, = [r for r in _visible(driver, rows) if number in r.text]
        ActionChains(driver).double_click(
            row.find_elements('css selector', 'td[headers]')[0]).perform()
        _take_and_close(driver, wait, number, measures, 'orders_desk')
    except Exception:
        _shot(driver, 'orders_99_failure.png')
        _console(driver)
        raise
    order, = session.search_read('crm.work_order',
        [('number', '=', number)], ['state', 'decision', 'measures',
            'photos'])
    assert order['state'] == 'done'
    assert order['decision'] and order['measures'] == measures
    assert len(order['photos']) == 1


def test_executor_on_a_phone(crm_server, browser):
    "The same at 360 px: the order's form and the done dialog fit"
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    session = Session(base_url, database, 'executor1')
    waiting = _my_waiting_orders(session)
    assert waiting, 'executor1 has no order left to take'
    order = waiting[-1]
    measures = 'Прочищен стояк'
    try:
        driver.set_window_size(1366, 768)
        _login(driver, wait, base_url, database, 'executor1')
        driver.set_window_size(360, 740)
        driver.execute_script('window.location.hash = arguments[0];',
            f'#{database}/model/crm.work_order/{order["id"]}')
        _take_and_close(driver, wait, order['number'], measures,
            'orders_phone')
        width = driver.execute_script(
            'return document.documentElement.scrollWidth;')
        inner = driver.execute_script('return window.innerWidth;')
        assert width <= inner + 1, (
            f'the page is wider ({width} px) than the phone ({inner} px)')
    except Exception:
        _shot(driver, 'orders_99_failure_phone.png')
        _console(driver)
        raise
    done, = session.search_read('crm.work_order',
        [('id', '=', order['id'])], ['state', 'measures', 'photos'])
    assert done['state'] == 'done' and done['measures'] == measures
    assert len(done['photos']) == 1


def test_dispatcher_sees_queue_calendar_and_the_appeals_orders(
        crm_server, browser):
    """The dispatcher's side (operator2, the emergency line): the
    unallocated queue, the calendar of planned orders and the page
    «Заявки» of an appeal"""
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    session = Session(base_url, database, 'operator2')
    orders = session.search_read('crm.work_order',
        [('appeal', '!=', None), ('state', '=', 'in_progress')],
        ['appeal', 'number'], limit=1)
    assert orders, 'operator2 sees no order in progress'
    # The orders the calendar's week (Monday to Monday, UTC) should show
    monday = dt.datetime.combine(
        dt.date.today() - dt.timedelta(days=dt.date.today().weekday()),
        dt.time())
    week = [{'__class__': 'datetime', 'year': d.year, 'month': d.month,
            'day': d.day, 'hour': 0, 'minute': 0, 'second': 0,
            'microsecond': 0}
        for d in [monday, monday + dt.timedelta(days=7)]]
    this_week = session.search_read('crm.work_order', [
            ('state', 'in', ['created', 'in_progress']),
            ('planned_start', '>=', week[0]),
            ('planned_start', '<', week[1])], ['planned_start'])
    try:
        driver.set_window_size(1366, 768)
        _login(driver, wait, base_url, database, 'operator2')
        _open_menu(driver, wait, 'CRM обращений', 'Заявки',
            'Очередь заявок', double=True)
        wait.until(lambda d: [t for t in _visible(d, f'{ACTIVE} .nav-tabs li')
                if 'Нераспределённые' in t.text])
        time.sleep(1)
        _shot(driver, 'orders_dispatch_1_queue.png')

        _open_menu(driver, wait, 'CRM обращений', 'Заявки',
            'Календарь заявок', double=True)
        wait.until(lambda d: _visible(d, f'{ACTIVE} .fc-view'))
        time.sleep(1)
        _shot(driver, 'orders_dispatch_2_calendar.png')
        if this_week:
            # Drawn, whether scrolled into view or not
            wait.until(lambda d: d.find_elements(
                    'css selector', f'{ACTIVE} .fc-event'))
        # Planned within the working day (Moscow, 09–17), not at night
        hours = {o['planned_start']['hour'] for o in this_week}
        assert hours <= set(range(5, 15)), hours

        driver.execute_script('window.location.hash = arguments[0];',
            f'#{database}/model/crm.appeal/{orders[0]["appeal"]}')
        wait.until(lambda d: [t for t in _visible(d, f'{ACTIVE} .nav-tabs a')
                if t.text.strip() == 'Заявки'])
        tab, = [t for t in _visible(driver, f'{ACTIVE} .nav-tabs a')
            if t.text.strip() == 'Заявки']
        # The notebook is below the fold: bring it into view, open the page
        driver.execute_script('arguments[0].scrollIntoView();', tab)
        tab.click()
        wait.until(lambda d: d.execute_script("""
            return Array.from(document.querySelectorAll(arguments[0]))
                .some(r => r.textContent.includes(arguments[1]));""",
                f'{ACTIVE} .treeview tbody tr', orders[0]['number']))
        time.sleep(1)
        _shot(driver, 'orders_dispatch_3_appeal_page.png')
        labels = driver.execute_script("""
            return Array.from(document.querySelectorAll(arguments[0]))
                .map(l => l.innerText);""", f'{ACTIVE} label')
        assert any('Работы выполнены' in t for t in labels), labels
        _click_button(driver, 'Создать заявку')
        wait.until(lambda d: _visible(d, '.modal-dialog textarea'))
        time.sleep(1)
        _shot(driver, 'orders_dispatch_4_create.png')
        _click_button(driver, 'Отмена', scope='.modal-dialog .modal-footer')
    except Exception:
        _shot(driver, 'orders_99_failure_dispatch.png')
        _console(driver)
        raise
