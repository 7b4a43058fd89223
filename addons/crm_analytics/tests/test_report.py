"""The operational reports count what tests/tools.py counts by hand,
only what the reading user may read, drill down to exactly the appeals
behind a row and export to XLSX.  The database is activated in Russian:
the headers and errors are checked in Russian."""
import datetime as dt
import io

from trytond.exceptions import UserError
from trytond.modules.crm_dispatch.tests.tools import acting_as
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import analytics_world

# January and February 2025: the whole world
PERIOD = {'from_date': dt.date(2025, 1, 1), 'to_date': dt.date(2025, 2, 28)}


def rows(name, *keys, **context):
    """The report's rows as {key values: row} (keys: the row's fields,
    a record as its rec_name)"""
    Report = Pool().get(f'crm.analytics.report.{name}')
    with Transaction().set_context(context):
        found = Report.search([])
        result = {}
        for row in found:
            key = tuple(getattr(row, k).rec_name if getattr(row, k) else None
                for k in keys)
            result[key[0] if len(key) == 1 else key] = row
        return result


def figures(found, *names):
    return {k: tuple(getattr(r, n) for n in names) for k, r in found.items()}


class CrmAnalyticsReportTestCase(_DBTestCase):
    "Operational reports"
    module = 'crm_analytics'
    language = 'ru'

    def world(self):
        w = analytics_world()
        w['number'] = {a.id: i + 1 for i, a in enumerate(w['appeals'])}
        w['org1_ctx'] = dict(PERIOD, company=w['org1'].id)
        return w

    @with_transaction()
    def test_timeliness(self):
        "On time and overdue by source and by reason, shares in percent"
        w = self.world()
        by_source = rows('timeliness_source', 'source', **w['org1_ctx'])
        self.assertEqual(
            figures(by_source, 'count', 'on_time', 'overdue'), {
                'Телефон': (5, 3, 2),
                'Электронная почта': (3, 2, 1),
                'Портал': (2, 1, 1),
                })
        self.assertEqual(by_source['Телефон'].overdue_share, 40.0)
        self.assertEqual(by_source['Портал'].overdue_share, 50.0)
        by_reason = rows('timeliness_reason', 'reason_group', 'reason',
            **w['org1_ctx'])
        self.assertEqual(figures(by_reason, 'count', 'overdue'), {
                ('Ремонт', 'Протечка'): (4, 3),
                ('Ремонт', 'Отопление'): (2, 0),
                ('Начисления', 'Перерасчёт'): (4, 1),
                })
        # January only: #1 #2 #3 #6, #2 late
        january = dict(w['org1_ctx'], to_date=dt.date(2025, 1, 31))
        self.assertEqual(figures(
                rows('timeliness_source', 'source', **january),
                'count', 'overdue'),
            {'Телефон': (3, 1), 'Электронная почта': (1, 0)})

    @with_transaction()
    def test_labour_processed_matrix(self):
        "Labour time, processed appeals and operator × source by hand"
        w = self.world()
        ctx = w['org1_ctx']
        labour = rows('labour_operator', 'operator', **ctx)
        self.assertEqual(
            figures(labour, 'labour_minutes', 'count', 'average_minutes'), {
                'Operator1': (210, 3, 70.0), 'Operator2': (135, 2, 67.5)})
        self.assertEqual(labour['Operator1'].labour_hours, 3.5)
        per_appeal = rows('labour_appeal', 'appeal', **ctx)
        self.assertEqual(
            sorted((w['number'][r.appeal.id], r.labour_minutes)
                for r in per_appeal.values()),
            [(1, 60), (2, 120), (3, 30), (6, 45), (7, 90)])

        processed = rows('processed', 'support_line', 'operator', **ctx)
        self.assertEqual(
            figures(processed, 'closed', 'resolved', 'rejected'), {
                ('1. Линия 1', 'Operator1'): (3, 3, 0),
                ('2. Линия 2', 'Operator2'): (3, 2, 1),
                })
        hours = {k: r.hours for k, r in processed.items()}
        self.assertAlmostEqual(sum(hours.values()), 296, places=3)
        self.assertAlmostEqual(hours[('1. Линия 1', 'Operator1')], 78, places=3)
        self.assertEqual(
            processed[('1. Линия 1', 'Operator1')].average_hours, 26.0)
        # Closed in January: #1 #2 #3 #6 (#2 received in January too)
        january = dict(ctx, to_date=dt.date(2025, 1, 31))
        self.assertEqual(sum(r.closed for r in rows(
                    'processed', 'operator', **january).values()), 4)

        matrix = rows('operator_source', 'operator', 'source', **ctx)
        self.assertEqual(figures(matrix, 'count'), {
                ('Operator1', 'Телефон'): (2,),
                ('Operator1', 'Электронная почта'): (2,),
                ('Operator1', 'Портал'): (1,),
                ('Operator2', 'Телефон'): (2,),
                ('Operator2', 'Электронная почта'): (1,),
                ('Operator2', 'Портал'): (1,),
                (None, 'Телефон'): (1,),
                })

    @with_transaction()
    def test_transfers_places_ratings(self):
        "Transfers, districts, organisations and ratings by hand"
        w = self.world()
        ctx = w['org1_ctx']
        self.assertEqual(
            figures(rows('transfer', 'from_line', 'to_line', **ctx), 'count'),
            {('1. Линия 1', '2. Линия 2'): (2,), ('2. Линия 2', '1. Линия 1'): (1,)})
        # The context's line is either end of a transfer
        self.assertEqual(len(rows('transfer', 'from_line', 'to_line',
                    support_line=w['L1'].id, **ctx)), 2)
        self.assertEqual(
            figures(rows('district', 'district', **ctx),
                'count', 'overdue', 'open', 'closed'), {
                'Центральный': (6, 2, 3, 3), 'Заречный': (4, 2, 1, 3)})
        everywhere = rows('organisation', 'company', **PERIOD)
        self.assertEqual(figures(everywhere, 'count', 'overdue'), {
                'УК Север': (10, 4), 'УК Юг': (2, 1)})
        self.assertEqual(everywhere['УК Север'].overdue_share, 40.0)
        ratings = rows('rating', 'support_line', 'operator', **ctx)
        self.assertEqual(figures(ratings, 'rated', 'rating_sum', 'average',
                'stars_1', 'stars_2', 'stars_3', 'stars_4', 'stars_5'), {
                ('1. Линия 1', 'Operator1'): (2, 7, 3.5, 0, 1, 0, 0, 1),
                ('2. Линия 2', 'Operator2'): (2, 7, 3.5, 0, 0, 1, 1, 0),
                })

    @with_transaction()
    def test_operator_counts_only_what_he_reads(self):
        "operator1's reports hold no appeal of line 2 or organisation 2"
        w = self.world()
        ctx = dict(PERIOD, language='ru')
        with acting_as(w['op1'], **ctx):
            mine = {
                'source': figures(rows('timeliness_source', 'source'),
                    'count', 'overdue'),
                'transfer': figures(
                    rows('transfer', 'from_line', 'to_line'), 'count'),
                'matrix': figures(
                    rows('operator_source', 'operator', 'source'), 'count'),
                'organisation': figures(
                    rows('organisation', 'company', company=None), 'count'),
                'labour': figures(
                    rows('labour_operator', 'operator'), 'labour_minutes'),
                }
        # #1-#5 and #10; the transfer L2→L1 is #4's, the others line 2's
        self.assertEqual(mine['source'], {'Телефон': (3, 2),
                'Электронная почта': (2, 1), 'Портал': (1, 0)})
        self.assertEqual(mine['transfer'], {('2. Линия 2', '1. Линия 1'): (1,)})
        self.assertEqual({k[0] for k in mine['matrix']}, {'Operator1', None})
        self.assertEqual(mine['organisation'], {'УК Север': (6,)})
        self.assertEqual(mine['labour'], {'Operator1': (210,)})
        with acting_as(w['supervisor1'], **ctx):
            self.assertEqual(figures(rows('timeliness_source', 'source'),
                    'count', 'overdue'), {'Телефон': (5, 2),
                    'Электронная почта': (3, 1), 'Портал': (2, 1)})
            self.assertEqual(figures(rows(
                        'organisation', 'company', company=None), 'count'),
                {'УК Север': (10,)})

    def drill(self, user, name, row, **context):
        "The domain the drill-down wizard opens for the row, as the user"
        pool = Pool()
        Open = pool.get('crm.analytics.report.open', type='wizard')
        model = f'crm.analytics.report.{name}'
        # A wizard's steps run unchecked, as the RPC runs them
        with acting_as(user, checked=False, active_model=model,
                active_id=row.id, active_ids=[row.id], **context):
            session_id, _, _ = Open.create()
            result = Open.execute(session_id, {}, 'start')
            Open.delete(session_id)
        (action, _), = result['actions']
        return action['res_model'], PYSONDecoder().decode(
            action['pyson_domain'])

    @with_transaction()
    def test_drill_down(self):
        "A row opens exactly the appeals (work orders) behind its number"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        w = self.world()
        ctx = dict(PERIOD, language='ru')

        def behind(user, name, keys, key, **context):
            context = dict(ctx, **context)
            with acting_as(user, **context):
                row = rows(name, *keys)[key]
            model, domain = self.drill(user, name, row, **context)
            self.assertEqual(model, 'crm.appeal')
            with acting_as(user, language='ru'):
                found = Appeal.search(domain)
            return row, sorted(w['number'][a.id] for a in found)

        row, found = behind(w['supervisor1'], 'timeliness_source',
            ['source'], 'Телефон')
        self.assertEqual(found, [1, 2, 6, 8, 10])
        self.assertEqual(len(found), row.count)
        # The same row read by operator1: his three
        _, found = behind(w['op1'], 'timeliness_source', ['source'],
            'Телефон')
        self.assertEqual(found, [1, 2, 10])
        _, found = behind(w['supervisor1'], 'transfer',
            ['from_line', 'to_line'], ('1. Линия 1', '2. Линия 2'))
        self.assertEqual(found, [6, 7])
        _, found = behind(w['supervisor1'], 'processed',
            ['support_line', 'operator'], ('2. Линия 2', 'Operator2'),
            to_date=dt.date(2025, 1, 31))
        self.assertEqual(found, [6])
        _, found = behind(w['supervisor1'], 'district', ['district'],
            'Заречный')
        self.assertEqual(found, [3, 4, 7, 8])
        _, found = behind(w['supervisor1'], 'labour_appeal', ['appeal'],
            w['appeals'][1].rec_name)
        self.assertEqual(found, [2])

    def work_orders(self, w):
        """Work orders of the team «Сантехники»: Petrov did 3 in
        February (one late, one without a planned end), one in March and
        has one in progress; Sidorov did 1 on time"""
        pool = Pool()
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        Team = pool.get('crm.executor.team')
        WorkOrder = pool.get('crm.work_order')
        org1 = w['org1']
        team, = Team.create([{'name': 'Сантехники', 'company': org1.id}])
        w['team'] = team
        for key, name in [('petrov', 'Петров Пётр'),
                ('sidorov', 'Сидоров Семён')]:
            party, = Party.create([{'name': name}])
            w[key], = Employee.create([{'party': party.id,
                        'company': org1.id,
                        'crm_teams': [('add', [team.id])]}])
        d = dt.datetime
        plan = [
            # employee, appeal #, planned end, done, state
            ('petrov', 1, d(2025, 2, 2, 12), d(2025, 2, 2, 10), 'done'),
            ('petrov', 2, d(2025, 2, 3, 12), d(2025, 2, 4, 10), 'done'),
            ('petrov', 6, None, d(2025, 2, 5, 10), 'done'),
            ('petrov', 7, d(2025, 3, 5, 12), d(2025, 3, 1, 10), 'done'),
            ('petrov', 4, d(2025, 2, 9, 12), None, 'in_progress'),
            ('sidorov', 3, d(2025, 2, 7, 12), d(2025, 2, 6, 10), 'done'),
            ]
        orders = WorkOrder.create([{
                    'company': org1.id, 'team': team.id,
                    'employee': w[e].id,
                    'appeal': w['appeals'][n - 1].id,
                    'description': 'Работа', 'priority': 'normal',
                    } for e, n, *_ in plan])
        table = WorkOrder.__table__()
        cursor = Transaction().connection.cursor()
        for order, (_, _, end, done, state) in zip(orders, plan):
            cursor.execute(*table.update(
                    [table.planned_end, table.done_date, table.state],
                    [end, done, state], where=table.id == order.id))
        return orders

    @with_transaction()
    def test_work_orders(self):
        "Done, done on time and late by executor; the drill-down"
        pool = Pool()
        WorkOrder = pool.get('crm.work_order')
        w = self.world()
        orders = self.work_orders(w)
        ctx = dict(PERIOD, company=w['org1'].id)
        found = rows('work_order', 'employee', **ctx)
        self.assertEqual(
            figures(found, 'done', 'on_time', 'late', 'on_time_share'), {
                'Петров Пётр': (3, 2, 1, 66.7),
                'Сидоров Семён': (1, 1, 0, 100.0)})
        # operator1 reads the orders of his appeals: #6 is line 2's
        with acting_as(w['op1'], language='ru', **ctx):
            self.assertEqual(figures(rows('work_order', 'employee'),
                    'done'), {'Петров Пётр': (2,), 'Сидоров Семён': (1,)})
        with acting_as(w['supervisor1'], language='ru', **ctx):
            row = rows('work_order', 'employee')['Петров Пётр']
        model, domain = self.drill(
            w['supervisor1'], 'work_order', row, language='ru', **ctx)
        self.assertEqual(model, 'crm.work_order')
        with acting_as(w['supervisor1'], language='ru'):
            self.assertEqual(sorted(o.id for o in WorkOrder.search(domain)),
                sorted(o.id for o in orders[:3]))

    @with_transaction()
    def test_export_xlsx(self):
        "The file holds the rows under the context with Russian headers"
        from openpyxl import load_workbook
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        XLSX = pool.get('crm.analytics.report.xlsx', type='report')
        w = self.world()
        model = 'crm.analytics.report.timeliness_source'
        action_id = ModelData.get_id(
            'crm_analytics', 'report_timeliness_source_xlsx')
        with acting_as(w['op1'], language='ru', **PERIOD):
            ext, content, _, name = XLSX.execute(
                [], {'model': model, 'action_id': action_id})
        self.assertEqual((ext, name), ('xlsx', 'Своевременность по источникам'))
        sheet = load_workbook(io.BytesIO(content)).active
        values = [[c.value for c in r] for r in sheet.iter_rows()]
        self.assertEqual(values[0][0], 'Своевременность по источникам')
        self.assertIn('01.01.2025', values[1][0])
        header = values.index(['Источник', 'Обращений', 'В срок',
                'Просрочено', 'Просрочено, %'])
        self.assertEqual(sorted(map(tuple, values[header + 1:])), [
                ('Портал', 1, 1, 0, 0),
                ('Телефон', 3, 1, 2, 66.7),
                ('Электронная почта', 2, 1, 1, 50),
                ])
        # export_table for the mailings: the same table by the context
        Report = pool.get(model)
        with Transaction().set_context(language='ru', **w['org1_ctx']):
            title, headers, table = Report.export_table()
        self.assertEqual(headers[0], 'Источник')
        self.assertEqual(sum(r[1] for r in table), 10)

    @with_transaction()
    def test_context_defaults(self):
        "The form opens on this month and the user's organisation"
        Context = Pool().get('crm.analytics.report.context')
        w = self.world()
        today = dt.date.today()
        with acting_as(w['op1']):
            values = Context.default_get(
                ['from_date', 'to_date', 'company', 'user_companies'])
        self.assertEqual(values['from_date'], today.replace(day=1))
        self.assertEqual(values['to_date'].month, today.month)
        self.assertEqual((values['to_date'] + dt.timedelta(days=1)).day, 1)
        self.assertEqual(values['company'], w['org1'].id)
        self.assertEqual(values['user_companies'], [w['org1'].id])

    @with_transaction()
    def test_bad_period(self):
        "A period whose start is after its end is refused in Russian"
        pool = Pool()
        Report = pool.get('crm.analytics.report.timeliness_reason')
        self.world()
        with Transaction().set_context(language='ru',
                from_date=dt.date(2025, 3, 1), to_date=dt.date(2025, 2, 1)):
            with self.assertRaises(UserError) as raised:
                Report.search([])
        self.assertEqual(raised.exception.message,
            'Начало периода (01.03.2025) позже его конца (01.02.2025).')
        with Transaction().set_context(from_date='2025-03-01',
                to_date='2025-02-01'), self.assertRaises(UserError):
            Report.export_table()


del _DBTestCase
