"""The dispatch card at 1366×768 in headless Chromium over the small demo
(harness: test_browser.py; screenshots in
test-output/browser/dispatch_card_*.png): an operator opens an appeal with
a responsible, executors, comments with files and past appeals, reads each
tab, sends a comment and moves the deadline with a reason; executor1 opens
his appeal read-only and comments on it."""
import re
import time

import pytest

from .demo_server import Session
from .test_browser import (  # noqa: F401 - the harness's fixtures
    USER, _click_button, _console, _login, _shot, _type_into, _visible,
    _waiter, browser)
from .test_browser_card import HEIGHT, _WIDGETS_JS, _on_screen, _viewport

pytestmark = pytest.mark.browser

LATIN = re.compile('[A-Za-z]{3,}')
PANE = '#tabcontent .tab-pane.active'


def _card_appeal(session, login_lines=True):
    """An appeal in work of operator1's line with a responsible, comments
    with files and past appeals of the premise with their responsible;
    without extra fields, whose panel pushes the executors down"""
    appeals = session.search_read('crm.appeal', [
            ('state', '=', 'in_work'), ('responsible', '!=', None),
            ('comments', '!=', None), ('premise', '!=', None),
            ('direction', '=', 'incoming'),
            ] + ([('support_line.number', '=', 1)] if login_lines else []),
        ['number', 'comments', 'files', 'premise_appeals', 'executors',
            'responsible.rec_name', 'extra_fields'], limit=200)
    for appeal in appeals:
        if (appeal['files'] and appeal['premise_appeals']
                and not appeal['extra_fields']):
            return appeal
    pytest.fail('no appeal in work with comments, files and past appeals '
        'in the demo data')


def _open(driver, wait, database, appeal):
    driver.execute_script('window.location.hash = arguments[0];',
        f'#{database}/model/crm.appeal/{appeal["id"]}')
    wait.until(lambda d: appeal['number'] in (d.execute_script(
                _WIDGETS_JS, ['number']) or {}).get('number', {}).get(
            'text', ''))
    time.sleep(1)


def _tab(driver, title):
    tab, = [t for t in _visible(driver, f'{PANE} .nav-tabs a')
        if t.text.strip() == title]
    tab.click()
    time.sleep(1)


def _rows(driver, field, wait=None):
    "The texts of the rows of the list field (waiting for them with wait)"
    driver.execute_script("""
        Sao.Tab.tabs.get_current().screen.current_view
            .widgets[arguments[0]][0].el[0].scrollIntoView();""", field)
    if wait is not None:
        try:
            wait.until(lambda d: _rows(d, field))
        except Exception:
            pass
    return driver.execute_script("""
        const view = Sao.Tab.tabs.get_current().screen.current_view;
        return Array.from(view.widgets[arguments[0]][0].el[0]
            .querySelectorAll('tbody tr:not(.more-row)'))
            .map(r => r.innerText.trim()).filter(t => t);""", field)


def _deadline_button(driver):
    "The icon by the deadline (its tooltip says what it does)"
    found = [b for b in _visible(driver, f'{PANE} .form button')
        if b.get_attribute('title') == 'Изменить срок (с указанием причины)']
    return found[0] if found else None


def _english(driver):
    "Latin words among the labels, headers, tabs and buttons of the form"
    texts = [e.text.strip() for e in _visible(driver, f'{PANE} .form label,'
            f' {PANE} .form th, {PANE} .nav-tabs a, {PANE} .form button')]
    return [t for t in texts if LATIN.search(t)]


