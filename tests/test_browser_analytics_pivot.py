"""The managers' pivot page in a real browser at 1366×768: the demo manager
(or, where the demo has none, the supervisor) logs into the web client,
opens «Аналитика → Сводная таблица» from the menu (a new tab with the
database's page, the same session cookie), drags «Группа причин» to the
rows and «Месяц» to the columns, sees the numbers (their total equals the
appeals the server counts for him) and a chart; a layout saved as…
reopens the same.  Every word on the page is Russian.  Screenshots:
test-output/browser/pivot_*.png."""
import re
import time

import pytest

from .demo_server import RPCError, Session
from .test_browser import (
    OUTPUT, _console, _login, _need_browser, _open_menu, _shot, _visible,
    _waiter, browser)

__all__ = ['browser', '_need_browser']  # fixtures used from test_browser

pytestmark = pytest.mark.browser

PRODUCT = 'CRM обращений'
# Names, not English words: file formats and the product's name
LATIN_ALLOWED = {'XLSX', 'CSV', 'CRM'}


def _user(base_url, database):
    "The demo manager, else the supervisor (before the demo has managers)"
    for login in ['manager', 'supervisor']:
        try:
            return login, Session(base_url, database, login)
        except (RPCError, OSError):
            continue
    raise AssertionError('no demo manager nor supervisor')


def _state(driver):
    return driver.execute_script("""
        var s = window.crmPivot && window.crmPivot.state;
        return s ? {rows: s.rows, cols: s.cols, measure: s.measure,
            renderer: s.renderer, fetched: s.fetched,
            status: document.getElementById('pv-status').textContent}
            : null;""")


def _attr(driver, title):
    "The draggable chip of a dimension"
    for chip in _visible(driver, '#pv-pivot li span.pvtAttr'):
        if chip.text.replace('▾', '').strip() == title:
            return chip
    raise AssertionError(f'no dimension «{title}» on the page')


def _drag(driver, title, target_css):
    "Drag a dimension's chip into an axis as a mouse does"
    from selenium.webdriver.common.action_chains import ActionChains
    chip = _attr(driver, title)
    target, = _visible(driver, target_css)
    (ActionChains(driver).click_and_hold(chip).pause(0.2)
        .move_by_offset(8, 8).pause(0.2)
        .move_to_element(target).pause(0.2)
        .move_by_offset(5, 5).pause(0.2)
        .release().perform())


def _latin_words(driver):
    "English (Latin) words a user can read on the page"
    text = driver.execute_script("return document.body.innerText;")
    words = set(re.findall(r'[A-Za-z]{2,}', text))
    return sorted(words - LATIN_ALLOWED)


def _wait_loaded(driver, wait, rows, cols):
    wait.until(lambda d: (_state(d) or {}).get('fetched') is not None
        and sorted(_state(d)['fetched']) == sorted(rows + cols)
        and 'Считаем' not in _state(d)['status'])


