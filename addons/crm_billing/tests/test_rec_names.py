"""Billing's records are named as an accountant reads them (the titles of
their attachments, notes and logs, their links, errors that name them),
not by Tryton's «(id)»."""
import datetime as dt
from decimal import Decimal

from trytond.modules.crm_dispatch.tests.tools import load_russian
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import billing_world
from .tools_penalty import charge, only_key_rates, pay, periods

D = dt.date
NBSP = '\u00a0'


class CrmBillingRecNamesTestCase(_DBTestCase):
    "Display names of billing's records"
    module = 'crm_billing'
    language = 'ru'

    @with_transaction()
    def test_rec_names(self):
        pool = Pool()
        Payment = pool.get('crm.payment')
        Charge = pool.get('crm.charge')
        AccountService = pool.get('crm.account.service')
        Balance = pool.get('crm.account.balance')
        ChargeMonth = pool.get('crm.account.charge_month')
        KeyRate = pool.get('crm.key_rate')
        Period = pool.get('crm.billing.period')
        Penalty = pool.get('crm.penalty')
        DutyScale = pool.get('crm.debtor.duty_scale')
        load_russian()
        w = billing_world()
        north = w['north']
        account = w['north_accounts'][0]
        only_key_rates((D(2026, 1, 1), '16.00'), (D(2026, 4, 27), '9.50'))
        months = periods(north, 2026, [1, 2, 3])
        charge(account, months[1], '3000.00')
        pay(account, D(2026, 1, 20), '1234.5')
        Payment.create([{
                    'company': north.id, 'account': account.id,
                    'date': D(2026, 1, 21), 'amount': Decimal('-100'),
                    'refund': True}])
        Period.compute_penalties(list(months.values()))

        paid, refund = Payment.search(
            [('account', '=', account.id)], order=[('date', 'ASC')])
        self.assertEqual(paid.rec_name,
            f'20.01.2026, 1{NBSP}234,50 ₽, л/с {account.number}')
        self.assertEqual(refund.rec_name,
            f'21.01.2026, -100,00 ₽, л/с {account.number}')

        upkeep, = Charge.search([('account', '=', account.id)])
        self.assertEqual(upkeep.rec_name,
            f'л/с {account.number}, январь 2026, '
            'Содержание жилого помещения')
        upkeep.kind, upkeep.reason = 'recalculation', 'Ошибка площади'
        upkeep.save()
        self.assertEqual(upkeep.rec_name,
            f'л/с {account.number}, январь 2026, '
            'Содержание жилого помещения, перерасчёт')

        cold, = AccountService.search([
                ('account', '=', account.id),
                ('service.code', '=', 'cold')])
        self.assertEqual(cold.rec_name,
            f'л/с {account.number}, Холодное водоснабжение')

        january, = Balance.search([
                ('account', '=', account.id), ('month', '=', D(2026, 1, 1))])
        self.assertEqual(january.rec_name,
            f'л/с {account.number}, январь 2026')
        month, = ChargeMonth.search([('account', '=', account.id)])
        self.assertEqual(month.rec_name,
            f'л/с {account.number}, январь 2026, '
            'Содержание жилого помещения')

        rates = KeyRate.search([], order=[('date', 'ASC')])
        self.assertEqual([r.rec_name for r in rates],
            ['16 % с 01.01.2026', '9,5 % с 27.04.2026'])

        penalty, = Penalty.search([('account', '=', account.id)])
        line = penalty.lines[0]
        self.assertEqual(line.rec_name,
            f'{penalty.rec_name}: долг за январь 2026, '
            f'{line.date_from:%d.%m.%Y}–{line.date_to:%d.%m.%Y}')
        self.assertIn('март 2026', penalty.rec_name)

        with Transaction().set_context(language='ru'):
            scales = DutyScale.search([], order=[
                    ('kind', 'ASC'), ('from_amount', 'ASC')])
            names = [s.rec_name for s in scales]
        self.assertTrue(scales)
        self.assertTrue(all(': свыше ' in n and n.endswith(' ₽')
                for n in names), names)
        self.assertNotIn('Court', ' '.join(names))


del _DBTestCase
