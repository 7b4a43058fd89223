"""Home dashboards per role (Tryton boards, board.xml): the counts behind
their graphs as SQL views over the appeals the user may read.

Each view runs the appeals' search with the caller's record rules as its
inner query, so that an operator's or a manager's figures count only what
he may open; the graph then only sums a handful of grouped rows.  A row's
id is computed from its group's keys (not the least appeal id), so that it
stays the same whatever appeals the reader may see.

The manager's panel (by source, by month) may be materialized on
PostgreSQL, trytond's [table_query_materialized] section naming the model
and its refresh interval (README, «PostgreSQL»): at a million appeals each
of its panes costs seconds live.  The view then holds every organisation's
groups, computed without rules, and the models' own rule keeps the
reader's organisations: which is the same figure, since every group that
may read these models (supervisor, manager, administrator) reads all the
appeals of his organisations.  The operator's and the supervisor's panes
stay live: they are by line and by the minute."""
from sql import Cast, Column, Literal, Null
from sql.aggregate import Count
from sql.conditionals import Case, Coalesce
from sql.functions import AtTimeZone, CurrentTimestamp, DateTrunc, Extract

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.modelsql import convert_from
from trytond.modules.crm_dispatch.appeal_lifecycle import OPEN_STATES
from trytond.modules.crm_dispatch.appeal_list import line_label
from trytond.modules.crm_dispatch.supervisor import due_soon_hours
from trytond.pool import Pool
from trytond.transaction import Transaction

from .facts import month_title, readable_appeals

# The models of the manager's panel, materialized where trytond's
# [table_query_materialized] names them
MATERIALIZABLE = ['crm.analytics.board.source', 'crm.analytics.board.period']
# The series of «accepted per period by stage»: the kinds of stage
# (crm_dispatch/stage.py), common to every organisation's own stages
STAGE_SERIES = ['new', 'in_work', 'waiting', 'done', 'cancelled']
# The kind of stage each life-cycle state stands for; «waiting» is the
# only kind the state alone does not tell (an appeal in work on a
# clock-stopping stage)
STATE_SERIES = {
    'draft': 'new',
    'in_work': 'in_work',
    'resolved': 'done',
    'rejected': 'cancelled',
    }


def pair(a, b):
    """One positive integer for two non-negative ones (Cantor's pairing; a
    positive): the id of a group from its keys, the same in SQLite and
    PostgreSQL"""
    return (a + b) * (a + b + Literal(1)) / Literal(2) + b


def count(condition, table):
    # No literal in the CASE: PostgreSQL cannot type its parameter
    return Count(Case((condition, table.id)))


class BoardView(ModelSQL, ModelView):
    "The columns every dashboard view has; the readable appeals"

    company = fields.Many2One('company.company', "Organisation",
        readonly=True)

    @classmethod
    def __register__(cls, module_name):
        # trytond 8.0 creates a materialized view with the query's
        # parameters bound by the server, which PostgreSQL refuses
        # («materialized views may not be defined using bound
        # parameters»): trytond drops the old view, and the view is
        # created here with the values written into its SQL
        with Transaction().set_context(_crm_board_register=True):
            super().__register__(module_name)
        if backend.name == 'postgresql' and cls._table_query_materialized():
            from psycopg import ClientCursor
            query = cls.table_query()
            query.columns += (CurrentTimestamp().as_('_refreshed'),)
            connection = Transaction().connection
            sql, params = tuple(query)
            cursor = ClientCursor(connection)
            cursor.execute(
                f'CREATE MATERIALIZED VIEW "{cls._table}" AS '
                + cursor.mogrify(sql, params) + ' WITH NO DATA')
            cursor.execute(f'CREATE UNIQUE INDEX ON "{cls._table}" (id)')

    @classmethod
    def _table_query_materialized(cls):
        if Transaction().context.get('_crm_board_register'):
            return 0
        return super()._table_query_materialized()

    @classmethod
    def readable(cls, domain=None):
        """The appeals table, its FROM and the where clause of the appeals
        the user may read (his record rules apply when the call is
        checked, as over RPC)"""
        tables, where = readable_appeals(domain)
        return tables, convert_from(None, tables), where

    @classmethod
    def columns(cls, table):
        "The columns Tryton reads on every stored model"
        return [
            Literal(0).as_('create_uid'),
            Literal(Null).as_('create_date'),
            Literal(Null).as_('write_uid'),
            Literal(Null).as_('write_date'),
            table.company.as_('company'),
            ]


