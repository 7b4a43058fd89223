"""The portal's security matrix: every page and action that takes an id is
tried by the wrong person with another's ids, every form without its CSRF
token, every page signed out; nothing may be shown or written.

A new route with an id in its path fails test_every_route_in_matrix until
it is added here."""
import io
import re

from PIL import Image
from werkzeug.routing import IntegerConverter

from trytond.modules.crm_dispatch.tests.tools import smtp_server
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction
from trytond.wsgi import app

from ..www.core import PREFIX
from .tools import PortalClient, appeals_setup, executor_world

A, B = 'anna@example.com', 'boris@example.com'
# Tables whose rows a refused request must leave as they were
WATCHED = ['crm.appeal', 'crm.appeal.message', 'crm.appeal.event',
    'crm.appeal.comment', 'ir.attachment', 'crm.portal.account.link',
    'crm.portal.notification', 'crm.account-party.party', 'party.party',
    'web.user', 'crm.work_order']
# Routes with ids and who they belong to
RESIDENT_ROUTES = {
    '/accounts/<int:account_id>/unlink',
    '/appeals/new/<int:reason>',
    '/appeals/<int:id>',
    '/appeals/<int:id>/message',
    '/appeals/<int:id>/close',
    '/appeals/<int:id>/reopen',
    '/appeals/<int:id>/rate',
    '/files/<int:id>',
    }
# Billing's pages: tried with crm_billing in test_portal_billing.py; here,
# without it, they do not exist
BILLING_ROUTES = {
    '/billing/<int:account_id>',
    '/billing/<int:account_id>/receipt/<int:period_id>',
    '/readings/<int:meter_id>',
    }
EXECUTOR_ROUTES = {
    '/orders/<int:order_id>',
    '/orders/<int:order_id>/files/<int:file_id>',
    '/orders/<int:order_id>/take',
    '/orders/<int:order_id>/resume',
    '/orders/<int:order_id>/postpone',
    '/orders/<int:order_id>/close',
    '/orders/<int:order_id>/comment',
    }


def portal_routes():
    "{path after the prefix: rule} of every portal route"
    return {rule.rule[len(PREFIX):]: rule for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX + '/')
        and not rule.rule.startswith(PREFIX + '/static/')}


def missing_module(path):
    "Whether the route needs models the test database lacks (404 then)"
    from ..www.core import REQUIRES
    with Transaction().start(DB_NAME, 0, readonly=True):
        pool = Pool()
        for name in REQUIRES.get(path, ()):
            try:
                pool.get(name)
            except KeyError:
                return True
    return False


def jpeg():
    output = io.BytesIO()
    Image.new('RGB', (8, 8), (0, 90, 200)).save(output, format='JPEG')
    return (io.BytesIO(output.getvalue()), 'photo.jpg', 'image/jpeg')


def snapshot():
    "Row counts and the state of links and notifications, as the system"
    with Transaction().start(DB_NAME, 0):
        pool = Pool()
        counts = {name: pool.get(name).search_count([]) for name in WATCHED}
        Link = pool.get('crm.portal.account.link')
        Notification = pool.get('crm.portal.notification')
        Appeal = pool.get('crm.appeal')
        WorkOrder = pool.get('crm.work_order')
        counts['links'] = sorted(
            (l.id, l.active) for l in Link.search([('active', 'in', [True, False])]))
        counts['unread'] = sorted(
            (n.id, n.read_date is None) for n in Notification.search([]))
        counts['appeals'] = sorted(
            (a.id, a.state, a.rating) for a in Appeal.search([]))
        counts['orders'] = sorted(
            (o.id, o.state) for o in WorkOrder.search([]))
        return counts


