"""Linking personal accounts in the portal: the proofs, the one answer to
every wrong proof, the throttle, another resident's ids, unlinking and the
operator's revocation; and the back office's buttons."""
import itertools
import re

from trytond.exceptions import UserError
from trytond.modules.crm_dispatch.tests.tools import acting_as, create_staff
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, RouteTestCase, _DBTestCase, with_transaction)
from trytond.transaction import Transaction

from ..www.core import acting_as_resident
from .tools import PortalClient, accounts_setup

GENERIC = 'Не удалось привязать лицевой счёт'
_addresses = (f'10.9.0.{i}' for i in itertools.count(1))


class Client(PortalClient):
    "A resident's browser on its own network address"

    def __init__(self, address=None):
        super().__init__()
        self.address = address or next(_addresses)

    def get(self, path, **kwargs):
        kwargs.setdefault('environ_base', {'REMOTE_ADDR': self.address})
        return super().get(path, **kwargs)

    def post(self, path, data=None, csrf=True, **kwargs):
        kwargs.setdefault('environ_base', {'REMOTE_ADDR': self.address})
        return super().post(path, data, csrf=csrf, **kwargs)


class PortalAccountsTestCase(RouteTestCase):
    "Personal accounts in the portal"
    module = 'crm_portal'
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        records = accounts_setup()
        cls.ids = {name: r.id for name, r in records.items()}
        Transaction().commit()

    def setUp(self):
        super().setUp()
        # Each test starts with no links and no counted attempts
        with Transaction().start(DB_NAME, 0,
                context={'active_test': False}):
            pool = Pool()
            for name in ['crm.portal.attempt', 'crm.portal.account.link',
                    'crm.account-party.party']:
                Model = pool.get(name)
                Model.delete(Model.search([]))
            Transaction().commit()

    def resident(self, name='a', address=None):
        client = Client(address)
        response = client.login(f'{name}@example.com')
        self.assertEqual(response.status_code, 303, client.text(response))
        return client

    def counts(self):
        "Rows of links and of account applicants, revoked ones included"
        with Transaction().start(DB_NAME, 0, readonly=True):
            pool = Pool()
            Link = pool.get('crm.portal.account.link')
            AccountParty = pool.get('crm.account-party.party')
            return (Link.search([('active', 'in', [True, False])],
                    count=True), AccountParty.search([], count=True))

    def links(self, account='account5'):
        "[(resident e-mail, method, active, revoked?)] of the account"
        with Transaction().start(DB_NAME, 0, readonly=True):
            Link = Pool().get('crm.portal.account.link')
            return [(l.web_user.email, l.method, l.active,
                    bool(l.revoked_date)) for l in Link.search([
                        ('account', '=', self.ids[account]),
                        ('active', 'in', [True, False]),
                        ], order=[('id', 'ASC')])]

    def applicants(self, account='account5'):
        with Transaction().start(DB_NAME, 0, readonly=True):
            Account = Pool().get('crm.account')
            account = Account(self.ids[account])
            return sorted(
                (p.name, tuple(c.value for c in p.contact_mechanisms))
                for p in account.parties)

    def visible(self, resident):
        "Accounts the portal's rules let the resident read"
        with Transaction().start(DB_NAME, 0, readonly=True):
            pool = Pool()
            Account = pool.get('crm.account')
            WebUser = pool.get('web.user')
            with acting_as_resident(pool, WebUser(self.ids[resident])):
                return [a.number for a in Account.search([])]

    def error_of(self, client, response):
        found = re.search(r'<p class="error" role="alert"[^>]*>([^<]*)<',
            client.text(response))
        return found.group(1) if found else None

    def test_link_by_code(self):
        client = self.resident()
        response = client.get('/accounts')
        self.assertEqual(response.status_code, 200)
        self.assertIn('не привязан ни один', client.text(response))

        response = client.post('/accounts/link', {
                'number': '77000 12345', 'code': ' 1234 5678 '})
        self.assertEqual(response.status_code, 303, client.text(response))
        self.assertTrue(response.headers['Location'].endswith(
                '/accounts?done=linked'))
        self.assertEqual(self.links(), [('a@example.com', 'code', True,
                    False)])
        # His party, made from the web account, is an applicant of it
        self.assertEqual(self.applicants(),
            [('a@example.com', ('a@example.com',))])
        self.assertEqual(self.visible('resident_a'), ['7700012345'])

        page = client.text(client.get('/accounts?done=linked'))
        self.assertIn('Лицевой счёт привязан', page)
        self.assertIn('Лицевой счёт № 7700012345', page)
        self.assertIn('г. Вологда, ул. Ленина, д. 12, кв. 5', page)
        self.assertIn('УК «Домовой»', page)
        self.assertIn('Ёлкина А. П.', page)
        self.assertNotIn('Анна', page)
        self.assertNotIn('12345678', page)

        # Several accounts
        response = client.post('/accounts/link', {
                'number': '7700012346', 'code': '87654321'})
        self.assertEqual(response.status_code, 303)
        page = client.text(client.get('/accounts'))
        self.assertIn('№ 7700012345', page)
        self.assertIn('№ 7700012346', page)

        # Again: a friendly word, nothing new
        before = self.counts()
        response = client.post('/accounts/link', {
                'number': '7700012345', 'code': '12345678'})
        self.assertEqual(response.status_code, 200)
        self.assertIn('уже привязан к вашему кабинету', client.text(response))
        self.assertEqual(self.counts(), before)

    def test_link_by_holder_and_area(self):
        client = self.resident()
        # Cyrillic in another case, е for ё, the area with a comma and
        # within 0.01 m²
        response = client.post('/accounts/link', {
                'number': '7700012345', 'surname': 'ЕЛКИНА',
                'area': '54,31'})
        self.assertEqual(response.status_code, 303, client.text(response))
        self.assertEqual(self.links(), [('a@example.com', 'holder', True,
                    False)])
        self.assertEqual(self.visible('resident_a'), ['7700012345'])

        client = self.resident('b')
        response = client.post('/accounts/link', {
                'number': '7700012345', 'surname': 'ёлкина ',
                'area': '54.3 м²'})
        self.assertEqual(response.status_code, 303, client.text(response))
        # Several residents of one flat
        self.assertEqual(len(self.links()), 2)

    def test_wrong_proof_one_generic_error(self):
        client = self.resident()
        before = self.counts()
        errors = set()
        for form in [
                {'number': '7700012345', 'code': '12345679'},
                {'number': '7700099999', 'code': '12345678'},
                {'number': '7700012345', 'surname': 'Ёлкин', 'area': '54.3'},
                {'number': '7700012345', 'surname': 'Ёлкина',
                    'area': '54.32'},
                ]:
            with self.subTest(form=form):
                response = client.post('/accounts/link', form)
                self.assertEqual(response.status_code, 400)
                errors.add(self.error_of(client, response))
        self.assertEqual(len(errors), 1, errors)
        self.assertIn(GENERIC, errors.pop())
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.visible('resident_a'), [])

        # An empty field is told next to it, without trying
        response = client.post('/accounts/link', {
                'number': '7700012345', 'surname': 'Ёлкина', 'area': 'много'})
        self.assertEqual(response.status_code, 400)
        page = client.text(response)
        self.assertIn('id="holder-area-error"', page)
        self.assertIn('Укажите площадь помещения', page)
        self.assertIn('aria-invalid="true"', page)

    def test_sixth_attempt_throttled(self):
        client = self.resident()
        for attempt in range(5):
            response = client.post('/accounts/link', {
                    'number': '7700012345', 'code': '0000000%d' % attempt})
            self.assertEqual(response.status_code, 400)
        before = self.counts()
        response = client.post('/accounts/link', {
                'number': '7700012345', 'code': '12345678'})
        self.assertEqual(response.status_code, 429)
        self.assertIn('Слишком много попыток', client.text(response))
        self.assertEqual(self.counts(), before)
        # Nor from another address, on another account
        elsewhere = Client()
        elsewhere.client, elsewhere.token = client.client, client.token
        response = elsewhere.post('/accounts/link', {
                'number': '7700012346', 'code': '87654321'})
        self.assertEqual(response.status_code, 429)
        # Nor another resident on the same address
        neighbour = self.resident('b', address=client.address)
        response = neighbour.post('/accounts/link', {
                'number': '7700012346', 'code': '87654321'})
        self.assertEqual(response.status_code, 429)
        # Nor anybody guessing the same account from elsewhere
        response = self.resident('b').post('/accounts/link', {
                'number': '7700012345', 'code': '12345678'})
        self.assertEqual(response.status_code, 429)
        self.assertEqual(self.counts(), before)

    def test_other_resident_cannot_see_or_unlink(self):
        client_a = self.resident()
        client_a.post('/accounts/link', {
                'number': '7700012345', 'code': '12345678'})
        account = self.ids['account5']
        client_b = self.resident('b')
        self.assertNotIn('7700012345', client_b.text(
                client_b.get('/accounts')))
        self.assertEqual(self.visible('resident_b'), [])
        before = self.counts()
        for response in [
                client_b.get(f'/accounts/{account}/unlink'),
                client_b.post(f'/accounts/{account}/unlink'),
                ]:
            self.assertEqual(response.status_code, 404)
            self.assertIn('Страница не найдена', client_b.text(response))
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.links(), [('a@example.com', 'code', True,
                    False)])

    def test_unlink_keeps_history(self):
        client = self.resident()
        client.post('/accounts/link', {
                'number': '7700012345', 'code': '12345678'})
        account = self.ids['account5']
        response = client.get(f'/accounts/{account}/unlink')
        self.assertEqual(response.status_code, 200)
        self.assertIn('Отвязать лицевой счёт № 7700012345?',
            client.text(response))
        response = client.post(f'/accounts/{account}/unlink')
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.links(), [('a@example.com', 'code', False,
                    True)])
        self.assertNotIn('№ 7700012345', client.text(client.get('/accounts')))
        self.assertEqual(self.visible('resident_a'), [])
        # Unlinked: a second time it is not his any more
        self.assertEqual(
            client.post(f'/accounts/{account}/unlink').status_code, 404)
        # Linked again: a new link, the old one stays
        client.post('/accounts/link', {
                'number': '7700012345', 'code': '12345678'})
        self.assertEqual(self.links(), [
                ('a@example.com', 'code', False, True),
                ('a@example.com', 'code', True, False)])

    def test_revoked_by_operator(self):
        client = self.resident()
        client.post('/accounts/link', {
                'number': '7700012345', 'code': '12345678'})
        self.assertIn('№ 7700012345', client.text(client.get('/accounts')))
        with Transaction().start(DB_NAME, 0):
            Link = Pool().get('crm.portal.account.link')
            Link.revoke(Link.search([]))
            Transaction().commit()
        self.assertNotIn('№ 7700012345', client.text(client.get('/accounts')))
        self.assertEqual(self.visible('resident_a'), [])
        self.assertEqual(client.post(
                f'/accounts/{self.ids["account5"]}/unlink').status_code, 404)

    def test_form_without_csrf_refused(self):
        client = self.resident()
        client.post('/accounts/link', {
                'number': '7700012345', 'code': '12345678'})
        before = self.counts()
        for path, form in [
                ('/accounts/link', {
                        'number': '7700012346', 'code': '87654321'}),
                (f'/accounts/{self.ids["account5"]}/unlink', {}),
                ]:
            response = client.post(path, form, csrf=False)
            self.assertEqual(response.status_code, 403)
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.visible('resident_a'), ['7700012345'])

    def test_signed_out_goes_to_login(self):
        client = Client()
        response = client.get('/accounts')
        self.assertEqual(response.status_code, 303)
        self.assertIn('/login', response.headers['Location'])


