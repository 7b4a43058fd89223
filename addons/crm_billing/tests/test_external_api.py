"""The JSON API of an external billing over HTTP: a push with the key of
an accountant, refused without a valid key or for wrong rows (nothing
written), and the readings taken back as JSON and CSV."""
import datetime as dt
import json
from decimal import Decimal

from werkzeug.test import Client
from werkzeug.wrappers import Response

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction
from trytond.wsgi import app

from .tools import billing_world, create_meter
from .tools_external import read_back

BASE = f'/{DB_NAME}/crm_billing/external'


class CrmBillingExternalApiTestCase(RouteTestCase):
    "JSON API of the external billing"
    module = 'crm_billing'
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        Application = pool.get('res.user.application')
        Settings = pool.get('crm.billing.settings')
        Reading = pool.get('crm.meter.reading')
        w = billing_world()
        for company in [w['north'], w['south']]:
            Settings.create([{'company': company.id,
                        'external_billing': True}])
        north, operator, cancelled = Application.create([
                {'user': w['north_accountant'].id,
                    'application': 'crm_billing'},
                {'user': w['north_operator'].id,
                    'application': 'crm_billing'},
                {'user': w['north_accountant'].id,
                    'application': 'crm_billing', 'state': 'cancelled'},
                ])
        account = w['north_accounts'][0]
        meter = create_meter(account, w['north_services']['cold'], 'ХВ-5')
        Reading.load_history([{'meter': meter.id, 'company': meter.company.id,
                    'date': dt.date(2026, 3, 24), 'value': Decimal('123.4'),
                    'consumption': Decimal('7'), 'source': 'portal',
                    'state': 'accepted'}])
        cls.keys = {'north': north.key, 'operator': operator.key,
            'cancelled': cancelled.key}
        cls.numbers = [a.number for a in w['north_accounts']]
        cls.south_number = w['south_accounts'][0].number
        cls.address = account.premise.rec_name
        Transaction().commit()

    def client(self):
        return Client(app, Response)

    def push(self, kind, body, key='north'):
        headers = {'Authorization': f'Bearer {self.keys[key]}'} if key else {}
        return self.client().post(f'{BASE}/{kind}', data=json.dumps(body),
            headers=headers, content_type='application/json')

    def count(self, model, domain=None):
        with Transaction().start(DB_NAME, 0, readonly=True):
            return Pool().get(model).search_count(domain or [])

    def test_push_charges(self):
        "Charges pushed twice for a month: the month holds one set"
        a1, a2, _ = self.numbers
        rows = [
            {'account': a1, 'month': '2026-02', 'service': 'cold',
                'quantity': '4.85', 'rate': 52.30},
            {'account': a2, 'month': '02.2026', 'service': 'upkeep',
                'amount': 1761.5},
            ]
        for _ in range(2):
            response = self.push('charges', {'rows': rows})
            self.assertEqual(response.status_code, 200,
                response.get_data(as_text=True))
        answer = response.json
        self.assertEqual({k: answer[k] for k in [
                    'kind', 'lines', 'created', 'replaced']},
            {'kind': 'charges', 'lines': 2, 'created': 2, 'replaced': 2})
        with Transaction().start(DB_NAME, 0, readonly=True):
            Charge = Pool().get('crm.charge')
            self.assertEqual(sorted((c.account.number, c.amount)
                    for c in Charge.search([])),
                [(a1, Decimal('253.66')), (a2, Decimal('1761.50'))])

    def test_push_refused(self):
        "Wrong rows: 400 with the Russian message by row, nothing written"
        a1 = self.numbers[0]
        before = (self.count('crm.payment'),
            self.count('crm.billing.exchange'))
        response = self.push('payments', {'rows': [
                    {'account': a1, 'date': '2026-02-05', 'amount': '10'},
                    {'account': self.south_number, 'date': '2026-02-05',
                        'amount': '10'},
                    {'account': a1, 'date': 'вчера', 'amount': '10'},
                    ]})
        self.assertEqual(response.status_code, 400)
        message = response.json['message']
        self.assertIn("Ничего не загружено", message)
        self.assertIn(f"Строка 2: в организации нет лицевого счёта "
            f"«{self.south_number}».", message)
        self.assertIn("Строка 3: «Дата оплаты»: «вчера» — не дата", message)
        self.assertEqual((self.count('crm.payment'),
                self.count('crm.billing.exchange')), before)

        response = self.push('payments', {'lines': []})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Отправьте JSON", response.json['message'])
        self.assertEqual(self.push('nonsense', {'rows': []}).status_code, 404)

    def test_push_refused_without_key(self):
        "No key, a wrong, a cancelled key, an operator's key: refused"
        a1 = self.numbers[0]
        body = {'rows': [{'account': a1, 'month': '2026-02',
                    'opening': '100'}]}
        self.assertEqual(self.push('balances', body, key=None).status_code,
            401)
        self.keys['wrong'] = 'x' * 128
        for key in ['wrong', 'cancelled']:
            with self.subTest(key=key):
                self.assertEqual(
                    self.push('balances', body, key=key).status_code, 401)
        # An operator's key is valid, but he does not load billing data
        meters = {'rows': [{'account': a1, 'service': 'cold',
                    'serial': 'OP-1'}]}
        for kind, rows in [('balances', body), ('meters', meters)]:
            with self.subTest(kind=kind):
                response = self.push(kind, rows, key='operator')
                self.assertEqual(response.status_code, 400)
                self.assertIn("нет доступа", response.json['message'])
        self.assertEqual(self.count('crm.meter', [('serial', '=', 'OP-1')]),
            0)
        self.assertEqual(self.count('crm.account.opening'), 0)
        self.assertEqual(self.push('balances', body).status_code, 200)
        self.assertEqual(self.count('crm.account.opening'), 1)

    def test_readings(self):
        "The readings taken here, as JSON and as CSV"
        headers = {'Authorization': f'Bearer {self.keys["north"]}'}
        response = self.client().get(
            f'{BASE}/readings?start=2026-03-01&end=2026-03-31',
            headers=headers)
        self.assertEqual(response.status_code, 200,
            response.get_data(as_text=True))
        self.assertEqual(response.json, {'readings': [{
                        'account': self.numbers[0], 'address': self.address,
                        'service': 'cold', 'serial': 'ХВ-5',
                        'date': '2026-03-24', 'value': '123.400',
                        'consumption': '7.000', 'source': 'личный кабинет',
                        'state': 'принято'}]})
        response = self.client().get(
            f'{BASE}/readings?start=2026-03-01&end=2026-03-31&format=csv',
            headers=headers)
        cells = read_back(response.get_data(), 'csv')
        self.assertEqual(cells[1][:6], [self.numbers[0], self.address,
                'cold', 'ХВ-5', '24.03.2026', '123,400'])
        response = self.client().get(f'{BASE}/readings?start=2026-03-31'
            '&end=2026-03-01', headers=headers)
        self.assertEqual(response.status_code, 400)
        self.assertIn("Укажите даты", response.json['message'])
        response = self.client().get(
            f'{BASE}/readings?start=2026-03-01&end=2026-03-31')
        self.assertEqual(response.status_code, 401)


del RouteTestCase
