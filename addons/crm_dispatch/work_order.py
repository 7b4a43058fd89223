"""Work orders (заявки, наряды): what an executor team or employee does at
an address, from an appeal or planned on its own.

created → in_progress ⇄ postponed (reason) → done (decision, measures,
photos), or redirected (to another team/employee, with a comment; taken
again from there), or cancelled.  Every step locks the orders' rows and
re-checks their committed state (`appeal_lifecycle.locked`), so of two
executors pressing «Взять в работу» at once one wins."""
import datetime as dt

from sql import Null

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, check_access

from .appeal_lifecycle import locked
from .catalogue import Ordered
from .exceptions import AppealError
from .locking import lock_rows
from .speedups import (
    TranslatedSelection, ids_only_search, read_with_labels)
from . import work_order_notify

STATES = [
    ('created', "Created"),
    ('in_progress', "In Progress"),
    ('postponed', "Postponed"),
    ('done', "Done"),
    ('redirected', "Redirected"),
    ('cancelled', "Cancelled"),
    ]
# Waiting for someone to take them
WAITING = ['created', 'redirected']
OPEN = ['created', 'in_progress', 'postponed', 'redirected']
PRIORITIES = [
    ('low', "Low"),
    ('normal', "Normal"),
    ('high', "High"),
    ('emergency', "Emergency"),
    ]
# What an executor may change of his order himself (the rest goes
# through the steps)
EXECUTOR_FIELDS = {'measures'}
DISPATCHER_GROUPS = [
    ('crm_dispatch', 'group_crm_operator'),
    ('crm_dispatch', 'group_crm_supervisor'),
    ('crm_dispatch', 'group_crm_admin'),
    ]


class Decision(DeactivableMixin, Ordered, ModelSQL, ModelView):
    "Work order decision (Решение по заявке)"
    __name__ = 'crm.work_order.decision'
    __string__ = "Work order decision"
    _history = True
    name = fields.Char("Name", required=True, translate=True)
    text = fields.Text("Text",
        help="Proposed as the work done when the appeal is closed; "
        "empty: the name.")


# What only a dispatcher sets (an executor reads it): open orders
_dispatch = {'readonly': ~Eval('state').in_(OPEN) | ~Eval('can_dispatch')}
_dispatch_new = {
    'readonly': (Eval('state') != 'created') | ~Eval('can_dispatch')}


