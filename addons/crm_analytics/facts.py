"""The appeal facts: one row per appeal with its dimensions (organisation,
district, building, line, operator, source, reason, stage, type, state,
received year/month/week/day, overdue, rating) and measures (overdue,
closed, hours to close, rating, labour time), aggregated by the database
(GROUP BY) under the reading user's access rules.  The pivot page, the BI
feed and the mailings of saved layouts all read through here."""
import datetime as dt
from collections import namedtuple

from sql import Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import DateTrunc, Extract, Function

from trytond import backend
from trytond.backend import MAX_QUERY_PARAMS
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Model, fields
from trytond.model.modelsql import convert_from
from trytond.pool import Pool
from trytond.rpc import RPC
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .period import hours_between, utc_bounds

MAX_DIMENSIONS = 6
MAX_GROUPS = 50000
MAX_PAGE = 10000

# name: (appeal column or None, model of its ids or a kind)
Dimension = namedtuple('Dimension', ['column', 'kind'])
DIMENSIONS = {
    'organisation': Dimension('company', 'company.company'),
    'district': Dimension(None, 'crm.district'),
    'building': Dimension('building', 'crm.building'),
    'support_line': Dimension('support_line', 'crm.support_line'),
    'operator': Dimension('operator', 'res.user'),
    'source': Dimension('source', 'crm.appeal.source'),
    'reason_group': Dimension('reason_group', 'crm.appeal.reason.group'),
    'reason': Dimension('reason', 'crm.appeal.reason'),
    'stage': Dimension('stage', 'crm.stage'),
    'appeal_type': Dimension('appeal_type', 'crm.appeal.type'),
    'state': Dimension('state', 'selection'),
    'year': Dimension(None, 'time'),
    'month': Dimension(None, 'time'),
    'week': Dimension(None, 'time'),
    'day': Dimension(None, 'time'),
    'overdue': Dimension(None, 'boolean'),
    'rating': Dimension('rating', 'integer'),
    }
# The sums a group carries: every measure of the page is one of them or a
# ratio of two, so that totals re-add exactly from the groups
SUMS = ['count', 'overdue_count', 'closed_count', 'close_hours',
    'rated_count', 'rating_sum', 'labour_minutes']
# measure: (numerator, denominator, factor)
RATIOS = {
    'overdue_share': ('overdue_count', 'count', 100),
    'avg_close_hours': ('close_hours', 'closed_count', 1),
    'avg_rating': ('rating_sum', 'rated_count', 1),
    'labour_hours': ('labour_minutes', None, 1 / 60),
    }
MEASURES = SUMS + list(RATIOS)
# The ISO texts of the truncated times PostgreSQL groups by (SQLite
# groups by these texts already): their order, and the BI feed's values
TIME_FORMATS = {'year': '%Y', 'month': '%Y-%m', 'week': '%Y-%m-%d',
    'day': '%Y-%m-%d'}


class StrfTime(Function):
    __slots__ = ()
    _function = 'STRFTIME'


def time_label(name, day):
    """The year, month, week (its Monday) or day of a local day: a
    timestamp on PostgreSQL, a text on SQLite"""
    if backend.name == 'postgresql':
        return DateTrunc(name, day.cast('TIMESTAMP'))
    if name == 'week':
        # The Sunday on or after the day, then back to its Monday
        return StrfTime('%Y-%m-%d', day, 'weekday 0', '-6 days')
    return StrfTime({'year': '%Y', 'month': '%Y-%m', 'day': '%Y-%m-%d'}[name],
        day)


def month_title(year, month):
    "«Январь 2025»: messages, Tryton's Russian has no month names"
    return gettext(f'crm_analytics.msg_board_month_{month}', year=year)


def time_iso(name, value):
    """The ISO text of a grouped year, month, week or day: a timestamp on
    PostgreSQL, the text already on SQLite"""
    if isinstance(value, dt.datetime):
        return value.strftime(TIME_FORMATS[name])
    return str(value)


def time_title(name, iso):
    """The title a reader sees of the ISO text of a year, month, week (its
    Monday) or day: «2025», «Январь 2025», «06.01.2025»"""
    if name == 'year':
        return iso
    if name == 'month':
        year, month = iso.split('-')
        return month_title(int(year), int(month))
    return dt.date.fromisoformat(iso).strftime('%d.%m.%Y')


