"""The appeal facts against the hand counts of tests/tools.py: sums and
ratios by dimension, the user's record rules under every number, the
organisation's local time in the period and the time dimensions, paging
of the feed, and Russian refusals."""
import datetime as dt

from sql import Literal
from sql.aggregate import Count

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.crm_analytics.facts import DIMENSIONS
from trytond.modules.crm_dispatch.tests.tools import acting_as, load_russian
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import analytics_world


def world():
    "The hand-counted world, titles in Russian"
    load_russian()
    return analytics_world()


def as_(user):
    return acting_as(user, language='ru')


def by(result, *names):
    "The rows of an aggregate by the titles of their dimensions"
    return {tuple(r[n] for n in names) if len(names) > 1 else r[names[0]]: r
        for r in result['rows']}


class CrmAnalyticsFactsTestCase(_DBTestCase):
    "Appeal facts"
    module = 'crm_analytics'
    language = 'ru'

    @with_transaction()
    def test_sums_by_source(self):
        "By source for supervisor1: the hand counts of organisation 1"
        Fact = Pool().get('crm.analytics.fact')
        w = world()
        with as_(w['supervisor1']):
            rows = by(Fact.aggregate(['source']), 'source')
            total, = Fact.aggregate([])['rows']
        self.assertEqual(
            {k: (r['count'], r['overdue_count']) for k, r in rows.items()},
            {'Телефон': (5, 2), 'Электронная почта': (3, 1),
                'Портал': (2, 1)})
        self.assertEqual(rows['Телефон']['_ids'], {'source': w['phone'].id})
        self.assertEqual(rows['Телефон']['overdue_share'], 40.0)
        self.assertEqual(
            {k: total[k] for k in ['count', 'overdue_count', 'closed_count',
                    'rated_count', 'rating_sum', 'labour_minutes']},
            {'count': 10, 'overdue_count': 4, 'closed_count': 6,
                'rated_count': 4, 'rating_sum': 14, 'labour_minutes': 345})
        self.assertAlmostEqual(total['close_hours'], 296, places=2)
        self.assertEqual(total['avg_rating'], 3.5)
        self.assertEqual(total['avg_close_hours'], round(296 / 6, 2))
        self.assertEqual(total['labour_hours'], 5.75)
        self.assertEqual(total['overdue_share'], 40.0)

    @with_transaction()
    def test_operator_counts_only_his_lines(self):
        "operator1 counts line 1 and the line-less appeal, nothing else"
        Fact = Pool().get('crm.analytics.fact')
        w = world()
        with as_(w['op1']):
            rows = by(Fact.aggregate(['organisation', 'support_line']),
                'organisation', 'support_line')
            facts = Fact.facts()
        self.assertEqual({k: r['count'] for k, r in rows.items()}, {
                ('УК Север', '1. Линия 1'): 5,
                ('УК Север', '(не указано)'): 1})
        self.assertEqual(sorted(f['number'] for f in facts),
            sorted(w['appeals'][i].number for i in [0, 1, 2, 3, 4, 9]))
        with as_(w['supervisor1']):
            rows = by(Fact.aggregate(['support_line']), 'support_line')
        self.assertEqual({k: r['count'] for k, r in rows.items()}, {
                '1. Линия 1': 5, '2. Линия 2': 4, '(не указано)': 1})
        # Without the rules (root, no access check) both organisations
        rows = by(Fact.aggregate(['organisation']), 'organisation')
        self.assertEqual({k: r['count'] for k, r in rows.items()},
            {'УК Север': 10, 'УК Юг': 2})

    @with_transaction()
    def test_reason_group_by_month_and_district(self):
        "Reason group × month and district, by hand"
        Fact = Pool().get('crm.analytics.fact')
        w = world()
        with as_(w['supervisor1']):
            rows = by(Fact.aggregate(['reason_group', 'month']),
                'reason_group', 'month')
            districts = by(Fact.aggregate(['district']), 'district')
            labour = by(Fact.aggregate(['operator']), 'operator')
            states = by(Fact.aggregate(['state', 'overdue']),
                'state', 'overdue')
        self.assertEqual({k: r['count'] for k, r in rows.items()}, {
                ('Ремонт', 'Январь 2025'): 3, ('Ремонт', 'Февраль 2025'): 3,
                ('Начисления', 'Январь 2025'): 1,
                ('Начисления', 'Февраль 2025'): 3})
        # The months in the order of their ISO texts, which they carry
        self.assertEqual(
            [(r['month'], r['_sort']) for r in rows.values()
                if r['reason_group'] == 'Ремонт'],
            [('Январь 2025', {'month': '2025-01'}),
                ('Февраль 2025', {'month': '2025-02'})])
        self.assertEqual({k: r['count'] for k, r in districts.items()},
            {'Центральный': 6, 'Заречный': 4})
        self.assertEqual(
            {k: r['labour_minutes'] for k, r in labour.items()},
            {'Operator1': 210, 'Operator2': 135, '(не указано)': 0})
        self.assertEqual(labour['Operator1']['avg_rating'], 3.5)
        self.assertEqual(labour['Operator2']['avg_close_hours'],
            round((24 + 192 + 2) / 3, 2))
        self.assertEqual({k: r['count'] for k, r in states.items()}, {
                ('Решено', 'Да'): 2, ('Решено', 'Нет'): 3,
                ('В работе', 'Да'): 1, ('В работе', 'Нет'): 1,
                ('Отклонено', 'Нет'): 1,
                ('Ввод данных', 'Да'): 1, ('Ввод данных', 'Нет'): 1})

    @with_transaction()
    def test_equals_direct_sql(self):
        "Counts by source equal a plain GROUP BY of the appeal table"
        pool = Pool()
        Fact = pool.get('crm.analytics.fact')
        Appeal = pool.get('crm.appeal')
        w = world()
        appeal = Appeal.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*appeal.select(appeal.source, appeal.company,
                Count(Literal(1)), group_by=[appeal.source, appeal.company]))
        expected = {(s, c): n for s, c, n in cursor}
        got = {(r['_ids']['source'], r['_ids']['organisation']): r['count']
            for r in Fact.aggregate(['source', 'organisation'])['rows']}
        self.assertEqual(got, expected)
        self.assertEqual(sum(got.values()), len(w['appeals']))

    @with_transaction()
    def test_local_time(self):
        "Months, weeks and the period are counted in Moscow time (UTC+3)"
        pool = Pool()
        Fact = pool.get('crm.analytics.fact')
        Appeal = pool.get('crm.appeal')
        w = world()
        table = Appeal.__table__()
        cursor = Transaction().connection.cursor()
        first, second = w['appeals'][0], w['appeals'][1]
        # 21:00 UTC on 31 January is midnight of 1 February in Moscow
        for appeal, received in [(first, dt.datetime(2025, 1, 31, 21, 0)),
                (second, dt.datetime(2025, 1, 31, 20, 59, 59))]:
            cursor.execute(*table.update([table.received_date], [received],
                    where=table.id == appeal.id))
        Appeal._set_received_day([first.id, second.id])
        with as_(w['supervisor1']):
            february = Fact.aggregate(['day'],
                start=dt.date(2025, 2, 1), end=dt.date(2025, 2, 1))
            january = Fact.aggregate(['day'],
                start='2025-01-31', end='2025-01-31')
            weeks = by(Fact.aggregate(['week', 'year']), 'week', 'year')
        self.assertEqual([(r['day'], r['count']) for r in february['rows']],
            [('01.02.2025', 1)])
        self.assertEqual([(r['day'], r['count']) for r in january['rows']],
            [('31.01.2025', 1)])
        self.assertEqual(january['rows'][0]['_sort'], {'day': '2025-01-31'})
        # Monday 10.02 starts the week of #7 (10.02) and #8 (11.02);
        # Saturday 01.02 and Friday 31.01 are of the week from 27.01
        self.assertEqual(weeks[('10.02.2025', '2025')]['count'], 2)
        self.assertEqual(weeks[('27.01.2025', '2025')]['count'], 2)
        self.assertEqual(sum(r['count'] for r in weeks.values()), 10)

    @with_transaction()
    def test_received_day_follows_the_time(self):
        """The local day stored with an appeal (what the times group by)
        is set when it is created, moved with its time, fresh on a copy"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        w = world()
        first = w['appeals'][0]
        with as_(w['supervisor1']):
            appeal, = Appeal.create([{
                        'company': first.company.id,
                        'source': first.source.id,
                        'reason_group': first.reason_group.id,
                        'reason': first.reason.id,
                        'received_date': dt.datetime(2025, 3, 31, 21, 0),
                        }])
            self.assertEqual(appeal.received_day, dt.date(2025, 4, 1))
            Appeal.write([appeal], {
                    'received_date': dt.datetime(2025, 3, 31, 20, 59)})
            self.assertEqual(
                Appeal(appeal.id).received_day, dt.date(2025, 3, 31))
            copy, = Appeal.copy([appeal])
            self.assertEqual(copy.received_day, (copy.received_date
                    + dt.timedelta(hours=3)).date())
            self.assertEqual(Appeal.fields_get(['received_day'])[
                    'received_day']['string'], 'День поступления')

    @with_transaction()
    def test_refusals_in_russian(self):
        "Unknown dimension, too many, period the wrong way round"
        Fact = Pool().get('crm.analytics.fact')
        w = world()
        with as_(w['supervisor1']):
            with self.assertRaises(UserError) as cm:
                Fact.aggregate(['source', 'colour'])
            self.assertEqual(cm.exception.message,
                'В фактах обращений нет измерения «colour».')
            with self.assertRaises(UserError) as cm:
                Fact.aggregate(['source', 'reason', 'month', 'day', 'week',
                        'year', 'state'])
            self.assertEqual(cm.exception.message,
                'Одновременно можно сгруппировать не больше 6 измерений.')
            # Six is the limit itself
            Fact.aggregate(['source', 'reason', 'month', 'day', 'week',
                    'year'])
            with self.assertRaises(UserError) as cm:
                Fact.aggregate(['source'], start='2025-02-02',
                    end='2025-02-01')
            self.assertEqual(cm.exception.message,
                'Начало периода (02.02.2025) позже его конца (01.02.2025).')
            # A period of one day is no error
            Fact.aggregate(['source'], start='2025-02-01', end='2025-02-01')

    @with_transaction()
    def test_facts_paged(self):
        "The feed's pages follow the id and the user's rules"
        Fact = Pool().get('crm.analytics.fact')
        w = world()
        with as_(w['op1']):
            first = Fact.facts(limit=4)
            second = Fact.facts(after=first[-1]['id'], limit=4)
            third = Fact.facts(after=second[-1]['id'], limit=4)
        self.assertEqual((len(first), len(second), third), (4, 2, []))
        ids = [f['id'] for f in first + second]
        self.assertEqual(ids, sorted(ids))
        leak = first[0]
        self.assertEqual(
            {k: leak[k] for k in ['organisation', 'district', 'source',
                    'reason_group', 'reason', 'month', 'overdue', 'rating',
                    'count', 'closed_count', 'labour_minutes']},
            {'organisation': 'УК Север', 'district': 'Центральный',
                'source': 'Телефон', 'reason_group': 'Ремонт',
                'reason': 'Протечка', 'month': '2025-01', 'overdue': 'Нет',
                'rating': '5', 'count': 1, 'closed_count': 1,
                'labour_minutes': 60})
        self.assertAlmostEqual(leak['close_hours'], 6, places=2)

    @with_transaction()
    def test_read_from_the_facts_index(self):
        "PostgreSQL groups and sums every dimension from the index alone"
        if backend.name != 'postgresql':
            self.skipTest("PostgreSQL plans")
        Fact = Pool().get('crm.analytics.fact')
        w = world()
        cursor = Transaction().connection.cursor()
        # Left only the scans of an index alone, the planner would still
        # read the table (at a prohibitive cost) for a column not there
        for setting in ['seqscan', 'bitmapscan', 'indexscan']:
            cursor.execute(f'SET LOCAL enable_{setting} = off')
        with as_(w['op1']):
            query, params = Fact._aggregate_query(list(DIMENSIONS), [],
                dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        cursor.execute('EXPLAIN ' + query, params)
        plan = '\n'.join(r[0] for r in cursor)
        self.assertRegex(plan, r'Index Only Scan using \S+ on crm_appeal ')
        self.assertNotRegex(plan, r'(Seq|Index|Bitmap Heap) Scan .*on crm_appeal ')
        self.assertIn('received_date >=', plan)
