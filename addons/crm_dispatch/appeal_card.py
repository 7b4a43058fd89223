"""The appeal's card: the time left to the deadline in words, and the other
appeals of the same applicant and of the same premise."""
import datetime as dt

from sql import Cast, Literal, Null, Select
from sql.conditionals import Case, Coalesce
from sql.functions import Ceil, Floor
from sql.operators import Concat

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.transaction import check_access

from .appeal_lifecycle import OPEN_STATES
from .sql_time import seconds_between

# The card lists at most so many other appeals of an applicant or premise,
# the latest first (a building manager's flat may have hundreds)
OTHER_APPEALS_LIMIT = 50


def _text(value):
    return Cast(value, 'VARCHAR')


def _worded(template, **values):
    """A message as SQL: its text with each %(name)s replaced by the SQL
    expression in values (the translation read when the query is built)"""
    marks = {name: f'\x00{name}\x00' for name in values}
    parts = gettext(template, **marks).split('\x00')
    expression = parts[0]
    for i, part in enumerate(parts[1:]):
        expression = Concat(expression, values[part] if i % 2 == 0 else part)
    return expression


def duration_label(minutes):
    """Whole minutes as the two largest units, zeros left out: «1 д 2 ч»,
    «3 д», «3 ч 20 мин», «45 мин» (SQL of an integer expression)"""
    units = {u: gettext(f'crm_dispatch.msg_unit_{u}')
        for u in ['days', 'hours', 'minutes']}
    # Integer arithmetic alone: the same on both backends
    days = minutes / 1440
    hours = (minutes - days * 1440) / 60
    rest = minutes - (minutes / 60) * 60

    def unit(value, name, space=''):
        return Concat(space, Concat(_text(value), ' ' + units[name]))

    def optional(value, name):
        return Case((value > 0, unit(value, name, ' ')), else_='')
    return Case(
        (days > 0, Concat(unit(days, 'days'), optional(hours, 'hours'))),
        (hours > 0, Concat(unit(hours, 'hours'), optional(rest, 'minutes'))),
        else_=unit(rest, 'minutes'))


