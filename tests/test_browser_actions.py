"""The actions that take appeals out of a user's sight, in a real browser:
operator1 transfers an appeal of his line to line 2 and lands back on the
list with the result in Russian, never on an access error and an empty
form; the supervisor closes selected appeals from the list's named action
and reads which were closed and which skipped.  Screenshots go to
test-output/browser/ (harness: tests/test_browser.py)."""
import time

import pytest

from .demo_server import ROOT, SAO, Session
from .test_browser import (  # noqa: F401 - fixtures browser, _need_browser
    _click_button, _console, _login, _need_browser, _shot, _type_into,
    _visible, _waiter, browser)

pytestmark = pytest.mark.browser

ACTIVE = '#tabcontent .tab-pane.active'
ROWS = f'{ACTIVE} .treeview tbody tr:not(.more-row)'
LINE2 = '2. Аварийно-диспетчерская служба'


@pytest.fixture(scope='module', autouse=True)
def _sao_additions(_need_browser):
    "The web client serves our custom.js (make web copies it)"
    served = SAO / 'custom.js'
    assert served.is_file() and served.read_bytes() == (
        ROOT / 'web' / 'custom.js').read_bytes(), (
        f'{served} is not web/custom.js: run make web')


def _errors(driver):
    "Texts of the dialogs sao shows for errors and warnings"
    return [e.text for e in _visible(driver,
            '.modal-dialog .alert-danger, .modal-dialog .alert-warning, '
            '.modal-dialog .alert-error')]


def _dialog_text(driver):
    "The result the wizard's last form shows (a read-only text)"
    return driver.execute_script("""
        const areas = Array.from(document.querySelectorAll(
                '.modal-dialog textarea')).filter(a => a.offsetParent);
        return areas.length ? areas[areas.length - 1].value : null;""")


def _wait_list(driver, wait):
    "The active tab shows its list (and no form)"
    wait.until(lambda d: _visible(d, f'{ACTIVE} .treeview tbody')
        and not _visible(d, f'{ACTIVE} .form'))
    time.sleep(1)


def _row_numbers(driver):
    return driver.execute_script("""
        return Array.from(document.querySelectorAll(arguments[0]))
            .map(r => r.innerText);""", ROWS)


def _pick(driver, css, text):
    "Type into the many-to-one css and choose the completion starting text"
    wait = _waiter(driver)
    field = _visible(driver, css)[0]
    field.clear()
    field.send_keys(text.split('. ', 1)[1][:5])

    def choose(driver):
        for item in _visible(driver, '.dropdown-menu li a'):
            if item.text.startswith(text[:2]):
                item.click()
                return True
        return False
    wait.until(choose)
    wait.until(lambda d: _visible(d, css)[0].get_attribute('value') == text)


def test_operator_transfers_and_lands_on_the_list(crm_server, browser):
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    operator = Session(base_url, database, 'operator1')
    appeals = operator.search_read('crm.appeal', [
            ('state', '=', 'in_work'), ('support_line.number', '=', 1)],
        ['number'], limit=1)
    assert appeals, 'no appeal of line 1 in work in the demo data'
    appeal = appeals[0]
    # The demo may have transferred it before: only the new event counts
    earlier = {e['id'] for e in operator.search_read('crm.appeal.event',
            [('appeal', '=', appeal['id']), ('kind', '=', 'transferred')],
            ['id'])}
    try:
        _login(driver, wait, base_url, database, 'operator1')
        driver.execute_script('window.location.hash = arguments[0];',
            f'#{database}/model/crm.appeal')
        wait.until(lambda d: any(
                appeal['number'] in r for r in _row_numbers(d)))
        row, = [r for r in _visible(driver, ROWS)
            if appeal['number'] in r.text]
        from selenium.webdriver.common.action_chains import ActionChains
        ActionChains(driver).double_click(row).perform()
        wait.until(lambda d: [b for b in _visible(d, f'{ACTIVE} .form button')
                if 'ПЕРЕДАТЬ' in b.text.upper()])
        time.sleep(1)

        _click_button(driver, 'Передать')
        wait.until(lambda d: _visible(d, '.modal-dialog input'))
        time.sleep(1)
        _pick(driver, '.modal-dialog .form-many2one input', LINE2)
        _type_into(driver, '.modal-dialog textarea', 'Авария, не наша линия')
        _shot(driver, 'actions_01_transfer_wizard.png')
        _click_button(driver, 'Передать', scope='.modal-dialog .modal-footer')

        # The result in Russian, not an access error
        wait.until(lambda d: (_dialog_text(d) or '').startswith('Обращение')
            or _errors(d))
        message = _dialog_text(driver)
        _shot(driver, 'actions_02_transferred.png')
        assert not _errors(driver), _errors(driver)
        assert message == (f'Обращение {appeal["number"]} передано на линию '
            f'«{LINE2}».'), message
        _click_button(driver, 'ОК', scope='.modal-dialog .modal-footer')

        # Back on the list, which no longer shows the appeal
        _wait_list(driver, wait)
        _shot(driver, 'actions_03_back_on_the_list.png')
        assert not _visible(driver, '.modal-dialog'), _errors(driver)
        numbers = _row_numbers(driver)
        assert numbers, 'the list is empty'
        assert not [n for n in numbers if appeal['number'] in n]
    except Exception:
        _shot(driver, '99_failure_actions.png')
        _console(driver)
        raise
    supervisor = Session(base_url, database, 'supervisor')
    moved, = supervisor.search_read('crm.appeal',
        [('id', '=', appeal['id'])], ['support_line.number', 'state'])
    assert moved['support_line.']['number'] == 2
    events = supervisor.search_read('crm.appeal.event',
        [('appeal', '=', appeal['id']), ('kind', '=', 'transferred')],
        ['user', 'comment'])
    assert [(e['user'], e['comment']) for e in events
        if e['id'] not in earlier] == [
        (operator.user_id, 'Авария, не наша линия')]


