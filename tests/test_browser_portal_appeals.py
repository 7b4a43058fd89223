"""The resident portal's appeals in headless Chromium: a resident picks a
topic, sends the form with a required field missing (error next to it),
fills it and lands on the appeal's page; the list shows it.  Screenshots
at 360 px and 1280 px: test-output/browser/portal-appeals-*.png; axe-core
finds no serious or critical violation; the console has no error."""
import json
import subprocess

import pytest

from .demo_server import PASSWORD, ROOT, VENV_BIN
from .test_browser import _need_browser, _waiter, browser
from .portal_browser import console_errors as _errors, portal_shots

__all__ = ['browser', '_need_browser']

pytestmark = pytest.mark.browser

EMAIL = 'appeals.browser@example.com'
WIDTHS = [(360, 740), (1280, 900)]

# Run in the server's database by a separate process: the demo has no
# resident of its own yet, and a link of an account is made by the
# portal's own steps only (no RPC creates one)
PREPARE = r'''
import json, sys
from trytond import config
config.update_etc(sys.argv[1])
from trytond.pool import Pool
from trytond.transaction import Transaction
database, email, password = sys.argv[2:5]
pool = Pool(database)
with Transaction().start(database, 0, readonly=True):
    pool.init()
with Transaction().start(database, 0, context={'language': 'ru'}) as tx:
    Account = pool.get('crm.account')
    WebUser = pool.get('web.user')
    Party = pool.get('party.party')
    Link = pool.get('crm.portal.account.link')
    Reason = pool.get('crm.appeal.reason')
    Field = pool.get('crm.appeal.extra_field')
    account, = Account.search([('premise', '!=', None)], limit=1)
    if not WebUser.search([('email', '=', email)]):
        party, = Party.create([{'name': 'Ирина Житель'}])
        user, = WebUser.create([{'email': email, 'password': password,
            'email_valid': True, 'party': party.id}])
        Link.create([{'web_user': user.id, 'account': account.id,
            'method': 'operator', 'active': True}])
    reasons = Reason.search([('code', '=', 'portal_door')])
    if not reasons:
        group = Reason.search([('portal', '=', True)], limit=1)[0].group
        reasons = Reason.create([{'group': group.id, 'code': 'portal_door',
            'name': 'Неисправна дверь подъезда', 'portal': True,
            'default_hours': 72}])
        Field.create([{'name': 'portal_door_kind', 'string': 'Какая дверь',
            'type_': 'selection', 'required': True, 'sequence': 1,
            'selection': 'entrance:Входная\ntambour:Тамбурная',
            'reasons': [('add', [reasons[0].id])]}])
    tx.commit()
    print(json.dumps({'reason': reasons[0].id, 'account': account.id}))
'''


def _prepare(database, basetemp):
    "Make the resident and the topic; their ids"
    # The server's configuration (demo_server.crm_server's folder)
    confs = sorted(basetemp.glob('browser*/trytond.conf'))
    assert confs, 'the configuration of the browser server not found'
    result = subprocess.run(
        [str(VENV_BIN / 'python'), '-c', PREPARE, str(confs[-1]), database,
            EMAIL, PASSWORD],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_resident_sends_an_appeal(crm_server, browser, tmp_path,
        tmp_path_factory):
    from PIL import Image
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base_url, database = crm_server
    data = _prepare(database, tmp_path_factory.getbasetemp())
    driver = browser
    wait = _waiter(driver)
    portal = f'{base_url}{database}/portal'

    driver.get(portal + '/login')
    driver.find_element(By.ID, 'login').send_keys(EMAIL)
    driver.find_element(By.ID, 'password').send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, 'form button[type=submit]').click()
    wait.until(lambda d: '/portal/appeals' in d.current_url)

    driver.get(portal + '/appeals/new')
    assert 'Неисправна дверь подъезда' in driver.page_source
    portal_shots(driver, 'portal-appeals', 'topics', WIDTHS)
    driver.find_element(By.LINK_TEXT, 'Неисправна дверь подъезда').click()
    wait.until(lambda d: d.find_elements(By.ID, 'field_portal_door_kind'))

    driver.find_element(By.ID, 'description').send_keys(
        'Дверь не закрывается, сломан доводчик')
    Select(driver.find_element(By.ID, 'account')).select_by_value(
        str(data['account']))
    driver.find_element(By.CSS_SELECTOR,
        'form[enctype] button[type=submit]').click()
    wait.until(lambda d: d.find_elements(By.ID,
            'field_portal_door_kind-error'))
    field = driver.find_element(By.ID, 'field_portal_door_kind')
    assert field.get_attribute('aria-invalid') == 'true'
    assert field.get_attribute('aria-describedby') == (
        'field_portal_door_kind-error')
    assert driver.find_element(By.ID, 'field_portal_door_kind-error'
        ).text == 'Заполните поле «Какая дверь».'
    # The resident's text is kept
    assert driver.find_element(By.ID, 'description').get_attribute(
        'value') == 'Дверь не закрывается, сломан доводчик'
    portal_shots(driver, 'portal-appeals', 'form-error', WIDTHS)

    Select(driver.find_element(By.ID, 'field_portal_door_kind')
        ).select_by_value('tambour')
    picture = tmp_path / 'door.jpg'
    Image.new('RGB', (320, 240), (90, 120, 160)).save(picture)
    driver.find_element(By.ID, 'photos').send_keys(str(picture))
    driver.find_element(By.CSS_SELECTOR,
        'form[enctype] button[type=submit]').click()
    wait.until(lambda d: 'created=1' in d.current_url)
    text = driver.find_element(By.TAG_NAME, 'main').text
    assert 'Заявка отправлена' in text
    assert 'Тамбурная' in text
    assert 'Дверь не закрывается, сломан доводчик' in text
    assert 'door.jpg' in text
    number = driver.find_element(By.TAG_NAME, 'h1').text
    portal_shots(driver, 'portal-appeals', 'detail', WIDTHS)

    driver.get(portal + '/appeals')
    assert number.replace('Заявка ', '') in driver.find_element(
        By.TAG_NAME, 'main').text
    portal_shots(driver, 'portal-appeals', 'list', WIDTHS)
    assert not _errors(driver), _errors(driver)
