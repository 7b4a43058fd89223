"""The appeal facts counted ahead by day: the sums of the appeals of each
organisation, line, local day of receipt, source, reason group, stage,
type, state and overdue, so that the pivot's groups by those (and by
year, month, week or day) add up some ten thousand rows instead of a
million appeals.

What the rows hold, and what stays counted live (crm.analytics.fact):
- A day an appeal of was created, changed or deleted since the last
  count is marked (crm.analytics.rollup.dirty, by the appeal's own
  transaction, so that the mark commits with the change): its appeals are
  counted live until the next count, its rows are left out.
- An open appeal whose deadline is still ahead of the count (its clock
  running) may become overdue any minute without a change: such appeals
  are never in the rows, always counted live (the open appeals' partial
  index finds them). The next count takes in those whose deadline has
  passed since, by recounting their days.
- The rows are read under the user's record rules as far as those name
  the organisation and the line; what else an OR of his rules lets him
  read (an operator's observed appeals) is counted live beside.  Any
  other rule, a domain, a dimension not in the rows or a period when the
  organisations' clocks differ is counted live, as before.

The scheduled task (every 5 minutes) counts the marked days again; the
first count (and one after a reset) counts every day."""
import datetime as dt
from collections import namedtuple
from zoneinfo import ZoneInfo

from sql import Literal, Null, Union
from sql.aggregate import Max, Sum
from sql.conditionals import Coalesce
from sql.operators import Or

from trytond.backend import MAX_QUERY_PARAMS
from trytond.model import Index, ModelSQL, fields
from trytond.model.modelsql import convert_from
from trytond.modules.crm_dispatch.appeal_lifecycle import OPEN_STATES
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access

from .facts import SUMS, SumFields
from .period import as_date, utc_bounds, zone

# The dimensions the rows hold (their column), the times by their day
COLUMNS = {
    'organisation': 'company',
    'support_line': 'support_line',
    'day': 'day',
    'source': 'source',
    'reason_group': 'reason_group',
    'stage': 'stage',
    'appeal_type': 'appeal_type',
    'state': 'state',
    'overdue': 'overdue',
    }
TIMES = {'year', 'month', 'week', 'day'}
ONE_DAY = dt.timedelta(days=1)
ZERO = dt.timedelta(0)
# The appeal's fields a record rule may name for the rows to apply it
RULE_FIELDS = {'company', 'support_line'}
# More days marked than this, and the marks' conditions would outweigh
# what the rows save: everything is counted live until the next count
MAX_MARKED = 400
# Days recounted by one statement
DAYS_SLICE = 200


# as_of: the time of the count; marked: {company: {day…}}; rows_domain:
# the part of the user's rules the rows apply; beyond: a domain what else
# the rules let him read meets (['OR']: nothing else)
Plan = namedtuple('Plan', ['as_of', 'marked', 'rows_domain', 'beyond'])


def pending(appeal, as_of):
    """Open appeals that may become overdue after as_of without a change;
    never NULL (a NULL deadline), so that its negation is their opposite"""
    return (appeal.state.in_(OPEN_STATES) & (appeal.clock_stopped == Null)
        & (appeal.deadline != Null) & (appeal.deadline >= as_of))


def of_days(company, day, marked):
    "The condition of the days marked ({company: [day…]}) or None"
    conditions = [(company == c) & day.in_(sorted(days))
        for c, days in sorted(marked.items())]
    return Or(conditions) if conditions else None


def runs(days):
    "The sorted days in runs of consecutive ones"
    run = []
    for day in days:
        if run and day - run[-1] > ONE_DAY:
            yield run
            run = []
        run.append(day)
    if run:
        yield run


def of_appeal_days(appeal, marked):
    """The condition of the appeals of the days marked or None: by ranges
    of their time of receipt, which the facts' index is keyed by (a day
    wider each side where the zone's offset changes, for the stored day is
    at the offset of its storing)"""
    conditions = []
    for company, days in sorted(marked.items()):
        margin = ONE_DAY if fixed_offset(zone(company)) is None else ZERO
        for run in runs(sorted(days)):
            start, end = utc_bounds(run[0] - margin, run[-1] + margin,
                company_id=company)
            conditions.append((appeal.company == company)
                & (appeal.received_date >= start)
                & (appeal.received_date < end)
                & appeal.received_day.in_(run))
    return Or(conditions) if conditions else None