def readable_appeals(domain=None):
    """The tables and where clause of the appeals of domain that the user
    may read: his record rules joined into the query as his own search
    applies them (an IN of his search's ids would make the database scan
    the appeals twice and join them, seconds at 1M appeals)"""
    pool = Pool()
    Appeal = pool.get('crm.appeal')
    Rule = pool.get('ir.rule')
    tables, where = Appeal.search_domain(domain or [])
    rule_domain = Rule.domain_get('crm.appeal', mode='read')
    if rule_domain:
        tables, rule_where = Appeal.search_domain(
            rule_domain, active_test=False, tables=tables)
        where &= rule_where
    return tables, where


def hours_of(total):
    "The hours of a sum of closing times: an interval on PostgreSQL"
    if backend.name == 'postgresql':
        return Coalesce(Extract('EPOCH', total) / 3600, 0)
    return Coalesce(total, 0)


def ratio(values, measure):
    "A derived measure of a group's sums (None where it has no base)"
    numerator, denominator, factor = RATIOS[measure]
    value = values[numerator]
    if denominator is not None:
        if not values[denominator]:
            return None
        value = value / values[denominator]
    return round(value * factor, 2) if value is not None else None


class SumFields(Model):
    "The measures that add up (SUMS): counted live or ahead by day"
    __slots__ = ()
    count = fields.Integer("Appeals")
    overdue_count = fields.Integer("Overdue Appeals")
    closed_count = fields.Integer("Closed Appeals")
    close_hours = fields.Float("Hours to Close, Total")
    rated_count = fields.Integer("Rated Appeals")
    rating_sum = fields.Integer("Stars, Total")
    labour_minutes = fields.Integer("Labour Time, Minutes")


