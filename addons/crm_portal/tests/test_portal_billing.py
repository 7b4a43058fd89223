"""A resident's bills and readings in the portal (with crm_billing): his
accounts' debt, charges, balance history, payments and receipts, the
readings form with the billing's own checks; resident B reaches none of
A's records; without crm_billing the pages do not exist."""
import datetime as dt
import re
from contextlib import contextmanager
from decimal import Decimal
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction

from ..www.billing import money
from ..www.core import acting_as_resident
from .test_portal_matrix import jpeg, portal_routes
from .tools import PortalClient, billing_portal_setup

A, B = 'a@example.com', 'b@example.com'
BILLING_ROUTES = {
    '/billing/<int:account_id>',
    '/billing/<int:account_id>/receipt/<int:period_id>',
    '/readings/<int:meter_id>',
    }
REFUSED = "Показание 5 меньше предыдущего 17,25: проверьте цифры"


def receipts():
    "Whether billing prints receipts on the test database"
    with Transaction().start(DB_NAME, 0, readonly=True):
        return bool(Pool().get('ir.action.report').search(
                [('report_name', '=', 'crm_billing.receipt')]))


def count(model, domain=None):
    with Transaction().start(DB_NAME, 0, readonly=True):
        return Pool().get(model).search_count(domain or [])


@contextmanager
def fake_submit(effect):
    """Reading.submit as the billing's contract says: effect(meter, value,
    **kwargs) returns the saved reading or raises UserError"""
    Reading = Pool(DB_NAME).get('crm.meter.reading')
    calls = []

    def submit(cls, meter, value, date=None, source='operator', photo=None,
            appeal=None):
        calls.append((meter.id, value, source, photo))
        return effect(cls, meter, value)
    with patch.object(Reading, 'submit', classmethod(submit), create=True):
        yield calls


def _create(state):
    "An effect of submit that saves the reading in state"
    def effect(cls, meter, value):
        # Saved as given, past the billing's own checks (the fake decides)
        save = getattr(cls, 'load_history', None) or cls.create
        reading, = save([{'meter': meter.id,
                    'company': meter.company.id, 'date': _today(),
                    'value': value, 'source': 'portal', 'state': state}])
        return reading
    return effect


def _refuse(cls, meter, value):
    # Written, then refused: the page must leave nothing of it
    _create('accepted')(cls, meter, value)
    raise UserError(REFUSED)


def _today():
    return dt.date.today()