class AppealCard(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    time_left = fields.Function(fields.Char("Time Left",
            help="Time left to the deadline, or how long it is overdue: "
            "past the deadline the row in the list is red, close to it "
            "yellow. While a stage stops the clock the time left stands "
            "still."),
        None, loading='eager')
    applicant_appeals = fields.Function(fields.Many2Many(
            'crm.appeal', None, None, "Appeals of the Applicant",
            help="The other appeals of this applicant, the latest first."),
        'get_other_appeals')
    premise_appeals = fields.Function(fields.Many2Many(
            'crm.appeal', None, None, "Appeals of the Premise or Account",
            help="The other appeals about this premise or one of these "
            "accounts, the latest first, with their type and "
            "responsible."),
        'get_other_appeals')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Once the applicant is chosen, the matches of his phone are what
        # the operator has seen already: the card gives the room to the
        # address and the question
        cls.matching_applicants.states = {
            'invisible': ~Eval('matching_applicants') | Eval('applicant'),
            }
        cls.matching_applicants.depends |= {'applicant'}
        # An applicant created from the card is a proper one (a name)
        cls.applicant.context['crm_applicant'] = True

    @classmethod
    def column_time_left(cls, tables, now=None):
        """What the card and the queue say about the deadline: the time left
        or overdue of an open appeal, on time or late for a resolved one,
        NULL when there is nothing to say.

        As the overdue flag (column_overdue): an open appeal is overdue once
        now is past the deadline, not at the deadline itself.  The time left
        is rounded down and the time overdue up: the card never promises
        more time than there is.  A stage that stops the clock stops it
        here too, at the moment it stopped."""
        table, _ = tables[None]
        # A parameter, as for overdue: deadlines are naive UTC
        if now is None:
            now = dt.datetime.now()
        moment = Coalesce(table.clock_stopped, now)
        left = seconds_between(moment, table.deadline)
        late = seconds_between(table.deadline, table.closed_date)

        def minutes(expression):
            return Cast(expression, 'INTEGER')
        # Each span computed once, in a row of its own that the words
        # below name many times: the query's text stays a few hundred
        # characters, not thousands rendered on every read of the list
        # (apart for closed ones: SQLite's CEIL fails on the NULL span of
        # an appeal not closed)
        spans = Select([
                left.as_('secs'),
                minutes(Floor(left / 60)).as_('down'),
                minutes(Ceil(-left / 60)).as_('over'),
                ])
        closed = Select([minutes(Ceil(late / 60)).as_('late')])
        open_text = Case(
            (spans.secs < 0, _worded('crm_dispatch.msg_time_overdue',
                    duration=duration_label(spans.over))),
            (spans.down == 0, gettext('crm_dispatch.msg_time_due_now')),
            else_=_worded('crm_dispatch.msg_time_left',
                duration=duration_label(spans.down)))
        paused = Case((table.clock_stopped != Null,
                Concat(' ', gettext('crm_dispatch.msg_time_paused'))),
            else_='')
        closed_text = Case(
            (closed.late > 0, _worded('crm_dispatch.msg_time_closed_late',
                    duration=duration_label(closed.late))),
            else_=gettext('crm_dispatch.msg_time_closed_in_time'))
        return Case(
            (table.deadline == Null, Null),
            (table.state.in_(OPEN_STATES),
                spans.select(Concat(open_text, paused))),
            ((table.state == 'resolved') & (table.closed_date != Null),
                closed.select(closed_text)),
            else_=Null)

    @classmethod
    def order_time_left(cls, tables):
        "Open appeals first, the least time left first"
        table, _ = tables[None]
        return [Case((table.state.in_(OPEN_STATES), Literal(0)),
                else_=Literal(1)), table.deadline]

    @classmethod
    def _other_appeals(cls, clause, appeal_id):
        """The ids of the other appeals matching clause, only those the
        user may read: the client reads every id it is given, and one
        hidden by a record rule would be an access error"""
        if not clause:
            return []
        with check_access():
            return [a.id for a in cls.search([
                        clause,
                        ('id', '!=', appeal_id),
                        ], order=[('received_date', 'DESC'), ('id', 'DESC')],
                    limit=OTHER_APPEALS_LIMIT)]

    @staticmethod
    def _other_clause(name, applicant, premise, accounts):
        """The appeals of the same applicant; of the same premise or one of
        the same accounts (a flat's account outlives its residents)"""
        if name == 'applicant_appeals':
            return ('applicant', '=', applicant) if applicant else None
        clauses = []
        if premise:
            clauses.append(('premise', '=', premise))
        if accounts:
            clauses.append(('accounts', 'in', accounts))
        return ['OR', *clauses] if clauses else None

    @classmethod
    def get_other_appeals(cls, appeals, names):
        result = {n: {a.id: [] for a in appeals} for n in names}
        accounts = {a.id: [x.id for x in a.accounts] for a in appeals}
        for id_, applicant, premise in cls.select_rows(appeals,
                lambda t: [t.applicant, t.premise]):
            for name in names:
                result[name][id_] = cls._other_appeals(cls._other_clause(
                        name, applicant, premise, accounts[id_]), id_)
        return result

    # Shown as soon as the operator picks the applicant or the premise of a
    # new appeal: has he called about it before?
    @fields.depends('id', 'applicant')
    def on_change_with_applicant_appeals(self, name=None):
        return self._other_appeals(self._other_clause('applicant_appeals',
                self.applicant.id if self.applicant else None, None, None),
            self.id)

    @fields.depends('id', 'premise', 'accounts')
    def on_change_with_premise_appeals(self, name=None):
        return self._other_appeals(self._other_clause('premise_appeals',
                None, self.premise.id if self.premise else None,
                [a.id for a in self.accounts or [] if a.id and a.id >= 0]),
            self.id)