def is_leaf(clause):
    "Whether a domain's member is a clause (not a domain of them)"
    return (isinstance(clause, (list, tuple)) and bool(clause)
        and isinstance(clause[0], str) and clause[0] not in {'AND', 'OR'})


def split(domain):
    "The operator of a domain and its members"
    items = list(domain)
    if items and isinstance(items[0], str) and items[0] in {'AND', 'OR'}:
        return items[0], items[1:]
    return 'AND', items


def simplified(domain):
    """The domain without what an always true member of an OR makes moot:
    a user of a group whose rule reads every appeal (a supervisor) and
    of another (an operator's lines and observed appeals) has both ORed"""
    if is_leaf(domain):
        return domain
    operator, items = split(domain)
    items = [simplified(i) for i in items]
    true = [i for i in items if not is_leaf(i) and not i]
    if operator == 'OR' and true:
        return []
    items = [i for i in items if is_leaf(i) or i]
    return [operator] + items if items else []


def restricted(domain, dropped):
    """A domain of the rows' fields that implies the domain, or None
    (false): a clause of another field is taken as false, so an operator's
    «his lines or what he observes» becomes «his lines».  The members of
    ORs so dropped are appended to dropped: what the domain holds beyond
    the result meets one of them."""
    if is_leaf(domain):
        return domain if domain[0].split('.', 1)[0] in RULE_FIELDS else None
    operator, items = split(domain)
    parts = [restricted(i, dropped) for i in items]
    kept = [p for p in parts if p is not None]
    if operator == 'AND' and len(kept) < len(parts):
        return None
    if operator == 'OR':
        if parts and not kept:
            return None
        dropped.extend(i for i, p in zip(items, parts) if p is None)
    return [operator] + kept if kept else []


def leaves(domain):
    "The clauses of a domain, at any depth"
    if is_leaf(domain):
        yield domain
        return
    for clause in domain:
        if isinstance(clause, (list, tuple)):
            yield from leaves(clause)



def fixed_offset(tz):
    "The UTC offset of a time zone that keeps one all year, else None"
    offsets = {tz.utcoffset(dt.datetime(2025, m, 1)) for m in (1, 4, 7, 10)}
    return offsets.pop() if len(offsets) == 1 else None