def test_dispatch_card(crm_server, browser):
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    session = Session(base_url, database, USER)
    appeal = _card_appeal(session)
    try:
        _login(driver, wait, base_url, database, USER)
        _viewport(driver)
        _open(driver, wait, database, appeal)
        _shot(driver, 'dispatch_card_01_card_1366.png')
        boxes = driver.execute_script(_WIDGETS_JS, [
                'appeal_type', 'direction', 'deadline', 'responsible',
                'accounts', 'executors'])
        # The executors follow the question (they may run below the fold)
        executors = boxes.pop('executors')
        assert executors['top'] < HEIGHT, executors
        hidden = [n for n, b in boxes.items() if not _on_screen(b)]
        assert not hidden, f'not on screen at 1366×768: {hidden}'
        assert appeal['responsible.']['rec_name'] in boxes[
            'responsible']['text']
        assert 'Входящее' in boxes['direction']['text']
        buttons = [b.text.strip().upper() for b in _visible(driver,
                f'{PANE} .form button')]
        assert 'СМЕНИТЬ' in buttons, buttons
        assert _deadline_button(driver), 'no «Изменить срок» by the deadline'
        # The page does not scroll sideways
        widths = driver.execute_script(f"""
            const form = document.querySelector('{PANE} .form');
            return [form.scrollWidth, form.clientWidth];""")
        assert widths[0] <= widths[1], f'sideways scrolling: {widths}'
        assert not _english(driver), _english(driver)

        # Comments: grouped by day, with author, role and files
        _tab(driver, 'Комментарии')
        rows = _rows(driver, 'comments', wait)
        assert len(rows) == len(appeal['comments']), rows
        assert re.match(r'\d\d\.\d\d\.\d{4}', rows[0]), rows
        assert any('.png' in r for r in rows), rows
        _shot(driver, 'dispatch_card_02_comments.png')

        # A new comment through the dialog
        _click_button(driver, 'Новый комментарий')
        wait.until(lambda d: _visible(d, '.modal-dialog textarea'))
        _type_into(driver, '.modal-dialog textarea',
            'Проверила: бригада будет в 15:00')
        _shot(driver, 'dispatch_card_03_new_comment.png')
        _click_button(driver, 'Отправить', scope='.modal-dialog')
        wait.until(lambda d: any('бригада будет в 15:00' in r
                for r in _rows(d, 'comments')))
        _shot(driver, 'dispatch_card_04_comment_sent.png')

        # Files of the appeal and of its comments
        _tab(driver, 'Файлы')
        files = _rows(driver, 'files', wait)
        assert len(files) == len(appeal['files']), files
        _shot(driver, 'dispatch_card_05_files.png')

        # Past appeals of the premise or account, with type and responsible
        _tab(driver, 'Прошлые обращения')
        driver.execute_script("""
            Sao.Tab.tabs.get_current().screen.current_view
                .widgets['premise_appeals'][0].el[0].scrollIntoView();""")
        time.sleep(1)
        past = _rows(driver, 'premise_appeals', wait)
        assert len(past) == len(appeal['premise_appeals']), past
        headers = [h.text.strip() for h in _visible(driver,
                f'{PANE} .nav-tabs ~ * th, {PANE} .tab-content th')
            if h.text.strip()]
        assert 'Тип' in headers and 'Ответственный' in headers, headers
        _shot(driver, 'dispatch_card_06_past_appeals.png')

        # The deadline moves with a reason; the history shows both values
        driver.execute_script('window.scrollTo(0, 0);')
        driver.execute_script('arguments[0].click();',
            _deadline_button(driver))
        wait.until(lambda d: _visible(d, '.modal-dialog textarea'))
        _type_into(driver, '.modal-dialog textarea',
            'Бригада занята на аварии')
        _shot(driver, 'dispatch_card_07_deadline_dialog.png')
        _click_button(driver, 'Изменить', scope='.modal-dialog')
        wait.until(lambda d: not _visible(d, '.modal-dialog textarea'))
        time.sleep(1)
        _tab(driver, 'Журнал событий')
        history = _rows(driver, 'events', wait)
        moved = [r for r in history
            if 'Изменение крайнего срока исполнения' in r]
        assert moved and re.search(
            r'\d\d\.\d\d\.\d{4} \d\d:\d\d.*\d\d\.\d\d\.\d{4} \d\d:\d\d',
            moved[0].replace('\n', ' ')), history[:3]
        _shot(driver, 'dispatch_card_08_history.png')
    except Exception:
        _shot(driver, '99_failure_dispatch_card.png')
        _console(driver)
        raise


def test_executor_reads_and_comments(crm_server, browser):
    """executor1 opens an appeal he works on: read-only, but «Новый
    комментарий» is his"""
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    session = Session(base_url, database, 'executor1')
    appeals = session.search_read('crm.appeal', [
            ('state', '=', 'in_work')], ['number'], limit=1)
    assert appeals, 'executor1 has no appeal in work in the demo'
    appeal = appeals[0]
    try:
        _login(driver, wait, base_url, database, 'executor1')
        _viewport(driver)
        _open(driver, wait, database, appeal)
        # No field to type into (the lists' search boxes and row
        # checkboxes are not fields)
        editable = driver.execute_script(f"""
            return Array.from(document.querySelectorAll(
                '{PANE} .form input:not([readonly]):not([disabled]), '
                + '{PANE} .form textarea:not([readonly]):not([disabled])'))
                .filter(e => e.offsetParent && e.type != 'checkbox'
                    && !e.closest('.form-one2many-menu, .form-many2many-menu'))
                .map(e => e.outerHTML.slice(0, 120));""")
        assert not editable, f'editable fields for an executor: {editable}'
        buttons = [b.text.strip().upper() for b in _visible(driver,
                f'{PANE} .form button')]
        # Tryton shows the buttons of other groups disabled
        deadline = _deadline_button(driver)
        assert deadline is None or not deadline.is_enabled(), \
            'an executor moves deadlines'
        _tab(driver, 'Комментарии')
        _click_button(driver, 'Новый комментарий')
        wait.until(lambda d: _visible(d, '.modal-dialog textarea'))
        _type_into(driver, '.modal-dialog textarea', 'Выезжаю на адрес')
        _click_button(driver, 'Отправить', scope='.modal-dialog')
        wait.until(lambda d: any('Выезжаю на адрес' in r
                for r in _rows(d, 'comments')))
        _shot(driver, 'dispatch_card_09_executor_comment.png')
    except Exception:
        _shot(driver, '99_failure_dispatch_card_executor.png')
        _console(driver)
        raise
