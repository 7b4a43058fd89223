"""The appeals search bar as an operator types into it (headless Chromium):
a surname in lower case (е for ё) finds the applicant's appeals, a phone
typed as ten digits finds the appeals of that phone.  Screenshots in
test-output/browser/search_*.png."""
import re
import time

import pytest

from .test_browser import (  # noqa: F401 - fixtures
    USER, WAIT, _console, _login, _need_browser, _shot, _visible, _waiter,
    browser)

pytestmark = pytest.mark.browser

# The applicant the issue was found with in `make run`'s demo (with
# +7 902 044-23-29); the smaller demo of the tests may lack her: then the
# applicant of the newest appeal operator1 sees that has a phone
SURNAME = 'Новикова'
ROWS_CSS = '#tabcontent .tab-pane.active .treeview tbody tr:not(.more-row)'
SEARCH_CSS = '#tabcontent .tab-pane.active .filter-box input.form-control'
NUMBER = re.compile(r'[А-ЯA-Z]+-\d{4}-\d+')


def _shown(driver):
    "The numbers and texts of the rows the list shows"
    rows = driver.execute_script("""
        return Array.from(document.querySelectorAll(arguments[0]))
            .filter(r => r.offsetParent !== null)
            .map(r => r.innerText);""", ROWS_CSS)
    return {m.group(): text for text in rows
        if (m := NUMBER.search(text))}


def _search(driver, text, expected, shot):
    "Type text into the search bar, press Enter, wait for expected rows"
    from selenium.webdriver.common.keys import Keys

    field, = _visible(driver, SEARCH_CSS)
    field.clear()
    field.send_keys(text)
    field.send_keys(Keys.ENTER)
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        shown = _shown(driver)
        if set(shown) == expected:
            break
        time.sleep(0.5)
    time.sleep(0.5)
    _shot(driver, shot)
    shown = _shown(driver)
    assert set(shown) == expected, (
        f'«{text}»: the list shows {sorted(shown)}, '
        f'expected {sorted(expected)}')
    return shown


def test_operator_finds_appeals_by_name_and_phone(crm_server, browser):
    from .demo_server import Session

    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    session = Session(base_url, database, USER)
    surname = SURNAME
    if not session.search_read('crm.appeal', [
                ('applicant.name', 'like', f'{SURNAME} %')], ['id'],
            limit=1):
        newest, = session.search_read('crm.appeal', [
                ('contact_phone', '!=', None), ('applicant', '!=', None)],
            ['applicant_name'], limit=1)
        surname = newest['applicant_name'].split()[0]
    # What operator1 may see of the applicant, found without the search
    # box: the surname as it is written (the box also finds longer names
    # that hold it, Новикова for Новиков)
    appeals = session.search_read('crm.appeal', [
            ('applicant.name', 'like', f'%{surname}%')],
        ['number', 'contact_phone', 'applicant'])
    assert appeals, f'no appeal of «{surname}» for {USER} in the demo'
    by_name = {a['number'] for a in appeals}
    # A phone of one of them, typed as ten digits («9020442329»); its
    # appeals: those called from it and those of its applicants
    phoned = next((a for a in appeals if a['contact_phone']), None)
    assert phoned, f'no appeal of «{surname}» with a phone in the demo'
    digits = re.sub(r'\D', '', phoned['contact_phone'])[-10:]
    compact = f'+7{digits}'
    holders = {m['party'] for m in session.search_read(
            'party.contact_mechanism',
            [('value_compact', '=', compact)], ['party'])}
    by_phone = {a['number'] for a in session.search_read('crm.appeal', [
                'OR', ('contact_phone', '=', phoned['contact_phone']),
                ('applicant', 'in', list(holders))], ['number'])}
    try:
        _login(driver, wait, base_url, database, USER)
        driver.execute_script('window.location.hash = arguments[0];',
            f'#{database}/model/crm.appeal')
        wait.until(lambda d: _visible(d, SEARCH_CSS) and _shown(d))

        # in lower case, and with е for ё as most type it
        typed = surname.lower().replace('ё', 'е')
        shown = _search(driver, typed, by_name,
            'search_01_name_lower_case.png')
        assert all(surname in text for text in shown.values())

        shown = _search(driver, digits, by_phone,
            'search_02_phone_ten_digits.png')
        assert phoned['number'] in shown
    except Exception:
        _shot(driver, 'search_99_failure.png')
        _console(driver)
        raise
