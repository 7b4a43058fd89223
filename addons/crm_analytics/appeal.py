"""The local day an appeal was received, stored on the appeal for the
facts' year, month, week and day.

Grouped by an expression of received_date (a timestamp almost every appeal
has its own of), PostgreSQL estimated a group per appeal, sorted a million
rows on disk instead of hashing a few hundred groups, and converted every
row's time; a date column it has statistics of groups by hash, and costs
one cheap truncation a row."""
import datetime as dt

from sql import Column, Literal, Null
from sql.functions import Function

from trytond import backend
from trytond.model import Index, fields
from trytond.modules.crm_dispatch.appeal_lifecycle import OPEN_STATES
from trytond.pool import PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .period import zone

# The appeal's columns the facts read besides organisation, time of
# receipt and id
FACT_COLUMNS = ['support_line', 'building', 'operator', 'source',
    'reason_group', 'reason', 'stage', 'appeal_type', 'state',
    'received_day', 'rating', 'closed_date', 'deadline', 'clock_stopped',
    'labour_minutes']


class SqliteDate(Function):
    "SQLite's date of a time string shifted by a modifier"
    __slots__ = ()
    _function = 'DATE'


def local_day(received, seconds):
    "The date of the naive UTC time received at UTC offset seconds"
    if backend.name == 'postgresql':
        return (received + Literal(dt.timedelta(seconds=seconds))
            ).cast('DATE')
    return SqliteDate(received, Literal(f'{seconds:+d} seconds'))


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'
    received_day = fields.Date("Received Day", readonly=True,
        help="The day of receipt in the organisation's time.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The supervisor's «Загрузка линий» and «Просрочено по линиям»
        # count the open appeals of each organisation and line: read from
        # this index alone, already in their order, not from the table's
        # rows scattered over the whole table (0.3 s each at a million)
        cls._sql_indexes.add(Index(t,
                (t.company, Index.Range()), (t.support_line, Index.Range()),
                include=[t.state, t.deadline, t.clock_stopped,
                    t.closed_date, t.id],
                where=t.state.in_(OPEN_STATES)))
        # The facts (facts.py) read every column they group and sum by
        # from this index alone, a fifth of the table's width: at a
        # million appeals its scan is 0.2 s shorter than the table's.
        # Keyed by organisation and time of receipt for a period's range.
        cls._sql_indexes.add(Index(t,
                (t.company, Index.Range()), (t.received_date, Index.Range()),
                include=[t.id] + [Column(t, c) for c in FACT_COLUMNS]))

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # Appeals there before this column, or loaded by SQL (the bench)
        cls._set_received_day(None)

    @classmethod
    def on_modification(cls, mode, appeals, field_names=None):
        super().on_modification(mode, appeals, field_names=field_names)
        if mode == 'create' or (mode == 'write'
                and {'received_date', 'company'} & set(field_names or ())):
            cls._set_received_day([a.id for a in appeals])

    @classmethod
    def copy(cls, appeals, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('received_day', None)
        return super().copy(appeals, default=default)

    @classmethod
    def _set_received_day(cls, ids):
        """Store the local day of the appeals ids (None: of those without
        one), at the current UTC offset of their organisation's zone (the
        offset the facts' period filter uses)"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        now = dt.datetime.now()
        if ids is None:
            wheres = [(table.received_day == Null)
                & (table.received_date != Null)]
        else:
            wheres = [reduce_ids(table.id, s)
                for s in grouped_slice(ids, backend.MAX_QUERY_PARAMS)]
        for where in wheres:
            cursor.execute(*table.select(table.company, where=where,
                    group_by=[table.company]))
            for company_id, in cursor.fetchall():
                seconds = int(
                    zone(company_id).utcoffset(now).total_seconds())
                of_company = (table.company == company_id
                    if company_id is not None else table.company == Null)
                cursor.execute(*table.update([table.received_day],
                        [local_day(table.received_date, seconds)],
                        where=where & of_company))
        if ids:
            cls.forget_cached(ids)
