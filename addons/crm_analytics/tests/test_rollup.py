"""The facts counted ahead by day (rollup.py) give the numbers the live
count gives: after a count, after changes since it (marked days), after
a deadline passes without a change, under the user's rules and over a
period; and the facts are read from the rows where they may be."""
import datetime as dt
import time
from unittest.mock import patch

from trytond.modules.crm_analytics import rollup as rollup_module
from trytond.modules.crm_analytics.rollup import restricted, simplified
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from .test_facts import as_, world

# Every dimension the rows hold, alone and together with a time
COMBINATIONS = [
    [], ['organisation'], ['support_line'], ['source'], ['reason_group'],
    ['stage'], ['appeal_type'], ['state'], ['overdue'],
    ['reason_group', 'month'], ['source', 'organisation', 'year'],
    ['state', 'overdue', 'week'], ['support_line', 'day'],
    ['organisation', 'support_line', 'source', 'reason_group', 'state',
        'overdue'],
    ]


def figures(result):
    "The groups of an aggregate by their titles, each with its measures"
    names = result['dimensions']
    return {tuple(r[n] for n in names): {
            k: v for k, v in r.items()
            if k not in names and not k.startswith('_')}
        for r in result['rows']}


def live(*args, **kwargs):
    "The facts counted from the appeals alone"
    Fact = Pool().get('crm.analytics.fact')
    Rollup = Pool().get('crm.analytics.rollup')
    with patch.object(Rollup, 'plan', classmethod(lambda cls, *a: None)):
        return Fact.aggregate(*args, **kwargs)


def set_deadline(appeals, deadline):
    "The appeals' deadline set by SQL: a change that marks no day"
    table = Pool().get('crm.appeal').__table__()
    Transaction().connection.cursor().execute(*table.update(
            [table.deadline], [deadline],
            where=table.id.in_([a.id for a in appeals])))


def total(user):
    "The user's facts without a dimension"
    Fact = Pool().get('crm.analytics.fact')
    with as_(user):
        row, = Fact.aggregate([])['rows']
    return row


def planned(dimensions, start=None, end=None):
    "Whether the user's facts of the dimensions are read from the rows"
    Rollup = Pool().get('crm.analytics.rollup')
    return Rollup.plan(dimensions, [], start, end) is not None


