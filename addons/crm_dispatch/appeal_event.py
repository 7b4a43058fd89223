"The event log of appeals."
import datetime as dt

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.transaction import Transaction

from .appeal_lifecycle import NOTIFY_CHANNELS, STATES
from .message_template import _local


class AppealEvent(ModelSQL, ModelView):
    "Appeal event (Событие обращения)"
    __name__ = 'crm.appeal.event'
    __string__ = "Appeal event"
    appeal = fields.Many2One(
        'crm.appeal', "Appeal", required=True, ondelete='CASCADE',
        readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    kind = fields.Selection([
            ('created', "Created"),
            ('taken', "Taken into work"),
            ('transferred', "Transferred"),
            ('closed', "Closed"),
            ('notified', "Applicant notified"),
            ('notify_pending', "Notification to make"),
            ('rejected', "Rejected"),
            ('reopened', "Reopened"),
            ('another', "Another question"),
            ('rated', "Applicant rated"),
            ('stage', "Stage changed"),
            ('works_done', "Works done"),
            ], "Event", required=True, readonly=True)
    kind_string = kind.translated('kind')
    state = fields.Selection(STATES, "State", readonly=True)
    from_line = fields.Many2One(
        'crm.support_line', "From Line", readonly=True)
    to_line = fields.Many2One('crm.support_line', "To Line", readonly=True)
    from_operator = fields.Many2One(
        'res.user', "From Operator", readonly=True)
    to_operator = fields.Many2One('res.user', "To Operator", readonly=True)
    from_stage = fields.Many2One('crm.stage', "From Stage", readonly=True)
    to_stage = fields.Many2One('crm.stage', "To Stage", readonly=True)
    channel = fields.Selection(
        [(None, "")] + NOTIFY_CHANNELS, "Channel", readonly=True)
    comment = fields.Text("Comment", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The appeal's rules are the event's: Model.__setup__ resets
        # __access__, so it must be filled here, not in the class body
        cls.__access__.add('appeal')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.appeal, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        # The kind read in the user's language (the modules add kinds to
        # the selection), the time on the organisation's clock
        appeal = self.appeal
        what = ', '.join(filter(None, [self.kind_string,
                    _local(appeal, self.date) if appeal else '']))
        return ': '.join(filter(None, [
                    appeal.number if appeal else '', what]))

    @classmethod
    def build(cls, appeal, kind, state=None, **values):
        "Return an unsaved event of the appeal, by the current user, now"
        return cls(appeal=appeal, kind=kind, date=dt.datetime.now(),
            user=Transaction().user or None, state=state or appeal.state,
            **values)

    @classmethod
    def record(cls, appeals, kind, **values):
        events = [cls.build(a, kind, **values) for a in appeals]
        cls.save(events)
        return events
