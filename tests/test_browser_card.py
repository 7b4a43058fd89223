"""The appeal's card and the appeals list at 1366×768, the CRM's own
applicant list and form, in headless Chromium over the small demo
(harness: test_browser.py; screenshots in test-output/browser/card_*.png).

Positions are measured in the page: an element is on screen when its box
lies inside the viewport and the point at its centre belongs to it (not
hidden by another element or clipped by a scrolled container)."""
import re
import time

import pytest

from .demo_server import Session
from .test_browser import (  # noqa: F401 - the harness's fixtures
    USER, _console, _login, _menu_row, _need_browser, _open_menu, _shot,
    _visible, _waiter, browser)

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1366, 768
CYRILLIC = re.compile('[А-Яа-яЁё]')
LATIN = re.compile('[A-Za-z]')

# What the card shows above the fold (issue 6, point 3)
CARD_FIELDS = [
    'number', 'received_date', 'source', 'state', 'deadline', 'time_left',
    'overdue', 'support_line', 'operator', 'applicant', 'contact_phone',
    'building', 'premise', 'accounts', 'reason', 'description']
# The list's columns, left to right, as headed in Russian
LIST_HEADERS = [
    'Номер', 'Дата поступления', 'Заявитель', 'Адрес',
    'Причина обращения', 'Линия поддержки', 'Оператор', 'Статус',
    'До срока']
# Fields of Tryton's generic party form the applicant form leaves out
GENERIC_PARTY_FIELDS = [
    'code', 'addresses', 'identifiers', 'categories', 'lang',
    'tax_identifier', 'replaced_by', 'website', 'fax', 'active']
GENERIC_ENGLISH = ['Attn', 'Street', 'Post Box', 'Private Bag',
    'Identifiers', 'Party Name']

# Each widget of the open form: its box, whether the point at its centre is
# its own, and what it shows
_WIDGETS_JS = """
const tab = Sao.Tab.tabs.get_current();
const view = tab && tab.screen && tab.screen.current_view;
if (!view || view.view_type != 'form') {
    return null;  // not opened yet
}
const out = {};
for (const name of arguments[0]) {
    const el = view.widgets[name][0].el[0];
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(
        (r.left + r.right) / 2, (r.top + r.bottom) / 2);
    const values = Array.from(el.querySelectorAll('input, select, textarea'))
        .map(i => i.tagName == 'SELECT'
            ? (i.selectedIndex >= 0 ? i.options[i.selectedIndex].text : '')
            : (i.type == 'checkbox' ? String(i.checked) : i.value));
    out[name] = {
        left: r.left, top: r.top, right: r.right, bottom: r.bottom,
        own: Boolean(hit && el.contains(hit)),
        text: [el.innerText || '', ...values].join(' ').trim()};
}
return out;"""


def _viewport(driver):
    "A 1366×768 page, whatever the window of the harness"
    driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
            'width': WIDTH, 'height': HEIGHT, 'deviceScaleFactor': 1,
            'mobile': False})
    assert driver.execute_script(
        'return [window.innerWidth, window.innerHeight]') == [WIDTH, HEIGHT]


def _on_screen(box):
    return (box['own'] and box['right'] > box['left']
        and box['bottom'] > box['top']
        and box['left'] >= 0 and box['top'] >= 0
        and box['right'] <= WIDTH and box['bottom'] <= HEIGHT)


def _list_rows(driver, wait):
    rows_css = ('#tabcontent .tab-pane.active .treeview tbody '
        'tr:not(.more-row) td[headers]')
    wait.until(lambda d: _visible(d, rows_css))
    time.sleep(1)  # the first page of records completely
    return _visible(driver, rows_css)


def _card_appeal(session):
    """An appeal in work on operator1's line with all the card shows, and
    an applicant and a premise of other appeals"""
    appeals = session.search_read('crm.appeal', [
            ('state', '=', 'in_work'), ('support_line.number', '=', 1),
            ('applicant', '!=', None), ('contact_phone', '!=', None),
            ('premise', '!=', None), ('reason', '!=', None),
            ('description', '!=', None),
            ], ['number', 'contact_phone', 'accounts', 'applicant_appeals',
            'premise_appeals', 'applicant.rec_name', 'premise.number'],
        limit=100)
    for appeal in appeals:
        if (appeal['accounts'] and appeal['applicant_appeals']
                and appeal['premise_appeals']):
            return appeal
    pytest.fail('no appeal in work with accounts and past appeals '
        'in the demo data')


