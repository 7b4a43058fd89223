"""The administrator's extra fields on the appeal form at 1366×768, in
headless Chromium over the small demo (harness: test_browser.py;
screenshot test-output/browser/extra_01_appeal_fields.png)."""
import time

import pytest

from .demo_server import Session
from .test_browser import (  # noqa: F401 - the harness's fixtures
    USER, _login, _shot, _waiter, browser)
from .test_browser_card import (
    _WIDGETS_JS, CARD_FIELDS, HEIGHT, WIDTH, _on_screen, _viewport)

pytestmark = pytest.mark.browser


def _register_reading(session):
    "operator1 registers a meter reading with its extra field (line 1)"
    context = session.call('model.res.user.get_preferences', True, {})
    reason, = session.search_read('crm.appeal.reason', [
            ('code', '=', 'meter_readings')], ['id', 'group'])
    line, = session.search_read('crm.support_line', [
            ('number', '=', 1)], ['id'], limit=1)
    session.call('model.crm.appeal.create', [{
                'reason': reason['id'], 'reason_group': reason['group'],
                'support_line': line['id'],
                'description': 'Передаю показания счётчика',
                'extra_fields': {'meter_number': '12345678'},
                }], context)


def test_extra_fields_on_form(crm_server, browser):
    """An appeal of a reason with extra fields shows exactly those fields,
    labelled in Russian and in the administrator's order, under the
    question; the card's fields stay above the fold"""
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    session = Session(base_url, database, USER)
    domain = [
        ('state', 'in', ['draft', 'in_work']),
        ('extra_summary', '!=', None),
        ('support_line.number', '=', 1),
        ]
    fields = ['number', 'reason', 'extra_summary']
    appeals = session.search_read('crm.appeal', domain, fields, limit=1)
    if not appeals:
        # Tests sharing the server may have closed the demo's ones (which
        # ones depends on the database's order of rows)
        _register_reading(session)
        appeals = session.search_read('crm.appeal', domain, fields, limit=1)
    assert appeals, 'no open appeal with extra fields'
    appeal, = appeals
    context = session.call('model.res.user.get_preferences', True, {})
    definition = session.call('model.crm.appeal.reason.form_definition',
        appeal['reason'], context)
    labels = [d['label'] for d in definition]
    assert labels
    _login(driver, wait, base_url, database, USER)
    _viewport(driver)
    driver.execute_script('window.location.hash = arguments[0];',
        f'#{database}/model/crm.appeal/{appeal["id"]}')

    def shown(d):
        boxes = d.execute_script(_WIDGETS_JS, ['extra_fields']) or {}
        text = boxes.get('extra_fields', {}).get('text', '')
        return all(label in text for label in labels) and boxes
    boxes = wait.until(shown)
    time.sleep(1)
    _shot(driver, 'extra_01_appeal_fields.png')
    text = boxes['extra_fields']['text']
    # In the administrator's order, and no other reason's field
    positions = [text.index(label) for label in labels]
    assert positions == sorted(positions), text
    assert 'Номер счётчика' not in text or 'Номер счётчика' in labels
    assert _on_screen(boxes['extra_fields']), boxes
    card = driver.execute_script(_WIDGETS_JS, CARD_FIELDS)
    hidden = {n: b for n, b in card.items() if not _on_screen(b)}
    assert not hidden, f'not on screen at {WIDTH}×{HEIGHT}: {hidden}'



_MODIFIED_JS = '''
const screen = Sao.Tab.tabs.get_current().screen;
// What sao does before it prints, follows a link or closes the tab
screen.current_view.set_value();
return screen.modified();
'''


def _open_unfilled(crm_server, driver, login, line_number, code, label):
    """login registers an appeal of reason code on his line, its extra
    fields left empty, and opens it; the form once label is shown"""
    base_url, database = crm_server
    wait = _waiter(driver)
    session = Session(base_url, database, login)
    context = session.call('model.res.user.get_preferences', True, {})
    line, = session.search_read('crm.support_line', [
            ('number', '=', line_number)], ['id'], limit=1)
    reason, = session.search_read('crm.appeal.reason', [
            ('code', '=', code)], ['id', 'group'])
    appeal_id, = session.call('model.crm.appeal.create', [{
                'reason': reason['id'], 'reason_group': reason['group'],
                'support_line': line['id'],
                'description': 'Поля причины не заполнены',
                }], context)
    _login(driver, wait, base_url, database, login)
    _viewport(driver)
    driver.execute_script('window.location.hash = arguments[0];',
        f'#{database}/model/crm.appeal/{appeal_id}')
    wait.until(lambda d: label in (d.execute_script(
                _WIDGETS_JS, ['extra_fields']) or {}).get(
            'extra_fields', {}).get('text', ''))
    time.sleep(1)


def test_empty_text_field_leaves_the_appeal_unchanged(crm_server, browser):
    """An appeal whose reason's text field is empty is not changed by
    opening it (printing a blank from it asked «Запись была изменена,
    сохранить её?»); typing into that field does change it"""
    _open_unfilled(crm_server, browser, USER, 1, 'meter_readings',
        'Номер счётчика')
    assert browser.execute_script(_MODIFIED_JS) is False
    entry = browser.find_element('css selector',
        '#tabcontent .tab-pane.active .form-dict input[name="meter_number"]')
    browser.execute_script('arguments[0].focus();', entry)
    entry.send_keys('12345678')
    assert browser.execute_script(_MODIFIED_JS) is True


def test_unticked_yes_no_field_leaves_the_appeal_unchanged(
        crm_server, browser):
    "The same of an emergency appeal's unticked yes/no field (line 2)"
    _open_unfilled(crm_server, browser, 'operator2', 2, 'leak',
        'Есть доступ в квартиру')
    assert browser.execute_script(_MODIFIED_JS) is False
    box = browser.find_element('css selector',
        '#tabcontent .tab-pane.active .form-dict input[name="flat_access"]')
    box.click()
    assert browser.execute_script(_MODIFIED_JS) is True
