"""Turnover statement (оборотно-сальдовая ведомость) by building and
organisation, on screen and as XLSX; the balances list's filters."""
import datetime as dt
import io
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.crm_dispatch.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction

from .tools import (
    billing_world, create_account, create_building, create_period)

AMOUNTS = ['opening', 'charged', 'penalty', 'paid', 'closing']


def statement(user, start, end, building=None):
    """Run the wizard as the user; return the result's values"""
    Turnover = Pool().get('crm.turnover', type='wizard')
    with acting_as(user, language='ru'):
        session_id, _, _ = Turnover.create()
        Turnover.execute(session_id, {}, 'start')
        result = Turnover.execute(session_id, {
                'start': {
                    'start': start, 'end': end,
                    'building': building.id if building else None},
                }, 'result')
        Turnover.delete(session_id)
    return result['view']['defaults']


def xlsx_rows(data):
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(data)).active
    return sheet.title, [list(r) for r in sheet.iter_rows(values_only=True)]


def money(value):
    return Decimal(str(value)).quantize(Decimal('0.01'))


class CrmBillingTurnoverTestCase(_DBTestCase):
    "Turnover statement"
    module = 'crm_billing'
    language = 'ru'

    def world(self):
        """Two accounts of the north building over December 2025 to March
        2026, and one account of another building"""
        pool = Pool()
        Charge = pool.get('crm.charge')
        Payment = pool.get('crm.payment')
        Penalty = pool.get('crm.penalty')
        w = billing_world()
        north = w['north']
        a, b, _ = w['north_accounts']
        upkeep = w['north_services']['upkeep']
        periods = {m: create_period(north, dt.date(y, m, 1))
            for y, m in [(2025, 12), (2026, 1), (2026, 2)]}
        other = create_account(north,
            create_building(north, 'ул. Заречная'), 'N0009', '9')
        w['other_account'] = other

        def charge(account, month, amount):
            Charge.create([{
                        'company': north.id, 'period': periods[month].id,
                        'account': account.id, 'service': upkeep.id,
                        'method': 'area', 'amount': Decimal(amount)}])

        def pay(account, date, amount):
            Payment.create([{
                        'company': north.id, 'account': account.id,
                        'date': date, 'amount': Decimal(amount)}])
        charge(a, 12, '1000.00')
        charge(a, 1, '1500.00')
        pay(a, dt.date(2026, 1, 10), '2000.00')
        charge(a, 2, '1500.00')
        Penalty.create([{
                    'company': north.id, 'account': a.id,
                    'period': periods[2].id, 'amount': Decimal('12.34')}])
        pay(a, dt.date(2026, 2, 11), '1000.00')
        charge(b, 1, '800.00')
        charge(b, 2, '800.00')
        pay(b, dt.date(2026, 2, 20), '500.50')
        # after the statement's months: left out
        pay(b, dt.date(2026, 3, 2), '100.00')
        charge(other, 1, '100.00')
        return w

    @with_transaction()
    def test_two_accounts_two_months(self):
        "Numbers by hand for January–February 2026, on screen and in XLSX"
        w = self.world()
        a, b, _ = w['north_accounts']
        values = statement(w['north_accountant'], dt.date(2026, 1, 15),
            dt.date(2026, 2, 3), w['north_building'])
        # a: opening = December's 1000.00; charged 1500 + 1500 = 3000.00;
        #    penalty 12.34; paid 2000 + 1000 = 3000.00;
        #    closing 1000 + 3000 + 12.34 − 3000 = 1012.34
        # b: opening 0; charged 800 + 800 = 1600.00; paid 500.50 (the
        #    March 100.00 is after February); closing 1099.50
        # N0003 has no movement; N0009 is in another building
        expected = [
            ('N0001', '1000.00', '3000.00', '12.34', '3000.00', '1012.34'),
            ('N0002', '0.00', '1600.00', '0.00', '500.50', '1099.50'),
            ]
        # totals: 1000.00, 4600.00, 12.34, 3500.50, 2111.84
        totals = ('1000.00', '4600.00', '12.34', '3500.50', '2111.84')
        self.assertEqual(
            [(l['number'],) + tuple(str(l[n]) for n in AMOUNTS)
                for l in values['lines']], expected)
        self.assertEqual([l['account'] for l in values['lines']],
            [a.id, b.id])
        self.assertEqual(tuple(str(values[n]) for n in AMOUNTS), totals)
        self.assertEqual(values['title'],
            'Оборотно-сальдовая ведомость за январь 2026 — февраль 2026: '
            + w['north_building'].rec_name)
        self.assertEqual(values['filename'], 'osv-2026-01-2026-02.xlsx')

        title, rows = xlsx_rows(values['file'])
        self.assertEqual(title, 'ОСВ')
        self.assertEqual(rows[0][0], values['title'])
        self.assertEqual(rows[2], ['Лицевой счёт', 'Адрес',
                'Сальдо на начало', 'Начислено', 'Пени', 'Оплачено',
                'Сальдо на конец'])
        self.assertEqual(
            [(r[0],) + tuple(str(money(v)) for v in r[2:]) for r in rows[3:]],
            expected + [('Итого',) + totals])
        self.assertEqual(rows[3][1], values['lines'][0]['address'])

    @with_transaction()
    def test_one_month_and_organisation(self):
        "February alone starts from January's closing; no building: all"
        w = self.world()
        values = statement(w['north_accountant'], dt.date(2026, 2, 1),
            dt.date(2026, 2, 28))
        # a: opening 1000 + 1500 − 2000 = 500.00, closing 1012.34
        # b: opening 800.00, closing 800 + 800 − 500.50 = 1099.50
        # N0009: opening 100.00 from January, nothing in February
        self.assertEqual(
            [(l['number'],) + tuple(str(l[n]) for n in AMOUNTS)
                for l in values['lines']], [
                ('N0001', '500.00', '1500.00', '12.34', '1000.00',
                    '1012.34'),
                ('N0002', '800.00', '800.00', '0.00', '500.50', '1099.50'),
                ('N0009', '100.00', '0.00', '0.00', '0.00', '100.00'),
                ])
        self.assertEqual(values['closing'], Decimal('2211.84'))
        self.assertEqual(values['title'],
            'Оборотно-сальдовая ведомость за февраль 2026: УК Север')
        _, rows = xlsx_rows(values['file'])
        self.assertEqual([r[0] for r in rows[3:]],
            ['N0001', 'N0002', 'N0009', 'Итого'])
        self.assertEqual(money(rows[-1][6]), Decimal('2211.84'))

    @with_transaction()
    def test_refusals_and_access(self):
        "Months backwards are refused; organisation 2 sees nothing of 1"
        w = self.world()
        with self.assertRaises(UserError) as cm:
            statement(w['north_accountant'], dt.date(2026, 3, 1),
                dt.date(2026, 1, 1))
        self.assertEqual(cm.exception.message,
            'Начальный месяц (март 2026) позже конечного (январь 2026).')
        values = statement(w['south_accountant'], dt.date(2025, 1, 1),
            dt.date(2026, 12, 1))
        self.assertEqual(values['lines'], [])
        self.assertEqual(values['closing'], 0)
        _, rows = xlsx_rows(values['file'])
        self.assertEqual([r[0] for r in rows[3:]], ['Итого'])
        # operators read balances but do not run the statement
        Turnover = Pool().get('crm.turnover', type='wizard')
        with acting_as(w['north_operator']):
            with self.assertRaises(UserError):
                Turnover.create()

    @with_transaction()
    def test_balance_filters(self):
        "The balances list filters by building and month"
        Balance = Pool().get('crm.account.balance')
        w = self.world()
        with acting_as(w['north_operator']):
            rows = Balance.search([
                    ('building', '=', w['north_building'].id),
                    ('month', '=', dt.date(2026, 2, 1)),
                    ])
            self.assertEqual([(r.account.number, r.closing) for r in rows],
                [('N0001', Decimal('1012.34')),
                    ('N0002', Decimal('1099.50'))])
            self.assertEqual({r.building for r in rows},
                {w['north_building']})
            other, = Balance.search([('building.street', '=', 'ул. Заречная')])
            self.assertEqual(other.account, w['other_account'])
        with acting_as(w['south_operator']):
            self.assertEqual(Balance.search(
                    [('building', '=', w['north_building'].id)]), [])


del _DBTestCase