def test_card_above_the_fold(crm_server, browser):
    """At 1366×768 the card shows without scrolling the deadline, the time
    left, the address, the state, the applicant's phone and the reason; the
    past appeals of the applicant and of the premise are in a tab"""
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    session = Session(base_url, database, USER)
    appeal = _card_appeal(session)
    try:
        # Logged in as the harness does (its window), then at 1366×768
        _login(driver, wait, base_url, database, USER)
        _viewport(driver)
        driver.execute_script('window.location.hash = arguments[0];',
            f'#{database}/model/crm.appeal/{appeal["id"]}')
        wait.until(lambda d: appeal['number'] in (d.execute_script(
                    _WIDGETS_JS, ['number']) or {}).get('number', {}).get(
                'text', ''))
        time.sleep(1)
        _shot(driver, 'card_01_appeal_1366.png')
        boxes = driver.execute_script(_WIDGETS_JS, CARD_FIELDS)
        hidden = {n: b for n, b in boxes.items() if not _on_screen(b)}
        assert not hidden, f'not on screen at {WIDTH}×{HEIGHT}: {hidden}'

        shown = {n: b['text'] for n, b in boxes.items()}
        assert shown['contact_phone'] == appeal['contact_phone']
        assert appeal['applicant.']['rec_name'] in shown['applicant']
        assert f"кв. {appeal['premise.']['number']}" in shown['premise']
        assert 'В работе' in shown['state']
        assert re.match(r'(осталось|просрочено на) \d+ (д|ч|мин)',
            shown['time_left']), shown['time_left']
        assert shown['deadline'] and shown['reason']
        # The life cycle offers what an appeal in work can do
        buttons = [b.text.strip().upper() for b in _visible(driver,
                '#tabcontent .tab-pane.active .form button')]
        assert 'ЗАКРЫТЬ ОБРАЩЕНИЕ' in buttons
        assert 'ВЗЯТЬ В РАБОТУ' not in buttons
        # No sideways scrolling: every button whole on the screen
        widths, cut = driver.execute_script("""
            const pane = document.querySelector(
                '#tabcontent .tab-pane.active');
            const form = pane.querySelector('.form');
            const scroller = form.parentElement;
            const cut = Array.from(form.querySelectorAll('button'))
                .filter(b => b.offsetParent)
                .filter(b => b.getBoundingClientRect().right
                    > Math.min(window.innerWidth,
                        scroller.getBoundingClientRect().right))
                .map(b => b.innerText.trim());
            return [[scroller.scrollWidth, scroller.clientWidth], cut];""")
        assert widths[0] <= widths[1], f'sideways scrolling: {widths}'
        assert not cut, f'buttons cut at the right: {cut}'

        # Past appeals: the tab lists the others, not this one
        tab, = [t for t in _visible(driver,
                '#tabcontent .tab-pane.active .nav-tabs a')
            if t.text.strip() == 'Прошлые обращения']
        tab.click()
        driver.execute_script("""
            Sao.Tab.tabs.get_current().screen.current_view
                .widgets['applicant_appeals'][0].el[0].scrollIntoView();""")
        time.sleep(1)
        _shot(driver, 'card_02_past_appeals.png')
        lists = driver.execute_script("""
            const view = Sao.Tab.tabs.get_current().screen.current_view;
            const out = {};
            for (const name of arguments[0]) {
                out[name] = Array.from(view.widgets[name][0].el[0]
                    .querySelectorAll('tbody tr:not(.more-row)'))
                    .map(r => r.innerText.trim()).filter(t => t);
            }
            return out;""", ['applicant_appeals', 'premise_appeals'])
        for name in ['applicant_appeals', 'premise_appeals']:
            assert len(lists[name]) == len(appeal[name]), (name, lists)
            assert not any(appeal['number'] in r for r in lists[name])
    except Exception:
        _shot(driver, '99_failure_card.png')
        _console(driver)
        raise


