"""The dispatch side of the appeal card (seed 002): its type, direction,
the responsible person and the executors, the deadline a dispatcher moves
with a reason, the expiry of the deadline recorded by a scheduled task, and
outgoing appeals made from an incoming one.

Every change of the responsible, the executors and the deadline is a row of
the event log with the old and the new value, whoever made it (a wizard,
the form or the API)."""
import datetime as dt

from sql import Null

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .appeal import _readonly_closed
from .appeal_lifecycle import OPEN_STATES, locked
from .catalogue import Ordered
from .exceptions import AppealError
from .message_template import _local

DIRECTIONS = [
    ('incoming', "Incoming"),
    ('outgoing', "Outgoing"),
    ]
# Changes of these are written to the event log with old and new values
LOGGED = {'responsible': 'responsible', 'executors': 'executors'}


def _names(records):
    return ', '.join(r.rec_name for r in records)


class AppealType(DeactivableMixin, Ordered, ModelSQL, ModelView):
    "Appeal type (Тип обращения)"
    __name__ = 'crm.appeal.type'
    __string__ = "Appeal type"
    _history = True
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code",
        help="Stable code for integrations, e.g. «complaint».")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'crm_dispatch.msg_appeal_type_code_unique'),
            ]


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    # The record rules of appeals reach the users of an employee by it
    crm_users = fields.Many2Many('res.user-company.employee', 'employee',
        'user', "Users", readonly=True)


