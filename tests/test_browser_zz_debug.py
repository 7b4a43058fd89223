import time
from .demo_server import Session
from .test_browser import USER, _login, _waiter, browser  # noqa
from .test_browser_card import _viewport
from .test_browser_dispatch_card import _card_appeal, _open


def test_debug(crm_server, browser):
    base_url, database = crm_server
    driver = browser
    wait = _waiter(driver)
    appeal = _card_appeal(Session(base_url, database, USER))
    _login(driver, wait, base_url, database, USER)
    _viewport(driver)
    _open(driver, wait, database, appeal)
    out = driver.execute_script("""
        const pane = document.querySelector('#tabcontent .tab-pane.active .form');
        const res = [['form', pane.scrollWidth, pane.clientWidth]];
        const view = Sao.Tab.tabs.get_current().screen.current_view;
        const top = pane.querySelector('.form-container');
        for (const item of top.children) {
            const c = item.firstElementChild || item;
            const w0 = item.getBoundingClientRect().width;
            const old = item.style.width;
            item.style.width = 'min-content';
            res.push([item.style.gridColumn, (item.innerText||'').slice(0,30), Math.round(w0), Math.round(item.getBoundingClientRect().width)]);
            item.style.width = old;
        }
        for (const name of ['accounts', 'support_line', 'operator', 'stage', 'state', 'deadline', 'time_left', 'applicant_rating', 'priority', 'responsible', 'executors', 'extra_fields', 'matching_applicants']) {
            const el = view.widgets[name][0].el[0];
            const cell = el.closest('.form-item') || el;
            const old = cell.style.display;
            cell.style.display = 'none';
            res.push([name, pane.scrollWidth]);
            cell.style.display = old;
        }
        return res;""")
    for row in out:
        print(row)
    assert False