def test_list_fits_1366(crm_server, browser):
    """The appeals list shows its columns without sideways scrolling at
    1366 px, and its headers explain the row colours"""
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    try:
        # Logged in as the harness does (its window), then at 1366×768
        _login(driver, wait, base_url, database, USER)
        _viewport(driver)
        _open_menu(driver, wait, 'CRM обращений', 'Обращения')
        _list_rows(driver, wait)
        _shot(driver, 'card_03_appeals_list_1366.png')
        widths, headers = driver.execute_script("""
            const pane = document.querySelector(
                '#tabcontent .tab-pane.active');
            const view = pane.querySelector('.treeview');
            const box = view.getBoundingClientRect();
            const headers = Array.from(view.querySelectorAll('thead th'))
                .filter(th => th.offsetParent && th.innerText.trim())
                .map(th => {
                    const r = th.getBoundingClientRect();
                    const label = th.querySelector('label');
                    return {text: th.innerText.trim(),
                        inside: r.left >= box.left && r.right <= box.right
                            && r.right <= window.innerWidth,
                        title: label ? label.title : ''};
                });
            return [[view.scrollWidth, view.clientWidth], headers];""")
        assert widths[0] <= widths[1], f'sideways scrolling: {widths}'
        assert [h['text'] for h in headers] == LIST_HEADERS
        assert all(h['inside'] for h in headers), headers
        legend = {h['text']: h['title'] for h in headers}
        for column in ['Статус', 'До срока']:
            assert 'красн' in legend[column], legend
        assert all(colour in legend['Статус'] for colour in [
                'красный', 'жёлтый', 'зелёный', 'серый'])
    except Exception:
        _shot(driver, '99_failure_list.png')
        _console(driver)
        raise


def test_applicants_of_our_own(crm_server, browser):
    """«Заявители» lists the applicants without the organisations and the
    staff, and opens the CRM's applicant form: Russian labels, none of the
    generic party fields"""
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    session = Session(base_url, database, USER)
    staff = [p['name'] for p in session.search_read('party.party',
            [('crm_applicant', '=', False)], ['name'])]
    assert staff, 'the demo has no staff or organisation the operator sees'
    applicants = session.search_read('party.party',
        [('crm_applicant', '=', True)], ['name'])
    context = session.call('model.res.user.get_preferences', True, {})
    generic = session.call('model.party.party.fields_get',
        GENERIC_PARTY_FIELDS, context)
    generic_labels = {f['string'] for f in generic.values()}
    try:
        # Logged in as the harness does (its window), then at 1366×768
        _login(driver, wait, base_url, database, USER)
        _viewport(driver)
        _open_menu(driver, wait, 'CRM обращений', 'Заявители')
        cells = _list_rows(driver, wait)
        _shot(driver, 'card_04_applicants_list.png')
        names = driver.execute_script("""
            return Array.from(document.querySelectorAll(
                '#tabcontent .tab-pane.active .treeview tbody '
                + 'tr:not(.more-row)'))
                .map(r => r.querySelector('td[headers]').innerText.trim());
            """)
        assert names and not set(staff) & set(names), set(staff) & set(names)
        assert set(names) <= {a['name'] for a in applicants}
        headers = [h.text.strip() for h in _visible(driver,
                '#tabcontent .tab-pane.active .treeview thead th')
            if h.text.strip()]
        assert headers and all(CYRILLIC.search(h) for h in headers), headers

        from selenium.webdriver.common.action_chains import ActionChains
        ActionChains(driver).double_click(cells[0]).perform()
        labels_css = ('#tabcontent .tab-pane.active .form label, '
            '#tabcontent .tab-pane.active .form th')
        wait.until(lambda d: [e for e in _visible(d, labels_css)
                if e.text.strip() == 'ФИО:'])
        time.sleep(1)
        _shot(driver, 'card_05_applicant_form.png')
        labels = [e.text.strip() for e in _visible(driver, labels_css)
            if e.text.strip()]
        english = [t for t in labels if LATIN.search(t)]
        assert not english, f'English on the applicant form: {english}'
        assert all(CYRILLIC.search(t) for t in labels), labels
        text = driver.execute_script("""return document.querySelector(
            '#tabcontent .tab-pane.active .form').innerText;""")
        for wanted in ['ФИО:', 'Телефоны и эл. почта', 'Лицевые счета',
                'Обращения', 'Средняя оценка:', 'Согласие на обработку']:
            assert wanted in text, (wanted, text)
        for word in GENERIC_ENGLISH:
            assert word not in text
        shown_generic = {l.rstrip(':') for l in labels} & generic_labels
        assert not shown_generic, f'generic party fields: {shown_generic}'
    except Exception:
        _shot(driver, '99_failure_applicant.png')
        _console(driver)
        raise
