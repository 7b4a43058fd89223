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