class WorkOrder(Workflow, ModelSQL, ModelView):
    "Work order (Заявка)"
    __name__ = 'crm.work_order'
    __string__ = "Work order"
    _history = True
    _rec_name = 'number'

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One('company.company', "Organisation",
        required=True, states=_dispatch_new)
    appeal = fields.Many2One('crm.appeal', "Appeal", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states=_dispatch_new, help="Empty for planned work.")
    team = fields.Many2One('crm.executor.team', "Team", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states=_dispatch_new)
    employee = fields.Many2One('company.employee', "Executor",
        ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1)),
            If(Bool(Eval('team')), ('crm_teams', '=', Eval('team', -1)),
                ())],
        states=_dispatch_new)
    dispatcher = fields.Many2One('res.user', "Dispatcher", readonly=True,
        help="Told when the order is postponed or done.")
    priority = fields.Selection(PRIORITIES, "Priority", required=True,
        sort=False, states=_dispatch)
    planned_start = fields.DateTime("Planned Start", states=_dispatch)
    planned_end = fields.DateTime("Planned End",
        domain=[If(Bool(Eval('planned_start')) & Bool(Eval('planned_end')),
                ('planned_end', '>=', Eval('planned_start')), ())],
        states=_dispatch)
    building = fields.Many2One('crm.building', "Building",
        ondelete='RESTRICT', domain=[('company', '=', Eval('company', -1))],
        states=_dispatch_new)
    premise = fields.Many2One('crm.premise', "Premise", ondelete='RESTRICT',
        domain=[If(Bool(Eval('building')),
                ('building', '=', Eval('building', -1)), ())],
        states=_dispatch_new)
    address = fields.Function(fields.Char("Address"), 'get_address')
    contact = fields.Function(fields.Char("Contact"), 'get_contact')
    description = fields.Text("What to Do", required=True,
        states=_dispatch_new)
    state = TranslatedSelection(
        STATES, "State", readonly=True, required=True, sort=False)
    taken_date = fields.DateTime("Taken", readonly=True)
    postpone_reason = fields.Text("Postponement Reason", readonly=True)
    redirect_comment = fields.Text("Redirection Comment", readonly=True)
    decision = fields.Many2One('crm.work_order.decision', "Decision",
        readonly=True)
    measures = fields.Text("Measures Taken",
        states={'readonly': Eval('state') != 'in_progress'})
    done_date = fields.DateTime("Done", readonly=True)
    photos = fields.One2Many('ir.attachment', 'resource', "Photos and Files",
        help="Photos of the result and other files.")
    can_dispatch = fields.Function(fields.Boolean("Can Dispatch"),
        'get_can_dispatch')
    mine = fields.Function(fields.Boolean("Mine",
            help="Assigned to one of the user's employees."),
        'get_mine', searcher='search_mine')

    @classmethod
    def read(cls, ids, fields_names):
        return read_with_labels(super().read, cls, ids, fields_names)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        ids_only_search(cls)
        t = cls.__table__()
        cls._sql_indexes.update({
                # «Нераспределённые»: a team's waiting orders without an
                # executor, by plan
                Index(t, (t.team, Index.Range()),
                    (t.planned_start, Index.Range()),
                    where=t.state.in_(WAITING) & (t.employee == Null)),
                # «Мои»: an executor's open orders, by plan
                Index(t, (t.employee, Index.Range()),
                    (t.planned_start, Index.Range()),
                    where=t.state.in_(OPEN)),
                Index(t, (t.appeal, Index.Range())),
                Index(t, (t.state, Index.Equality())),
                })
        # A queue: by plan, then first come first served
        cls._order = [
            ('planned_start', 'ASC NULLS LAST'),
            ('id', 'ASC'),
            ]
        cls._transitions |= {
            ('created', 'in_progress'),
            ('redirected', 'in_progress'),
            ('in_progress', 'postponed'),
            ('postponed', 'in_progress'),
            ('in_progress', 'done'),
            *((s, 'redirected') for s in OPEN),
            *((s, 'cancelled') for s in OPEN),
            }
        cls._buttons.update({
                'take': {
                    'invisible': ~Eval('state').in_(WAITING),
                    'depends': ['state'],
                    },
                'postpone': {
                    'invisible': Eval('state') != 'in_progress',
                    'depends': ['state'],
                    },
                'resume': {
                    'invisible': Eval('state') != 'postponed',
                    'depends': ['state'],
                    },
                'finish': {
                    'invisible': Eval('state') != 'in_progress',
                    'depends': ['state'],
                    },
                'redirect': {
                    'invisible': ~Eval('state').in_(OPEN),
                    'depends': ['state'],
                    },
                # The dispatcher's: not shown to executors at all
                'dispatch': {
                    'invisible': (~Eval('state').in_(WAITING)
                        | ~Eval('can_dispatch')),
                    'depends': ['state', 'can_dispatch'],
                    },
                'cancel': {
                    'invisible': (~Eval('state').in_(OPEN)
                        | ~Eval('can_dispatch')),
                    'depends': ['state', 'can_dispatch'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('priority') == 'emergency', 'danger',
                    If(Eval('state') == 'postponed', 'warning',
                        If(Eval('state') == 'done', 'success',
                            If(Eval('state') == 'cancelled', 'muted', ''))))),
            ]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'created'

    @classmethod
    def default_priority(cls):
        return 'normal'

    @classmethod
    def default_dispatcher(cls):
        return Transaction().user or None

    @classmethod
    def default_can_dispatch(cls):
        return cls.is_dispatcher()

    @classmethod
    def get_can_dispatch(cls, orders, name):
        value = cls.is_dispatcher()
        return {o.id: value for o in orders}

    def get_mine(self, name):
        User = Pool().get('res.user')
        return bool(self.employee) and self.employee.id in (
            User.crm_executor_context()['crm_employees'])

    @classmethod
    def search_mine(cls, name, clause):
        User = Pool().get('res.user')
        _, operator, value = clause
        employees = User.crm_executor_context()['crm_employees']
        if (operator == '=') == bool(value):
            return [('employee', 'in', employees)]
        return ['OR', ('employee', 'not in', employees),
            ('employee', '=', None)]

    def get_address(self, name):
        if self.premise:
            return self.premise.rec_name
        if self.building:
            return self.building.rec_name
        return ''

    def get_contact(self, name):
        appeal = self.appeal
        if not appeal:
            return ''
        return ', '.join(filter(None, [
                    appeal.applicant.rec_name if appeal.applicant else None,
                    appeal.contact_phone]))

    @fields.depends('premise', 'building')
    def on_change_premise(self):
        if self.premise:
            self.building = self.premise.building

    @fields.depends('team', 'employee')
    def on_change_team(self):
        if self.employee and self.team not in self.employee.crm_teams:
            self.employee = None

    @fields.depends('employee', 'team')
    def on_change_employee(self):
        if self.employee and not self.team and self.employee.crm_teams:
            self.team = self.employee.crm_teams[0]

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        sequence = Configuration(1).work_order_sequence_used
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if not values.get('number'):
                values['number'] = sequence.get()
        orders = super().create(vlist)
        work_order_notify.assigned([o for o in orders if o.employee])
        return orders

    @classmethod
    def copy(cls, orders, default=None):
        default = default.copy() if default else {}
        for name in ['number', 'taken_date', 'postpone_reason',
                'redirect_comment', 'decision', 'measures', 'done_date',
                'photos']:
            default.setdefault(name, None)
        default.setdefault('state', 'created')
        return super().copy(orders, default=default)

    @classmethod
    def check_modification(cls, mode, orders, values=None, external=False):
        super().check_modification(
            mode, orders, values=values, external=external)
        if (external and mode in {'create', 'write', 'delete'}
                and not cls.is_dispatcher()
                and (mode != 'write' or set(values) - EXECUTOR_FIELDS)):
            raise AccessError(gettext(
                    'crm_dispatch.msg_work_order_executor_write'))
        if mode == 'delete' and external:
            for order in orders:
                if order.state != 'created':
                    raise AppealError(gettext(
                            'crm_dispatch.msg_work_order_delete',
                            order=order.rec_name))

    @classmethod
    def is_dispatcher(cls):
        "Whether the user dispatches orders (not only carries them out)"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        if not Transaction().user:
            return True
        groups = set(User.get_groups())
        return any(ModelData.get_id(*g) in groups for g in DISPATCHER_GROUPS)

    # -- one owner ----------------------------------------------------------

    @classmethod
    def lock_states(cls, orders, states):
        """Lock the rows of orders; refuse, saying where they are now,
        those the user no longer sees or whose committed state is not
        among states"""
        pool = Pool()
        Employee = pool.get('company.employee')
        rows = lock_rows(cls, orders, ['state', 'employee'])
        state_strings = dict(cls.fields_get(['state'])['state']['selection'])
        for order in orders:
            state, employee = rows.get(order.id, (None, None))
            if state is None or state in states:
                continue
            if state == 'in_progress' and set(states) <= set(WAITING):
                raise AppealError(gettext(
                        'crm_dispatch.msg_work_order_taken_already',
                        order=order.rec_name,
                        employee=Employee(employee).rec_name
                        if employee else ''))
            raise AppealError(gettext('crm_dispatch.msg_work_order_state',
                    order=order.rec_name, state=state_strings[state]))
        # After the state: of two takers, the loser learns who won rather
        # than that the order left his sight
        with check_access():
            cls.read(list(rows), ['id'])

    # -- steps ----------------------------------------------------------------

    @classmethod
    @locked(WAITING)
    @ModelView.button
    @Workflow.transition('in_progress')
    def take(cls, orders):
        """Take into work: the user's employee of the order's team becomes
        its executor when none is assigned"""
        pool = Pool()
        User = pool.get('res.user')
        employees = set(User.crm_executor_context()['crm_employees'])
        now = dt.datetime.now()
        for order in orders:
            if not order.employee:
                mine = [e for e in (order.team.employees if order.team
                        else []) if e.id in employees]
                if not mine:
                    raise AppealError(gettext(
                            'crm_dispatch.msg_work_order_no_executor',
                            order=order.rec_name))
                order.employee = mine[0]
            order.taken_date = now
        cls.save(orders)

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_work_order_postpone')
    def postpone(cls, orders):
        pass

    @classmethod
    @locked(['in_progress'])
    def do_postpone(cls, orders, reason, until=None):
        reason = (reason or '').strip()
        if not reason:
            raise AppealError(gettext(
                    'crm_dispatch.msg_work_order_postpone_reason'))
        cls._postpone(orders, reason, until)
        # Told once the transition wrote the new state
        work_order_notify.to_dispatcher(orders, 'postponed')

    @classmethod
    @Workflow.transition('postponed')
    def _postpone(cls, orders, reason, until):
        for order in orders:
            order.postpone_reason = reason
            if until:
                order.planned_start = until
                if order.planned_end and order.planned_end < until:
                    order.planned_end = None
        cls.save(orders)

    @classmethod
    @locked(['postponed'])
    @ModelView.button
    @Workflow.transition('in_progress')
    def resume(cls, orders):
        pass

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_work_order_finish')
    def finish(cls, orders):
        pass

    @classmethod
    @locked(['in_progress'])
    def do_finish(cls, orders, decision, measures=None, photos=()):
        """Done with decision and measures; photos: (file name, data) of
        the result, attached to each order"""
        if not decision:
            raise AppealError(gettext(
                    'crm_dispatch.msg_work_order_decision_required'))
        cls._finish(orders, decision, measures, photos)
        work_order_notify.to_dispatcher(orders, 'done')
        work_order_notify.appeals_done(orders)

    @classmethod
    @Workflow.transition('done')
    def _finish(cls, orders, decision, measures, photos):
        Attachment = Pool().get('ir.attachment')
        now = dt.datetime.now()
        attachments = []
        for order in orders:
            order.decision = decision
            if measures is not None:
                order.measures = (measures or '').strip() or None
            order.done_date = now
            attachments += [Attachment(resource=order, name=name, data=data,
                    type='data') for name, data in photos if data]
        cls.save(orders)
        Attachment.save(attachments)

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_work_order_redirect')
    def redirect(cls, orders):
        pass

    @classmethod
    @locked(OPEN)
    def do_redirect(cls, orders, team=None, employee=None, comment=None):
        "Hand the orders to another team and/or employee, with a comment"
        if not team and not employee:
            raise AppealError(gettext(
                    'crm_dispatch.msg_work_order_redirect_target'))
        cls._redirect(orders, team, employee, comment)
        work_order_notify.assigned(orders, redirected=True)

    @classmethod
    @Workflow.transition('redirected')
    def _redirect(cls, orders, team, employee, comment):
        for order in orders:
            cls._assign(order, team, employee)
            order.redirect_comment = (comment or '').strip() or None
            order.taken_date = None
        cls.save(orders)

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_work_order_dispatch')
    def dispatch(cls, orders):
        pass

    @classmethod
    @locked(WAITING)
    def do_dispatch(cls, orders, team=None, employee=None):
        "Assign waiting orders to a team and/or employee (no state change)"
        if not team and not employee:
            raise AppealError(gettext(
                    'crm_dispatch.msg_work_order_redirect_target'))
        user = Transaction().user
        for order in orders:
            cls._assign(order, team, employee)
            if user:
                order.dispatcher = user
        cls.save(orders)
        work_order_notify.assigned([o for o in orders if o.employee])

    @staticmethod
    def _assign(order, team, employee):
        if employee and team and team not in employee.crm_teams:
            raise AppealError(gettext(
                    'crm_dispatch.msg_work_order_not_in_team',
                    employee=employee.rec_name, team=team.rec_name))
        if team:
            order.team = team
        if employee:
            order.employee = employee
            if not team and employee.crm_teams and (
                    order.team not in employee.crm_teams):
                order.team = employee.crm_teams[0]
        elif team:
            # A team alone: its dispatcher or members pick the executor
            order.employee = None

    @classmethod
    @locked(OPEN)
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, orders):
        pass
