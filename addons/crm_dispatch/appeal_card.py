"""The appeal's card: the time left to the deadline in words, and the other
appeals of the same applicant and of the same premise."""
import datetime as dt
import math

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.transaction import check_access

from .appeal_lifecycle import OPEN_STATES

# The card lists at most so many other appeals of an applicant or premise,
# the latest first (a building manager's flat may have hundreds)
OTHER_APPEALS_LIMIT = 50
_OTHER = {
    'applicant_appeals': 'applicant',
    'premise_appeals': 'premise',
    }


def format_duration(minutes):
    "«1 д 2 ч», «3 д», «3 ч 20 мин», «45 мин»: the two largest units"
    days, rest = divmod(int(minutes), 24 * 60)
    hours, minutes = divmod(rest, 60)
    units = {u: gettext(f'crm_dispatch.msg_unit_{u}')
        for u in ['days', 'hours', 'minutes']}
    if days:
        parts = [(days, 'days'), (hours, 'hours')]
    elif hours:
        parts = [(hours, 'hours'), (minutes, 'minutes')]
    else:
        parts = [(minutes, 'minutes')]
    return ' '.join(f'{n} {units[u]}' for n, u in parts if n)


def time_left_text(state, deadline, closed_date, now):
    """What the card says about the deadline: the time left or overdue of an
    open appeal, on time or late for a resolved one (None: nothing to say).

    As the overdue flag (Appeal.column_overdue): an open appeal is overdue
    once now is past the deadline, not at the deadline itself.  The time
    left is rounded down and the time overdue up: the card never promises
    more time than there is."""
    if not deadline or state == 'rejected':
        return None
    if state in OPEN_STATES:
        seconds = (deadline - now).total_seconds()
        if seconds >= 0:
            minutes = math.floor(seconds / 60)
            if not minutes:
                return gettext('crm_dispatch.msg_time_due_now')
            return gettext('crm_dispatch.msg_time_left',
                duration=format_duration(minutes))
        return gettext('crm_dispatch.msg_time_overdue',
            duration=format_duration(math.ceil(-seconds / 60)))
    if state == 'resolved' and closed_date:
        seconds = (closed_date - deadline).total_seconds()
        if seconds > 0:
            return gettext('crm_dispatch.msg_time_closed_late',
                duration=format_duration(math.ceil(seconds / 60)))
        return gettext('crm_dispatch.msg_time_closed_in_time')
    return None


class AppealCard(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    time_left = fields.Function(fields.Char("Time Left",
            help="Time left to the deadline, or how long it is overdue."),
        'get_time_left')
    applicant_appeals = fields.Function(fields.Many2Many(
            'crm.appeal', None, None, "Appeals of the Applicant",
            help="The other appeals of this applicant, the latest first."),
        'get_other_appeals')
    premise_appeals = fields.Function(fields.Many2Many(
            'crm.appeal', None, None, "Appeals of the Premise",
            help="The other appeals about this premise, the latest first."),
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
    def get_time_left(cls, appeals, name):
        now = dt.datetime.now()
        result = {a.id: None for a in appeals}
        for id_, state, deadline, closed_date in cls.select_rows(appeals,
                lambda t: [t.state, t.deadline, t.closed_date]):
            result[id_] = time_left_text(state, deadline, closed_date, now)
        return result

    @classmethod
    def _other_appeals(cls, field, value, appeal_id):
        """The ids of the other appeals with the same value of field, only
        those the user may read: the client reads every id it is given,
        and one hidden by a record rule would be an access error"""
        if value is None:
            return []
        with check_access():
            return [a.id for a in cls.search([
                        (field, '=', value),
                        ('id', '!=', appeal_id),
                        ], order=[('received_date', 'DESC'), ('id', 'DESC')],
                    limit=OTHER_APPEALS_LIMIT)]

    @classmethod
    def get_other_appeals(cls, appeals, names):
        result = {n: {a.id: [] for a in appeals} for n in names}
        for id_, applicant, premise in cls.select_rows(appeals,
                lambda t: [t.applicant, t.premise]):
            values = {'applicant': applicant, 'premise': premise}
            for name in names:
                field = _OTHER[name]
                result[name][id_] = cls._other_appeals(
                    field, values[field], id_)
        return result

    # Shown as soon as the operator picks the applicant or the premise of a
    # new appeal: has he called about it before?
    @fields.depends('id', 'applicant')
    def on_change_with_applicant_appeals(self, name=None):
        return self._other_appeals('applicant',
            self.applicant.id if self.applicant else None, self.id)

    @fields.depends('id', 'premise')
    def on_change_with_premise_appeals(self, name=None):
        return self._other_appeals('premise',
            self.premise.id if self.premise else None, self.id)
