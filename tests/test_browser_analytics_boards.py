"""The home dashboards in the web client at 1366×768 (headless Chromium):
each demo role logs in and lands on its board (the action Tryton opens at
login), every pane titled in Russian and filled: the graphs drawn with
their Russian legends (the manager's pie: the sources, as the server
counts them), the lists with rows, and a list pane lists what its action's
domain selects (sao 8.0 dropped it: web/custom.js): the quality list counts
what the server counts, operator1's queue holds only open appeals of his
line or of no line.  Screenshots: test-output/browser/board_<login>.png
(the top) and board_<login>_2.png (scrolled to the bottom)."""
import re

import pytest
from trytond.pyson import PYSONDecoder

from .demo_server import Session
from .test_browser import (
    _console, _login, _need_browser, _open_menu, _shot, _visible, _waiter,
    browser)

__all__ = ['browser', '_need_browser']  # fixtures used from test_browser

pytestmark = pytest.mark.browser

PRODUCT = 'CRM обращений'

ACTIVE = '#tabcontent .tab-pane.active'
NUMBER = re.compile(r'[А-Я]{2}-\d{4}-\d{6}')
# login: (the board's tab title, its panes' titles, the graphs' legends)
BOARDS = {
    'supervisor': ("Рабочий стол руководителя смены",
        ["Загрузка линий", "Просрочено по линиям",
            "Качество: закрытые обращения для проверки"],
        [["Открыто", "Не в работе"], ["Просрочено", "Срок истекает"]]),
    'manager': ("Панель руководителя",
        ["Обращения по источникам", "Обращения по организациям",
            "Принято по месяцам и этапам"],
        [None, ["Обращений", "Открыто", "Просрочено"],
            ["Новые", "В работе", "Ожидание", "Выполнены", "Отклонены"]]),
    'operator1': ("Рабочий стол оператора",
        ["Моя очередь", "Мои просроченные", "Срок истекает"], []),
    }
# The menu of the boards that are not opened at login (only the manager's
# panel is: tools/demogen/analytics.py)
MENUS = {
    'supervisor': [PRODUCT, 'Аналитика', "Рабочий стол руководителя смены"],
    'operator1': [PRODUCT, "Рабочий стол оператора"],
    }


def _panes(driver):
    return _visible(driver, f'{ACTIVE} .board-action')


def _title(pane):
    return pane.find_element('css selector', '.panel-heading').text.strip()


def _drawn(pane):
    "The legend of a drawn graph (None: no graph drawn in the pane yet)"
    marks = pane.find_elements('css selector',
        '.bb-chart-bar path, .bb-chart-arc path')
    if not [m for m in marks if m.get_attribute('d')]:
        return None
    return [t.text.strip() for t in pane.find_elements(
            'css selector', '.bb-legend-item text') if t.text.strip()]


def _rows(pane):
    return pane.find_elements('css selector', '.treeview tbody tr')


def _scroll(driver, top):
    "Scroll the board to its top or bottom, no field focused"
    driver.execute_script(
        "document.activeElement && document.activeElement.blur();"
        "document.querySelectorAll('*').forEach(e => {"
        " if (e.scrollHeight > e.clientHeight)"
        "  e.scrollTop = arguments[0] ? 0 : e.scrollHeight; });", top)


def _action_domain(session, xml_id):
    "The domain of a board pane's action, decoded for the session's user"
    action = session.call('model.ir.action.act_window.get',
        'crm_analytics.' + xml_id, {})
    return PYSONDecoder({'_user': session.user_id}).decode(
        action['pyson_domain'])


def _check_panes_domain(driver, base_url, database, login):
    "The list panes list what their action selects, for this user"
    session = Session(base_url, database, login)
    context = session.call('model.res.user.get_preferences', True, {})
    if login == 'supervisor':
        quality = _panes(driver)[2]
        count = session.call('model.crm.appeal.search_count',
            _action_domain(session, 'act_board_quality'), 0, None, context)
        badge = quality.find_element('css selector', '.nav-tabs li .badge')
        shown = badge.text.strip()
        assert shown == (str(count) if count < 100 else '99+'), (
            shown, count)
    if login == 'operator1':
        queue = _panes(driver)[0]
        numbers = [m.group(0) for m in NUMBER.finditer(queue.text)]
        assert len(numbers) == len(_rows(queue)), numbers
        shown = session.search_read('crm.appeal',
            [('number', 'in', numbers)],
            ['state', 'support_line', 'company', 'operator'])
        lines = session.search_read('res.user',
            [('id', '=', session.user_id)], ['crm_lines', 'company'])[0]
        for appeal in shown:
            assert appeal['state'] in {'draft', 'in_work'}, appeal
            assert appeal['company'] == lines['company'], appeal
            assert (appeal['support_line'] in lines['crm_lines'] + [None]
                or appeal['operator'] == session.user_id), appeal


@pytest.mark.parametrize('login', list(BOARDS))
def test_role_lands_on_its_board(crm_server, browser, login):
    base_url, database = crm_server
    driver = browser
    driver.set_window_size(1366, 768)
    wait = _waiter(driver)
    title, panes, legends = BOARDS[login]
    try:
        _login(driver, wait, base_url, database, login)
        if login in MENUS:
            _open_menu(driver, wait, *MENUS[login])
        wait.until(lambda d: [t for t in _visible(d, '#tablist li')
                if title in t.text])
        wait.until(lambda d: len(_panes(d)) == len(panes)
            and all(_title(p) for p in _panes(d)))
        assert [_title(p) for p in _panes(driver)] == panes
        graphs = [p for p in _panes(driver)
            if p.find_elements('css selector', '.graph, .bb')]
        assert len(graphs) == len(legends), login
        wait.until(lambda d: all(_drawn(p) is not None for p in graphs))
        for pane, legend in zip(graphs, legends):
            if legend is not None:
                assert _drawn(pane) == legend, (_title(pane), _drawn(pane))
        if login == 'manager':
            # The pie's legend: the sources of his appeals, as counted
            session = Session(base_url, database, login)
            rows = session.search_read(
                'crm.analytics.board.source', [], ['source.rec_name'])
            sources = {r['source.']['rec_name'] for r in rows}
            assert len(sources) > 1
            assert set(_drawn(graphs[0])) == sources
            companies = {r['company'] for r in session.search_read(
                    'crm.analytics.board.source', [], ['company'])}
            assert len(companies) == 1, 'the manager reads one organisation'
        # Every list pane shows rows: the demo leaves no pane empty
        for pane in _panes(driver):
            if pane not in graphs:
                wait.until(lambda d: _rows(pane))
                assert 'Нет записей' not in pane.text
        _check_panes_domain(driver, base_url, database, login)
        _scroll(driver, True)
        _shot(driver, f'board_{login}.png')
        _scroll(driver, False)
        _shot(driver, f'board_{login}_2.png')
    finally:
        _console(driver)
