"""End-to-end test of the back office in a real browser (headless Chromium).

A throw-away CRM database with a small demo data set (``tools/demo.py
--small``) is built with scripts/build-db.sh, on SQLite in a temporary folder
(or, when the suite runs on PostgreSQL, i.e. TRYTOND_DATABASE_URI is
postgresql://..., in that server), ``trytond`` serves it with the web client
(sao) on a free loopback port, and Selenium drives Chromium: login as an
operator, the appeals list, one appeal's form in Russian. Screenshots go to
test-output/browser/.

Skipped only when Chromium/ChromeDriver are missing and CI is not set; under
CI=true a missing browser is a failure.

Knobs for working on the harness itself (defaults are the real test):
BROWSER_MODULES (crm_dispatch), BROWSER_MODEL (crm.appeal), BROWSER_USER
(operator1), BROWSER_LABELS (Номер,Заявитель: at least one form label must
contain one of them), DEMO=0 (no demo data).
"""
import os
import pathlib
import re
import shutil
import tempfile
import time

import pytest

from .demo_server import PASSWORD, ROOT, SAO

# TEST_OUTPUT: another folder for a run beside another (.ci/run runs the
# SQLite and PostgreSQL suites at once)
OUTPUT = pathlib.Path(
    os.environ.get('TEST_OUTPUT') or ROOT / 'test-output') / 'browser'

CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
CHROMEDRIVER = shutil.which('chromedriver') or '/usr/bin/chromedriver'

MODEL = os.environ.get('BROWSER_MODEL', 'crm.appeal')
USER = os.environ.get('BROWSER_USER', 'operator1')
LABELS = os.environ.get('BROWSER_LABELS', 'Номер,Заявитель').split(',')
WAIT = 60  # seconds, for any one thing to appear in the browser

pytestmark = pytest.mark.browser


def _browser_missing():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        return ', '.join(missing) + ' not found'
    if not (SAO / 'index.html').is_file():
        return f'{SAO} not installed (make web)'
    return None


@pytest.fixture(scope='module', autouse=True)
def _need_browser():
    if reason := _browser_missing():
        if os.environ.get('CI') == 'true':
            pytest.fail(f'browser test cannot run under CI: {reason}')
        pytest.skip(f'{reason} (apt-get install chromium chromium-driver; '
            'make web)')


@pytest.fixture
def browser(crm_server):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix='crm-chromium-')
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in [
            '--headless=new', '--no-sandbox', '--disable-gpu',
            '--disable-dev-shm-usage', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--no-first-run',
            '--disable-quic', f'--user-data-dir={profile}',
            '--window-size=1400,900', '--lang=ru-RU']:
        options.add_argument(arg)
    options.add_experimental_option('prefs', {'intl.accept_languages': 'ru'})
    options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    OUTPUT.mkdir(parents=True, exist_ok=True)
    service = Service(
        executable_path=CHROMEDRIVER,
        log_output=str(OUTPUT / 'chromedriver.log'))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_window_size(1400, 900)
    # sao speaks the browser's language (navigator.language) until login:
    # a Russian-speaking browser, whatever the machine's locale
    driver.execute_cdp_cmd('Emulation.setLocaleOverride', {'locale': 'ru-RU'})
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _shot(driver, name):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(OUTPUT / name))


def _visible(driver, css):
    return [e for e in driver.find_elements('css selector', css)
        if e.is_displayed()]


def _menu_row(driver, text):
    for row in _visible(driver, '#menu .treeview tbody tr'):
        if row.text.strip() == text:
            return row


def _open_menu(driver, wait, *path, double=False):
    """Open the menu entry at path (its folders first), as a user clicks it;
    double: a double click (an entry that opens a calendar or a wizard)"""
    for folder, entry in zip(path, path[1:]):
        wait.until(lambda d: _menu_row(d, folder))
        if not _menu_row(driver, entry):
            _menu_row(driver, folder).find_element(
                'css selector', '.expander').click()
        wait.until(lambda d: _menu_row(d, entry))
    if double:
        from selenium.webdriver.common.action_chains import ActionChains
        ActionChains(driver).double_click(_menu_row(driver, path[-1])).perform()
    else:
        _menu_row(driver, path[-1]).click()


