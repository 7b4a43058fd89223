"""Debtor work: selection by debt and age, cases, the state duty scale,
tasks, the list for informing; each organisation sees only its own."""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.crm_billing.penalty_debtor import select_debtors
from trytond.modules.crm_dispatch.tests.tools import acting_as, load_russian
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import create_building
from .tools_penalty import debtors_world

D = dt.date


class CrmBillingDebtorTestCase(_DBTestCase):
    "Debtor cases"
    module = 'crm_billing'
    language = 'ru'

    def _debtors(self):
        return debtors_world()

    @with_transaction()
    def test_selection_thresholds(self):
        "Debt ≥ X and age ≥ N months, both edges included"
        pool = Pool()
        Case = pool.get('crm.debtor.case')
        Status = pool.get('crm.debtor.status')
        w = self._debtors()
        north = w['north']
        a1 = w['north_accounts'][0]
        # On the due day of March a1's debt is 2 months old: nobody
        self.assertEqual(
            select_debtors(north, Decimal('3000'), 3, D(2026, 4, 10)), [])
        # An empty building of the organisation: nobody
        empty = create_building(north, 'ул. Пустая')
        self.assertEqual(select_debtors(
                north, Decimal('3000'), 3, D(2026, 4, 11), empty), [])
        case, = select_debtors(north, Decimal('3000'), 3, D(2026, 4, 11),
            w['north_building'])
        self.assertEqual(
            (case.account, case.debt, case.age, case.penalty,
                case.stage.name, case.status.name, case.building),
            (a1, Decimal('3000.00'), 3, Decimal('0.00'), 'Уведомление',
                'Подготовка документов', w['north_building']))
        # An open case is not opened twice; a closed one lets a new one in
        self.assertEqual(
            select_debtors(north, Decimal('3000'), 3, D(2026, 4, 11)), [])
        case.status, = Status.search([('name', '=', 'Дело закрыто')])
        case.save()
        again, = select_debtors(north, Decimal('3000'), 3, D(2026, 4, 11))
        self.assertEqual(again.account, a1)
        self.assertEqual(len(Case.search([])), 2)

    @with_transaction()
    def test_wizard_and_russian(self):
        "The wizard opens the new cases, or says in Russian there are none"
        pool = Pool()
        Select = pool.get('crm.debtor.select', type='wizard')
        w = self._debtors()
        load_russian()
        with acting_as(w['north_accountant'], checked=False):
            session_id, _, _ = Select.create()
            start = {'company': w['north'].id, 'building': None,
                'min_debt': Decimal('2999.99'), 'min_age': 3,
                'date': D(2026, 4, 11)}
            result = Select.execute(session_id, {'start': start}, 'open_')
            action, = result['actions']
            # a1 and a2 (2999.99 ≥ 2999.99); a3 is 2 months old
            cases = pool.get('crm.debtor.case').search([])
            self.assertEqual(
                sorted(c.account.number for c in cases), ['N0001', 'N0002'])
            Select.delete(session_id)
            session_id, _, _ = Select.create()
            with Transaction().set_context(language='ru'), \
                    self.assertRaises(UserError) as cm:
                Select.execute(session_id, {'start': start}, 'open_')
        self.assertEqual(cm.exception.message,
            "Ни один лицевой счёт не подходит под условия отбора, или у всех "
            "должников уже есть открытые дела.")

    @with_transaction()
    def test_duty_scale(self):
        """НК РФ ст.333.19 halved for a court order, whole roubles,
        rows from < claim ≤ to"""
        DutyScale = Pool().get('crm.debtor.duty_scale')
        for claim, kind, duty in [
                ('100000.00', 'court_order', 2000),
                # 2000 + 1.5 % × 33.33 = 2000.49995 → 2000
                ('100033.33', 'court_order', 2000),
                # 2000 + 1.5 % × 33.34 = 2000.5001 → 2001
                ('100033.34', 'court_order', 2001),
                # 2000 + 1.5 % × 50000 = 2750
                ('150000.00', 'court_order', 2750),
                # row 2 up to 300000: 2000 + 1.5 % × 200000 = 5000
                ('300000.00', 'court_order', 5000),
                ('300000.00', 'lawsuit', 10000),
                # 10000 + 2.5 % × 20 = 10000.50: half a rouble rounds up
                ('300020.00', 'lawsuit', 10001),
                # 314000 + 0.15 % × 500 000 000 = 1 064 000 > 900 000
                ('600000000.00', 'lawsuit', 900000),
                ]:
            with self.subTest(claim=claim, kind=kind):
                self.assertEqual(
                    DutyScale.duty(Decimal(claim), kind), Decimal(duty))
        load_russian()
        with Transaction().set_context(language='ru'), \
                self.assertRaises(UserError) as cm:
            DutyScale.duty(Decimal(0))
        self.assertEqual(cm.exception.message,
            "В шкале госпошлины нет строки для требования 0.")

    @with_transaction()
    def test_case_duty_tasks_informing_access(self):
        "A case at the court-order stage gets its duty; access by company"
        pool = Pool()
        Case = pool.get('crm.debtor.case')
        Stage = pool.get('crm.debtor.stage')
        Task = pool.get('crm.debtor.task')
        Party = pool.get('party.party')
        w = self._debtors()
        a1 = w['north_accounts'][0]
        holder, other = Party.create([{
                    'name': 'Иванов Иван Иванович',
                    'contact_mechanisms': [('create', [
                                {'type': 'mobile', 'value': '+79001234567'},
                                {'type': 'email',
                                    'value': 'ivanov@example.com'}])]},
                {'name': 'Иванова Мария'}])
        a1.holder = holder
        a1.parties = [holder, other]
        a1.save()
        case, = select_debtors(
            w['north'], Decimal('3000'), 3, D(2026, 4, 11))
        self.assertEqual(case.party, holder)
        self.assertIsNone(case.state_duty)
        case.stage, = Stage.search([('name', '=', 'Судебный приказ')])
        case.save()
        Case.update_amounts([case], D(2026, 4, 11))
        # claim 3000 ≤ 100000: half of 4000
        self.assertEqual(case.state_duty, Decimal('2000'))
        Task.create([{'case': case.id, 'name': 'Направить претензию',
                    'due_date': D(2026, 4, 20)}])

        recipients = Case.informing_recipients([case])
        self.assertEqual(
            [(r['party'], r['phones'], r['emails']) for r in recipients],
            [(holder, ['+79001234567'], ['ivanov@example.com']),
                (other, [], [])])

        with acting_as(w['north_accountant']):
            self.assertEqual(len(Case.search([])), 1)
            self.assertEqual(len(Task.search([])), 1)
        for user in ['south_accountant', 'south_operator']:
            with acting_as(w[user]):
                self.assertEqual(Case.search([]), [])
                self.assertEqual(Task.search([]), [])
                self.assertEqual(
                    Case.search([('account', '=', a1.id)]), [])

    @with_transaction()
    def test_seeded_stages(self):
        "Stages and statuses come as editable data"
        Stage = Pool().get('crm.debtor.stage')
        self.assertEqual([s.name for s in Stage.search([])], [
                'Уведомление', 'Претензия', 'Судебный приказ',
                'Исполнительное производство'])


del _DBTestCase