def test_supervisor_closes_selected(crm_server, browser):
    """Three new appeals, one without a reason: «Закрыть выбранные» closes
    two and names the third with the cause"""
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    supervisor = Session(base_url, database, 'supervisor')
    context = supervisor.call('model.res.user.get_preferences', True, {})
    sample, = supervisor.search_read('crm.appeal', [
            ('support_line.number', '=', 1), ('reason', '!=', None)],
        ['reason', 'source', 'company', 'support_line'], limit=1)
    ids = supervisor.call('model.crm.appeal.create', [{
                'company': sample['company'], 'source': sample['source'],
                'support_line': sample['support_line'], 'reason': reason,
                'description': 'Проверка закрытия списком',
                } for reason in [sample['reason'], None, sample['reason']]],
        context)
    appeals = supervisor.search_read('crm.appeal', [('id', 'in', ids)],
        ['number'])
    numbers = {a['id']: a['number'] for a in appeals}
    try:
        _login(driver, wait, base_url, database, 'supervisor')
        driver.execute_script('window.location.hash = arguments[0];',
            f'#{database}/model/crm.appeal')
        wait.until(lambda d: all(any(n in r for r in _row_numbers(d))
                for n in numbers.values()))
        time.sleep(1)
        for row in _visible(driver, ROWS):
            if any(n in row.text for n in numbers.values()):
                row.find_element('css selector',
                    'input[type=checkbox]').click()
                time.sleep(0.3)
        action, = _visible(driver, f'{ACTIVE} button#action')
        assert 'ДЕЙСТВИЕ' in action.text.upper(), action.text
        action.click()
        wait.until(lambda d: [a for a in _visible(d, f'{ACTIVE} '
                    '.dropdown-menu li a') if a.text == 'Закрыть выбранные'])
        _shot(driver, 'actions_04_selected_actions.png')
        [a for a in _visible(driver, f'{ACTIVE} .dropdown-menu li a')
            if a.text == 'Закрыть выбранные'][0].click()
        wait.until(lambda d: _visible(d, '.modal-dialog textarea'))
        _type_into(driver, '.modal-dialog textarea', 'Закрыто списком')
        _click_button(driver, 'Закрыть обращения',
            scope='.modal-dialog .modal-footer')
        wait.until(lambda d: (_dialog_text(d) or '').startswith(
                'Закрыто обращений')
            or _errors(d))
        message = _dialog_text(driver)
        _shot(driver, 'actions_05_closed_selected.png')
        assert not _errors(driver), _errors(driver)
        assert message == ('Закрыто обращений: 2 из 3.\n'
            'Пропущено: 1.\n'
            f'— Сначала выберите причину обращения «{numbers[ids[1]]}».'), (
            message)
        _click_button(driver, 'ОК', scope='.modal-dialog .modal-footer')
        _wait_list(driver, wait)
        assert not _visible(driver, '.modal-dialog'), _errors(driver)
    except Exception:
        _shot(driver, '99_failure_actions.png')
        _console(driver)
        raise
    states = {a['id']: a['state'] for a in supervisor.search_read(
            'crm.appeal', [('id', 'in', ids)], ['state'])}
    assert [states[i] for i in ids] == ['resolved', 'draft', 'resolved']