class PortalBillingTestCase(RouteTestCase):
    "Bills and readings of a resident"
    module = 'crm_portal'
    extras = ['crm_billing']
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        cls.ids = billing_portal_setup()
        Transaction().commit()

    def resident(self, email=A):
        client = PortalClient()
        response = client.login(email)
        self.assertEqual(response.status_code, 303, client.text(response))
        return client

    def test_list(self):
        "The menu has the billing pages; the list has only own accounts"
        anna = self.resident()
        text = anna.text(anna.get('/billing'))
        self.assertIn('>Начисления<', text)
        self.assertIn('>Показания<', text)
        self.assertIn(f'Лицевой счёт № {self.ids["number5"]}', text)
        # 777.77 + 1761.50 - 1500 + 253.66 + 1761.50 - 100 = 2954.43
        self.assertIn(money('2954.43'), text)
        self.assertNotIn(self.ids['number6'], text)
        self.assertNotIn(money('4320.99'), text)

    def test_account(self):
        "Debt, charges by month and service for 3 years, history, payments"
        anna = self.resident()
        response = anna.get('/billing/%d' % self.ids['account5'])
        self.assertEqual(response.status_code, 200)
        text = anna.text(response)
        self.assertRegex(text, r'id="debt">' + re.escape(money('2954.43')))
        for shown in ['Холодное водоснабжение', 'Содержание жилого помещения',
                money('253.66'), money('1761.50'), money('-100.00'),
                'Перерасчёт за отопление', '4,85', '52,3',
                # the month's total: 253.66 + 1761.50 - 100
                money('1915.16'), 'A-774512', money('1500.00'),
                # the history opens with the months before three years
                money('777.77')]:
            self.assertIn(shown, text)
        # The charge of four years ago is not listed by itself
        self.assertEqual(text.count(money('777.77')), 1)
        for hidden in [money('9876.54'), 'B-000001', money('5555.55')]:
            self.assertNotIn(hidden, text)
        if not receipts():
            # No receipts on this database: no link to a fake one
            self.assertNotIn('/receipt/', text)
        else:
            self.assertIn('/billing/%d/receipt/%d' % (
                    self.ids['account5'], self.ids['last']), text)

    def test_receipt(self):
        "The receipt of an own charged month, nothing else"
        anna = self.resident()
        url = '/billing/%d/receipt/%%d' % self.ids['account5']
        if not receipts():
            self.assertEqual(anna.get(url % self.ids['last']).status_code,
                404)
            return
        response = anna.get(url % self.ids['last'])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.mimetype, 'application/pdf')
        self.assertTrue(response.get_data().startswith(b'%PDF'))

    def test_other_resident(self):
        "B gets 404 on each of A's ids, and nothing is written"
        boris = self.resident(B)
        before = (count('crm.meter.reading'), count('crm.charge'))
        with fake_submit(_create('accepted')) as calls:
            for method, path, data in [
                    ('get', '/billing/%d' % self.ids['account5'], {}),
                    ('get', '/billing/%d/receipt/%d' % (
                            self.ids['account5'], self.ids['last']), {}),
                    ('post', '/readings/%d' % self.ids['meter5'],
                        {'value': '20'}),
                    ]:
                with self.subTest(path=path):
                    response = getattr(boris, method)(path, data=data)
                    self.assertEqual(response.status_code, 404)
                    self.assertIn('Страница не найдена', boris.text(response))
            self.assertEqual(calls, [])
        # B's receipt of a month he was not charged in
        response = boris.get('/billing/%d/receipt/%d' % (
                self.ids['account6'], self.ids['before']))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(
            (count('crm.meter.reading'), count('crm.charge')), before)
        text = boris.text(boris.get('/readings'))
        self.assertIn('ХВ-B1', text)
        self.assertNotIn('ХВ-A1', text)

    def test_signed_out_and_token(self):
        """Signed out, every billing page sends to sign-in; a form without
        its token is refused; nothing is written"""
        before = count('crm.meter.reading')
        client = PortalClient()
        client.get('/login')
        ids = {'account_id': self.ids['account5'],
            'period_id': self.ids['last'], 'meter_id': self.ids['meter5']}
        anna = self.resident()
        with fake_submit(_create('accepted')) as calls:
            for path, rule in sorted(portal_routes().items()):
                if not path.startswith(('/billing', '/readings')):
                    continue
                url = re.sub(r'<int:(\w+)>',
                    lambda m: str(ids[m.group(1)]), path)
                for method in sorted(rule.methods - {'HEAD', 'OPTIONS'}):
                    with self.subTest(method=method, path=url):
                        response = getattr(client, method.lower())(
                            url, data={'value': '30'})
                        self.assertEqual(response.status_code, 303)
                        self.assertIn('/login?next=',
                            response.headers['Location'])
                        if method == 'POST':
                            response = anna.post(url, {'value': '30'},
                                csrf=False)
                            self.assertEqual(response.status_code, 403)
            self.assertEqual(calls, [])
        self.assertEqual(count('crm.meter.reading'), before)

    def test_every_billing_route(self):
        "Each billing route with an id is tried by test_other_resident"
        from werkzeug.routing import IntegerConverter
        with_ids = {path for path, rule in portal_routes().items()
            if any(isinstance(c, IntegerConverter)
                for c in rule._converters.values())
            and path.startswith(('/billing', '/readings'))}
        self.assertEqual(with_ids, BILLING_ROUTES)

    def test_readings_form(self):
        "The form takes the reading through submit, shows its refusal"
        anna = self.resident()
        url = '/readings/%d' % self.ids['meter5']
        Reading = Pool(DB_NAME).get('crm.meter.reading')
        if not hasattr(Reading, 'submit'):
            # Before the readings' module part: the form says so
            text = anna.text(anna.get('/readings'))
            self.assertIn('Передать показания через личный кабинет пока '
                'нельзя', text)
            self.assertNotIn('name="value"', text)
        text = anna.text(anna.get('/readings'))
        self.assertIn('ХВ-A1', text)
        self.assertIn('17,25', text)
        before = count('crm.meter.reading')
        with fake_submit(_refuse) as calls:
            text = anna.text(anna.get('/readings'))
            self.assertIn('for="value-%d"' % self.ids['meter5'], text)
            response = anna.post(url, {'value': '5'})
            self.assertEqual(response.status_code, 400)
            text = anna.text(response)
            self.assertIn(REFUSED, text)
            self.assertIn('aria-invalid="true"', text)
            self.assertEqual(count('crm.meter.reading'), before)
            # Bad values never reach the billing
            for value, message in [('', 'Введите показание'),
                    ('двенадцать', 'Введите показание числом'),
                    ('-3', 'Введите показание числом')]:
                with self.subTest(value=value):
                    response = anna.post(url, {'value': value})
                    self.assertEqual(response.status_code, 400)
                    self.assertIn(message, anna.text(response))
            self.assertEqual(len(calls), 1)
            self.assertEqual(calls[0][1:3], (Decimal('5'), 'portal'))
        # Without the form's token: refused before anything
        with fake_submit(_create('accepted')) as calls:
            response = anna.post(url, {'value': '20'}, csrf=False)
            self.assertEqual(response.status_code, 403)
            self.assertEqual(calls, [])
        # A spike waits for approval; a photo goes with it
        with fake_submit(_create('approval')) as calls:
            response = anna.post(url, {'value': '123,5',
                    'photo': jpeg()})
            self.assertEqual(response.status_code, 303, anna.text(response))
            self.assertTrue(calls[0][3].startswith(b'\xff\xd8'))
            location = response.headers['Location']
            text = anna.text(anna.get(location.split('/portal', 1)[1]))
            self.assertIn('Показание отправлено на согласование', text)
            self.assertIn('На согласовании', text)
        self.assertEqual(count('crm.meter.reading'), before + 1)

    def test_rules(self):
        "The portal's rules: each resident reads only his accounts' rows"
        pool = Pool(DB_NAME)
        models = {'crm.charge': 'account', 'crm.payment': 'account',
            'crm.account.balance': 'account', 'crm.meter': 'account',
            'crm.meter.reading': 'meter.account'}
        with Transaction().start(DB_NAME, 0, readonly=True):
            WebUser = pool.get('web.user')
            for who, account in [('resident_a', 'account5'),
                    ('resident_b', 'account6')]:
                own = {m: sorted(r.id for r in pool.get(m).search([
                                (path, '=', self.ids[account])]))
                    for m, path in models.items()}
                with acting_as_resident(pool, WebUser(self.ids[who])):
                    for model in models:
                        with self.subTest(who=who, model=model):
                            seen = pool.get(model).search([])
                            self.assertTrue(seen)
                            self.assertEqual(sorted(r.id for r in seen),
                                own[model])
            with acting_as_resident(pool, None):
                for model in models:
                    self.assertEqual(pool.get(model).search([]), [])


class PortalWithoutBillingTestCase(RouteTestCase):
    "Where crm_billing is not activated the pages do not exist"
    module = 'crm_portal'
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        from .tools import accounts_setup
        accounts_setup()
        Transaction().commit()

    def test_no_pages(self):
        client = PortalClient()
        response = client.login(A)
        self.assertEqual(response.status_code, 303)
        text = client.text(client.get('/accounts'))
        self.assertNotIn('/billing', text)
        self.assertNotIn('/readings', text)
        for path in ['/billing', '/billing/1', '/billing/1/receipt/1',
                '/readings']:
            with self.subTest(path=path):
                self.assertEqual(client.get(path).status_code, 404)
        self.assertEqual(client.post('/readings/1', {'value': '1'}
                ).status_code, 404)


del RouteTestCase
