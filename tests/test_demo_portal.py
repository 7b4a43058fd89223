"""The demo's residents' website as a visitor meets it after `make run`:
resident1@example.com and resident2@example.com sign in with the demo
password, have linked personal accounts, appeals sent from the portal in
several stages with a public conversation (and an internal staff note they
must not see), notifications (some unread); every account has its
verification code; executor1 has work orders for his phone pages."""
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .demo_server import PASSWORD
from .test_races import Client

RESIDENTS = ['resident1@example.com', 'resident2@example.com']
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope='module')
def admin(crm_server):
    base_url, database = crm_server
    return Client(base_url, database, 'admin')


def _read(admin, model, domain, fields):
    return admin.model(model, 'search_read', domain, 0, None, None, fields)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _portal_login(base_url, database, login, opener=None):
    "(status, Location) of signing in to the portal with the demo password"
    opener = opener or urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
        _NoRedirect)
    url = f'{base_url}{database}/portal/login'
    with opener.open(url, timeout=60) as response:
        token = CSRF.search(response.read().decode()).group(1)
    data = urllib.parse.urlencode({'login': login, 'password': PASSWORD,
            'csrf_token': token}).encode()
    try:
        with opener.open(url, data=data, timeout=60) as response:
            return response.status, response.headers.get('Location')
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get('Location')


def _unread_badge(crm_server, login):
    "The unread count in the header of the resident's portal pages"
    base_url, database = crm_server
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
        _NoRedirect)
    status, _ = _portal_login(base_url, database, login, opener)
    assert status == 303
    url = f'{base_url}{database}/portal/appeals'
    with opener.open(url, timeout=60) as response:
        page = response.read().decode()
    found = re.search(r'class="badge"[^>]*>(\d+)<', page)
    return int(found.group(1)) if found else 0


@pytest.fixture(scope='module')
def residents(admin):
    users = _read(admin, 'web.user', [('email', 'in', RESIDENTS)],
        ['email', 'email_valid', 'party', 'phone', 'agreement',
            'agreement_date', 'active'])
    assert sorted(u['email'] for u in users) == RESIDENTS
    return users


def test_residents_sign_in(crm_server, admin, residents):
    for user in residents:
        assert user['email_valid'] and user['active'] and user['party']
        assert user['phone'] and user['agreement_date']
    agreement, = _read(admin, 'crm.portal.agreement', [
            ('id', '=', residents[0]['agreement'])], ['version', 'title'])
    assert agreement['version'] == '1.0'
    assert 'персональных данных' in agreement['title']
    base_url, database = crm_server
    for login in RESIDENTS:
        status, location = _portal_login(base_url, database, login)
        assert status == 303, (login, status)
        assert not location.endswith('/login'), location
    # executor1 signs in on the same site and lands on his orders
    status, location = _portal_login(base_url, database, 'executor1')
    assert status == 303 and location.endswith('/orders'), location


def test_linked_accounts(admin, residents):
    for user in residents:
        links = _read(admin, 'crm.portal.account.link', [
                ('web_user', '=', user['id'])],
            ['account', 'method', 'active', 'linked_date'])
        assert links, user['email']
        assert {(l['method'], l['active']) for l in links} == {
            ('code', True)}
        accounts = _read(admin, 'crm.account', [
                ('id', 'in', [l['account'] for l in links])],
            ['parties', 'portal_code'])
        for account in accounts:
            assert user['party'] in account['parties']
            assert re.fullmatch(r'\d{8}', account['portal_code'])
    # resident1 has two accounts
    assert len(_read(admin, 'crm.portal.account.link', [
                ('web_user.email', '=', RESIDENTS[0])], ['id'])) == 2
    # every account of the demo has its verification code on the receipt
    assert not _read(admin, 'crm.account', [('portal_code', '=', None)],
        ['id'])


def test_appeals_conversation_notifications(admin, residents, crm_server):
    config, = _read(admin, 'crm.configuration', [], ['portal_source'])
    source, = _read(admin, 'crm.appeal.source', [
            ('id', '=', config['portal_source'])], ['code'])
    assert source['code'] == 'portal'
    states = set()
    for user in residents:
        appeals = _read(admin, 'crm.appeal', [
                ('applicant', '=', user['party'])],
            ['state', 'source', 'rating'])
        assert len(appeals) >= 4, user['email']
        assert {a['source'] for a in appeals} == {config['portal_source']}
        assert len({a['state'] for a in appeals}) >= 3, appeals
        assert any(a['rating'] for a in appeals)
        states |= {a['state'] for a in appeals}
        messages = _read(admin, 'crm.appeal.message', [
                ('appeal', 'in', [a['id'] for a in appeals])],
            ['author_kind', 'public', 'web_user', 'author'])
        assert any(m['author_kind'] == 'staff' and m['public']
            for m in messages)
        assert all(m['web_user'] == user['id'] and m['public']
            for m in messages if m['author_kind'] == 'resident')
        # Staff do not read the residents' notifications: the resident's
        # own header tells the unread ones
        assert _unread_badge(crm_server, user['email']) > 0
    # Browser tests sharing the server may move one appeal on
    assert len(states) >= 3, states
    # one internal note of the staff the residents must not see
    assert _read(admin, 'crm.appeal.message', [
            ('appeal.applicant.web_users.email', '=', RESIDENTS[0]),
            ('public', '=', False)], ['id'])
    assert _read(admin, 'crm.appeal.message', [
            ('author_kind', '=', 'resident')], ['id'])


def test_executor1_has_orders(crm_server):
    base_url, database = crm_server
    executor = Client(base_url, database, 'executor1')
    orders = executor.model('crm.work_order', 'search_read',
        [('mine', '=', True)], 0, None, None, ['state'])
    assert {o['state'] for o in orders} & {'created', 'in_progress'}