def test_manager_pivot(crm_server, browser):
    base_url, database = crm_server
    driver = browser
    driver.set_window_size(1366, 768)
    wait = _waiter(driver)
    login, session = _user(base_url, database)
    context = session.call('model.res.user.get_preferences', True, {})
    # What the server counts for him by the ORM's own search (his rules)
    expected = session.call('model.crm.appeal.search_count', [], 0, None,
        context)
    assert expected > 0, 'the demo user reads no appeal'
    try:
        _login(driver, wait, base_url, database, login)
        back_office = driver.current_window_handle
        _open_menu(driver, wait, PRODUCT, 'Аналитика', 'Сводная таблица',
            double=True)
        wait.until(lambda d: len(d.window_handles) > 1)
        driver.switch_to.window(
            [h for h in driver.window_handles if h != back_office][0])
        wait.until(lambda d: d.current_url.split('?')[0].endswith(
                f'/{database}/crm_analytics/pivot'))
        wait.until(lambda d: _visible(d, '#pv-pivot .pvtUi'))
        _wait_loaded(driver, wait, [], [])
        _shot(driver, 'pivot_01_opened.png')

        _drag(driver, 'Группа причин', '#pv-pivot td.pvtRows')
        wait.until(lambda d: _state(d)['rows'] == ['reason_group'])
        _wait_loaded(driver, wait, ['reason_group'], [])
        _drag(driver, 'Месяц', '#pv-pivot td.pvtCols')
        wait.until(lambda d: _state(d)['cols'] == ['month'])
        _wait_loaded(driver, wait, ['reason_group'], ['month'])
        time.sleep(0.5)

        # The numbers: a row per reason group, a column per month, and
        # the grand total equals the server's count of his appeals
        row_heads = [e.text for e in _visible(driver,
                '#pv-pivot table.pvtTable tbody th.pvtRowLabel')]
        col_heads = [e.text for e in _visible(driver,
                '#pv-pivot table.pvtTable thead th.pvtColLabel')]
        assert row_heads and col_heads, (row_heads, col_heads)
        # Russian months, in the calendar's order (as words they would
        # sort «Декабрь» before «Сентябрь»)
        months = ['Январь', 'Февраль', 'Март', 'Апрель', 'Май', 'Июнь',
            'Июль', 'Август', 'Сентябрь', 'Октябрь', 'Ноябрь', 'Декабрь']
        dates = []
        for head in col_heads:
            match = re.fullmatch(r'(\w+) (\d{4})', head)
            assert match and match.group(1) in months, col_heads
            dates.append((int(match.group(2)), months.index(match.group(1))))
        assert dates == sorted(dates) and len(set(dates)) == len(dates), (
            col_heads)
        total = driver.find_element('css selector',
            '#pv-pivot td.pvtGrandTotal').text
        assert int(re.sub(r'\D', '', total)) == expected, (total, expected)
        shown = driver.execute_script('return window.crmPivot.shown();')
        assert shown['rows'][-1][-1] == expected
        _shot(driver, 'pivot_02_reason_group_by_month.png')

        # A heat map, then a chart of the same groups
        from selenium.webdriver.support.ui import Select
        Select(driver.find_element('css selector',
                '#pv-pivot select.pvtRenderer')).select_by_visible_text(
            'Тепловая карта')
        wait.until(lambda d: _state(d)['renderer'] == 'Тепловая карта')
        time.sleep(0.5)
        _shot(driver, 'pivot_03_heatmap.png')
        Select(driver.find_element('css selector',
                '#pv-pivot select.pvtRenderer')).select_by_visible_text(
            'Столбцы')
        wait.until(lambda d: _visible(d,
                '#pv-pivot .pv-chart svg .bb-chart-bars path'))
        time.sleep(1)
        legend = [e.text for e in _visible(driver,
                '#pv-pivot .pv-chart .bb-legend-item text')]
        assert set(legend) == set(row_heads), (legend, row_heads)
        _shot(driver, 'pivot_04_chart.png')
        words = _latin_words(driver)
        assert not words, f'English on the pivot page: {words}'

        # Saved as a layout, it reopens the same
        driver.find_element('css selector', '#pv-save-as').click()
        wait.until(lambda d: _alert(d))
        alert = driver.switch_to.alert
        alert.send_keys('Причины по месяцам')
        alert.accept()
        wait.until(lambda d: 'сохранён' in _state(d)['status'])
        layout_id = int(driver.execute_script(
                "return document.getElementById('pv-layout').value;"))
        assert f'layout={layout_id}' in driver.current_url
        # Shared, an operator sees it among his layouts (not his own)
        driver.find_element('css selector', '#pv-share').click()
        wait.until(lambda d: 'виден всем' in _state(d)['status'])
        operator = Session(base_url, database, 'operator1')
        seen = {l['id']: l for l in operator.call(
                'model.crm.analytics.layout.pivot_layouts',
                operator.call('model.res.user.get_preferences', True, {}))}
        assert seen[layout_id]['name'] == 'Причины по месяцам'
        assert (seen[layout_id]['own'], seen[layout_id]['shared']) == (
            False, True)
        assert seen[layout_id]['config']['cols'] == ['month']
        driver.get(f'{base_url}{database}/crm_analytics/pivot'
            f'?layout={layout_id}')
        wait.until(lambda d: _visible(d, '#pv-pivot .pvtUi'))
        _wait_loaded(driver, wait, ['reason_group'], ['month'])
        state = _state(driver)
        assert (state['rows'], state['cols'], state['measure'],
            state['renderer']) == (['reason_group'], ['month'], 'count',
            'Столбцы'), state
        wait.until(lambda d: _visible(d, '#pv-pivot .pv-chart svg'))
        time.sleep(1)
        _shot(driver, 'pivot_05_layout_reopened.png')
    except Exception:
        _shot(driver, 'pivot_99_failure.png')
        _console(driver)
        raise
    finally:
        print(f'screenshots in {OUTPUT}')


def _alert(driver):
    try:
        driver.switch_to.alert
        return True
    except Exception:
        return False
