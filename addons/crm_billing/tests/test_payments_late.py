"""What an accountant expects of the bank's awkward lines: a registry
arriving after its month was closed, and reversal lines (negative amounts).

- Late registry: the money was received, so it is not refused; each
  payment keeps the day it was paid (penalties count to that day) and is
  counted in the balance of the first open month after the closed ones —
  the closed months' figures stay as they were reported.
- Reversal (сторно): a negative line becomes a refund (a negative payment)
  linked to the payment it takes back, when one is found (the latest bank
  payment of the account of the same amount on or before it, not reversed
  yet); when none is found it still counts as a refund of its own."""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction

from .test_payments import import_file
from .tools import billing_world, create_period
from .tools_payments import sberbank_file, sberbank_format, sberbank_line

D = Decimal


class CrmBillingLateRegistryTestCase(_DBTestCase):
    "Late registries and reversals"
    module = 'crm_billing'
    language = 'ru'

    @with_transaction()
    def test_late_registry(self):
        """December and January closed: December's payment counts in
        February with its own date; closed months keep their balances"""
        pool = Pool()
        Payment = pool.get('crm.payment')
        Balance = pool.get('crm.account.balance')
        w = billing_world()
        account = w['north_accounts'][0]
        for month in [dt.date(2025, 12, 1), dt.date(2026, 1, 1)]:
            create_period(w['north'], month, state='closed')
        create_period(w['north'], dt.date(2026, 2, 1))
        registry = import_file(w['north_accountant'], sberbank_format(),
            sberbank_file([
                    sberbank_line('30.12.2025', 'N0001', '700,00'),
                    sberbank_line('02.02.2026', 'N0001', '50,00'),
                    ]), 'sber_late.txt')
        self.assertEqual(registry.count, 2)
        self.assertEqual(sorted((p.date, p.month, p.amount)
                for p in Payment.search([])), [
                (dt.date(2025, 12, 30), dt.date(2026, 2, 1), D('700.00')),
                (dt.date(2026, 2, 2), dt.date(2026, 2, 1), D('50.00'))])
        rows = {r.month: r for r in Balance.search(
                [('account', '=', account.id)])}
        self.assertNotIn(dt.date(2025, 12, 1), rows)
        # February: 0 opening, 700 + 50 paid, -750 closing (an advance)
        february = rows[dt.date(2026, 2, 1)]
        self.assertEqual((february.paid, february.closing),
            (D('750.00'), D('-750.00')))

    @with_transaction()
    def test_reversals(self):
        """-500 reverses the 500 paid before it; a second -500 finds no
        payment left to reverse and stays a refund of its own"""
        pool = Pool()
        Payment = pool.get('crm.payment')
        w = billing_world()
        fmt, accountant = sberbank_format(), w['north_accountant']
        import_file(accountant, fmt, sberbank_file([
                    sberbank_line('10.01.2026', 'N0001', '500,00',
                        operation='1001'),
                    sberbank_line('11.01.2026', 'N0001', '300,00',
                        operation='1002'),
                    sberbank_line('11.01.2026', 'N0002', '500,00',
                        operation='1003'),
                    ]), 'sber_0111.txt')
        import_file(accountant, fmt, sberbank_file([
                    sberbank_line('15.01.2026', 'N0001', '-500,00',
                        operation='2001'),
                    sberbank_line('16.01.2026', 'N0001', '-500,00',
                        operation='2002'),
                    ]), 'sber_0116.txt')
        by_document = {p.document: p for p in Payment.search([])}
        first, second = by_document['2001'], by_document['2002']
        self.assertEqual((first.amount, first.refund), (D('-500.00'), True))
        self.assertEqual(first.reversal_of, by_document['1001'])
        self.assertIsNone(second.reversal_of)
        self.assertTrue(second.refund)
        # the other account's 500 is not taken
        self.assertEqual(Payment.search([('reversal_of', '!=', None)]),
            [first])


del _DBTestCase