class PortalMatrixTestCase(RouteTestCase):
    "Resident B against resident A's records"
    module = 'crm_portal'
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        cls.ids = appeals_setup()
        Transaction().commit()

    def resident(self, email):
        client = PortalClient()
        response = client.login(email)
        self.assertEqual(response.status_code, 303, client.text(response))
        return client

    def world_of_anna(self):
        """Anna's appeal with a photo, her message with a photo, a public
        reply of the staff (a notification), a resolved appeal; their ids"""
        anna = self.resident(A)
        leak = self.ids['leak']
        response = anna.post('/appeals/new/%s' % leak, {
                'description': 'Течёт с потолка', 'field_floor': '3',
                'photos': [jpeg()]})
        self.assertEqual(response.status_code, 303, anna.text(response))
        appeal_id = int(re.search(r'/appeals/(\d+)',
                response.headers['Location']).group(1))
        anna.post('/appeals/%s/message' % appeal_id,
            {'text': 'Вот ещё фото', 'photos': [jpeg()]})
        response = anna.post('/appeals/new/%s' % leak, {
                'description': 'Ещё одна', 'field_floor': '2'})
        resolved_id = int(re.search(r'/appeals/(\d+)',
                response.headers['Location']).group(1))
        anna.post('/appeals/%s/close' % resolved_id)
        with smtp_server(), Transaction().start(DB_NAME, 0, context={
                    'company': self.ids['company']}) as transaction:
            Message = Pool().get('crm.appeal.message')
            Message.create([{'appeal': appeal_id, 'text': 'Мастер придёт',
                        'public': True, 'author_kind': 'staff'}])
            transaction.commit()
        files = [int(f) for f in re.findall(r'/files/(\d+)"',
                anna.text(anna.get('/appeals/%s' % appeal_id)))]
        self.assertEqual(len(files), 2)
        return {
            'appeal': appeal_id, 'resolved': resolved_id, 'files': files,
            'account': self.ids[A]['account'],
            }

    def test_every_route_in_matrix(self):
        "Each route with an id in its path is tried by this matrix"
        with_ids = {path for path, rule in portal_routes().items()
            if any(isinstance(c, IntegerConverter)
                for c in rule._converters.values())}
        self.assertEqual(with_ids,
            RESIDENT_ROUTES | EXECUTOR_ROUTES | BILLING_ROUTES)

    def test_other_resident(self):
        "B, signed in, reaches none of A's records by their ids"
        anna = self.world_of_anna()
        boris = self.resident(B)
        before = snapshot()
        appeal, resolved = anna['appeal'], anna['resolved']
        requests = [
            ('get', '/accounts/%s/unlink' % anna['account'], {}),
            ('post', '/accounts/%s/unlink' % anna['account'], {}),
            ('get', '/appeals/%s' % appeal, {}),
            ('post', '/appeals/%s/message' % appeal, {'text': 'Чужое'}),
            ('post', '/appeals/%s/close' % appeal, {}),
            ('post', '/appeals/%s/reopen' % resolved, {}),
            ('post', '/appeals/%s/rate' % resolved,
                {'rating': '1', 'comment': 'Плохо'}),
            ] + [('get', '/files/%s' % f, {}) for f in anna['files']]
        covered = set()
        for method, path, data in requests:
            with self.subTest(method=method, path=path):
                response = getattr(boris, method)(path, data=data)
                self.assertEqual(response.status_code, 404,
                    response.get_data()[:300])
                self.assertIn('Страница не найдена', boris.text(response))
                covered.add(re.sub(r'/\d+', '/<id>', path))
        # A's account in B's new appeal, A's account number without code
        response = boris.post('/appeals/new/%s' % self.ids['leak'], {
                'description': 'С чужим счётом', 'field_floor': '1',
                'account': str(anna['account'])})
        self.assertEqual(response.status_code, 404)
        response = boris.post('/accounts/link', {
                'number': '100001', 'code': '00000000'})
        self.assertIn('Не удалось привязать', boris.text(response))
        self.assertEqual(snapshot(), before)
        # B's own pages do not list A's records
        for path in ['/appeals', '/accounts', '/notifications']:
            with self.subTest(path=path):
                text = boris.text(boris.get(path))
                self.assertNotIn('/appeals/%s"' % appeal, text)
                self.assertNotIn('100001', text)
                self.assertNotIn('Мастер придёт', text)

    def test_signed_out(self):
        "Signed out: every resident page sends to sign-in, nothing written"
        anna = self.world_of_anna()
        before = snapshot()
        client = PortalClient()
        client.get('/login')
        public = {'/', '/login', '/signup', '/agreement', '/validate',
            '/reset', '/reset/password', '/logout', '/manifest.webmanifest',
            # The codes sent by SMS (test_portal_phone.py)
            '/phone/confirm', '/reset/phone'}
        ids = {'account_id': anna['account'], 'reason': self.ids['leak'],
            'id': anna['appeal'], 'order_id': 1, 'file_id': anna['files'][0],
            'period_id': 1, 'meter_id': 1}
        for path, rule in sorted(portal_routes().items()):
            if path in public:
                continue
            url = re.sub(r'<int:(\w+)>', lambda m: str(ids[m.group(1)]),
                path)
            for method in sorted(rule.methods - {'HEAD', 'OPTIONS'}):
                with self.subTest(method=method, path=url):
                    response = getattr(client, method.lower())(url, data={})
                    if missing_module(path):
                        self.assertEqual(response.status_code, 404)
                        continue
                    self.assertEqual(response.status_code, 303)
                    self.assertIn('/login?next=',
                        response.headers['Location'])
        self.assertEqual(snapshot(), before)

    def test_forms_without_token(self):
        "Every form of a signed-in resident is refused without its token"
        anna_ids = self.world_of_anna()
        anna = self.resident(A)
        before = snapshot()
        ids = {'account_id': anna_ids['account'], 'reason': self.ids['leak'],
            'id': anna_ids['appeal'], 'order_id': 1,
            'file_id': anna_ids['files'][0], 'meter_id': 1}
        for path, rule in sorted(portal_routes().items()):
            if ('POST' not in rule.methods or path.startswith('/orders')
                    or missing_module(path)):
                continue
            url = re.sub(r'<int:(\w+)>', lambda m: str(ids[m.group(1)]),
                path)
            with self.subTest(path=url):
                response = anna.post(url, data={'text': 'Без токена',
                        'rating': '5', 'description': 'Без токена',
                        'field_floor': '1'}, csrf=False)
                self.assertEqual(response.status_code, 403)
                self.assertIn('Форма устарела', anna.text(response))
        self.assertEqual(snapshot(), before)


