"""The wizards of the dispatch card: «Назначить»/«Сменить» the responsible,
«Изменить срок» with a reason, «Создать исходящее обращение»."""
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .appeal_wizard import AppealWizardMixin


class ResponsibleStart(ModelView):
    "Assign the responsible"
    __name__ = 'crm.appeal.responsible.start'
    __string__ = "Assign the responsible"
    company = fields.Many2One('company.company', "Organisation",
        readonly=True)
    current = fields.Many2One('company.employee', "Current Responsible",
        readonly=True)
    responsible = fields.Many2One('company.employee', "Responsible",
        required=True, domain=[('company', '=', Eval('company', -1))])


class Responsible(AppealWizardMixin, Wizard):
    "Assign the responsible of an appeal"
    __name__ = 'crm.appeal.responsible'
    __string__ = "Assign the responsible of an appeal"
    start = StateView('crm.appeal.responsible.start',
        'crm_dispatch.appeal_responsible_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Assign", 'assign', 'tryton-ok', default=True),
            ])
    assign = StateTransition()

    def default_start(self, fields):
        self.check_records()
        appeal = self.records[0]
        return {
            'company': appeal.company.id,
            'current': appeal.responsible.id if appeal.responsible else None,
            }

    def transition_assign(self):
        self.check_records()
        self.model.set_responsible(self.records, self.start.responsible)
        return 'end'


class DeadlineStart(ModelView):
    "Change the deadline"
    __name__ = 'crm.appeal.deadline.start'
    __string__ = "Change the deadline"
    current = fields.DateTime("Current Deadline", readonly=True)
    deadline = fields.DateTime("New Deadline", required=True)
    reason = fields.Text("Reason", required=True,
        help="Why the deadline moves (the executor's schedule, waiting "
        "for parts…): it stays in the event log.")


class Deadline(AppealWizardMixin, Wizard):
    "Change the deadline of an appeal"
    __name__ = 'crm.appeal.deadline'
    __string__ = "Change the deadline of an appeal"
    start = StateView('crm.appeal.deadline.start',
        'crm_dispatch.appeal_deadline_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Change", 'change', 'tryton-ok', default=True),
            ])
    change = StateTransition()

    def default_start(self, fields):
        self.check_records()
        appeal = self.records[0]
        return {'current': appeal.deadline, 'deadline': appeal.deadline}

    def transition_change(self):
        self.check_records()
        self.model.move_deadline(
            self.records, self.start.deadline, self.start.reason)
        return 'end'


class OutgoingStart(ModelView):
    "Create an outgoing appeal"
    __name__ = 'crm.appeal.outgoing.start'
    __string__ = "Create an outgoing appeal"
    applicant = fields.Many2One('party.party', "Applicant", readonly=True)
    appeal_type = fields.Many2One('crm.appeal.type', "Type")
    reason = fields.Many2One('crm.appeal.reason', "Reason",
        help="Empty: the reason of the incoming appeal.")
    description = fields.Text("What to tell the applicant", required=True)


class Outgoing(AppealWizardMixin, Wizard):
    "Create an outgoing appeal from an incoming one"
    __name__ = 'crm.appeal.outgoing'
    __string__ = "Create an outgoing appeal from an incoming one"
    start = StateView('crm.appeal.outgoing.start',
        'crm_dispatch.appeal_outgoing_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateTransition()
    open_ = StateAction('crm_dispatch.act_appeal_form')

    def default_start(self, fields):
        self.check_records(states=None)
        appeal = self.records[0]
        return {
            'applicant': appeal.applicant.id if appeal.applicant else None,
            'appeal_type': (appeal.appeal_type.id if appeal.appeal_type
                else None),
            'reason': appeal.reason.id if appeal.reason else None,
            }

    def transition_create_(self):
        self.check_records(states=None)
        self.records[0].make_outgoing(self.start.description,
            reason=self.start.reason, appeal_type=self.start.appeal_type)
        return 'open_'

    def do_open_(self, action):
        "Open the new appeal (the latest outgoing one of this appeal)"
        Appeal = Pool().get('crm.appeal')
        outgoing, = Appeal.search([
                ('incoming_appeal', '=', self.records[0].id),
                ], order=[('id', 'DESC')], limit=1)
        action['views'].reverse()
        return action, {'res_id': [outgoing.id]}