class Fact(SumFields, Model):
    "Appeal Facts"
    __name__ = 'crm.analytics.fact'
    __string__ = "Appeal Facts"

    # The fields name the dimensions and measures in the user's language
    organisation = fields.Many2One('company.company', "Organisation")
    district = fields.Many2One('crm.district', "District")
    building = fields.Many2One('crm.building', "Building")
    support_line = fields.Many2One('crm.support_line', "Support Line")
    operator = fields.Many2One('res.user', "Operator")
    source = fields.Many2One('crm.appeal.source', "Source")
    reason_group = fields.Many2One('crm.appeal.reason.group', "Reason Group")
    reason = fields.Many2One('crm.appeal.reason', "Reason")
    stage = fields.Many2One('crm.stage', "Stage")
    appeal_type = fields.Many2One('crm.appeal.type', "Type")
    state = fields.Char("State")
    year = fields.Char("Year")
    month = fields.Char("Month")
    week = fields.Char("Week (from Monday)")
    day = fields.Char("Day")
    overdue = fields.Boolean("Overdue")
    rating = fields.Integer("Rating")
    overdue_share = fields.Float("Overdue, %")
    avg_close_hours = fields.Float("Average Hours to Close")
    avg_rating = fields.Float("Average Rating")
    labour_hours = fields.Float("Labour Time, Hours")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__.update({
                'describe': RPC(),
                'aggregate': RPC(),
                'facts': RPC(),
                })

    # -- what there is ----------------------------------------------------

    @classmethod
    def describe(cls):
        """The dimensions and measures with their titles in the user's
        language: {'dimensions': [[name, title]…], 'measures': […],
        'sums': […], 'ratios': {measure: [numerator, denominator, factor]}}"""
        strings = cls.fields_get(list(DIMENSIONS) + MEASURES)
        return {
            'dimensions': [[n, strings[n]['string']] for n in DIMENSIONS],
            'measures': [[n, strings[n]['string']] for n in MEASURES],
            'sums': SUMS,
            'ratios': {m: list(r) for m, r in RATIOS.items()},
            }

    # -- the query --------------------------------------------------------

    @classmethod
    def _check(cls, dimensions):
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        ModelAccess.check('crm.appeal', 'read')
        if len(dimensions) > MAX_DIMENSIONS:
            raise UserError(gettext(
                    'crm_analytics.msg_fact_too_many_dimensions',
                    limit=MAX_DIMENSIONS))
        for name in dimensions:
            if name not in DIMENSIONS:
                raise UserError(gettext(
                        'crm_analytics.msg_fact_dimension_unknown',
                        name=name))

    @classmethod
    def period_domain(cls, start=None, end=None):
        """The domain of appeals received from the day start to the day
        end (dates, both included) in the organisation's time"""
        start, end = utc_bounds(start, end)
        domain = []
        if start:
            domain.append(('received_date', '>=', start))
        if end:
            domain.append(('received_date', '<', end))
        return domain

    @classmethod
    def _query(cls, dimensions, domain, day=False):
        """tables, where and the inner columns: one per dimension (d0…)
        and the per-appeal values of the sums; with day, the times of
        receipt are the stored local day, for time_label to truncate"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Building = pool.get('crm.building')
        tables, where = readable_appeals(domain)
        appeal, _ = tables[None]
        if 'district' in dimensions:
            building = Building.__table__()
            tables['_crm_analytics_building'] = {
                None: (building, appeal.building == building.id)}
        overdue = Appeal.column_overdue(tables)
        received = appeal.received_date

        columns = []
        for i, name in enumerate(dimensions):
            dimension = DIMENSIONS[name]
            if dimension.column:
                column = getattr(appeal, dimension.column)
            elif name == 'district':
                column = tables['_crm_analytics_building'][None][0].district
            elif name == 'overdue':
                column = overdue
            elif day:
                column = appeal.received_day
            else:
                column = time_label(name, appeal.received_day)
            columns.append(column.as_(f'd{i}'))
        closed = appeal.closed_date != Null
        if backend.name == 'postgresql':
            # An interval, summed as such and turned into hours once per
            # group (hours_of)
            hours = appeal.closed_date - received
        else:
            hours = hours_between(received, appeal.closed_date)
        columns += [
            Case((overdue, 1), else_=0).as_('overdue_count'),
            Case((closed, 1), else_=0).as_('closed_count'),
            Case((closed, hours), else_=Null).as_('close_hours'),
            Case((appeal.rating != Null, 1), else_=0).as_('rated_count'),
            appeal.rating.as_('rating_sum'),
            appeal.labour_minutes.as_('labour_minutes'),
            ]
        return convert_from(None, tables), where, columns, appeal

    @classmethod
    def aggregate(cls, dimensions, domain=None, start=None, end=None):
        """The sums and ratios of the appeals the user may read, grouped by
        the dimensions (names of DIMENSIONS, at most MAX_DIMENSIONS),
        received in the period: {'dimensions': names, 'rows': [{name:
        title of its value, …, '_ids': {name: id}, '_sort': {time
        dimension: ISO text, the order of its titles}, measure: value…}]}
        in the order of the values"""
        dimensions = list(dimensions or [])
        cls._check(dimensions)
        cursor = Transaction().connection.cursor()
        cursor.execute(*cls._aggregate_query(
                dimensions, domain or [], start, end))
        rows = cursor.fetchall()
        return {
            'dimensions': dimensions,
            'rows': cls._rows(dimensions, rows),
            }

    @classmethod
    def _aggregate_query(cls, dimensions, domain, start=None, end=None):
        """The query of aggregate's groups of the appeals of domain
        received from the day start to the day end: keys d0…, then SUMS"""
        domain = [domain, cls.period_domain(start, end)]
        return cls._group_days(dimensions, cls._days(dimensions, domain))

    @classmethod
    def _days(cls, dimensions, domain, where=None, hours=False):
        """The appeals of domain grouped by the stored columns of the
        dimensions, the local day of receipt for a time: keys d0…, then
        SUMS; where(appeal table) narrows them; with hours, close_hours is
        in hours on PostgreSQL too (an interval otherwise)"""
        from_, where_, columns, appeal = cls._query(
            dimensions, domain, day=True)
        if where is not None:
            where_ &= where(appeal)
        n = len(dimensions)
        # Grouped first by the stored columns, the days among them, then
        # the few day groups by their year, month or week: the database
        # truncates a few hundred days, not each appeal's (a third of the
        # query's time at a million appeals)
        appeals = from_.select(*columns, where=where_)
        day_keys = [getattr(appeals, f'd{i}') for i in range(n)]
        sums = [Sum(getattr(appeals, s)).as_(s) for s in SUMS[1:]]
        if hours:
            sums[SUMS.index('close_hours') - 1] = hours_of(
                Sum(appeals.close_hours)).as_('close_hours')
        return appeals.select(*day_keys, Count(Literal(1)).as_('count'),
            *sums, group_by=day_keys or None)

    @classmethod
    def _group_days(cls, dimensions, days, hours=False):
        """The groups of the dimensions' titles of the day groups days
        (_days), their year, month or week for a time; hours: their
        close_hours are in hours already"""
        n = len(dimensions)
        labels = []
        for i, name in enumerate(dimensions):
            key = getattr(days, f'd{i}')
            if DIMENSIONS[name].kind == 'time':
                key = time_label(name, key)
            labels.append(key.as_(f'd{i}'))
        # Grouped by the labels' names: PostgreSQL would not take an
        # expression with parameters for the same one in GROUP BY
        labelled = days.select(*labels, *[getattr(days, s) for s in SUMS])
        keys = [getattr(labelled, f'd{i}') for i in range(n)]
        # A sum of sums is a numeric on PostgreSQL: read as an integer
        sums = [Coalesce(Sum(getattr(labelled, s)), 0).cast('BIGINT')
            for s in SUMS]
        close_hours = Sum(labelled.close_hours)
        sums[SUMS.index('close_hours')] = (Coalesce(close_hours, 0) if hours
            else hours_of(close_hours))
        return labelled.select(*keys, *sums,
            group_by=keys or None,
            order_by=keys or None,
            limit=MAX_GROUPS)

    @classmethod
    def _rows(cls, dimensions, rows):
        "The fetched rows as dicts with titles of their values"
        labels = cls._labels(dimensions, rows)
        result = []
        n = len(dimensions)
        for row in rows:
            values = dict(zip(SUMS, row[n:]))
            values['close_hours'] = round(float(values['close_hours'] or 0), 2)
            for measure in RATIOS:
                values[measure] = ratio(values, measure)
            values['_ids'] = {}
            values['_sort'] = {}
            for i, name in enumerate(dimensions):
                key = row[i]
                kind = DIMENSIONS[name].kind
                if kind not in {'time', 'selection', 'boolean', 'integer'}:
                    values['_ids'][name] = key
                values[name] = labels[name](key)
                if kind == 'time':
                    # No value: its title, which sorts among the texts
                    values['_sort'][name] = (time_iso(name, key)
                        if key is not None else values[name])
            result.append(values)
        return result

    @classmethod
    def _labels(cls, dimensions, rows, iso=False):
        """For each dimension, a function of a value to its title; with
        iso, the times as ISO texts (the BI feed's, and their order)"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        empty = gettext('crm_analytics.msg_fact_empty')
        yes, no = (gettext('crm_analytics.msg_fact_yes'),
            gettext('crm_analytics.msg_fact_no'))
        labels = {}
        for i, name in enumerate(dimensions):
            kind = DIMENSIONS[name].kind
            if kind == 'selection':
                selection = dict(
                    Appeal.fields_get(['state'])['state']['selection'])
                labels[name] = lambda v, s=selection: s.get(v, v or empty)
            elif kind == 'boolean':
                labels[name] = lambda v: yes if v else no
            elif kind == 'time':
                def title(v, name=name):
                    if v is None:
                        return empty
                    v = time_iso(name, v)
                    return v if iso else time_title(name, v)
                labels[name] = title
            elif kind == 'integer':
                labels[name] = lambda v: empty if v is None else str(v)
            else:
                Target = pool.get(kind)
                ids = {r[i] for r in rows if r[i] is not None}
                names = {}
                # Titles of catalogue records, not access to them: the
                # numbers were counted under the user's rules already
                with without_check_access():
                    for sub_ids in grouped_slice(list(ids), MAX_QUERY_PARAMS):
                        for record in Target.browse(list(sub_ids)):
                            names[record.id] = record.rec_name
                labels[name] = lambda v, n=names: (
                    empty if v is None else n.get(v, str(v)))
        return labels

    # -- one row per appeal (the BI feed) -----------------------------------

    @classmethod
    def facts(cls, after=0, limit=1000, domain=None, start=None, end=None):
        """A page of appeal facts the user may read, in id order after the
        id `after` (keyset paging): dicts of 'id', 'number', the titles of
        every dimension and the appeal's own sums"""
        limit = max(1, min(int(limit or 1000), MAX_PAGE))
        dimensions = list(DIMENSIONS)
        cls._check([])
        domain = [domain or [], cls.period_domain(start, end)]
        from_, where, columns, appeal = cls._query(dimensions, domain)
        query = from_.select(appeal.id, appeal.number, *columns,
            where=where & (appeal.id > int(after or 0)),
            order_by=[appeal.id.asc], limit=limit)
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        fetched = cursor.fetchall()
        n = len(dimensions)
        labels = cls._labels(dimensions, [r[2:] for r in fetched], iso=True)
        result = []
        for row in fetched:
            values = {'id': row[0], 'number': row[1]}
            for i, name in enumerate(dimensions):
                values[name] = labels[name](row[2 + i])
            values['count'] = 1
            values.update(zip(SUMS[1:], row[2 + n:]))
            hours = values['close_hours']
            if isinstance(hours, dt.timedelta):
                hours = hours.total_seconds() / 3600
            if hours is not None:
                values['close_hours'] = round(float(hours), 2)
            result.append(values)
        return result

