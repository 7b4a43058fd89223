"""A report mailing in the web client (headless Chromium): the demo
supervisor opens «Аналитика / Рассылки отчётов», sees his mailing's form
and its tabs in Russian, presses «Отправить сейчас» and confirms; the
server e-mails the report to the loopback SMTP server and the «История»
tab shows the run as sent.  Screenshots: test-output/browser/mailing_*.png."""
import json
import re
import time

import pytest

from .demo_server import Session
from .test_browser import (
    _click_button, _console, _login, _need_browser, _open_menu, _shot,
    _visible, _waiter, browser)

__all__ = ['browser', '_need_browser']  # fixtures used from test_browser

pytestmark = pytest.mark.browser

USER = 'supervisor'
PANE = '#tabcontent .tab-pane.active'
NAME = 'Источники за месяц'
LATIN = re.compile('[A-Za-z]{3,}')
# Latin words that are names here
NAMES = {'XLSX', 'Excel', 'ZIP', 'AES', 'PDF'}


def _texts(driver):
    return [e.text.strip() for e in _visible(driver, f'{PANE} label,'
            f' {PANE} th, {PANE} .nav-tabs a, {PANE} button, .tab-title')
        if e.text.strip()]


def _english(driver):
    return [t for t in _texts(driver)
        if any(w not in NAMES for w in LATIN.findall(t))]


def _tab(driver, title):
    tab, = [t for t in _visible(driver, f'{PANE} .nav-tabs a')
        if t.text.strip() == title]
    tab.click()
    time.sleep(1)


def _mailing(base_url, database):
    "The supervisor's layout and a weekly mailing of it, saved over RPC"
    session = Session(base_url, database, USER)
    context = session.call('model.res.user.get_preferences', True, {})
    layout, = session.call('model.crm.analytics.layout.create', [{
                'name': 'Обращения по источникам',
                'config': json.dumps(
                    {'rows': ['source'], 'measure': 'count'}),
                }], context)
    mailing, = session.call('model.crm.analytics.mailing.create', [{
                'name': NAME, 'company': context['company'],
                'kind': 'layout', 'layout': layout, 'period': 'month',
                'format': 'xlsx', 'recipients': 'boss@example.ru',
                'frequency': 'weekly', 'weekday': '0', 'hour': 9,
                }], context)
    return mailing


def test_supervisor_sends_a_mailing_now(crm_server, crm_mailbox, browser):
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    _mailing(base_url, database)
    sent = len(crm_mailbox.letters)
    try:
        _login(driver, wait, base_url, database, USER)
        # The menu has the entry; the list opens by its address (as the
        # appeal's list does in test_browser)
        _open_menu(driver, wait, 'CRM обращений', 'Аналитика',
            'Рассылки отчётов')
        driver.execute_script('window.location.hash = arguments[0];',
            f'#{database}/model/crm.analytics.mailing')
        rows_css = f'{PANE} .treeview tbody tr:not(.more-row)'
        wait.until(lambda d: [r for r in _visible(d, rows_css)
                if NAME in r.text])
        time.sleep(1)
        _shot(driver, 'mailing_01_list.png')
        assert not _english(driver), _english(driver)
        from selenium.webdriver.common.action_chains import ActionChains
        # The name's cell: the owner's and organisation's are links
        cell, = [c for c in _visible(driver, f'{rows_css} td')
            if c.text.strip() == NAME]
        ActionChains(driver).double_click(cell).perform()
        wait.until(lambda d: [b for b in _visible(d, f'{PANE} .form button')
                if 'ОТПРАВИТЬ СЕЙЧАС' in b.text.upper()])
        time.sleep(1)
        _shot(driver, 'mailing_02_form.png')
        texts = _texts(driver)
        for label in ['Содержание', 'Макет сводной таблицы', 'Период',
                'Формат', 'Расписание', 'Доставка', 'История']:
            assert any(label in t for t in texts), (label, texts)
        assert not _english(driver), _english(driver)
        _tab(driver, 'Расписание')
        _shot(driver, 'mailing_03_schedule.png')
        assert any('День недели' in t for t in _texts(driver))
        _tab(driver, 'Доставка')
        _shot(driver, 'mailing_04_delivery.png')
        assert not _english(driver), _english(driver)

        _click_button(driver, 'Отправить сейчас')
        _click_button(driver, 'ОК', scope='.modal-dialog .modal-footer')
        wait.until(lambda d: len(crm_mailbox.letters) > sent)
        letter = crm_mailbox.letters[-1]
        assert letter['to'] == ['boss@example.ru']
        assert letter['message']['Subject'].startswith(f'{NAME} за '), (
            letter['message']['Subject'])
        part, = letter['message'].iter_attachments()
        assert part.get_filename().startswith('Источники_за_месяц_')
        assert part.get_filename().endswith('.xlsx')

        _tab(driver, 'История')
        history = f'{PANE} .tab-content .tab-pane.active tbody tr'
        wait.until(lambda d: [r for r in _visible(d, history)
                if 'Отправлено' in r.text])
        time.sleep(1)
        _shot(driver, 'mailing_05_history.png')
        assert not _english(driver), _english(driver)
    except Exception:
        _shot(driver, 'mailing_99_failure.png')
        _console(driver)
        raise
