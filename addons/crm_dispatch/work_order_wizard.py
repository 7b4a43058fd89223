"""The dialogs of work orders: postpone, done, redirect, dispatch many from
the unallocated queue; and on the appeal «Создать заявку»."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import AppealError
from .work_order import PRIORITIES, WAITING


def _team_domain():
    return [('company', '=', Eval('company', -1))]


def _employee_domain():
    return [('company', '=', Eval('company', -1)),
        If(Bool(Eval('team')), ('crm_teams', '=', Eval('team', -1)), ())]


class _Assign:
    "Team and employee of one organisation, the employee within the team"
    __slots__ = ()
    company = fields.Many2One('company.company', "Organisation",
        readonly=True)
    team = fields.Many2One('crm.executor.team', "Team",
        domain=_team_domain())
    employee = fields.Many2One('company.employee', "Executor",
        domain=_employee_domain())

    @fields.depends('team', 'employee')
    def on_change_team(self):
        if self.employee and self.team not in self.employee.crm_teams:
            self.employee = None


def _company_of(records):
    companies = {r.company for r in records}
    if len(companies) != 1:
        raise AppealError(gettext(
                'crm_dispatch.msg_work_order_one_company'))
    return companies.pop().id


class PostponeStart(ModelView):
    "Postpone work orders"
    __name__ = 'crm.work_order.postpone.start'
    __string__ = "Postpone work orders"
    reason = fields.Text("Reason", required=True)
    until = fields.DateTime("Resume On",
        help="The new planned start; empty: keep it.")


class Postpone(Wizard):
    "Postpone work orders with a reason"
    __name__ = 'crm.work_order.postpone'
    start = StateView('crm.work_order.postpone.start',
        'crm_dispatch.work_order_postpone_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Postpone", 'postpone', 'tryton-ok', default=True),
            ])
    postpone = StateTransition()

    def transition_postpone(self):
        self.model.do_postpone(self.records, self.start.reason,
            until=self.start.until)
        return 'end'


class FinishStart(ModelView):
    "Work order done"
    __name__ = 'crm.work_order.finish.start'
    __string__ = "Work order done"
    decision = fields.Many2One('crm.work_order.decision', "Decision",
        required=True)
    measures = fields.Text("Measures Taken")
    photo = fields.Binary("Photo of the Result", filename='photo_name')
    photo_name = fields.Char("File Name")


class Finish(Wizard):
    "Close work orders with a decision, measures and a photo"
    __name__ = 'crm.work_order.finish'
    start = StateView('crm.work_order.finish.start',
        'crm_dispatch.work_order_finish_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Done", 'finish', 'tryton-ok', default=True),
            ])
    finish = StateTransition()

    def default_start(self, fields):
        if len(self.records) == 1:
            return {'measures': self.records[0].measures}
        return {}

    def transition_finish(self):
        photos = []
        if self.start.photo:
            photos.append((self.start.photo_name or 'photo.jpg',
                    self.start.photo))
        self.model.do_finish(self.records, self.start.decision,
            measures=self.start.measures, photos=photos)
        return 'end'


class RedirectStart(_Assign, ModelView):
    "Redirect work orders"
    __name__ = 'crm.work_order.redirect.start'
    __string__ = "Redirect work orders"
    comment = fields.Text("Comment")


class Redirect(Wizard):
    "Redirect work orders to another team or employee"
    __name__ = 'crm.work_order.redirect'
    start = StateView('crm.work_order.redirect.start',
        'crm_dispatch.work_order_redirect_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Redirect", 'redirect', 'tryton-ok', default=True),
            ])
    redirect = StateTransition()

    def default_start(self, fields):
        return {'company': _company_of(self.records)}

    def transition_redirect(self):
        self.model.do_redirect(self.records, team=self.start.team,
            employee=self.start.employee, comment=self.start.comment)
        return 'end'


class DispatchStart(_Assign, ModelView):
    "Dispatch work orders"
    __name__ = 'crm.work_order.dispatch.start'
    __string__ = "Dispatch work orders"
    count = fields.Integer("Work Orders", readonly=True)


class Dispatch(Wizard):
    "Assign many waiting work orders to a team and/or employee at once"
    __name__ = 'crm.work_order.dispatch'
    start = StateView('crm.work_order.dispatch.start',
        'crm_dispatch.work_order_dispatch_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Assign", 'dispatch', 'tryton-ok', default=True),
            ])
    dispatch = StateTransition()

    def default_start(self, fields):
        # Refused at once rather than after the form (the step itself
        # locks and checks again)
        state_strings = dict(
            self.model.fields_get(['state'])['state']['selection'])
        for order in self.records:
            if order.state not in WAITING:
                raise AppealError(gettext(
                        'crm_dispatch.msg_work_order_state',
                        order=order.rec_name,
                        state=state_strings[order.state]))
        teams = {r.team for r in self.records}
        return {
            'company': _company_of(self.records),
            'count': len(self.records),
            'team': teams.pop().id if len(teams) == 1 and None not in teams
            else None,
            }

    def transition_dispatch(self):
        self.model.do_dispatch(self.records, team=self.start.team,
            employee=self.start.employee)
        return 'end'


class CreateOrderStart(_Assign, ModelView):
    "Create a work order from an appeal"
    __name__ = 'crm.appeal.create_order.start'
    __string__ = "Create a work order from an appeal"
    priority = fields.Selection(PRIORITIES, "Priority", required=True,
        sort=False)
    planned_start = fields.DateTime("Planned Start")
    planned_end = fields.DateTime("Planned End")
    description = fields.Text("What to Do", required=True)


class CreateOrder(Wizard):
    "Create a work order (заявка) from an appeal"
    __name__ = 'crm.appeal.create_order'
    start = StateView('crm.appeal.create_order.start',
        'crm_dispatch.appeal_create_order_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateTransition()

    def default_start(self, fields):
        Team = Pool().get('crm.executor.team')
        appeal = self.record
        if appeal.state not in ['draft', 'in_work']:
            raise AppealError(gettext(
                    'crm_dispatch.msg_work_order_appeal_closed',
                    appeal=appeal.rec_name))
        teams = Team.serving(appeal.building)
        return {
            'company': appeal.company.id,
            'team': teams[0].id if len(teams) == 1 else None,
            'priority': 'normal',
            'description': appeal.description,
            }

    def transition_create_(self):
        WorkOrder = Pool().get('crm.work_order')
        appeal = self.record
        start = self.start
        WorkOrder.create([{
                    'company': appeal.company.id,
                    'appeal': appeal.id,
                    'building': appeal.building.id if appeal.building
                    else None,
                    'premise': appeal.premise.id if appeal.premise else None,
                    'team': start.team.id if start.team else None,
                    'employee': start.employee.id if start.employee
                    else None,
                    'priority': start.priority,
                    'planned_start': start.planned_start,
                    'planned_end': start.planned_end,
                    'description': start.description,
                    }])
        return 'end'
