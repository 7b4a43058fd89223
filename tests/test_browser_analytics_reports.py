"""A report in the web client at 1366×768 (headless Chromium): the demo
supervisor opens «Аналитика › Отчёты › Своевременность по источникам»,
sees the context form (this month, his organisation) and the list with
the numbers the server counts under the same context, Russian headers
without a cut-off one, then switches to the graph.  Screenshots:
test-output/browser/report_timeliness_*.png."""
import datetime as dt
import time

import pytest

from .demo_server import Session
from .test_browser import (
    _console, _login, _need_browser, _open_menu, _shot, _visible, _waiter,
    browser)
from .test_browser_supervisor import _cut_off

__all__ = ['browser', '_need_browser']  # fixtures used from test_browser

pytestmark = pytest.mark.browser

USER = 'supervisor'
PRODUCT = 'CRM обращений'
ACTIVE = '#tabcontent .tab-pane.active'
MENU = [PRODUCT, 'Аналитика', 'Отчёты', 'Своевременность по источникам']
HEADERS = ['Источник', 'Обращений', 'В срок', 'Просрочено',
    'Просрочено, %']
CONTEXT_LABELS = ['Организация:', 'С даты:', 'По дату:',
    'Линия поддержки:', 'Оператор:', 'Источник:']


def _server_rows(session):
    "The report's rows as the server counts them under the form's defaults"
    today = dt.date.today()
    context = session.call('model.res.user.get_preferences', True, {})
    following = today.replace(day=28) + dt.timedelta(days=4)
    context.update({
            'from_date': today.replace(day=1).isoformat(),
            'to_date': (following - dt.timedelta(days=following.day)
                ).isoformat(),
            })
    rows = session.call(
        'model.crm.analytics.report.timeliness_source.search_read',
        [], 0, None, None, ['source.rec_name', 'count', 'overdue'], context)
    return {r['source.']['rec_name']: (r['count'], r['overdue'])
        for r in rows}


def test_supervisor_opens_a_report(crm_server, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    base_url, database = crm_server
    driver = browser
    driver.set_window_size(1366, 768)
    wait = _waiter(driver)
    session = Session(base_url, database, USER)
    expected = _server_rows(session)
    assert sum(c for c, _ in expected.values()) > 0, (
        'the demo has no appeal received this month')
    try:
        _login(driver, wait, base_url, database, USER)
        _open_menu(driver, wait, *MENU)
        rows_css = f'{ACTIVE} .treeview tbody tr:not(.more-row)'
        wait.until(lambda d: len([r for r in _visible(d, rows_css)
                    if r.text.strip()]) == len(expected))
        time.sleep(1)
        labels = [l.text.strip() for l in _visible(
                driver, f'{ACTIVE} .form label') if l.text.strip()]
        assert labels[:6] == CONTEXT_LABELS, labels
        headers = [h.text.strip() for h in _visible(
                driver, f'{ACTIVE} .treeview thead th') if h.text.strip()]
        assert headers == HEADERS, headers
        shown = {}
        for row in _visible(driver, rows_css):
            cells = [c.text.strip() for c in row.find_elements(
                    'css selector', 'td') if c.is_displayed()]
            cells = [c for c in cells if c]
            if cells:
                shown[cells[0]] = (int(cells[1]), int(cells[3]))
        assert shown == expected, (shown, expected)
        assert _cut_off(driver, f'{ACTIVE} .treeview thead th label, '
            f'{ACTIVE} .form label') == []
        _shot(driver, 'report_timeliness_list.png')

        # The supervisor's board opened at login is a tab of its own
        tabs = len(_visible(driver, '#tablist li'))
        _visible(driver, f'{ACTIVE} button#switch_')[0].click()
        wait.until(lambda d: _visible(d, f'{ACTIVE} .graph svg, '
                f'{ACTIVE} .graph canvas'))
        time.sleep(2)
        graph = driver.find_element('css selector', f'{ACTIVE} .graph')
        assert 'В срок' in graph.text and 'Просрочено' in graph.text, (
            graph.text)
        _shot(driver, 'report_timeliness_graph.png')
        # Its sources and legend below the fold
        driver.execute_script(
            'arguments[0].scrollIntoView(false);', graph)
        time.sleep(1)
        _shot(driver, 'report_timeliness_graph_legend.png')

        # Back to the list: a double click opens the appeals of the row
        _visible(driver, f'{ACTIVE} button#switch_')[0].click()
        wait.until(lambda d: len([r for r in _visible(d, rows_css)
                    if r.text.strip()]) == len(expected))
        source = max(expected, key=lambda s: expected[s][0])
        cell, = [c for c in _visible(driver, f'{rows_css} td')
            if c.text.strip() == source]
        ActionChains(driver).double_click(cell).perform()
        wait.until(lambda d: len(_visible(d, '#tablist li')) == tabs + 1)
        wait.until(lambda d: f'Обращения: {source}' in _visible(
                d, '#tablist li.active')[0].text)
        wait.until(lambda d: len([r for r in _visible(d, rows_css)
                    if r.text.strip()]) == expected[source][0])
        time.sleep(1)
        _shot(driver, 'report_timeliness_drill.png')
    except Exception:
        _shot(driver, 'report_timeliness_99_failure.png')
        _console(driver)
        raise
