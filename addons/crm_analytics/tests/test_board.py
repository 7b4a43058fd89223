"""The home dashboards count what the fixed world of tools.py says, each
reader only what he may read."""
import datetime as dt
import unittest

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.crm_dispatch.tests.tools import acting_as, create_staff
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from ..board import MATERIALIZABLE
from .tools import analytics_world


def _manager(org):
    "A user of the manager group in org (the group is this addon's)"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user = create_staff('manager', org)
    User.write([user], {'groups': [
                ('remove', [ModelData.get_id(
                            'crm_dispatch', 'group_crm_operator')]),
                ('add', [ModelData.get_id(
                            'crm_analytics', 'group_crm_manager')])]})
    return user


def refresh_panel():
    """What the task «Refresh Materialized Models» does where the manager's
    panel is materialized (make test-pg configures it); nothing elsewhere"""
    for name in MATERIALIZABLE:
        Pool().get(name)._table_query_refresh(concurrently=False, force=True)


def _materialized():
    return all(Pool().get(n)._table_query_materialized()
        for n in MATERIALIZABLE)


def _numbers(w, appeals):
    "The appeals as their numbers in the world's table"
    return [w['appeals'].index(a) + 1 for a in appeals]


def _run_action(xml_id, user):
    """The records an appeals pane of a board lists for user: its action's
    domain and order evaluated as the web client does (Eval('_user'))"""
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    ActWindow = pool.get('ir.action.act_window')
    action = ActWindow(ModelData.get_id('crm_analytics', xml_id))
    decoder = PYSONDecoder({'_user': user.id})
    Model = pool.get(action.res_model)
    with acting_as(user):
        return Model.search(decoder.decode(action.pyson_domain),
            order=decoder.decode(action.pyson_order))


