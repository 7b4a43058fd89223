"""The appeal's card: the time left to the deadline in words, and the other
appeals of the same applicant and of the same premise."""
import datetime as dt
import math

from sql import Literal
from sql.conditionals import Case

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.transaction import check_access

from .appeal_lifecycle import OPEN_STATES
from .speedups import read_computed

# The card lists at most so many other appeals of an applicant or premise,
# the latest first (a building manager's flat may have hundreds)
OTHER_APPEALS_LIMIT = 50


class TimeLeft:
    """What the card and the queue say about an appeal's deadline, in the
    user's language: its messages are looked up once for all the rows of
    a read."""

    def __init__(self):
        self.units = {u: gettext(f'crm_dispatch.msg_unit_{u}')
            for u in ['days', 'hours', 'minutes']}
        # The templates, %(duration)s filled in per row
        self.texts = {m: gettext(f'crm_dispatch.msg_time_{m}')
            for m in ['left', 'due_now', 'overdue', 'paused',
                'closed_in_time', 'closed_late']}

    def duration(self, minutes):
        """Whole minutes as the two largest units, zeros left out: «1 д 2
        ч», «3 д», «3 ч 20 мин», «45 мин»"""
        days, rest = divmod(minutes, 1440)
        hours, rest = divmod(rest, 60)

        def unit(value, name):
            return f'{value} {self.units[name]}'
        if days:
            return ' '.join([unit(days, 'days')]
                + ([unit(hours, 'hours')] if hours else []))
        if hours:
            return ' '.join([unit(hours, 'hours')]
                + ([unit(rest, 'minutes')] if rest else []))
        return unit(rest, 'minutes')

    def words(self, state, deadline, closed, stopped, now):
        """The time left or overdue of an open appeal, on time or late for
        a resolved one, None when there is nothing to say.

        As the overdue flag (column_overdue): an open appeal is overdue once
        now is past the deadline, not at the deadline itself.  The time left
        is rounded down and the time overdue up: the card never promises
        more time than there is.  A stage that stops the clock stops it
        here too, at the moment it stopped."""
        if deadline is None:
            return None
        if state in OPEN_STATES:
            left = (deadline - (stopped or now)).total_seconds()
            if left < 0:
                text = self.texts['overdue'] % {
                    'duration': self.duration(math.ceil(-left / 60))}
            elif left < 60:
                text = self.texts['due_now']
            else:
                text = self.texts['left'] % {
                    'duration': self.duration(math.floor(left / 60))}
            if stopped is not None:
                text += ' ' + self.texts['paused']
            return text
        if state == 'resolved' and closed is not None:
            late = math.ceil((closed - deadline).total_seconds() / 60)
            if late > 0:
                return self.texts['closed_late'] % {
                    'duration': self.duration(late)}
            return self.texts['closed_in_time']
        return None


# The columns the time left is worded from
TIME_LEFT_COLUMNS = ['state', 'deadline', 'closed_date', 'clock_stopped']


class AppealCard(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    time_left = fields.Function(fields.Char("Time Left",
            help="Time left to the deadline, or how long it is overdue: "
            "past the deadline the row in the list is red, close to it "
            "yellow. While a stage stops the clock the time left stands "
            "still."),
        'get_time_left', loading='eager')
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
    def read(cls, ids, fields_names):
        """The time left is worded from the appeal's own columns for all
        the rows read at once: neither a getter's instances nor the
        thousands of characters of SQL the words would take to compose
        in the query of every read of the queue"""
        if 'time_left' not in fields_names:
            return super().read(ids, fields_names)

        def word(rows):
            time_left, now = TimeLeft(), dt.datetime.now()
            for row in rows:
                row['time_left'] = time_left.words(
                    *(row[n] for n in TIME_LEFT_COLUMNS), now)
        return read_computed(super().read, ids, fields_names, {'time_left'},
            TIME_LEFT_COLUMNS, word)

    @classmethod
    def get_time_left(cls, appeals, name):
        "As read words it: for a caller of the getter itself"
        rows = cls.read([a.id for a in appeals], ['time_left'])
        return {r['id']: r['time_left'] for r in rows}

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