class AppealEmployee(ModelSQL):
    "Appeal - executor"
    __name__ = 'crm.appeal-company.employee'
    __string__ = "Appeal - executor"
    appeal = fields.Many2One(
        'crm.appeal', "Appeal", required=True, ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('appeal')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.appeal, Index.Range())),
                Index(t, (t.employee, Index.Range())),
                })


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    appeal_type = fields.Many2One('crm.appeal.type', "Type",
        ondelete='RESTRICT', states=_readonly_closed,
        help="Request, complaint, suggestion, claim… (the list is edited "
        "by the CRM administrator).")
    direction = fields.Selection(DIRECTIONS, "Direction", required=True,
        readonly=True,
        help="Incoming: the applicant turned to us; outgoing: we turn to "
        "him (made from an incoming appeal).")
    incoming_appeal = fields.Many2One('crm.appeal', "Incoming Appeal",
        readonly=True, ondelete='SET NULL',
        help="The incoming appeal this outgoing one was made from.")
    outgoing_appeals = fields.One2Many('crm.appeal', 'incoming_appeal',
        "Outgoing Appeals", readonly=True)
    responsible = fields.Many2One('company.employee', "Responsible",
        readonly=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        help="The one person accountable for the appeal "
        "(«Назначить» / «Сменить»).")
    executors = fields.Many2Many('crm.appeal-company.employee', 'appeal',
        'employee', "Executors", states=_readonly_closed,
        domain=[('company', '=', Eval('company', -1))],
        help="The people who carry out the appeal; they read it, comment "
        "and attach files.")
    deadline_manual = fields.Boolean("Deadline Set by Dispatcher",
        readonly=True,
        help="A dispatcher moved the deadline: a new reason or source no "
        "longer recounts it.")
    deadline_expired = fields.DateTime("Expiry Recorded For", readonly=True,
        help="The deadline whose expiry is in the event log: each deadline "
        "expires once.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.responsible, Index.Range())),
                Index(t, (t.incoming_appeal, Index.Range())),
                })
        new = Eval('id', -1) < 0
        cls._buttons.update({
                'assign_responsible': {
                    'invisible': (Eval('responsible')
                        | ~Eval('state').in_(OPEN_STATES) | new),
                    'depends': ['responsible', 'state'],
                    },
                'change_responsible': {
                    'invisible': (~Eval('responsible')
                        | ~Eval('state').in_(OPEN_STATES)),
                    'depends': ['responsible', 'state'],
                    },
                'change_deadline': {
                    'invisible': ~Eval('state').in_(OPEN_STATES) | new,
                    'depends': ['state'],
                    },
                'create_outgoing': {
                    'invisible': (Eval('direction') != 'incoming') | new,
                    'depends': ['direction'],
                    },
                })

    @classmethod
    def default_direction(cls):
        return 'incoming'

    @classmethod
    def default_deadline_manual(cls):
        return False

    @classmethod
    def copy(cls, appeals, default=None):
        default = default.copy() if default else {}
        # Another question is a new appeal: nobody is on it yet
        for name in ['responsible', 'executors', 'comments',
                'deadline_expired', 'outgoing_appeals', 'incoming_appeal']:
            default.setdefault(name, None)
        default.setdefault('deadline_manual', False)
        default.setdefault('direction', 'incoming')
        return super().copy(appeals, default=default)

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        # A dispatcher's deadline stands until he moves it again
        if getattr(self, 'deadline_manual', False):
            values.pop('deadline', None)
        return values

    # -- the event log of responsible and executors ---------------------

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        watched = set()
        for appeals, values in zip(actions, actions):
            if LOGGED.keys() & values.keys():
                watched.update(appeals)
        before = {a.id: a._dispatch_values() for a in watched}
        super().write(*args)
        if before:
            cls._log_dispatch(cls.browse(list(before)), before)

    def _dispatch_values(self):
        return {
            'responsible': _names([self.responsible] if self.responsible
                else []),
            'executors': _names(sorted(self.executors, key=lambda e: e.id)),
            }

    @classmethod
    def _log_dispatch(cls, appeals, before):
        Event = Pool().get('crm.appeal.event')
        events = []
        for appeal in appeals:
            after = appeal._dispatch_values()
            for name, kind in LOGGED.items():
                old, new = before[appeal.id][name], after[name]
                if old != new:
                    events.append(Event.build(appeal, kind,
                            old_value=old or None, new_value=new or None))
        Event.save(events)

    # -- buttons --------------------------------------------------------

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_appeal_responsible')
    def assign_responsible(cls, appeals):
        pass

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_appeal_responsible')
    def change_responsible(cls, appeals):
        pass

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_appeal_deadline')
    def change_deadline(cls, appeals):
        pass

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_appeal_outgoing')
    def create_outgoing(cls, appeals):
        pass

    # -- what the wizards do ---------------------------------------------

    @classmethod
    @locked(OPEN_STATES)
    def set_responsible(cls, appeals, employee):
        "Make employee (or nobody) responsible; logged by write"
        for appeal in appeals:
            if employee and employee.company != appeal.company:
                raise AppealError(gettext(
                        'crm_dispatch.msg_responsible_other_company',
                        employee=employee.rec_name, appeal=appeal.rec_name))
        cls.write(appeals, {'responsible': employee.id if employee else None})

    @classmethod
    @locked(OPEN_STATES)
    def move_deadline(cls, appeals, deadline, reason):
        """A dispatcher's new deadline, only with a reason: the event log
        keeps the old and the new one on the organisation's clock"""
        Event = Pool().get('crm.appeal.event')
        reason = (reason or '').strip()
        if not reason:
            raise AppealError(gettext('crm_dispatch.msg_deadline_reason'))
        if not deadline:
            raise AppealError(gettext('crm_dispatch.msg_deadline_required'))
        events = []
        for appeal in appeals:
            if appeal.received_date and deadline <= appeal.received_date:
                raise AppealError(gettext(
                        'crm_dispatch.msg_deadline_before_received',
                        appeal=appeal.rec_name,
                        received=_local(appeal, appeal.received_date)))
            events.append(Event.build(appeal, 'deadline',
                    old_value=_local(appeal, appeal.deadline) or None,
                    new_value=_local(appeal, deadline), comment=reason))
        cls.write(appeals, {'deadline': deadline, 'deadline_manual': True})
        Event.save(events)

    def make_outgoing(self, description, reason=None, appeal_type=None):
        """A new outgoing appeal to the same applicant, contacts, address
        and accounts, linked to this one; the event log of this one says
        so"""
        Event = Pool().get('crm.appeal.event')
        if not (description or '').strip():
            raise AppealError(gettext('crm_dispatch.msg_outgoing_description'))
        reason = reason or self.reason
        outgoing, = self.copy([self], default={
                'direction': 'outgoing',
                'incoming_appeal': self.id,
                'description': description.strip(),
                'reason': reason.id if reason else None,
                'reason_group': (reason.group.id if reason
                    else getattr(self.reason_group, 'id', None)),
                'appeal_type': (appeal_type or self.appeal_type or None)
                and (appeal_type or self.appeal_type).id,
                'operator_comment': None,
                'operator': Transaction().user or None,
                'notify_on_close': False,
                'previous_appeal': None,
                })
        Event.record([self], 'outgoing', new_value=outgoing.number)
        return outgoing

    # -- the scheduled expiry -------------------------------------------

    @classmethod
    def expire_deadlines(cls, now=None):
        """Write «Истёк срок ответа» once for each open appeal whose
        deadline has passed (with the clock running): the deadline it was
        written for is kept, so the next run skips it, and a later deadline
        may expire again.  Returns the appeals."""
        pool = Pool()
        Event = pool.get('crm.appeal.event')
        Configuration = pool.get('ir.configuration')
        if now is None:
            now = dt.datetime.now()
        # The text is stored: in the language of the installation, not of
        # whoever runs the scheduled task
        language = Configuration.get_language()
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id,
                where=table.state.in_(OPEN_STATES)
                & (table.deadline != Null) & (table.deadline < now)
                & (table.clock_stopped == Null)
                & ((table.deadline_expired == Null)
                    | (table.deadline_expired != table.deadline))))
        ids = [i for i, in cursor]
        expired = []
        for sub_ids in grouped_slice(ids):
            appeals = cls.browse(list(sub_ids))
            # Locked and read again: a run that overlaps writes nothing twice
            cls._lock_rows(appeals)
            appeals = [a for a in cls.browse([a.id for a in appeals])
                if a.state in OPEN_STATES and a.deadline
                and a.deadline != a.deadline_expired]
            with Transaction().set_context(language=language):
                events = [Event.build(a, 'expired', user=None,
                        old_value=_local(a, a.deadline),
                        comment=gettext(
                            'crm_dispatch.msg_deadline_expired_text',
                            deadline=_local(a, a.deadline)))
                    for a in appeals]
            for appeal in appeals:
                cls.write([appeal], {'deadline_expired': appeal.deadline})
            Event.save(events)
            expired.extend(appeals)
        return expired


class AppealEvent(metaclass=PoolMeta):
    __name__ = 'crm.appeal.event'
    old_value = fields.Char("Old Value", readonly=True)
    new_value = fields.Char("New Value", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection += [
            ('responsible', "Responsible changed"),
            ('executors', "Executors changed"),
            ('deadline', "Deadline changed"),
            ('expired', "Response deadline expired"),
            ('outgoing', "Outgoing appeal created"),
            ]

    @classmethod
    def build(cls, appeal, kind, state=None, **values):
        system = 'user' in values and values.pop('user') is None
        event = super().build(appeal, kind, state=state, **values)
        if system:
            # The system, not whoever runs the scheduled task
            event.user = None
        return event


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.appeal|expire_deadlines', "Record Expired Appeal Deadlines"))