def _login(driver, wait, base_url, database, user, shoot=False):
    "Log into sao: database and user name, then the password is asked"
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    driver.get(base_url)
    wait.until(lambda d: _visible(d, '#login'))
    wait.until(lambda d: _visible(d, '#database'))
    field, = _visible(driver, '#database')
    if field.tag_name == 'select':
        wait.until(lambda d: any(
                o.get_attribute('value') == database
                for o in Select(field).options))
        Select(field).select_by_value(database)
    elif not field.get_attribute('readonly'):
        field.clear()
        field.send_keys(database)
    login, = _visible(driver, '#login')
    login.send_keys(user)
    if shoot:
        _shot(driver, '01_login.png')
    login.send_keys(Keys.ENTER)

    wait.until(lambda d: _visible(d, '#ask-dialog-entry'))
    password, = _visible(driver, '#ask-dialog-entry')
    assert password.get_attribute('type') == 'password'
    password.send_keys(PASSWORD)
    password.send_keys(Keys.ENTER)

    # Main window: the menu is loaded
    wait.until(lambda d: _visible(d, '#menu .treeview tbody tr td'))
    assert not _visible(driver, '#login'), 'still on the login dialog'


def test_operator_opens_an_appeal(crm_server, browser):
    from selenium.webdriver.common.action_chains import ActionChains

    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in [*OUTPUT.glob('*.png'), OUTPUT / 'console.log']:
        old.unlink(missing_ok=True)
    try:
        _login(driver, wait, base_url, database, USER, shoot=True)

        # Appeals list
        driver.execute_script(
            'window.location.hash = arguments[0];',
            f'#{database}/model/{MODEL}')
        rows_css = ('#tabcontent .tab-pane.active .treeview tbody '
            'tr:not(.more-row) td[headers]')
        wait.until(lambda d: _visible(d, rows_css))
        # Let the first page of records load completely
        time.sleep(1)
        cells = _visible(driver, rows_css)
        assert cells, f'no rows in the {MODEL} list'
        texts = [c.text.strip() for c in cells]
        assert any(texts), f'the {MODEL} list shows only empty cells'
        _shot(driver, '02_appeals_list.png')

        # One appeal: double-click its first cell opens the form
        ActionChains(driver).double_click(cells[0]).perform()
        labels_css = '#tabcontent .tab-pane.active .form label'
        wait.until(lambda d: [
                e for e in _visible(d, labels_css) if e.text.strip()])
        time.sleep(1)
        labels = [e.text.strip() for e in _visible(driver, labels_css)
            if e.text.strip()]
        _shot(driver, '03_appeal_form.png')
        assert any(re.search('[А-Яа-яЁё]', t) for t in labels), (
            f'no Russian label on the form: {labels}')
        assert any(want in t for t in labels for want in LABELS), (
            f'none of {LABELS} among the form labels {labels}')
    except Exception:
        _shot(driver, '99_failure.png')
        _console(driver)
        raise


def _console(driver):
    "Save the browser console (JavaScript errors) next to the screenshots"
    try:
        entries = driver.get_log('browser')
    except Exception:  # noqa: BLE001 - best effort, never hide the failure
        return
    with (OUTPUT / 'console.log').open('w', encoding='utf-8') as fp:
        for entry in entries:
            fp.write(f"{entry.get('level')} {entry.get('message')}\n")


def _waiter(driver):
    "A wait that looks again when sao redraws what it was looking at"
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, WAIT,
        ignored_exceptions=(StaleElementReferenceException,))


