"Wizards operators and supervisors run on appeals."
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .appeal_lifecycle import AUTO_CLOSE_TEXT, OPEN_STATES
from .exceptions import AppealError


class AppealWizardMixin:
    "Checks shared by the wizards run from one or many appeals."
    __slots__ = ()

    def start_values(self, states=OPEN_STATES):
        "Check the appeals and return the defaults every start form shows"
        self.check_records(states=states)
        return {'count': len(self.records)}

    def check_records(self, states=OPEN_STATES):
        "Refuse the whole run; states None: the batch skips appeals itself"
        User = Pool().get('res.user')
        if len(self.records) > 1 and User.crm_restricted():
            raise AppealError(gettext('crm_dispatch.msg_mass_supervisor'))
        if states is not None:
            self.model.check_states(self.records, states)


class OperationDone(ModelView):
    "Result of an operation on appeals"
    __name__ = 'crm.appeal.done'
    __string__ = "Result of an operation on appeals"
    message = fields.Text("Result", readonly=True)


class ReportMixin:
    """The wizard ends on a form saying what was done and what skipped;
    the list it was run from is searched again (sao: 'reload'), so that
    appeals that left it (another line) are no longer shown."""
    __slots__ = ()
    done = StateView('crm.appeal.done',
        'crm_dispatch.appeal_done_view_form', [
            Button("OK", 'end', 'tryton-ok', default=True),
            ])

    def default_done(self, fields):
        return {'message': self.done.message}

    def report(self, message, skipped=()):
        "Keep the message and the skipped appeals' reasons for the form"
        lines = [message]
        if skipped:
            lines.append(gettext(
                    'crm_dispatch.msg_batch_skipped', count=len(skipped)))
            lines.extend(f'— {reason}' for reason in skipped)
        self.done.message = '\n'.join(lines)
        return 'done'

    def end(self):
        return 'reload'


def transfer_target(support_line, operator):
    "Where appeals went, as the result message says it"
    if support_line and operator:
        return gettext('crm_dispatch.msg_target_line_operator',
            line=support_line.rec_name, operator=operator.rec_name)
    elif support_line:
        return gettext('crm_dispatch.msg_target_line',
            line=support_line.rec_name)
    return gettext('crm_dispatch.msg_target_operator',
        operator=operator.rec_name if operator else '')


class TransferStart(ModelView):
    "Transfer appeals"
    __name__ = 'crm.appeal.transfer.start'
    __string__ = "Transfer appeals"
    support_line = fields.Many2One('crm.support_line', "Support Line")
    operator = fields.Many2One('res.user', "Operator",
        domain=[If(Bool(Eval('support_line')),
                ('crm_lines', '=', Eval('support_line', -1)), ())])
    comment = fields.Text("Comment")
    count = fields.Integer("Appeals", readonly=True)

    @fields.depends('support_line', 'operator')
    def on_change_support_line(self):
        if (self.operator and self.support_line
                and self.support_line not in self.operator.crm_lines):
            self.operator = None


class Transfer(ReportMixin, AppealWizardMixin, Wizard):
    "Transfer appeals to a line and/or operator"
    __name__ = 'crm.appeal.transfer'
    __string__ = "Transfer appeals to a line and/or operator"
    start = StateView('crm.appeal.transfer.start',
        'crm_dispatch.appeal_transfer_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Transfer", 'transfer', 'tryton-forward', default=True),
            ])
    transfer = StateTransition()

    def default_start(self, fields):
        values = self.start_values()
        if len(self.records) == 1:
            appeal, = self.records
            values['support_line'] = (
                appeal.support_line.id if appeal.support_line else None)
        return values

    def transition_transfer(self):
        self.check_records()
        self.model.do_transfer(self.records,
            support_line=self.start.support_line,
            operator=self.start.operator,
            comment=self.start.comment)
        appeal, = self.records
        return self.report(gettext('crm_dispatch.msg_transferred_one',
                appeal=appeal.rec_name,
                target=transfer_target(
                    self.start.support_line, self.start.operator)))


class CloseStart(ModelView):
    "Close appeals"
    __name__ = 'crm.appeal.close.start'
    __string__ = "Close appeals"
    result = fields.Many2One('crm.appeal.result', "Result",
        help="A template; its text fills «work done».")
    work_done = fields.Text("Work Done")
    notify = fields.Boolean("Notify the Applicant")
    count = fields.Integer("Appeals", readonly=True)

    @fields.depends('result', 'work_done')
    def on_change_result(self):
        if self.result and self.result.text:
            self.work_done = '\n'.join(
                filter(None, [self.result.text, self.work_done]))


class Close(AppealWizardMixin, Wizard):
    "Close appeals with the work done"
    __name__ = 'crm.appeal.close'
    __string__ = "Close appeals with the work done"
    start = StateView('crm.appeal.close.start',
        'crm_dispatch.appeal_close_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Close", 'close', 'tryton-ok', default=True),
            ])
    close = StateTransition()

    def default_start(self, fields):
        values = self.start_values()
        if len(self.records) == 1:
            values['notify'] = bool(self.records[0].notify_on_close)
        return values

    def transition_close(self):
        self.check_records()
        self.model.do_close(self.records, self.start.work_done,
            result=self.start.result, notify=self.start.notify)
        return 'end'


class RejectStart(ModelView):
    "Reject appeals"
    __name__ = 'crm.appeal.reject.start'
    __string__ = "Reject appeals"
    reason = fields.Text("Rejection Reason")
    reason_required = fields.Boolean("Reason Required", readonly=True)


