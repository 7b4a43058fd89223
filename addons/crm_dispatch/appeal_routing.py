"""The appeal's side of routing: its priority, observers and the rule that
routed it; routing on creation and on a change of its reason, address,
source or time while in data entry; observers told of its state changes.

Routing never silently overrides a person: a support line, operator or
priority chosen by hand (in the form, or passed at creation through the
API) sets «assigned by hand», and the rules leave those three alone until
it is cleared.  When the rule that fires changes, the priority and
observers the former rule set go with it; a line stays until another rule
moves it.  Once in work the appeal is no longer routed."""
import datetime as dt
from email.message import EmailMessage

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction

from sql.conditionals import Case

from . import work_calendar
from .appeal import _readonly_closed
from .message_template import PLACEHOLDERS
from .routing import PRIORITIES
from .speedups import TranslatedSelection

# What a rule tests of an appeal: a change of one of them in data entry
# routes the appeal again
ROUTING_INPUTS = {'company', 'reason', 'reason_group', 'building', 'premise',
    'source', 'received_date'}
# A person's choice of these sets «assigned by hand»
BY_HAND = ['support_line', 'operator', 'priority']


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'
    priority = TranslatedSelection(PRIORITIES, "Priority", required=True,
        sort=False, states=_readonly_closed)
    observers = fields.Many2Many('crm.appeal-res.user', 'appeal', 'user',
        "Observers", states=_readonly_closed,
        help="Users who follow the appeal: they are told of every change "
        "of its state and may read it.")
    routing_rule = fields.Many2One('crm.routing.rule', "Routing Rule",
        readonly=True, ondelete='SET NULL',
        help="The rule that chose the line, operator, priority, deadline "
        "or observers.")
    routing_manual = fields.Boolean("Assigned by Hand",
        states={'readonly': Eval('state') != 'draft'},
        help="The line, operator and priority were chosen by a person: "
        "routing rules leave them alone. Clear it to route the appeal "
        "by the rules again.")

    @classmethod
    def default_priority(cls):
        return 'normal'

    @classmethod
    def default_routing_manual(cls):
        return False

    @classmethod
    def order_priority(cls, tables):
        "Emergency last ascending, first descending: not by the key's text"
        table, _ = tables[None]
        return [Case(*((table.priority == key, rank)
                    for rank, (key, _) in enumerate(PRIORITIES)),
                else_=len(PRIORITIES))]

    # -- routing ----------------------------------------------------------

    def routing_spec(self):
        "The Spec of the appeal's routing rule (while the rule is active)"
        Rule = Pool().get('crm.routing.rule')
        rule = getattr(self, 'routing_rule', None)
        if not rule:
            return None
        return Rule.spec_of(getattr(self, 'company', None), rule)

    def routing_changes(self, force=False, written=()):
        """{field: value} routing changes on this appeal: the rule that now
        fires, the line, operator and priority it sets (unless assigned by
        hand or written by the caller) and observers as {'add': ids,
        'remove': ids}.  Empty while the same rule fires, unless force."""
        Rule = Pool().get('crm.routing.rule')
        spec = Rule.route(self)
        old = self.routing_spec()
        old_id = getattr(getattr(self, 'routing_rule', None), 'id', None)
        if not force and (spec.id if spec else None) == old_id:
            return {}
        changes = {'routing_rule': spec.id if spec else None}
        kept = set(written)
        if getattr(self, 'routing_manual', False):
            kept |= set(BY_HAND)
        if spec and spec.support_line and 'support_line' not in kept:
            changes['support_line'] = spec.support_line
        if 'operator' not in kept:
            operator = getattr(self, 'operator', None)
            if spec and spec.operator:
                changes['operator'] = spec.operator
            elif operator and 'support_line' in changes and (
                    changes['support_line']
                    not in {l.id for l in operator.crm_lines}):
                # as a transfer does: not an operator of the new line
                changes['operator'] = None
        if 'priority' not in kept:
            if spec and spec.priority:
                changes['priority'] = spec.priority
            elif old and old.priority and self.priority == old.priority:
                changes['priority'] = self.default_priority()
        current = {u.id for u in getattr(self, 'observers', None) or ()}
        new = set(spec.observers) if spec else set()
        remove = (set(old.observers) - new) & current if old else set()
        if (add := new - current) or remove:
            changes['observers'] = {'add': add, 'remove': remove}
        return changes

    def apply_routing(self, force=False):
        """Route this appeal (the form, the check wizard): set what the rule
        changes and the deadlines that follow; return the changes"""
        changes = self.routing_changes(force=force)
        for name, value in changes.items():
            if name == 'observers':
                self.observers = [u.id for u in self.observers or ()
                    if u.id not in value['remove']] + sorted(value['add'])
            else:
                setattr(self, name, value)
        if changes:
            for name, value in self.compute_deadlines().items():
                setattr(self, name, value)
        return changes

    def compute_deadlines(self):
        values = super().compute_deadlines()
        if (deadline := self.rule_deadline(self.routing_spec())) is not None:
            values['deadline'] = deadline
        return values

    def rule_deadline(self, spec):
        "The deadline spec sets on this appeal instead of the reason's"
        if not (spec and spec.deadline_hours and self.received_date):
            return None
        company = getattr(self, 'company', None) or self.default_company()
        return work_calendar.deadline(company, self.received_date,
            dt.timedelta(hours=spec.deadline_hours), spec.working_time)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('state', 'draft') == 'draft':
            cls._route_new(values)
        return values

    @classmethod
    def _route_new(cls, values):
        """Route an appeal about to be created: its values gain the rule,
        what it sets and its deadline (in the INSERT, no second write)"""
        Rule = Pool().get('crm.routing.rule')
        if 'routing_manual' not in values:
            # An API caller who names the line or operator chose them
            values['routing_manual'] = bool(
                values.get('support_line') or values.get('operator'))
        appeal = cls(**{name: values.get(name) for name in [
                    'reason', 'reason_group', 'building', 'source',
                    'received_date', 'support_line', 'operator']},
            company=values.get('company') or cls.default_company(),
            priority=values.get('priority') or cls.default_priority(),
            routing_manual=values['routing_manual'], routing_rule=None,
            observers=[], state='draft')
        changes = appeal.routing_changes(force=True)
        if not changes.get('routing_rule'):
            return
        if observers := changes.pop('observers', None):
            commands = list(values.get('observers') or [])
            # The form routed it already and sends the same observers
            given = {i for action, *ids in commands if action == 'add'
                for i in ids[0]}
            if added := sorted(observers['add'] - given):
                values['observers'] = commands + [('add', added)]
        values.update(changes)
        if (deadline := appeal.rule_deadline(
                    Rule.spec_of(appeal.company, changes['routing_rule']))
                ) is not None:
            values['deadline'] = deadline

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if (field_names is None or self.state != 'draft'
                or not ROUTING_INPUTS & set(field_names)):
            return values
        changes = self.routing_changes(written=field_names)
        if not changes:
            return values
        if observers := changes.pop('observers', None):
            values['observers'] = [
                ('remove', sorted(observers['remove'])),
                ('add', sorted(observers['add']))]
        values.update(changes)
        self.routing_rule = changes['routing_rule']
        for name, value in self.compute_deadlines().items():
            values[name] = value
        return values

    @classmethod
    def copy(cls, appeals, default=None):
        default = default.copy() if default else {}
        # «Another question» is a new appeal: routed afresh
        for name in ['routing_rule', 'observers']:
            default.setdefault(name, None)
        default.setdefault('routing_manual', False)
        default.setdefault('priority', cls.default_priority())
        return super().copy(appeals, default=default)

    @classmethod
    def do_transfer(cls, appeals, *args, **kwargs):
        # A transfer is a person's choice: a later change of the reason
        # must not route the appeal back
        for appeal in appeals:
            if appeal.state == 'draft':
                appeal.routing_manual = True
        return super().do_transfer(appeals, *args, **kwargs)

    # -- the form ---------------------------------------------------------

    @fields.depends('state', 'company', 'reason', 'reason_group', 'building',
        'source', 'received_date', 'routing_rule', 'routing_manual',
        'support_line', 'operator', 'priority', 'observers', 'deadline',
        'reaction_deadline', methods=['compute_deadlines'])
    def route_form(self, force=False):
        if (self.state or 'draft') == 'draft':
            self.apply_routing(force=force)

    def _super_on_change(self, name):
        method = getattr(super(), name, None)
        if method:
            method()

    @fields.depends(methods=['route_form'])
    def on_change_reason(self):
        self._super_on_change('on_change_reason')
        self.route_form()

    @fields.depends(methods=['route_form'])
    def on_change_reason_group(self):
        self._super_on_change('on_change_reason_group')
        self.route_form()

    @fields.depends(methods=['route_form'])
    def on_change_building(self):
        self._super_on_change('on_change_building')
        self.route_form()

    @fields.depends(methods=['route_form'])
    def on_change_premise(self):
        self._super_on_change('on_change_premise')
        self.route_form()

    @fields.depends(methods=['route_form'])
    def on_change_accounts(self):
        self._super_on_change('on_change_accounts')
        self.route_form()

    @fields.depends(methods=['route_form'])
    def on_change_applicant(self):
        self._super_on_change('on_change_applicant')
        self.route_form()

    @fields.depends(methods=['route_form'])
    def on_change_source(self):
        self._super_on_change('on_change_source')
        self.route_form()

    @fields.depends(methods=['route_form'])
    def on_change_received_date(self):
        self._super_on_change('on_change_received_date')
        self.route_form()

    @fields.depends('state', 'routing_manual', 'routing_rule', 'company',
        'support_line', 'operator', 'priority')
    def _chosen_by_hand(self, name):
        """Mark «assigned by hand» when the value of name differs from what
        routing would put there: clients also call on_change for the
        default values of a new record, which nobody chose"""
        if (self.state or 'draft') != 'draft' or self.routing_manual:
            return
        spec = self.routing_spec()
        routed = getattr(spec, name, None) if spec else None
        if not routed:
            routed = {
                'support_line': self.default_support_line,
                'operator': lambda: None,
                'priority': self.default_priority,
                }[name]()
        value = getattr(self, name, None)
        if (value.id if hasattr(value, 'id') else value) != routed:
            self.routing_manual = True

    @fields.depends(methods=['_chosen_by_hand'])
    def on_change_support_line(self):
        self._super_on_change('on_change_support_line')
        self._chosen_by_hand('support_line')

    @fields.depends(methods=['_chosen_by_hand'])
    def on_change_operator(self):
        self._super_on_change('on_change_operator')
        self._chosen_by_hand('operator')

    @fields.depends(methods=['_chosen_by_hand'])
    def on_change_priority(self):
        self._super_on_change('on_change_priority')
        self._chosen_by_hand('priority')

    @fields.depends('routing_manual', methods=['route_form'])
    def on_change_routing_manual(self):
        if not self.routing_manual:
            self.route_form(force=True)

    # -- observers --------------------------------------------------------

    @classmethod
    def on_modification(cls, mode, appeals, field_names=None):
        super().on_modification(mode, appeals, field_names=field_names)
        # A life-cycle step saves its stage before it writes the state: the
        # state's write tells the observers of both, once.  A move between
        # the stages of one state tells them itself (stage.py).
        if mode == 'write' and field_names and 'state' in field_names:
            cls.notify_observers(appeals)

    @classmethod
    def notify_observers(cls, appeals):
        """Tell the observers of appeals (but the user who made the change)
        their new state: a notification in the client and one letter per
        appeal to those who have an e-mail, archived on the appeal"""
        pool = Pool()
        Email = pool.get('ir.email')
        transaction = Transaction()
        emails = []
        for appeal in appeals:
            observers = [u for u in appeal.observers
                if u.id != transaction.user]
            if not observers:
                continue
            values = {name: PLACEHOLDERS[name](appeal)
                for name in ['number', 'stage', 'reason', 'address',
                    'operator']}
            label = gettext('crm_dispatch.msg_observer_label', **values)
            description = gettext(
                'crm_dispatch.msg_observer_description', **values)
            for user in observers:
                cls.notify_user([appeal], 'tryton-notification', label,
                    description=description, user=user.id)
            addresses = sorted({u.email for u in observers if u.email})
            if not addresses:
                continue
            subject, body = cls.observer_letter(appeal, values)
            msg = EmailMessage()
            msg['From'] = config.get('email', 'from')
            msg['To'] = ', '.join(addresses)
            msg['Subject'] = subject
            msg.set_content(body)
            send_message_transactional(msg)
            emails.append(Email.from_message(msg, body=body, resource=appeal))
        Email.save(emails)

    @classmethod
    def observer_letter(cls, appeal, values):
        """(subject, text) of the letter to observers: the organisation's
        template for observers, else the module's text"""
        Template = Pool().get('crm.message.template')
        if template := Template.pick('observer', appeal.company):
            return template.render(appeal)
        return (gettext('crm_dispatch.msg_observer_label', **values),
            gettext('crm_dispatch.msg_observer_body', **values))


class AppealObserver(ModelSQL):
    "Appeal observer"
    __name__ = 'crm.appeal-res.user'
    __string__ = "Appeal observer"
    appeal = fields.Many2One(
        'crm.appeal', "Appeal", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('appeal')
        t = cls.__table__()
        cls._sql_indexes.update({
                # The operators' rule finds the appeals a user observes
                Index(t, (t.user, Index.Range())),
                # A list's «Наблюдатели» column: the observers of each row
                Index(t, (t.appeal, Index.Range())),
                })