class BackOfficeAccountsTestCase(_DBTestCase):
    "The operator's buttons on the account: revoke a link, issue a code"
    module = 'crm_portal'
    language = 'ru'

    @with_transaction()
    def test_revoke_and_issue_code(self):
        pool = Pool()
        Link = pool.get('crm.portal.account.link')
        Account = pool.get('crm.account')
        records = accounts_setup()
        account = records['account5']
        link, = Link.link(records['resident_a'], [account], 'code')
        # Named by the resident's party (made from his e-mail) and account
        self.assertEqual(link.rec_name, 'a@example.com — 7700012345')
        pool.get('party.party').write([link.web_user.party],
            {'name': 'Ёлкина Анна Петровна'})
        self.assertEqual(Link(link.id).rec_name,
            'Ёлкина Анна Петровна — 7700012345')
        operator = create_staff('operator', records['company'])
        executor = create_staff('executor', records['company'],
            group='group_crm_executor')

        codes = set()
        with acting_as(operator):
            for _ in range(3):
                Account.issue_portal_code([Account(account.id)])
                code = Account(account.id).portal_code
                self.assertRegex(code, r'^\d{8}$')
                codes.add(code)
            last = code
            Link.revoke([Link(link.id)])
        self.assertEqual(len(codes), 3)
        self.assertNotIn('12345678', codes)
        link = Link(link.id)
        self.assertFalse(link.active)
        self.assertEqual(link.revoked_by.id, operator.id)
        self.assertTrue(link.revoked_date)
        self.assertEqual(Account(account.id).portal_links, (link,))

        # The old code does not link any more, the new one does
        self.assertEqual(Link.verified_accounts('7700012345', '12345678'), [])
        self.assertEqual(
            Link.verified_accounts('7700012345', last), [account])

        # An executor neither reads the code nor issues one
        with acting_as(executor):
            with self.assertRaises(UserError):
                Account.issue_portal_code([Account(account.id)])
            with self.assertRaises(UserError):
                Account.read([account.id], ['portal_code'])
