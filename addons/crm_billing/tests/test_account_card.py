"""The account's billing card: its numbers on a hand-computed example, the
button of the appeal that opens it, the readings graph of a meter; an
operator of another organisation sees none of it."""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import set_company
from trytond.modules.crm_dispatch.tests.tools import acting_as, create_staff
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import _DBTestCase, with_transaction

from .tools import billing_world, create_meter, create_period

D = Decimal


class CrmBillingAccountCardTestCase(_DBTestCase):
    "Account billing card"
    module = 'crm_billing'
    language = 'ru'

    def _example(self, w):
        """January and February 2026 of the first north account: cold water
        by meter and upkeep by area, a recalculation, two payments"""
        pool = Pool()
        Charge = pool.get('crm.charge')
        Payment = pool.get('crm.payment')
        north = w['north']
        account = w['north_accounts'][0]
        cold = w['north_services']['cold']
        upkeep = w['north_services']['upkeep']
        jan = create_period(north, dt.date(2026, 1, 1))
        feb = create_period(north, dt.date(2026, 2, 1))

        def charge(period, service, method, quantity, rate, amount,
                kind='charge', reason=None):
            Charge.create([{
                        'company': north.id, 'period': period.id,
                        'account': account.id, 'service': service.id,
                        'kind': kind, 'method': method,
                        'quantity': D(quantity) if quantity else None,
                        'rate': D(rate) if rate else None,
                        'amount': D(amount), 'reason': reason}])
        # 5 м³ × 52.30 = 261.50; 54.20 м² × 32.50 = 1761.50
        charge(jan, cold, 'meter', '5', '52.30', '261.50')
        charge(jan, upkeep, 'area', '54.20', '32.50', '1761.50')
        # 4 м³ × 52.30 = 209.20; the January reading corrected: −1 м³
        charge(feb, cold, 'meter', '4', '52.30', '209.20')
        charge(feb, upkeep, 'area', '54.20', '32.50', '1761.50')
        charge(feb, cold, 'manual', None, None, '-52.30',
            kind='recalculation', reason="Показания января исправлены")
        Payment.create([{
                    'company': north.id, 'account': account.id,
                    'date': dt.date(2026, 1, 20), 'amount': D('100.00')}, {
                    'company': north.id, 'account': account.id,
                    'date': dt.date(2026, 2, 10), 'amount': D('1923.00')}])
        return account, jan, feb

    @with_transaction()
    def test_card_numbers(self):
        "Debt, last payment and the months of the card, computed by hand"
        pool = Pool()
        Account = pool.get('crm.account')
        w = billing_world()
        account, jan, feb = self._example(w)
        cold = w['north_services']['cold']
        upkeep = w['north_services']['upkeep']

        with acting_as(w['north_operator']):
            account = Account(account.id)
            # charged 261.50 + 1761.50 + 209.20 + 1761.50 − 52.30 = 3941.40
            # paid 100.00 + 1923.00 = 2023.00; debt 3941.40 − 2023.00
            self.assertEqual(account.billing_debt, D('1918.40'))
            self.assertEqual(account.last_payment_date, dt.date(2026, 2, 10))
            self.assertEqual(account.last_payment_amount, D('1923.00'))
            # The latest month first, the services in their order
            self.assertEqual(
                [(r.period, r.service, r.method, r.quantity, r.unit, r.rate,
                        r.charged, r.recalculated, r.amount, r.reason)
                    for r in account.charge_months],
                [(feb, cold, 'meter', D('4'), 'м³', D('52.30'),
                        D('209.20'), D('-52.30'), D('156.90'),
                        "Показания января исправлены"),
                    (feb, upkeep, 'area', D('54.20'), 'м²', D('32.50'),
                        D('1761.50'), 0, D('1761.50'), None),
                    (jan, cold, 'meter', D('5'), 'м³', D('52.30'),
                        D('261.50'), 0, D('261.50'), None),
                    (jan, upkeep, 'area', D('54.20'), 'м²', D('32.50'),
                        D('1761.50'), 0, D('1761.50'), None)])
            self.assertEqual(
                [(b.month, b.closing) for b in account.balances],
                [(dt.date(2026, 2, 1), D('1918.40')),
                    (dt.date(2026, 1, 1), D('1923.00'))])
            self.assertEqual(
                [(p.date, p.amount) for p in account.billing_payments],
                [(dt.date(2026, 2, 10), D('1923.00')),
                    (dt.date(2026, 1, 20), D('100.00'))])

            # An account with nothing yet: no debt, no payment, no months
            empty = Account(w['north_accounts'][1].id)
            self.assertEqual(empty.billing_debt, 0)
            self.assertIsNone(empty.last_payment_date)
            self.assertEqual(empty.charge_months, ())

    @with_transaction()
    def test_card_last_twelve_months(self):
        "The card lists the 12 months up to the account's last one"
        pool = Pool()
        Charge = pool.get('crm.charge')
        Account = pool.get('crm.account')
        w = billing_world()
        north = w['north']
        account = w['north_accounts'][2]
        upkeep = w['north_services']['upkeep']
        # February 2026 back to March 2025 are 12 months; February 2025 is
        # the 13th
        for month in [dt.date(2025, 2, 1), dt.date(2025, 3, 1),
                dt.date(2026, 2, 1)]:
            period = create_period(north, month)
            Charge.create([{
                        'company': north.id, 'period': period.id,
                        'account': account.id, 'service': upkeep.id,
                        'method': 'fixed', 'amount': D('10')}])
        self.assertEqual(
            [r.month for r in Account(account.id).charge_months],
            [dt.date(2026, 2, 1), dt.date(2025, 3, 1)])
        # The balance history keeps them all
        self.assertEqual(len(Account(account.id).balances), 3)

    def _appeal(self, w, accounts):
        pool = Pool()
        Source = pool.get('crm.appeal.source')
        Line = pool.get('crm.support_line')
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        Party = pool.get('party.party')
        Appeal = pool.get('crm.appeal')
        north = w['north']
        with set_company(north):
            phone, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
            group, = Group.create([{'name': 'Расчёты'}])
            reason, = Reason.create([{'group': group.id,
                        'name': 'Вопрос по начислениям',
                        'default_hours': 24}])
            line, = Line.create([{'number': 1, 'name': 'Линия 1',
                        'company': north.id, 'appeal_access': 'all',
                        'topic_access': 'all'}])
            party, = Party.create([{'name': 'Иванов Пётр'}])
            appeal, = Appeal.create([{
                        'source': phone.id, 'reason': reason.id,
                        'applicant': party.id, 'support_line': line.id,
                        'accounts': [('add', [a.id for a in accounts])],
                        }])
        operator = create_staff('card_operator', north, lines=[line])
        return appeal, operator

    @with_transaction()
    def test_appeal_opens_its_account(self):
        "«Расчёты по счёту» of the appeal opens the card of its account"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Account = pool.get('crm.account')
        ModelData = pool.get('ir.model.data')
        w = billing_world()
        account, _, _ = self._example(w)
        appeal, operator = self._appeal(w, [account])
        card_view = ModelData.get_id('crm_billing', 'account_card_view_form')

        with acting_as(operator):
            action = Appeal.open_billing_card([Appeal(appeal.id)])
        self.assertEqual(action['res_model'], 'crm.account')
        self.assertEqual(action['res_id'], [account.id])
        self.assertEqual(list(action['views'][0]), [card_view, 'form'])
        self.assertIn(account.number, action['name'])
        domain = PYSONDecoder().decode(action['pyson_domain'])
        with acting_as(operator):
            self.assertEqual(Account.search(domain), [account])
            self.assertEqual(
                Account(account.id).billing_debt, D('1918.40'))

        # With no account there is no card to open: said in Russian
        bare, = Appeal.copy([appeal], default={'accounts': None})
        with acting_as(operator):
            with self.assertRaises(UserError):
                Appeal.open_billing_card([Appeal(bare.id)])

        # Another organisation's operator does not reach it
        with acting_as(w['south_operator']):
            with self.assertRaises(AccessError):
                Appeal.open_billing_card([Appeal(appeal.id)])

    @with_transaction()
    def test_readings_graph(self):
        "The graph of a meter: its counted readings, oldest first"
        pool = Pool()
        Meter = pool.get('crm.meter')
        Reading = pool.get('crm.meter.reading')
        w = billing_world()
        account = w['north_accounts'][0]
        cold = w['north_services']['cold']
        meter = create_meter(account, cold, 'ХВ-100', initial='100')
        other = create_meter(
            w['north_accounts'][1], cold, 'ХВ-200', initial='0')

        def reading(meter, date, value, consumption, state='accepted'):
            reading, = Reading.create([{
                        'meter': meter.id, 'company': meter.company.id,
                        'date': date, 'value': D(value),
                        'consumption': D(consumption), 'state': state}])
            return reading
        jan = reading(meter, dt.date(2026, 1, 24), '105', '5')
        feb = reading(meter, dt.date(2026, 2, 24), '109', '4', 'late')
        # A spike waiting for approval and a rejected one do not count
        reading(meter, dt.date(2026, 2, 26), '200', '91', 'approval')
        reading(meter, dt.date(2026, 2, 27), '300', '191', 'rejected')
        reading(other, dt.date(2026, 2, 24), '7', '7')

        with acting_as(w['north_operator']):
            meter = Meter(meter.id)
            self.assertEqual(
                (meter.last_date, meter.last_value,
                    meter.last_consumption),
                (dt.date(2026, 2, 24), D('109'), D('4')))
            action = Meter.open_readings_graph([meter])
            self.assertEqual(action['res_model'], 'crm.meter.reading')
            self.assertEqual(action['views'][0][1], 'graph')
            self.assertIn('ХВ-100', action['name'])
            domain = PYSONDecoder({'active_id': meter.id}).decode(
                action['pyson_domain'])
            order = PYSONDecoder().decode(action['pyson_order'])
            self.assertEqual(
                Reading.search(domain, order=order), [jan, feb])

        with acting_as(w['south_operator']):
            self.assertEqual(Reading.search(domain), [])

    @with_transaction()
    def test_other_organisation_sees_nothing(self):
        "An operator of the south sees no card row of the north"
        pool = Pool()
        Account = pool.get('crm.account')
        ChargeMonth = pool.get('crm.account.charge_month')
        w = billing_world()
        account, _, _ = self._example(w)
        with acting_as(w['north_operator']):
            self.assertEqual(len(ChargeMonth.search([])), 4)
        with acting_as(w['north_accountant']):
            self.assertEqual(len(ChargeMonth.search([])), 4)
        for user in [w['south_operator'], w['south_accountant']]:
            with acting_as(user):
                self.assertEqual(ChargeMonth.search([]), [])
                self.assertEqual(
                    ChargeMonth.search([('account', '=', account.id)]), [])
                self.assertEqual(
                    Account.search([('id', '=', account.id)]), [])
                with self.assertRaises(AccessError):
                    Account.read([account.id], ['billing_debt'])


del _DBTestCase