class CrmAnalyticsBoardTestCase(_DBTestCase):
    "Home dashboards"
    module = 'crm_analytics'
    # Activated in Russian, as the product runs: the labels the graphs show
    language = 'ru'

    @with_transaction()
    def test_lines_load_and_overdue(self):
        "Open, not in work and overdue by line; the supervisor's lines only"
        Line = Pool().get('crm.analytics.board.line')
        w = analytics_world()
        with acting_as(w['supervisor1']):
            rows = Line.search([])
            counts = {r.line_name: (r.open, r.draft, r.overdue)
                for r in rows}
            # The rows read back by their ids (sao reads what it searched)
            self.assertEqual(len(Line.read([r.id for r in rows], ['open'])),
                len(rows))
        self.assertEqual(counts, {
                '1. Линия 1': (2, 0, 1),     # #4 #5; #4 overdue
                '2. Линия 2': (1, 1, 0),     # #9 in data entry
                'Без линии': (1, 1, 1),   # #10
                })
        # Unchecked (root) it counts the second organisation's line too
        self.assertIn('3. Линия 3', {r.line_name for r in Line.search([])})

    @with_transaction()
    def test_operator_reads_no_dashboard_figures(self):
        "The figures of the lines are the supervisor's, not the operator's"
        Line = Pool().get('crm.analytics.board.line')
        w = analytics_world()
        with acting_as(w['op1']), self.assertRaises(UserError):
            Line.search([])

    @with_transaction()
    def test_by_source_and_organisation(self):
        "The manager's and the supervisor's figures of organisation 1"
        Source = Pool().get('crm.analytics.board.source')
        w = analytics_world()
        manager = _manager(w['org1'])
        expected = {
            ('УК Север', 'phone'): (5, 1, 2),    # #1 #2 #6 #8 #10
            ('УК Север', 'email'): (3, 2, 1),    # #3 #4 #9
            ('УК Север', 'portal'): (2, 1, 1),   # #5 #7
            }
        refresh_panel()
        for user in [manager, w['supervisor1']]:
            with acting_as(user):
                rows = Source.search([])
                counts = {(r.company.rec_name, r.source.code):
                    (r.appeals, r.open, r.overdue) for r in rows}
            self.assertEqual(counts, expected, user.login)
        self.assertEqual(sum(r.appeals for r in Source.search([])), 12)

    @with_transaction()
    def test_materialized_panel(self):
        """Materialized (PostgreSQL, configured), the manager's panel shows
        the figures of its last refresh, overdue as of that time, and still
        only the reader's organisations"""
        pool = Pool()
        Source = pool.get('crm.analytics.board.source')
        Appeal = pool.get('crm.appeal')
        if backend.name != 'postgresql' or not _materialized():
            raise unittest.SkipTest("the panel is materialized by make "
                "test-pg's configuration on PostgreSQL only")
        w = analytics_world()
        refresh_panel()

        def figures(user):
            with acting_as(user):
                return {(r.company.rec_name, r.source.code):
                    (r.appeals, r.open, r.overdue) for r in Source.search([])}
        before = figures(w['supervisor1'])
        self.assertEqual(before[('УК Север', 'email')], (3, 2, 1))
        self.assertEqual({c for c, _ in before}, {'УК Север'})
        self.assertIn('УК Юг', {r.company.rec_name
                for r in Source.search([])})
        # #9 (email, in data entry) falls due a second before this
        # transaction began (the time a refresh counts by), long after the
        # view's SQL was written: not counted until the view is refreshed,
        # then counted
        cursor = Transaction().connection.cursor()
        cursor.execute("SELECT CURRENT_TIMESTAMP AT TIME ZONE 'UTC'")
        began, = cursor.fetchone()
        table = Appeal.__table__()
        cursor.execute(*table.update(
                [table.deadline], [began - dt.timedelta(seconds=1)],
                where=table.id == w['appeals'][8].id))
        self.assertEqual(figures(w['supervisor1']), before)
        refresh_panel()
        self.assertEqual(figures(w['supervisor1'])[('УК Север', 'email')],
            (3, 2, 2))

    @with_transaction()
    def test_accepted_by_month_and_stage(self):
        "January 4 done; February 2 new, 1 in work, 1 waiting, 1 done, 1 off"
        pool = Pool()
        Period = pool.get('crm.analytics.board.period')
        Appeal = pool.get('crm.appeal')
        Stage = pool.get('crm.stage')
        w = analytics_world()
        waiting, = Stage.search([
                ('company', '=', w['org1'].id), ('kind', '=', 'waiting')],
            limit=1)
        # #5 in work waits for the resident: the clock-stopping stage
        table = Appeal.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.stage], [waiting.id],
                where=table.id == w['appeals'][4].id))
        refresh_panel()
        with acting_as(w['supervisor1']):
            rows = Period.search([])
            counts = {r.month: (r.appeals, r.new, r.in_work, r.waiting,
                    r.done, r.cancelled) for r in rows}
            names = [r.month_name for r in rows]
        self.assertEqual(counts, {
                dt.date(2025, 1, 1): (4, 0, 0, 0, 4, 0),
                dt.date(2025, 2, 1): (6, 2, 1, 1, 1, 1),
                })
        self.assertEqual(names, ['Январь 2025', 'Февраль 2025'])
        # The action shows the last twelve months: the world's are older
        with acting_as(w['supervisor1']):
            self.assertEqual(Period.search([
                        ('month', '>=', dt.date(2025, 2, 1))]), rows[1:])

    @with_transaction()
    def test_operator_queue_overdue_and_due_soon(self):
        "operator1's panes: his line and appeals on no line, by deadline"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        w = analytics_world()
        soon = dt.datetime.now() + dt.timedelta(hours=2)
        # An appeal of each line falls due in two hours (both in work)
        due = [w['appeals'][4], w['appeals'][8]]
        table = Appeal.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.deadline, table.state], [soon, 'in_work'],
                where=table.id.in_([a.id for a in due])))
        self.assertEqual(
            _numbers(w, _run_action('act_board_operator_queue', w['op1'])),
            [4, 10, 5])
        self.assertEqual(
            _numbers(w, _run_action('act_board_operator_overdue', w['op1'])),
            [4, 10])
        self.assertEqual(
            _numbers(w, _run_action(
                    'act_board_operator_due_soon', w['op1'])),
            [5])
        # operator2: line 2 and the appeal on no line, never line 1
        self.assertEqual(
            _numbers(w, _run_action('act_board_operator_queue', w['op2'])),
            [10, 9])
        self.assertEqual(
            _numbers(w, _run_action(
                    'act_board_operator_due_soon', w['op2'])),
            [9])

    @with_transaction()
    def test_quality_list(self):
        "Closed rated 2 or less, late or reopened; the latest closed first"
        pool = Pool()
        Event = pool.get('crm.appeal.event')
        w = analytics_world()
        first = w['appeals'][0]
        Event.create([{'appeal': first.id, 'kind': 'reopened',
                    'date': dt.datetime(2025, 1, 11), 'state': 'draft'}])
        self.assertEqual(
            _numbers(w, _run_action('act_board_quality', w['supervisor1'])),
            [7, 2, 1])
        # The tab «Низкая оценка»: #7's three stars are not low
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Tab = pool.get('ir.action.act_window.domain')
        Appeal = pool.get('crm.appeal')
        tab = Tab(ModelData.get_id(
                'crm_analytics', 'act_board_quality_domain_rating'))
        with acting_as(w['supervisor1']):
            low = Appeal.search(
                PYSONDecoder().decode(tab.domain) + [('id', 'in', [
                            a.id for a in _run_action(
                                'act_board_quality', w['supervisor1'])])])
        self.assertEqual(_numbers(w, low), [2])

    @with_transaction()
    def test_boards_open_for_their_roles(self):
        "Each role gets its board's action; the operator not the manager's"
        pool = Pool()
        ActWindow = pool.get('ir.action.act_window')
        w = analytics_world()
        manager = _manager(w['org1'])
        for user, xml_id in [(w['op1'], 'act_board_operator'),
                (w['supervisor1'], 'act_board_supervisor'),
                (manager, 'act_board_manager')]:
            with acting_as(user):
                action = ActWindow.get('crm_analytics.' + xml_id)
            self.assertEqual(action['views'][0][1], 'board', xml_id)
        with acting_as(w['op1']), self.assertRaises(UserError):
            ActWindow.get('crm_analytics.act_board_manager')


del _DBTestCase