class Rollup(SumFields, ModelSQL):
    "Appeal Facts by Day"
    __name__ = 'crm.analytics.rollup'
    __string__ = "Appeal Facts by Day"
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='CASCADE')
    support_line = fields.Many2One('crm.support_line', "Support Line")
    day = fields.Date("Day", required=True)
    source = fields.Many2One('crm.appeal.source', "Source")
    reason_group = fields.Many2One('crm.appeal.reason.group', "Reason Group")
    stage = fields.Many2One('crm.stage', "Stage")
    appeal_type = fields.Many2One('crm.appeal.type', "Type")
    state = fields.Char("State")
    overdue = fields.Boolean("Overdue")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.company, Index.Range()), (t.day, Index.Range())))

    # -- counting ---------------------------------------------------------

    @classmethod
    def refresh(cls, full=False):
        """Count the marked days again, and those of the appeals whose
        deadline has passed since the last count; every day the first
        time or with full"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Dirty = pool.get('crm.analytics.rollup.dirty')
        Clock = pool.get('crm.analytics.rollup.clock')
        # One count at a time: a second one waits for the first
        Clock.lock()
        now = dt.datetime.now()
        as_of = None if full else Clock.as_of()
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        marks, marked = Dirty.marked()
        if as_of is None:
            cursor.execute(*table.delete())
            cls._count(now)
        else:
            appeal = Appeal.__table__()
            cursor.execute(*appeal.select(
                    appeal.company, appeal.received_day,
                    where=pending(appeal, as_of) & (appeal.deadline < now),
                    group_by=[appeal.company, appeal.received_day]))
            for company, day in cursor:
                marked.setdefault(company, set()).add(as_date(day))
            for company, days in marked.items():
                for sub_days in grouped_slice(sorted(days), DAYS_SLICE):
                    sub_days = list(sub_days)
                    cursor.execute(*table.delete(
                            where=(table.company == company)
                            & table.day.in_(sub_days)))
                    cls._count(now, {company: sub_days})
        Dirty.unmark(marks)
        Clock.set(now)

    @classmethod
    def _count(cls, now, marked=None):
        "Insert the rows of the days marked (all days without), at now"
        pool = Pool()
        Fact = pool.get('crm.analytics.fact')
        table = cls.__table__()
        names = list(COLUMNS)

        def where(appeal):
            condition = ~pending(appeal, now) & (appeal.received_day != Null)
            if marked is not None:
                condition &= of_appeal_days(appeal, marked)
            return condition
        with without_check_access():
            days = Fact._days(names, [], where=where, hours=True)
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.insert(
                [getattr(table, COLUMNS[n]) for n in names]
                + [getattr(table, s) for s in SUMS],
                days))

    # -- reading ----------------------------------------------------------

    @classmethod
    def plan(cls, dimensions, domain, start, end):
        """How the rows may count the groups of the dimensions for the
        user (a Plan), or None where they must be counted live"""
        pool = Pool()
        Rule = pool.get('ir.rule')
        Dirty = pool.get('crm.analytics.rollup.dirty')
        Clock = pool.get('crm.analytics.rollup.clock')
        if domain or any(n not in COLUMNS and n not in TIMES
                for n in dimensions):
            return None
        rule_domain = simplified(Rule.domain_get('crm.appeal', mode='read'))
        beyond = []
        rows_domain = restricted(rule_domain, beyond)
        if rows_domain is None:
            return None
        # The rest is counted live outside the rows' domain, which is
        # then written on the appeal's own columns
        if beyond and any('.' in c[0] for c in leaves(rows_domain)):
            return None
        if (start or end) and not cls._same_clock():
            return None
        as_of = Clock.as_of()
        if as_of is None:
            return None
        _, marked = Dirty.marked()
        if sum(len(d) for d in marked.values()) > MAX_MARKED:
            return None
        return Plan(as_of, marked, rows_domain, ['OR'] + beyond)

    @classmethod
    def _same_clock(cls):
        """Whether a period's days are the stored local days of every
        organisation: one zone for all, the same offset all year"""
        Company = Pool().get('company.company')
        with without_check_access():
            companies = Company.search([])
        zones = {zone(c.id).key for c in companies} | {zone().key}
        return (len(zones) == 1
            and fixed_offset(ZoneInfo(zones.pop())) is not None)

    @classmethod
    def days_query(cls, dimensions, plan, start, end):
        """The rows of the days not marked the user reads, in the
        period, grouped as Fact._days groups the appeals (hours)"""
        tables, where = cls.search_domain(plan.rows_domain,
            active_test=False)
        rollup, _ = tables[None]
        start, end = as_date(start), as_date(end)
        if start:
            where &= rollup.day >= start
        if end:
            where &= rollup.day <= end
        excluded = of_days(rollup.company, rollup.day, plan.marked)
        if excluded is not None:
            where &= ~excluded
        keys = [getattr(rollup, 'day' if n in TIMES else COLUMNS[n]
                ).as_(f'd{i}') for i, n in enumerate(dimensions)]
        group_by = [getattr(rollup, 'day' if n in TIMES else COLUMNS[n])
            for n in dimensions]
        return convert_from(None, tables).select(*keys,
            *[Sum(getattr(rollup, s)).as_(s) for s in SUMS],
            where=where, group_by=group_by or None)


class Dirty(ModelSQL):
    "Appeal Facts by Day, Days to Count Again"
    __name__ = 'crm.analytics.rollup.dirty'
    __string__ = "Appeal Facts by Day, Days to Count Again"
    company = fields.Integer("Organisation")
    day = fields.Date("Day")

    @classmethod
    def mark(cls, ids):
        "Mark the days of the appeals ids"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        appeal = Appeal.__table__()
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for sub_ids in grouped_slice(ids, MAX_QUERY_PARAMS):
            cursor.execute(*table.insert([table.company, table.day],
                    appeal.select(appeal.company, appeal.received_day,
                        where=reduce_ids(appeal.id, sub_ids)
                        & (appeal.received_day != Null),
                        group_by=[appeal.company, appeal.received_day])))

    @classmethod
    def marked(cls):
        "The ids of the marks and their days: {company: {day…}}"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, table.company, table.day))
        ids, marked = [], {}
        for id_, company, day in cursor:
            ids.append(id_)
            marked.setdefault(company, set()).add(as_date(day))
        return ids, marked

    @classmethod
    def unmark(cls, ids):
        """Delete the marks ids, those the count has seen: a mark made
        since, by a transaction it could not see, stays"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for sub_ids in grouped_slice(ids, MAX_QUERY_PARAMS):
            cursor.execute(*table.delete(where=reduce_ids(table.id, sub_ids)))


