"""The supervisor's desk: his support lines with the counts of their queues
(open, not in work, overdue, due soon) and each line's queue a click away."""
import datetime as dt

from sql.aggregate import Count
from sql.conditionals import Case

from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, check_access

from .appeal_lifecycle import OPEN_STATES
from .read_template import query_now

DESK_FIELDS = ['desk_open', 'desk_draft', 'desk_overdue', 'desk_due_soon']


def due_soon_hours():
    "The hours of the «due soon» window (appeals settings)"
    return Pool().get('crm.configuration').desk_due_hours_value()


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'
    due_soon = fields.Function(fields.Boolean(
            "Due Soon",
            help="Open, not overdue, and the deadline comes within the "
            "hours set in the appeals settings."),
        'get_due_soon')

    @classmethod
    def column_due_soon(cls, tables, hours, now=None):
        """Open with the deadline between now and now + hours: at the
        deadline itself an appeal is due, not yet overdue"""
        table, _ = tables[None]
        if now is None:
            now = query_now()
        return (table.state.in_(OPEN_STATES)
            & (table.deadline >= now)
            & (table.deadline <= now + dt.timedelta(hours=hours)))

    @classmethod
    def _read_template_key(cls):
        # breach_soon's SQL compares the deadline with now + these hours
        return super()._read_template_key() + (due_soon_hours(),)

    @classmethod
    def get_due_soon(cls, appeals, name):
        hours = due_soon_hours()
        result = {a.id: False for a in appeals}
        result.update((i, bool(v)) for i, v in cls.select_rows(appeals,
                lambda t: [cls.column_due_soon({None: (t, None)}, hours)]))
        return result

    @classmethod
    def domain_due_soon(cls, domain, tables):
        _, operator, value = domain
        return fields.SQL_OPERATORS[operator](
            cls.column_due_soon(tables, due_soon_hours()), bool(value))


class SupportLine(metaclass=PoolMeta):
    __name__ = 'crm.support_line'
    desk_open = fields.Function(fields.Integer(
            "Open", help="Appeals in data entry or in work."), 'get_desk')
    desk_draft = fields.Function(fields.Integer(
            "Not in Work", help="Appeals nobody has taken into work yet."),
        'get_desk')
    desk_overdue = fields.Function(fields.Integer(
            "Overdue", help="Open appeals past their deadline."), 'get_desk')
    desk_due_soon = fields.Function(fields.Integer(
            "Due Soon",
            help="Open appeals whose deadline comes within the hours set in "
            "the appeals settings."),
        'get_desk')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'open_queue': {'icon': 'tryton-list'},
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree/field[@name="desk_overdue"]', 'visual',
                If(Eval('desk_overdue', 0) > 0, 'danger', '')),
            ('/tree/field[@name="desk_due_soon"]', 'visual',
                If(Eval('desk_due_soon', 0) > 0, 'warning', '')),
            ]

    @classmethod
    def get_desk(cls, lines, names):
        counts = cls.desk_counts(lines)
        return {n: {l.id: counts.get(l.id, {}).get(n, 0) for l in lines}
            for n in names}

    @classmethod
    def desk_counts(cls, lines, now=None):
        """{line id: {desk field: count}} over the open appeals of lines
        that the user may read: one query for every line and count"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        if not lines:
            return {}
        table = Appeal.__table__()
        tables = {None: (table, None)}
        # The user's record rules bound the counts as they bound the queue
        # (a getter runs without them)
        with check_access():
            readable = Appeal.search([
                    ('support_line', 'in', [l.id for l in lines]),
                    ('state', 'in', OPEN_STATES),
                    ], order=[], query=True)

        def count(condition):
            # No literal in the CASE: PostgreSQL cannot type its parameter
            return Count(Case((condition, table.id)))
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.support_line,
                Count(table.id),
                count(table.state == 'draft'),
                count(Appeal.column_overdue(tables, now=now)),
                count(Appeal.column_due_soon(
                        tables, due_soon_hours(), now=now)),
                where=table.id.in_(readable),
                group_by=[table.support_line]))
        return {line: dict(zip(DESK_FIELDS, map(int, counts)))
            for line, *counts in cursor}

    @classmethod
    @ModelView.button_action('crm_dispatch.act_appeal_line_queue')
    def open_queue(cls, lines):
        pass