def _click_button(driver, text,
        scope='.modal-dialog, #tabcontent .tab-pane.active'):
    "Click the enabled button showing text in the current tab or dialog"
    css = ', '.join(f'{s.strip()} button' for s in scope.split(','))

    def find(driver):
        for button in driver.find_elements('css selector', css):
            if (button.is_displayed() and button.is_enabled()
                    and text.upper() in button.text.upper()):
                driver.execute_script(
                    'arguments[0].scrollIntoView(); arguments[0].click();',
                    button)
                return True
        return False
    try:
        _waiter(driver).until(find)
    except Exception:
        raise AssertionError(f'no button «{text}» on the screen')


def _type_into(driver, css, text):
    """Type text into the first visible field matching css and leave it.
    A dialog fills its defaults after it shows and may redraw the field:
    type again until the field keeps the text."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.keys import Keys

    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        time.sleep(0.5)
        try:
            field = _visible(driver, css)[0]
            if field.get_attribute('value') != text:
                field.clear()
                field.send_keys(text)
                field.send_keys(Keys.TAB)
            time.sleep(0.5)
            if _visible(driver, css)[0].get_attribute('value') == text:
                return
        except (StaleElementReferenceException, IndexError):
            continue
    raise AssertionError(f'the field {css} does not keep «{text}»')


def _form_state(driver):
    "The state the open form shows (the selected option of its selects)"
    return driver.execute_script("""
        return Array.from(document.querySelectorAll(
                '#tabcontent .tab-pane.active .form select'))
            .map(s => s.selectedIndex >= 0 ? s.options[s.selectedIndex].text
                : '');""")


def _wait_form_state(driver, wait, label):
    # Wait on the page, not on the server: polling over JSON-RPC while the
    # browser writes would contend for the SQLite lock
    try:
        wait.until(lambda d: label in _form_state(d))  # JS: never stale
    except Exception:
        raise AssertionError(
            f'the form does not show «{label}»: {_form_state(driver)}')


def test_operator_takes_and_closes_an_appeal(crm_server, browser):
    "The life cycle buttons and the close wizard work in the web client"
    from .demo_server import Session

    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    session = Session(base_url, database, USER)
    drafts = session.search_read('crm.appeal', [
            ('state', '=', 'draft'), ('reason', '!=', None),
            ('support_line.number', '=', 1)], ['number'], limit=1)
    assert drafts, 'no draft appeal of line 1 in the demo data'
    appeal = drafts[0]
    work_done = 'Показания приняты, перерасчёт выполнен'
    try:
        _login(driver, wait, base_url, database, USER)
        driver.execute_script('window.location.hash = arguments[0];',
            f'#{database}/model/crm.appeal/{appeal["id"]}')
        wait.until(lambda d: [e for e in _visible(d,
                    '#tabcontent .tab-pane.active .form button')
                if 'РАБОТУ' in e.text.upper()])
        time.sleep(1)
        _click_button(driver, 'Взять в работу')
        _wait_form_state(driver, wait, 'В работе')
        _shot(driver, '04_taken.png')

        _click_button(driver, 'Закрыть обращение')
        textarea_css = '.modal-dialog textarea'
        wait.until(lambda d: _visible(d, textarea_css))
        _type_into(driver, textarea_css, work_done)
        _shot(driver, '05_close_wizard.png')
        _click_button(driver, 'Закрыть обращение',
            scope='.modal-dialog .modal-footer')
        _wait_form_state(driver, wait, 'Решено')
        _shot(driver, '06_resolved.png')
    except Exception:
        _shot(driver, '99_failure.png')
        _console(driver)
        raise
    closed, = session.search_read('crm.appeal', [('id', '=', appeal['id'])],
        ['state', 'work_done', 'closed_by', 'operator'])
    assert closed['state'] == 'resolved'
    assert closed['work_done'] == work_done
    assert closed['closed_by'] == session.user_id
    events = session.search_read('crm.appeal.event',
        [('appeal', '=', appeal['id'])], ['kind', 'user'])
    kinds = {e['kind'] for e in events if e['user'] == session.user_id}
    assert {'taken', 'closed'} <= kinds
