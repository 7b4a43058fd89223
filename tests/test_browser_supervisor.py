"""The supervisor's desk in the web client at 1366×768 (headless Chromium):
the demo supervisor opens «Мои линии» from the menu, sees his two lines
with the counts of their queues (the same numbers the server computes),
no cut-off column, the product's name and no currency in the top bar, and
opens a line's queue with its tabs.  Screenshots: test-output/browser/
supervisor_*.png."""
import time

import pytest

from .demo_server import Session
from .test_browser import (
    _console, _login, _need_browser, _shot, _visible, _waiter, browser)

__all__ = ['browser', '_need_browser']  # fixtures used from test_browser

pytestmark = pytest.mark.browser

USER = 'supervisor'
PRODUCT = 'CRM обращений'
ACTIVE = '#tabcontent .tab-pane.active'
HEADERS = ['Открыто', 'Не в работе', 'Просрочено', 'Срок истекает']
FIELDS = ['desk_open', 'desk_draft', 'desk_overdue', 'desk_due_soon']
# The tabs of a line's queue, counting what the desk's columns count
QUEUE_TABS = ['Открытые', 'Не в работе', 'Просроченные', 'Срок истекает']


def _open_menu(driver, wait, *path):
    "Open a menu entry as a user does: expand the folders, double-click"
    from selenium.webdriver.common.action_chains import ActionChains

    def cell(text):
        found = [c for c in _visible(driver, '#menu .treeview tbody tr td')
            if c.text.strip() == text]
        return found[0] if found else None

    for folder in path[:-1]:
        wait.until(lambda d: cell(folder))
        expander = cell(folder).find_elements('css selector', '.expander')
        if expander and not cell(path[-1]):
            expander[0].click()
    wait.until(lambda d: cell(path[-1]))
    ActionChains(driver).double_click(cell(path[-1])).perform()


def _cut_off(driver, css):
    "Texts of the elements matching css that do not fit their box"
    return driver.execute_script("""
        return Array.from(document.querySelectorAll(arguments[0]))
            .filter(e => e.offsetParent !== null
                && e.scrollWidth > e.clientWidth + 1)
            .map(e => e.textContent.trim());""", css)


def test_supervisor_desk(crm_server, browser):
    base_url, database = crm_server
    driver = browser
    driver.set_window_size(1366, 768)
    wait = _waiter(driver)
    session = Session(base_url, database, USER)

    def server_lines():
        "The supervisor's lines as the server counts them now"
        return sorted(session.search_read('crm.support_line',
                [('members', '=', session.user_id)],
                ['number', 'name', *FIELDS]), key=lambda l: l['number'])
    lines = server_lines()
    assert [l['number'] for l in lines] == [1, 2], (
        'the demo supervisor does not work lines 1 and 2')
    try:
        _login(driver, wait, base_url, database, USER)
        # The product's name, the user and organisation without currency
        assert driver.title == PRODUCT
        assert driver.find_element('css selector', '#title').text == PRODUCT
        status = driver.find_element(
            'css selector', '#user-preferences > a').text
        assert 'Кузнецова' in status and '[' not in status, status

        _open_menu(driver, wait, PRODUCT, 'Мои линии')
        rows_css = f'{ACTIVE} .treeview tbody tr:not(.more-row)'
        wait.until(lambda d: len([r for r in _visible(d, rows_css)
                    if r.text.strip()]) == 2)
        time.sleep(1)
        assert 'Tryton' not in driver.title
        assert driver.title.endswith(f' - {PRODUCT}'), driver.title
        headers = [h.text.strip() for h in _visible(
                driver, f'{ACTIVE} .treeview thead th') if h.text.strip()]
        assert headers == ['Номер', 'Наименование', *HEADERS, 'Очередь']
        tabs = [t.text.strip() for t in _visible(
                driver, f'{ACTIVE} .nav-tabs li')]
        assert tabs == ['Мои линии', 'Все линии']
        shown = [r.text.split('\n')[:6] for r in _visible(driver, rows_css)
            if r.text.strip()]
        # A deadline may pass between two reads: either read will do
        expected = [[[str(l['number']), l['name'],
                    *(str(l[f]) for f in FIELDS)] for l in read]
            for read in (lines, server_lines())]
        assert shown in expected, (shown, expected)
        # No label nor line name cut off at 1366 px
        assert _cut_off(driver, f'{ACTIVE} .treeview thead th label, '
            f'{ACTIVE} .treeview tbody td .column-char') == []
        _shot(driver, 'supervisor_desk.png')

        # The first line's queue: the row's button (the first click
        # selects the row, as sao wants)
        def queue_button():
            return [b for b in _visible(driver, f'{ACTIVE} .treeview '
                    'tbody button') if 'ОЧЕРЕДЬ' in b.text.upper()][0]
        queue_button().click()
        time.sleep(0.5)
        if len(_visible(driver, '#tablist li')) < 2:
            queue_button().click()
        wait.until(lambda d: len(_visible(d, '#tablist li')) == 2)
        wait.until(lambda d: [t for t in _visible(d, f'{ACTIVE} .nav-tabs li')
                if t.text.startswith('Открытые')])
        time.sleep(1)
        title = _visible(driver, '#tablist li.active')[0].text
        assert f'Очередь линии (1. {lines[0]["name"]})' in title, title
        tabs = [t.text.split() for t in _visible(
                driver, f'{ACTIVE} .nav-tabs li')]
        counts = {' '.join(t[:-1]): int(t[-1]) for t in tabs}
        expected = [dict(zip(QUEUE_TABS, (read[0][f] for f in FIELDS)))
            for read in (lines, server_lines())]
        assert counts in expected, (counts, expected)
        _shot(driver, 'supervisor_queue.png')
    except Exception:
        _shot(driver, '99_supervisor_failure.png')
        _console(driver)
        raise
