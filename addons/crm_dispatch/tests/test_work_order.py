"""Work orders in process: the «Наряд-заказ» blank filled for an order,
an executor's own rights on his order, and two executors taking the same
order (one wins)."""
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.modules.crm_dispatch.exceptions import AppealError
from trytond.modules.crm_dispatch.tests import test_blank
from trytond.modules.crm_dispatch.tests.tools import acting_as, create_staff
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction


class CrmDispatchWorkOrderTestCase(_DBTestCase):
    "Work orders: print form, executor's rights, one owner"
    module = 'crm_dispatch'
    language = 'ru'

    def _world(self):
        "The blanks' world with a plumbers' team of two executors"
        pool = Pool()
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        Team = pool.get('crm.executor.team')
        User = pool.get('res.user')
        WorkOrder = pool.get('crm.work_order')
        w = test_blank.CrmDispatchBlankTestCase._world(self)
        company = w['appeal'].company
        team, = Team.create([{'name': 'Сантехники', 'company': company.id,
                    'department': 'plumbing'}])
        for login, name in [('executor1', 'Петров Пётр'),
                ('executor2', 'Сидоров Семён')]:
            party, = Party.create([{'name': name}])
            employee, = Employee.create([{'party': party.id,
                        'company': company.id,
                        'crm_position': 'слесарь-сантехник',
                        'crm_teams': [('add', [team.id])]}])
            user = create_staff(login, company, group='group_crm_executor')
            User.write([user], {'employees': [('add', [employee.id])],
                    'employee': employee.id,
                    'language': w['admin'].language.id})
            w[login] = user
            w[f'{login}_employee'] = employee
        with acting_as(w['operator2']):
            order, = WorkOrder.create([{'company': company.id,
                        'appeal': w['appeal'].id,
                        'building': w['appeal'].building.id,
                        'premise': w['appeal'].premise.id,
                        'team': team.id, 'priority': 'high',
                        'employee': w['executor1_employee'].id,
                        # 10:00 in Moscow
                        'planned_start': dt.datetime(2027, 3, 16, 7, 0),
                        'description': 'Заменить смеситель'}])
        return dict(w, team=team, order=order)

    @with_transaction()
    def test_work_order_blank(self):
        "«Наряд-заказ» carries the order, its appeal and its executor"
        Blank = Pool().get('crm.blank')
        w = self._world()
        with acting_as(w['admin']):
            blank, = Blank.create([{'name': 'Наряд-заказ',
                        'kind': 'work_order'}])
        self.assertEqual(blank.report.model, 'crm.work_order')
        with acting_as(w['executor1']):
            self.assertEqual(
                Blank.usable('work_order', w['order'].company), [blank])
            extension, content, _, _ = test_blank.CrmDispatchBlankTestCase \
                ._print(self, blank, w['order'])
        self.assertEqual(extension, 'odt')
        text = test_blank.odt_text(content)
        for expected in [
                f"НАРЯД-ЗАКАЗ № {w['order'].number}",
                f"по обращению № {w['appeal'].number}",
                'г. Вологда, ул. Ленина, д. 5, кв. 12',
                'Семёнова Ольга Петровна', 'Заменить смеситель', 'Высокий',
                '16.03.2027 10:00', 'Сантехники',
                'Петров Пётр (слесарь-сантехник)']:
            self.assertIn(expected, text)
        self.assertNotIn('<', text)

    @with_transaction()
    def test_executor_changes_only_measures(self):
        "An executor writes the measures of his order, nothing else"
        WorkOrder = Pool().get('crm.work_order')
        w = self._world()
        order = w['order']
        WorkOrder.take([order])
        with acting_as(w['executor1']):
            WorkOrder.write([WorkOrder(order.id)],
                {'measures': 'Перекрыт стояк'})
            with self.assertRaises(AccessError):
                WorkOrder.write([WorkOrder(order.id)],
                    {'employee': w['executor2_employee'].id})
        self.assertEqual(WorkOrder(order.id).measures, 'Перекрыт стояк')

    @with_transaction()
    def test_second_taker_is_refused(self):
        "Of two executors taking the same unallocated order, one wins"
        WorkOrder = Pool().get('crm.work_order')
        w = self._world()
        order = w['order']
        WorkOrder.write([order], {'employee': None})
        with acting_as(w['executor1'], checked=False):
            WorkOrder.take([WorkOrder(order.id)])
        with acting_as(w['executor2'], checked=False):
            with self.assertRaises(AppealError) as refusal:
                WorkOrder.take([WorkOrder(order.id)])
        self.assertIn('уже взята в работу', refusal.exception.message)
        self.assertIn('Петров Пётр', refusal.exception.message)
        self.assertEqual(
            WorkOrder(order.id).employee, w['executor1_employee'])

    @with_transaction()
    def test_mass_close_skips_appeals_with_open_orders(self):
        "The supervisor's mass close skips, naming it, an appeal in work"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        WorkOrder = pool.get('crm.work_order')
        Decision = pool.get('crm.work_order.decision')
        w = self._world()
        check = lambda appeal: appeal.check_closable()  # noqa: E731
        doable, skipped = Appeal.sort_out([w['appeal']], ['draft', 'in_work'],
            check=check)
        self.assertEqual(doable, [])
        self.assertIn(w['appeal'].number, skipped[0])
        self.assertIn(w['order'].number, skipped[0])
        WorkOrder.take([w['order']])
        decision, = Decision.search([], limit=1)
        WorkOrder.do_finish([w['order']], decision)
        doable, skipped = Appeal.sort_out([w['appeal']], ['draft', 'in_work'],
            check=check)
        self.assertEqual((doable, skipped), ([w['appeal']], []))

    @with_transaction()
    def test_assignee_joins_executors_and_hears_comments(self):
        """The employee of an order joins the executors of its appeal (on
        creation and on a new assignment, nobody is taken off); a comment
        on the appeal is told to the employees of its open orders even when
        a dispatcher took them off the executors"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Comment = pool.get('crm.appeal.comment')
        Link = pool.get('crm.appeal-company.employee')
        WorkOrder = pool.get('crm.work_order')
        w = self._world()
        appeal, order = w['appeal'], w['order']
        employee1, employee2 = (
            w['executor1_employee'], w['executor2_employee'])
        self.assertEqual(list(Appeal(appeal.id).executors), [employee1])

        WorkOrder.write([order], {'employee': employee2.id})
        self.assertEqual(set(Appeal(appeal.id).executors),
            {employee1, employee2})

        Link.delete(Link.search([('employee', '=', employee2.id)]))
        with acting_as(w['operator2']):
            comment, = Comment.create([{'appeal': appeal.id,
                        'text': 'Жилец будет дома после 18:00'}])
            told = Comment.recipients([comment])[comment]
        self.assertEqual({u.login for u in told}, {'executor1', 'executor2'})

        # A done order's employee hears no more of it through the order
        WorkOrder.write([order], {'state': 'done'})
        Link.delete(Link.search([('employee', '=', employee2.id)]))
        with acting_as(w['operator2']):
            told = Comment.recipients([Comment(comment.id)])[comment]
        self.assertEqual({u.login for u in told}, {'executor1'})
