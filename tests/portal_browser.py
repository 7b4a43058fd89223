"""What every browser test of the portal checks on a page: screenshots at a
phone's and a desktop's width, no sideways scrolling, no serious or
critical accessibility violation (axe-core from npm), no console error."""
import base64
import json

from .demo_server import ROOT
from .test_browser import OUTPUT

AXE = ROOT / 'web' / 'node_modules' / 'axe-core' / 'axe.min.js'
WIDTHS = [(360, 1800), (1280, 1100)]


def axe_violations(driver):
    "The serious and critical violations axe-core finds on the page"
    driver.set_script_timeout(60)
    driver.execute_script(AXE.read_text(encoding='utf-8'))
    violations = driver.execute_async_script(
        'var done = arguments[arguments.length - 1];'
        'axe.run(document).then(function (r) { done(r.violations.map('
        'function (v) { return {id: v.id, impact: v.impact, help: v.help,'
        ' nodes: v.nodes.map(function (n) { return n.html; })}; })); })'
        '.catch(function (e) { done([{id: "axe", impact: "critical",'
        ' help: String(e), nodes: []}]); });')
    return [v for v in violations if v['impact'] in ('serious', 'critical')]


def console_errors(driver, refusals=(400,)):
    """Errors in the console; a form sent back with its errors (400) is
    logged by Chromium as a failed resource, and is not one"""
    allowed = tuple(f'status of {code} ' for code in refusals)
    return [e for e in driver.get_log('browser') if e['level'] == 'SEVERE'
        and not (e.get('source') == 'network'
            and any(a in e['message'] for a in allowed))]


def portal_shots(driver, prefix, name, widths=WIDTHS):
    """The whole page at each width into test-output/browser/
    <prefix>-<name>-<width>.png; fails on sideways scrolling and on
    serious accessibility violations"""
    for width, height in widths:
        driver.set_window_size(width, height)
        driver.execute_script('window.scrollTo(0, 0)')
        metrics = driver.execute_cdp_cmd('Page.getLayoutMetrics', {})
        full = metrics['cssContentSize']
        shot = driver.execute_cdp_cmd('Page.captureScreenshot', {
                'format': 'png', 'captureBeyondViewport': True,
                'clip': {'x': 0, 'y': 0, 'width': width,
                    'height': min(max(full['height'], height), 4000),
                    'scale': 1}})
        OUTPUT.mkdir(parents=True, exist_ok=True)
        (OUTPUT / f'{prefix}-{name}-{width}.png').write_bytes(
            base64.b64decode(shot['data']))
        assert driver.execute_script(
            'var e = document.documentElement;'
            'return e.scrollWidth <= e.clientWidth + 1'), (
            f'{name} scrolls sideways at {width} px')
        violations = axe_violations(driver)
        assert not violations, json.dumps(violations, ensure_ascii=False,
            indent=1)


def portal_login(driver, wait, portal, login, password):
    "Sign in on the portal's page as a user types"
    from selenium.webdriver.common.by import By
    driver.get(portal + '/login')
    driver.find_element(By.ID, 'login').send_keys(login)
    driver.find_element(By.ID, 'password').send_keys(password)
    driver.find_element(By.CSS_SELECTOR, 'form button[type=submit]').click()
    wait.until(lambda d: '/login' not in d.current_url)