class BoardLine(BoardView):
    "Dashboard: Open Appeals by Line"
    __name__ = 'crm.analytics.board.line'
    __string__ = "Dashboard: Open Appeals by Line"
    support_line = fields.Many2One('crm.support_line', "Line",
        readonly=True)
    # In the view's SQL: a getter would read each row back through the
    # view, the aggregate over every open appeal once more per pane
    line_name = fields.Char("Line", readonly=True)
    open = fields.Integer("Open", readonly=True,
        help="Appeals in data entry or in work.")
    draft = fields.Integer("Not in Work", readonly=True,
        help="Appeals nobody has taken into work yet.")
    overdue = fields.Integer("Overdue", readonly=True,
        help="Open appeals past their deadline.")
    due_soon = fields.Integer("Due Soon", readonly=True,
        help="Open appeals whose deadline comes within the hours set in "
        "the appeals settings.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Line by line as the desk «My Lines» lists them; no line last
        cls._order = [('support_line', 'ASC NULLS LAST'), ('company', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        line = pool.get('crm.support_line').__table__()
        tables, from_, where = cls.readable([('state', 'in', OPEN_STATES)])
        table, _ = tables[None]
        grouped = from_.select(
            pair(table.company, Coalesce(table.support_line, Literal(0))
                ).as_('id'),
            *cls.columns(table),
            table.support_line.as_('support_line'),
            Count(table.id).as_('open'),
            count(table.state == 'draft', table).as_('draft'),
            count(Appeal.column_overdue(tables), table).as_('overdue'),
            count(Appeal.column_due_soon(tables, due_soon_hours()),
                table).as_('due_soon'),
            where=where,
            group_by=[table.company, table.support_line])
        # The line's display name as crm_dispatch's list composes it
        return grouped.join(line, 'LEFT',
            condition=grouped.support_line == line.id).select(
            *(Column(grouped, c) for c in [
                    'id', 'create_uid', 'create_date', 'write_uid',
                    'write_date', 'company', 'support_line', 'open',
                    'draft', 'overdue', 'due_soon']),
            Coalesce(line_label(line),
                gettext('crm_analytics.msg_board_no_line')).as_('line_name'))


class BoardSource(BoardView):
    "Dashboard: Appeals by Organisation and Source"
    __name__ = 'crm.analytics.board.source'
    __string__ = "Dashboard: Appeals by Organisation and Source"
    source = fields.Many2One('crm.appeal.source', "Source", readonly=True)
    appeals = fields.Integer("Appeals", readonly=True)
    open = fields.Integer("Open", readonly=True,
        help="Appeals in data entry or in work.")
    overdue = fields.Integer("Overdue", readonly=True,
        help="Open past the deadline or closed after it.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('company', 'ASC'), ('source', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        Appeal = Pool().get('crm.appeal')
        tables, from_, where = cls.readable()
        table, _ = tables[None]
        # Materialized, the view's SQL is written once: the time of each
        # refresh, not of the module's activation (deadlines are naive UTC)
        now = (AtTimeZone(CurrentTimestamp(), 'UTC')
            if cls._table_query_materialized() else None)
        return from_.select(
            pair(table.company, table.source).as_('id'),
            *cls.columns(table),
            table.source.as_('source'),
            Count(table.id).as_('appeals'),
            count(table.state.in_(OPEN_STATES), table).as_('open'),
            count(Appeal.column_overdue(tables, now=now), table).as_(
                'overdue'),
            where=where,
            group_by=[table.company, table.source])


class BoardPeriod(BoardView):
    "Dashboard: Accepted Appeals by Month and Stage"
    __name__ = 'crm.analytics.board.period'
    __string__ = "Dashboard: Accepted Appeals by Month and Stage"
    month = fields.Date("Month", readonly=True,
        help="The first day of the month the appeals were received in.")
    month_name = fields.Function(fields.Char("Month"), 'get_month_name')
    appeals = fields.Integer("Appeals", readonly=True)
    new = fields.Integer("New", readonly=True,
        help="Received, nobody has taken them into work yet.")
    in_work = fields.Integer("In Work", readonly=True)
    waiting = fields.Integer("Waiting", readonly=True,
        help="In work, on a stage that stops the deadline clock.")
    done = fields.Integer("Done", readonly=True)
    cancelled = fields.Integer("Cancelled", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'ASC'), ('company', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        Stage = Pool().get('crm.stage')
        tables, _, where = cls.readable([('received_date', '!=', None)])
        table, _ = tables[None]
        stage = Stage.__table__()
        tables['_crm_analytics_stage'] = {
            None: (stage, table.stage == stage.id)}
        received = table.received_date
        kind = Case(
            ((table.state == 'in_work') & (stage.kind == 'waiting'),
                'waiting'),
            *[(table.state == s, k) for s, k in STATE_SERIES.items()])
        # Grouped by columns of the inner query: PostgreSQL does not match
        # two date_trunc() calls whose unit is a parameter each
        query = convert_from(None, tables).select(
                table.id, table.company,
                DateTrunc('month', received).as_('month_start'),
                # An integer: PostgreSQL's extract() is numeric
                Cast(Extract('YEAR', received) * Literal(12)
                    + Extract('MONTH', received), 'INTEGER').as_('month_key'),
                kind.as_('kind'),
                where=where)
        return query.select(
            pair(query.company, query.month_key).as_('id'),
            *cls.columns(query),
            cls.month.sql_cast(query.month_start).as_('month'),
            Count(query.id).as_('appeals'),
            *[count(query.kind == k, query).as_(k) for k in STAGE_SERIES],
            group_by=[query.company, query.month_key, query.month_start])

    def get_month_name(self, name):
        if self.month:
            return month_title(self.month.year, self.month.month)