class CrmAnalyticsRollupTestCase(_DBTestCase):
    "Appeal facts counted ahead by day"
    module = 'crm_analytics'
    language = 'ru'

    def assertSame(self, got, expected):
        "The same groups with the same measures (hours to 0.01)"
        got, expected = figures(got), figures(expected)
        self.assertEqual(set(got), set(expected))
        for key, values in expected.items():
            for measure, value in values.items():
                if isinstance(value, float):
                    self.assertAlmostEqual(got[key][measure], value,
                        delta=0.011, msg=(key, measure))
                else:
                    self.assertEqual(got[key][measure], value,
                        msg=(key, measure))

    def assertAllSame(self, user=None, **period):
        Fact = Pool().get('crm.analytics.fact')
        for dimensions in COMBINATIONS:
            with as_(user) if user else Transaction().set_context():
                self.assertSame(Fact.aggregate(dimensions, **period),
                    live(dimensions, **period))

    @with_transaction()
    def test_counted_rows_equal_live(self):
        "After a count the rows give the live numbers, and are read"
        pool = Pool()
        Fact = pool.get('crm.analytics.fact')
        Rollup = pool.get('crm.analytics.rollup')
        w = world()
        with as_(w['supervisor1']):
            self.assertFalse(planned(['source']), "never counted")
        Rollup.refresh()
        table = Rollup.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.day, table.count))
        rows = cursor.fetchall()
        # #5 (in work) and #9 (draft), due in 2099, may still become
        # overdue: counted live
        self.assertEqual(sum(r[1] for r in rows), 10)
        with as_(w['supervisor1']):
            self.assertTrue(planned(['reason_group', 'month']))
            self.assertFalse(planned(['reason']))
            self.assertFalse(planned(['building', 'month']))
        self.assertAllSame(w['supervisor1'])
        self.assertAllSame()
        self.assertAllSame(w['supervisor1'],
            start=dt.date(2025, 1, 12), end=dt.date(2025, 2, 5))
        # The figures come from the rows: a row changed by hand shows
        cursor.execute(*table.update([table.count], [table.count + 100],
                where=table.day == dt.date(2025, 1, 10)))
        with as_(w['supervisor1']):
            total, = Fact.aggregate([])['rows']
        self.assertEqual(total['count'], 110)

    @with_transaction()
    def test_changes_since_the_count(self):
        "A created, changed, closed or deleted appeal counts at once"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Rollup = pool.get('crm.analytics.rollup')
        Dirty = pool.get('crm.analytics.rollup.dirty')
        w = world()
        Rollup.refresh()
        self.assertEqual(Dirty.marked(), ([], {}))
        appeals = w['appeals']
        # #1 changes its source; #4 (overdue, in work) is resolved; #8 is
        # deleted; #3 is copied
        Appeal.write([appeals[0]], {'source': w['email'].id})
        Appeal.write([appeals[3]], {'state': 'resolved',
                'closed_date': dt.datetime(2025, 2, 6, 12)})
        Appeal.delete([appeals[7]])
        Appeal.copy([appeals[2]],
            default={'received_date': appeals[2].received_date})
        _, marked = Dirty.marked()
        self.assertEqual(marked[w['org1'].id], {dt.date(2025, 1, 10),
                dt.date(2025, 2, 3), dt.date(2025, 2, 11),
                dt.date(2025, 1, 20)})
        with as_(w['supervisor1']):
            self.assertTrue(planned(['source']))
        self.assertAllSame(w['supervisor1'])
        # Counted again, the marks are gone and the rows hold the changes
        Rollup.refresh()
        self.assertEqual(Dirty.marked(), ([], {}))
        self.assertAllSame(w['supervisor1'])
        # A day moved: both days are marked
        Appeal.write([appeals[1]], {
                'received_date': dt.datetime(2025, 1, 13, 10)})
        _, marked = Dirty.marked()
        self.assertEqual(marked[w['org1'].id],
            {dt.date(2025, 1, 12), dt.date(2025, 1, 13)})
        self.assertAllSame(w['supervisor1'])

    @with_transaction()
    def test_deadline_passes_without_a_change(self):
        "An open appeal past its deadline after the count is overdue"
        Rollup = Pool().get('crm.analytics.rollup')
        w = world()
        # #5 (in work) due tomorrow when counted, then due within a
        # second, not by a change: pending at the count either way.  A
        # whole second: PostgreSQL keeps a deadline to the second, rounded
        set_deadline([w['appeals'][4]],
            dt.datetime.now() + dt.timedelta(days=1))
        Rollup.refresh()
        before = total(w['supervisor1'])
        deadline = (dt.datetime.now() + dt.timedelta(seconds=1)).replace(
            microsecond=0)
        set_deadline([w['appeals'][4]], deadline)
        time.sleep(max(0, (deadline - dt.datetime.now()).total_seconds())
            + 0.2)
        after = total(w['supervisor1'])
        self.assertEqual(after['overdue_count'],
            before['overdue_count'] + 1)
        self.assertAllSame(w['supervisor1'])
        # The next count takes it in: its day is counted again
        Rollup.refresh()
        rollup = Rollup.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*rollup.select(rollup.overdue_count,
                where=rollup.day == dt.date(2025, 2, 5)))
        self.assertEqual([r[0] for r in cursor], [1])
        self.assertAllSame(w['supervisor1'])

    @with_transaction()
    def test_open_without_deadline(self):
        "An open appeal without a deadline is counted, never overdue"
        Rollup = Pool().get('crm.analytics.rollup')
        w = world()
        set_deadline(w['appeals'][3:5], None)
        Rollup.refresh()
        row = total(w['supervisor1'])
        self.assertEqual((row['count'], row['overdue_count']), (10, 3))
        self.assertAllSame(w['supervisor1'])

    @with_transaction()
    def test_rules(self):
        """Rules naming the organisation and the line apply to the rows;
        the others (observers) are counted live"""
        pool = Pool()
        Fact = pool.get('crm.analytics.fact')
        Rollup = pool.get('crm.analytics.rollup')
        w = world()
        Rollup.refresh()
        with as_(w['supervisor1']):
            self.assertTrue(planned(['organisation']))
            rows = figures(Fact.aggregate(['organisation']))
        self.assertEqual(list(rows), [('УК Север',)])
        self.assertEqual(rows[('УК Север',)]['count'], 10)
        with as_(w['op1']):
            self.assertTrue(planned(['organisation']))
            lines = figures(Fact.aggregate(['support_line']))
        self.assertEqual({k: v['count'] for k, v in lines.items()},
            {('1. Линия 1',): 5, ('(не указано)',): 1})
        self.assertAllSame(w['op1'])
        # An appeal of line 2 operator1 observes: his rules' other member,
        # counted live beside the rows of his lines
        Appeal = pool.get('crm.appeal')
        Appeal.write([w['appeals'][5]], {
                'observers': [('add', [w['op1'].id])]})
        Rollup.refresh()
        with as_(w['op1']):
            lines = figures(Fact.aggregate(['support_line']))
        self.assertEqual({k: v['count'] for k, v in lines.items()},
            {('1. Линия 1',): 5, ('(не указано)',): 1, ('2. Линия 2',): 1})
        self.assertAllSame(w['op1'])
        self.assertAllSame(w['op1'],
            start=dt.date(2025, 1, 12), end=dt.date(2025, 2, 5))
        # A supervisor who is an operator too: his rules' OR holds the
        # supervisors' (every appeal) beside the operators' (lines and
        # observed appeals), which it makes moot
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        User.write([w['supervisor1']], {'groups': [('add', [
                            ModelData.get_id('crm_dispatch',
                                'group_crm_operator')])]})
        with as_(w['supervisor1']):
            self.assertTrue(planned(['organisation']))
        self.assertAllSame(w['supervisor1'])
        self.assertEqual(simplified(('AND',
                    ('AND', ('OR', (('company', 'in', (1, 2)),))),
                    ('OR', ('OR', (('OR', ('support_line', '=', None),
                                    ('support_line', 'in', (1, 2))),)),
                        ('OR', ()),
                        ('OR', (('observers', '=', 2),))))),
            ['AND', ['AND', ['OR', ['AND', ('company', 'in', (1, 2))]]]])
        # Without the always true member the OR stays whole
        self.assertEqual(simplified(['OR', ('observers', '=', 2),
                    [('support_line', '=', None)]]),
            ['OR', ('observers', '=', 2),
                ['AND', ('support_line', '=', None)]])
        self.assertEqual(simplified(['OR']), [])
        # An OR's members of other fields are taken as false, and given
        beyond = []
        self.assertEqual(restricted(['AND',
                    [('company', 'in', [1])],
                    ['OR', ('support_line', '=', None),
                        ('support_line.users', '=', 3),
                        ('observers', '=', 3)]], beyond),
            ['AND', ['AND', ('company', 'in', [1])],
                ['OR', ('support_line', '=', None),
                    ('support_line.users', '=', 3)]])
        self.assertEqual(beyond, [('observers', '=', 3)])
        # In an AND, or alone in an OR, they make it false
        self.assertIsNone(restricted(
                [('company', 'in', [1]), ('observers', '=', 3)], []))
        self.assertIsNone(restricted(['OR', ('observers', '=', 3)], []))
        self.assertEqual(restricted([], []), [])

    @with_transaction()
    def test_live_where_the_rows_cannot(self):
        """Too many marked days, or a period over organisations of
        different clocks, are counted live"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Rollup = pool.get('crm.analytics.rollup')
        w = world()
        Rollup.refresh()
        Appeal.write([w['appeals'][0]], {'source': w['email'].id})
        with as_(w['supervisor1']):
            self.assertTrue(planned(['source']))
            with patch.object(rollup_module, 'MAX_MARKED', 1):
                self.assertTrue(planned(['source']))
            with patch.object(rollup_module, 'MAX_MARKED', 0):
                self.assertFalse(planned(['source']))
            self.assertTrue(planned(['source'], start=dt.date(2025, 1, 1)))
        w['org2'].timezone = 'Asia/Yekaterinburg'
        w['org2'].save()
        with as_(w['supervisor1']):
            self.assertFalse(planned(['source'], start=dt.date(2025, 1, 1)))
            self.assertTrue(planned(['source']))
        self.assertAllSame(w['supervisor1'],
            start=dt.date(2025, 1, 12), end=dt.date(2025, 2, 5))