class PortalExecutorMatrixTestCase(RouteTestCase):
    "An executor against another team's order; a resident against orders"
    module = 'crm_portal'
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        world = executor_world()
        cls.ids = {k: v.id for k, v in world.items() if hasattr(v, 'id')}
        cls.resident_email = world['resident'].email
        Transaction().commit()

    def test_other_team_and_resident(self):
        pool_ids = self.ids
        before = snapshot()
        executor = PortalClient()
        response = executor.login('ivanov')
        self.assertEqual(response.status_code, 303)
        resident = PortalClient()
        response = resident.login(self.resident_email)
        self.assertEqual(response.status_code, 303)
        foreign = '/orders/%s' % pool_ids['foreign']
        for path in sorted(EXECUTOR_ROUTES):
            url = path.replace('/orders/<int:order_id>', foreign).replace(
                '<int:file_id>', '1')
            rule = portal_routes()[path]
            method = 'post' if 'POST' in rule.methods else 'get'
            with self.subTest(path=url):
                response = getattr(executor, method)(url, data={
                        'reason': 'Чужая', 'text': 'Чужой', 'measures': 'x'})
                self.assertEqual(response.status_code, 404)
                # A resident has no executor pages at all
                response = getattr(resident, method)(url, data={
                        'reason': 'Чужая', 'text': 'Чужой'})
                self.assertEqual(response.status_code, 303)
                self.assertIn('/login', response.headers['Location'])
        self.assertEqual(snapshot(), before)