class Clock(ModelSQL):
    "Appeal Facts by Day, Time of the Count"
    __name__ = 'crm.analytics.rollup.clock'
    __string__ = "Appeal Facts by Day, Time of the Count"
    counted = fields.Timestamp("Counted")

    @classmethod
    def as_of(cls):
        "The time of the last count (None: never counted)"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(Max(table.counted)))
        value, = cursor.fetchone()
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        return value

    @classmethod
    def set(cls, as_of):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete())
        cursor.execute(*table.insert([table.counted], [[as_of]]))


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    @classmethod
    def on_write(cls, appeals, values):
        # The days the appeals leave, or change on
        Pool().get('crm.analytics.rollup.dirty').mark([a.id for a in appeals])
        return super().on_write(appeals, values)

    @classmethod
    def on_modification(cls, mode, appeals, field_names=None):
        super().on_modification(mode, appeals, field_names=field_names)
        # A new appeal's day (stored by super), a moved one's new day, a
        # deleted one's (before it goes)
        if mode in {'create', 'delete'} or (mode == 'write'
                and {'received_date', 'company'} & set(field_names or ())):
            Pool().get('crm.analytics.rollup.dirty').mark(
                [a.id for a in appeals])


def in_domain(appeal, domain):
    """The condition on the appeal table of a domain of its own columns,
    false where SQL would say NULL (so that its negation is the rest)"""
    Appeal = Pool().get('crm.appeal')
    _, where = Appeal.search_domain(domain, active_test=False,
        tables={None: (appeal, None)})
    return Coalesce(where, Literal(False))


class Fact(metaclass=PoolMeta):
    __name__ = 'crm.analytics.fact'

    @classmethod
    def _aggregate_query(cls, dimensions, domain, start=None, end=None):
        Rollup = Pool().get('crm.analytics.rollup')
        plan = Rollup.plan(dimensions, domain, start, end)
        if plan is None:
            return super()._aggregate_query(dimensions, domain, start, end)
        as_of, marked = plan.as_of, plan.marked
        domain = [domain, cls.period_domain(start, end)]

        def elsewhere(appeal):
            "Not pending and not of a marked day"
            condition = ~pending(appeal, as_of)
            days = of_appeal_days(appeal, marked)
            if days is not None:
                condition &= ~days
            return condition
        # Apart, not ORed: the marked days are read from the facts' index
        # alone, the open appeals from theirs
        parts = [Rollup.days_query(dimensions, plan, start, end),
            cls._days(dimensions, domain,
                where=lambda a: pending(a, as_of), hours=True)]
        if marked:
            parts.append(cls._days(dimensions, domain,
                    where=lambda a: (of_appeal_days(a, marked)
                        & ~pending(a, as_of)),
                    hours=True))
        if plan.beyond != ['OR']:
            # What the user reads beyond the rows' domain (an operator's
            # observed appeals of other lines), found by what it meets
            parts.append(cls._days(dimensions, [domain, plan.beyond],
                    where=lambda a: (~in_domain(a, plan.rows_domain)
                        & elsewhere(a)),
                    hours=True))
        return cls._group_days(dimensions, Union(*parts, all_=True),
            hours=True)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.analytics.rollup|refresh', "Count the Appeal Facts by Day"))