class Reject(AppealWizardMixin, Wizard):
    "Reject appeals"
    __name__ = 'crm.appeal.reject'
    __string__ = "Reject appeals"
    start = StateView('crm.appeal.reject.start',
        'crm_dispatch.appeal_reject_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Reject", 'reject', 'tryton-ok', default=True),
            ])
    reject = StateTransition()

    def default_start(self, fields):
        Configuration = Pool().get('crm.configuration')
        self.check_records()
        return {'reason_required': Configuration(1).reject_reason_required}

    def transition_reject(self):
        self.check_records()
        self.model.do_reject(self.records, self.start.reason)
        return 'end'


class AnotherQuestionStart(ModelView):
    "Another question"
    __name__ = 'crm.appeal.another.start'
    __string__ = "Another question"
    work_done = fields.Text("Work Done on This Appeal",
        states={'invisible': ~Eval('close_current')})
    close_current = fields.Boolean("Close This Appeal", readonly=True)
    reason_group = fields.Many2One(
        'crm.appeal.reason.group', "Reason Group",
        search_context={'crm_usable_only': True})
    reason = fields.Many2One('crm.appeal.reason', "Reason", required=True,
        domain=[
            If(Bool(Eval('reason_group')),
                ('group', '=', Eval('reason_group', -1)), ()),
            ],
        search_context={'crm_usable_only': True})

    @fields.depends('reason', 'reason_group')
    def on_change_reason(self):
        if self.reason:
            self.reason_group = self.reason.group


class AnotherQuestion(AppealWizardMixin, Wizard):
    """Close the appeal as informed and open a new one for the same
    applicant on another question"""
    __name__ = 'crm.appeal.another'
    start = StateView('crm.appeal.another.start',
        'crm_dispatch.appeal_another_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Close and Open New", 'open_', 'tryton-ok',
                default=True),
            ])
    open_ = StateTransition()
    open_new = StateAction('crm_dispatch.act_appeal_form')

    def default_start(self, fields):
        self.check_records(states=OPEN_STATES + ['resolved'])
        if len(self.records) != 1:
            raise AppealError(gettext('crm_dispatch.msg_another_single'))
        appeal, = self.records
        return {
            'close_current': appeal.state in OPEN_STATES,
            'work_done': AUTO_CLOSE_TEXT,
            }

    def transition_open_(self):
        appeal, = self.records
        self.new_appeal = appeal.open_another(
            self.start.reason, work_done=self.start.work_done)
        return 'open_new'

    def do_open_new(self, action):
        return action, {'res_id': [self.new_appeal.id]}


class RateStart(ModelView):
    "Rate the applicant"
    __name__ = 'crm.appeal.rate.start'
    __string__ = "Rate the applicant"
    rating = fields.Selection([
            ('1', "★"),
            ('2', "★★"),
            ('3', "★★★"),
            ('4', "★★★★"),
            ('5', "★★★★★"),
            ], "Rating", required=True, sort=False)
    comment = fields.Text("Comment")


class Rate(AppealWizardMixin, Wizard):
    "Rate the applicant after the appeal is closed"
    __name__ = 'crm.appeal.rate'
    __string__ = "Rate the applicant after the appeal is closed"
    start = StateView('crm.appeal.rate.start',
        'crm_dispatch.appeal_rate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Save", 'rate', 'tryton-ok', default=True),
            ])
    rate = StateTransition()

    def default_start(self, fields):
        self.check_records(states=['resolved'])
        return {}

    def transition_rate(self):
        self.model.do_rate(
            self.records, int(self.start.rating), self.start.comment)
        return 'end'


class PublicMarkStart(ModelView):
    "Mark contact as public"
    __name__ = 'crm.contact.public.mark.start'
    __string__ = "Mark contact as public"
    comment = fields.Text("Comment", required=True)


class PublicMark(Wizard):
    "Mark a contact as public"
    __name__ = 'crm.contact.public.mark'
    __string__ = "Mark a contact as public"
    start = StateView('crm.contact.public.mark.start',
        'crm_dispatch.public_mark_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Confirm", 'mark', 'tryton-ok', default=True),
            ])
    mark = StateTransition()

    def transition_mark(self):
        self.model.mark_public(self.records, self.start.comment)
        return 'end'


class MassClose(ReportMixin, Close):
    """Close the selected appeals at once (supervisors): those that cannot
    be closed are skipped and reported, not a blocker for the rest"""
    __name__ = 'crm.appeal.mass_close'
    __string__ = "Close the selected appeals at once"

    def default_start(self, fields):
        return self.start_values(states=None)

    def transition_close(self):
        self.check_records(states=None)
        appeals, skipped = self.model.sort_out(self.records, OPEN_STATES,
            check=lambda appeal: appeal.check_closable())
        self.model.do_close(appeals, self.start.work_done,
            result=self.start.result, notify=self.start.notify)
        return self.report(gettext('crm_dispatch.msg_batch_closed',
                done=len(appeals), total=len(self.records)), skipped)


class MassTransfer(Transfer):
    """Transfer the selected appeals at once (supervisors): those that
    cannot be transferred are skipped and reported"""
    __name__ = 'crm.appeal.mass_transfer'
    __string__ = "Transfer the selected appeals at once"

    def default_start(self, fields):
        return self.start_values(states=None)

    def transition_transfer(self):
        self.check_records(states=None)
        appeals, skipped = self.model.sort_out(self.records, OPEN_STATES)
        self.model.do_transfer(appeals,
            support_line=self.start.support_line,
            operator=self.start.operator,
            comment=self.start.comment)
        return self.report(gettext('crm_dispatch.msg_batch_transferred',
                target=transfer_target(
                    self.start.support_line, self.start.operator),
                done=len(appeals), total=len(self.records)), skipped)
