"""Balances by account and month, read from charges, penalties and
payments; each organisation sees only its own."""
import datetime as dt
from decimal import Decimal

from trytond.modules.crm_dispatch.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction

from .tools import billing_world, create_period


class CrmBillingBalanceTestCase(_DBTestCase):
    "Account balances"
    module = 'crm_billing'
    language = 'ru'

    @with_transaction()
    def test_running_balance(self):
        "Opening + charged + penalty - paid = closing, month after month"
        pool = Pool()
        Charge = pool.get('crm.charge')
        Payment = pool.get('crm.payment')
        Penalty = pool.get('crm.penalty')
        Balance = pool.get('crm.account.balance')
        w = billing_world()
        north = w['north']
        account, other = w['north_accounts'][:2]
        upkeep = w['north_services']['upkeep']
        jan = create_period(north, dt.date(2026, 1, 1))
        feb = create_period(north, dt.date(2026, 2, 1))

        def charge(period, amount, account=account):
            Charge.create([{
                        'company': north.id, 'period': period.id,
                        'account': account.id, 'service': upkeep.id,
                        'method': 'area', 'amount': Decimal(amount)}])
        charge(jan, '1000.00')
        charge(jan, '200.50')
        charge(feb, '1000.00')
        charge(feb, '999.99', account=other)
        Payment.create([{
                    'company': north.id, 'account': account.id,
                    'date': dt.date(2026, 2, 5), 'amount': Decimal('1200.50')},
                {
                    'company': north.id, 'account': account.id,
                    'date': dt.date(2026, 3, 9), 'amount': Decimal('300')}])
        Penalty.create([{
                    'company': north.id, 'account': account.id,
                    'period': feb.id, 'amount': Decimal('4.20')}])

        rows = Balance.search([('account', '=', account.id)],
            order=[('month', 'ASC')])
        # jan: 0 + 1200.50 = 1200.50
        # feb: 1200.50 + 1000 + 4.20 - 1200.50 = 1004.20
        # mar (payment only, no period yet): 1004.20 - 300 = 704.20
        self.assertEqual(
            [(r.month, r.period, r.opening, r.charged, r.penalty, r.paid,
                    r.closing) for r in rows],
            [(dt.date(2026, 1, 1), jan, 0, Decimal('1200.50'), 0, 0,
                    Decimal('1200.50')),
                (dt.date(2026, 2, 1), feb, Decimal('1200.50'),
                    Decimal('1000.00'), Decimal('4.20'), Decimal('1200.50'),
                    Decimal('1004.20')),
                (dt.date(2026, 3, 1), None, Decimal('1004.20'), 0, 0,
                    Decimal('300'), Decimal('704.20'))])
        self.assertEqual(Balance.debt(account), Decimal('704.20'))
        self.assertEqual(
            Balance.debt(account, dt.date(2026, 2, 1)), Decimal('1004.20'))
        self.assertEqual(Balance.debt(other), Decimal('999.99'))

        with acting_as(w['north_operator']):
            self.assertEqual(len(Balance.search([])), 4)
        with acting_as(w['south_operator']):
            self.assertEqual(Balance.search([]), [])
            self.assertEqual(
                Balance.search([('account', '=', account.id)]), [])


del _DBTestCase
