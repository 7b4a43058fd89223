"""The supervisor's desk: the counts of his lines' queues at the edges of
the deadline windows, bounded by record rules, the «Моя линия» tab over
all of a user's lines, and a line's queue in deadline order."""
import datetime as dt

from trytond.modules.company.tests import create_company
from trytond.modules.crm_dispatch.tests.tools import (
    acting_as, create_appeal, create_staff)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import _DBTestCase, with_transaction

NOW = dt.datetime(2025, 3, 10, 12, 0)
HOUR = dt.timedelta(hours=1)
SECOND = dt.timedelta(seconds=1)


class CrmDispatchSupervisorTestCase(_DBTestCase):
    "The supervisor sees his lines' queues"
    module = 'crm_dispatch'
    language = 'ru'

    def _setup(self):
        pool = Pool()
        Source = pool.get('crm.appeal.source')
        Line = pool.get('crm.support_line')
        company = create_company(name='УК Север')
        source, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        lines = Line.create([{
                    'number': n, 'name': f'Линия {n}', 'company': company.id,
                    'appeal_access': 'own',
                    } for n in (1, 2, 3)])
        return company, source, lines

    @with_transaction()
    def test_counts_at_the_edges(self):
        "At the deadline an appeal is due soon, a second later overdue"
        pool = Pool()
        Line = pool.get('crm.support_line')
        Configuration = pool.get('crm.configuration')
        company, source, (line1, line2, line3) = self._setup()
        make = lambda *a: create_appeal(company, source, *a)  # noqa: E731
        make(line1, 'draft', NOW)                       # due now: due soon
        make(line1, 'in_work', NOW - SECOND)            # overdue
        make(line1, 'draft', NOW + 4 * HOUR)            # last due-soon second
        make(line1, 'in_work', NOW + 4 * HOUR + SECOND)  # later
        make(line1, 'draft', None)                      # no deadline yet
        make(line1, 'resolved', NOW - 24 * HOUR)        # closed: not counted
        make(line1, 'rejected', NOW + HOUR)             # closed: not counted
        make(line2, 'in_work', NOW - 24 * HOUR)
        self.assertEqual(Configuration(1).desk_due_hours, 4)

        counts = Line.desk_counts([line1, line2, line3], now=NOW)
        self.assertEqual(counts[line1.id], {
                'desk_open': 5, 'desk_draft': 3,
                'desk_overdue': 1, 'desk_due_soon': 2})
        self.assertEqual(counts[line2.id], {
                'desk_open': 1, 'desk_draft': 0,
                'desk_overdue': 1, 'desk_due_soon': 0})
        # A line without open appeals has no row: the fields read 0
        self.assertNotIn(line3.id, counts)

        # The window follows the settings
        Configuration.write([Configuration(1)], {'desk_due_hours': 1})
        counts = Line.desk_counts([line1], now=NOW)
        self.assertEqual(counts[line1.id]['desk_due_soon'], 1)

    @with_transaction()
    def test_fields_and_searches_agree(self):
        "The desk's fields, the overdue and due-soon searches count alike"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Line = pool.get('crm.support_line')
        company, source, (line1, line2, line3) = self._setup()
        now = dt.datetime.now()
        late = create_appeal(company, source, line1, 'draft', now - HOUR)
        soon = create_appeal(company, source, line1, 'in_work', now + HOUR)
        create_appeal(company, source, line1, 'in_work', now + 10 * HOUR)
        self.assertEqual(Appeal.search([('due_soon', '=', True)]), [soon])
        self.assertEqual(Appeal.search([('overdue', '=', True)]), [late])
        self.assertEqual(
            [a.due_soon for a in Appeal.browse([late, soon])], [False, True])
        line1, line3 = Line.browse([line1, line3])
        self.assertEqual(
            (line1.desk_open, line1.desk_draft, line1.desk_overdue,
                line1.desk_due_soon), (3, 1, 1, 1))
        self.assertEqual(
            (line3.desk_open, line3.desk_draft, line3.desk_overdue,
                line3.desk_due_soon), (0, 0, 0, 0))

    @with_transaction()
    def test_counts_follow_record_rules(self):
        "An operator bound to his line counts no appeal of another line"
        pool = Pool()
        Line = pool.get('crm.support_line')
        company, source, (line1, line2, _) = self._setup()
        create_appeal(company, source, line1, 'draft', NOW)
        create_appeal(company, source, line2, 'draft', NOW)
        operator = create_staff('operator1', company, [line1])
        supervisor = create_staff('supervisor', company, [],
            group='group_crm_supervisor')
        with acting_as(operator):
            self.assertEqual([l.desk_open for l in Line.browse(
                        [line1.id, line2.id])], [1, 0])
        with acting_as(supervisor):
            self.assertEqual([l.desk_open for l in Line.browse(
                        [line1.id, line2.id])], [1, 1])

    def _tab(self, xml_id, user, **context):
        "The records a list tab (act_window.domain) shows to user"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Domain = pool.get('ir.action.act_window.domain')
        tab = Domain(ModelData.get_id('crm_dispatch', xml_id))
        Model = pool.get(tab.act_window.res_model)
        decoder = PYSONDecoder(dict(context, _user=user.id))
        with acting_as(user):
            return Model.search([
                    decoder.decode(tab.act_window.pyson_domain),
                    decoder.decode(tab.domain)], order=[('id', 'ASC')])

    @with_transaction()
    def test_my_line_covers_every_line_of_the_user(self):
        "«Моя линия» and «Мои линии» show all the lines of a supervisor"
        company, source, (line1, line2, line3) = self._setup()
        appeals = [create_appeal(company, source, line, 'draft', NOW)
            for line in (line1, line2, line3)]
        supervisor = create_staff('supervisor', company, [line1, line2],
            group='group_crm_supervisor')
        self.assertEqual(
            self._tab('act_appeal_domain_my_line', supervisor), appeals[:2])
        self.assertEqual(
            self._tab('act_support_line_desk_domain_mine', supervisor),
            [line1, line2])
        self.assertEqual(
            self._tab('act_support_line_desk_domain_all', supervisor),
            [line1, line2, line3])

    @with_transaction()
    def test_open_queue(self):
        "A line's button opens its open appeals, the nearest deadline first"
        pool = Pool()
        Line = pool.get('crm.support_line')
        Action = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        company, source, (line1, line2, _) = self._setup()
        later = create_appeal(company, source, line1, 'in_work', NOW + HOUR)
        undated = create_appeal(company, source, line1, 'draft', None)
        first = create_appeal(company, source, line1, 'draft', NOW - HOUR)
        create_appeal(company, source, line1, 'resolved', NOW - HOUR)
        create_appeal(company, source, line2, 'draft', NOW - 2 * HOUR)
        supervisor = create_staff('supervisor', company, [line1, line2],
            group='group_crm_supervisor')

        with acting_as(supervisor):
            action_id = Line.open_queue([line1])
        self.assertEqual(action_id, Action(ModelData.get_id(
                    'crm_dispatch', 'act_appeal_line_queue')).action.id)
        action = Action(ModelData.get_id(
                'crm_dispatch', 'act_appeal_line_queue'))
        self.assertEqual(
            self._tab('act_appeal_line_queue_domain_open', supervisor,
                active_ids=[line1.id]),
            sorted([later, undated, first], key=lambda a: a.id))
        Appeal = pool.get('crm.appeal')
        decoder = PYSONDecoder({'active_ids': [line1.id]})
        with acting_as(supervisor):
            queue = Appeal.search([
                    decoder.decode(action.pyson_domain),
                    ('state', 'in', ['draft', 'in_work'])],
                order=decoder.decode(action.pyson_order))
        self.assertEqual(queue, [first, later, undated])


del _DBTestCase
