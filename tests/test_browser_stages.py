"""Stages in the web client: the administrator's stage editor (list and
form) and an operator's «Сменить этап» on an appeal in work, which stops
the deadline clock on a waiting stage.  Screenshots go to
test-output/browser/stages_*.png."""
import time

import pytest

from .demo_server import Session
from .test_browser import (
    _click_button, _console, _login, _need_browser, _shot, _visible,
    _waiter, browser)
from .test_browser_routing import ACTIVE, _open, _texts

__all__ = ['browser', '_need_browser']

pytestmark = pytest.mark.browser
WAITING = 'Ожидает ответа жителя'


def test_admin_edits_stages(crm_server, browser):
    "The default stages of an organisation, in Russian, and their form"
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    try:
        _login(driver, wait, base_url, database, 'admin')
        _open(driver, wait, database, 'model/crm.stage',
            f'{ACTIVE} .treeview tbody tr td[headers]')
        headers = _texts(driver, f'{ACTIVE} .treeview thead th')
        cells = _texts(driver, f'{ACTIVE} .treeview tbody td')
        _shot(driver, 'stages_list.png')
        assert {'Название', 'Название для жителя', 'Вид',
            'Останавливает отсчёт срока'} <= set(headers), headers
        assert {'Новое', WAITING, 'Ждём вашего ответа', 'Выполнено'} <= set(
            cells), cells

        stage, = Session(base_url, database, 'admin').search_read(
            'crm.stage', [('name', '=', WAITING)], ['id'], limit=1)
        _open(driver, wait, database, f'model/crm.stage/{stage["id"]}',
            f'{ACTIVE} .form label')
        labels = _texts(driver, f'{ACTIVE} .form label')
        _shot(driver, 'stages_form.png')
        assert {'Название для жителя:', 'Останавливает отсчёт срока:',
            'Житель может закрыть:'} <= set(labels), labels
        # The allowed moves are listed by name
        page = driver.find_element('css selector', ACTIVE).text
        assert 'Разрешённые следующие этапы' in page, page
        assert 'В работе' in page, page
    except Exception:
        _shot(driver, 'stages_99_failure.png')
        _console(driver)
        raise


def test_operator_moves_an_appeal_to_a_waiting_stage(crm_server, browser):
    """«Сменить этап» offers the allowed stages; the waiting one stops the
    clock: the card says so and the move is in the event log"""
    from selenium.webdriver.support.ui import Select

    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    operator = Session(base_url, database, 'operator1')
    context = operator.call('model.res.user.get_preferences', True, {})
    company = operator.search_read('res.user', [
            ('id', '=', operator.user_id)], ['company'])[0]['company']
    reason, = operator.search_read('crm.appeal.reason', [
            ('code', '=', 'bill_payment_missing')], ['id'], limit=1)
    source, = operator.search_read('crm.appeal.source', [
            ('code', '=', 'phone')], ['id'], limit=1)
    appeal_id, = operator.call('model.crm.appeal.create', [{
                'company': company, 'source': source['id'],
                'reason': reason['id'],
                'description': 'Оплата не видна, ждём копию чека'}],
        context)
    operator.call('model.crm.appeal.take', [appeal_id], context)
    try:
        _login(driver, wait, base_url, database, 'operator1')
        _open(driver, wait, database, f'model/crm.appeal/{appeal_id}',
            f'{ACTIVE} .form label')
        _click_button(driver, 'Сменить этап')
        wait.until(lambda d: _visible(d, '.modal-dialog select'))
        time.sleep(1)
        select = Select(_visible(driver, '.modal-dialog select')[0])
        offered = [o.text for o in select.options if o.text]
        assert WAITING in offered, offered
        assert 'Новое' not in offered, offered
        select.select_by_visible_text(WAITING)
        _shot(driver, 'stages_change_wizard.png')
        _click_button(driver, 'Сменить', scope='.modal-dialog .modal-footer')
        wait.until(lambda d: not _visible(d, '.modal-dialog select'))
        time.sleep(2)
        _shot(driver, 'stages_moved.png')
        appeal, = operator.search_read('crm.appeal', [
                ('id', '=', appeal_id)], ['stage.name', 'time_left',
                'clock_stopped'])
        assert appeal['stage.']['name'] == WAITING, appeal
        assert appeal['clock_stopped'], appeal
        assert appeal['time_left'].endswith('(пауза)'), appeal
        # The card shows the new stage and the stopped clock
        values = driver.execute_script("""
            return Array.from(document.querySelectorAll(
                    arguments[0] + ' .form input'))
                .map(e => e.value);""", ACTIVE)
        assert WAITING in values, values
        assert any(v.endswith('(пауза)') for v in values), values
    except Exception:
        _shot(driver, 'stages_99_failure.png')
        _console(driver)
        raise
