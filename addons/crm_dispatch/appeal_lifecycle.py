"The life cycle of appeals: take, transfer, close, reject, reopen..."
import datetime as dt
from email.message import EmailMessage
from functools import wraps

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import ModelView, Workflow
from trytond.pool import Pool
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction, check_access

from .exceptions import AppealError
from .locking import lock_rows

STATES = [
    ('draft', "Data Entry"),
    ('in_work', "In Work"),
    ('resolved', "Resolved"),
    ('rejected', "Rejected"),
    ]
OPEN_STATES = ['draft', 'in_work']
NOTIFY_CHANNELS = [
    ('phone', "By Phone"),
    ('email', "By E-Mail"),
    ('sms', "By SMS"),
    ]
AUTO_CLOSE_TEXT = "Проинформирован. Закрыто автоматически"


def locked(states):
    """Decorate a step of the life cycle that applies to appeals in states:
    lock their rows in the writing transaction and refuse the step (in
    Russian, saying who got there first) for an appeal whose committed
    state is another one, before anything is written.  Put it above
    ModelView.button so that it runs before the button's own checks."""
    def decorator(func):
        @wraps(func)
        def wrapper(cls, appeals, *args, **kwargs):
            cls.lock_states(appeals, states)
            return func(cls, appeals, *args, **kwargs)
        return wrapper
    return decorator


class AppealLifeCycle:
    """Transitions and wizard back-ends of crm.appeal; every step writes
    its event (who, when, from/to line and operator)."""
    __slots__ = ()

    @classmethod
    def check_states(cls, appeals, states=OPEN_STATES, rows=None):
        """Refuse, saying who got there first, the appeals whose state is
        not among states; rows: their committed (state, operator, closed
        by) by id, else their values as read"""
        User = Pool().get('res.user')
        for appeal in appeals:
            if rows is not None:
                state, operator, closed_by = rows.get(
                    appeal.id, (None, None, None))
            else:
                state, operator, closed_by = (appeal.state,
                    appeal.operator and appeal.operator.id,
                    appeal.closed_by and appeal.closed_by.id)
            if state is None or state in states:
                continue
            state_string = dict(
                cls.fields_get(['state'])['state']['selection'])[state]
            if state == 'in_work' and 'draft' in states:
                raise AppealError(gettext(
                        'crm_dispatch.msg_appeal_taken_already',
                        appeal=appeal.rec_name,
                        operator=User(operator).rec_name if operator
                        else ''))
            elif state in OPEN_STATES:
                raise AppealError(gettext(
                        'crm_dispatch.msg_appeal_open_already',
                        appeal=appeal.rec_name, state=state_string))
            user = closed_by or operator
            raise AppealError(gettext(
                    'crm_dispatch.msg_appeal_closed_already',
                    appeal=appeal.rec_name, state=state_string,
                    user=User(user).rec_name if user else ''))

    @classmethod
    def lock_states(cls, appeals, states):
        """Lock the rows of appeals and check that the user may still see
        them and that their committed states are among states"""
        rows = cls._lock_rows(appeals)
        # Wizards run their steps without access checks, and the appeal
        # may have left the user's line while his dialog was open
        with check_access():
            cls.read(list(rows), ['id'])
        cls.check_states(appeals, states, rows=rows)

    @classmethod
    def sort_out(cls, appeals, states, check=None):
        """Lock the rows of appeals for a step run on several at once and
        split them into those it applies to and the reasons (in Russian)
        why it skips the others: no longer the user's to see, committed
        state not among states (someone got there first), or refused by
        check(appeal) with an AppealError.  One refusal does not stop the
        batch, as lock_states would."""
        rows = cls._lock_rows(appeals)
        with check_access():
            visible = {a.id for a in cls.search([('id', 'in', list(rows))])}
        doable, skipped = [], []
        for appeal in appeals:
            try:
                if appeal.id not in visible:
                    raise AppealError(gettext(
                            'crm_dispatch.msg_appeal_out_of_sight',
                            appeal=appeal.rec_name))
                cls.check_states([appeal], states, rows=rows)
                if check:
                    check(appeal)
            except AppealError as error:
                skipped.append(error.message)
            else:
                doable.append(appeal)
        return doable, skipped

    @classmethod
    def _lock_rows(cls, appeals):
        """Lock the rows for the rest of the transaction and return their
        committed (state, operator, closed by) by id"""
        return lock_rows(cls, appeals, ['state', 'operator', 'closed_by'])

    def _spent_minutes(self, now):
        if not self.work_started:
            return self.labour_minutes
        spent = int((now - self.work_started).total_seconds() // 60)
        return (self.labour_minutes or 0) + max(spent, 0)

    @classmethod
    @locked(['draft'])
    @ModelView.button
    @Workflow.transition('in_work')
    def take(cls, appeals):
        "Take into work: the current user becomes the operator"
        pool = Pool()
        Event = pool.get('crm.appeal.event')
        User = pool.get('res.user')
        user = User(Transaction().user) if Transaction().user else None
        now = dt.datetime.now()
        events = []
        for appeal in appeals:
            appeal._require_reason()
            old_line, old_operator = appeal.support_line, appeal.operator
            if user and user.id:
                appeal.operator = user
                if not appeal.support_line and user.crm_lines:
                    appeal.support_line = user.crm_lines[0]
            appeal.work_started = now
            events.append(Event.build(appeal, 'taken', state='in_work',
                    from_line=old_line, to_line=appeal.support_line,
                    from_operator=old_operator, to_operator=appeal.operator))
        cls.save(appeals)
        Event.save(events)

    def check_closable(self):
        "Refuse to resolve this appeal (AppealError); others add reasons"
        self._require_reason()

    def _require_reason(self):
        if not self.reason:
            raise AppealError(gettext(
                    'crm_dispatch.msg_appeal_reason_required',
                    appeal=self.rec_name))

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_appeal_transfer')
    def transfer(cls, appeals):
        pass

    @classmethod
    @locked(OPEN_STATES)
    def do_transfer(cls, appeals, support_line=None, operator=None,
            comment=None):
        "Hand the appeals to another line and/or operator"
        pool = Pool()
        Event = pool.get('crm.appeal.event')
        if not support_line and not operator:
            raise AppealError(gettext('crm_dispatch.msg_transfer_target'))
        now = dt.datetime.now()
        events = []
        for appeal in appeals:
            old_line, old_operator = appeal.support_line, appeal.operator
            if support_line:
                appeal.support_line = support_line
            if operator is not None:
                appeal.operator = operator
            elif support_line and old_operator and (
                    support_line not in old_operator.crm_lines):
                appeal.operator = None
            if appeal.work_started:
                appeal.labour_minutes = appeal._spent_minutes(now)
                appeal.work_started = None
            if comment:
                appeal.operator_comment = '\n'.join(
                    filter(None, [appeal.operator_comment, comment]))
            events.append(Event.build(appeal, 'transferred',
                    from_line=old_line, to_line=appeal.support_line,
                    from_operator=old_operator, to_operator=appeal.operator,
                    comment=comment))
        cls.save(appeals)
        Event.save(events)

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_appeal_close')
    def close(cls, appeals):
        pass

    @classmethod
    @locked(OPEN_STATES)
    @Workflow.transition('resolved')
    def do_close(cls, appeals, work_done, result=None, notify=None):
        pool = Pool()
        Event = pool.get('crm.appeal.event')
        User = pool.get('res.user')
        work_done = (work_done or '').strip()
        if not work_done and result and result.text:
            work_done = result.text.strip()
        if not work_done:
            raise AppealError(gettext('crm_dispatch.msg_work_done_required'))
        now = dt.datetime.now()
        user = Transaction().user
        events = []
        for appeal in appeals:
            appeal.check_closable()
            appeal.work_done = work_done
            appeal.result = result
            appeal.closed_date = now
            appeal.closed_by = User(user) if user else None
            appeal.labour_minutes = appeal._spent_minutes(now)
            appeal.work_started = None
            if not appeal.operator and user:
                appeal.operator = User(user)
            if notify is not None:
                appeal.notify_on_close = notify
            events.append(Event.build(appeal, 'closed', state='resolved',
                    comment=work_done))
        cls.save(appeals)
        Event.save(events)
        cls.notify_closed([a for a in appeals if a.notify_on_close])

    @classmethod
    def close_notification(cls, appeal):
        """(subject, text) of the close notification: the organisation's
        close template, else the one of the settings"""
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Template = pool.get('crm.message.template')
        if template := Template.pick('close', appeal.company):
            return template.render(appeal)
        config_ = Configuration(1)
        params = {
            'number': appeal.number,
            'reason': appeal.reason.rec_name if appeal.reason else '',
            'work_done': appeal.work_done or '',
            'applicant': (appeal.applicant.rec_name
                if appeal.applicant else ''),
            }
        return (config_.close_notification_subject.format(**params),
            config_.close_notification_text.format(**params))

    @classmethod
    def notify_closed(cls, appeals):
        """Send the close notification by e-mail where the applicant left
        an address; other channels are recorded for the operator's call."""
        pool = Pool()
        Email = pool.get('ir.email')
        Event = pool.get('crm.appeal.event')
        now = dt.datetime.now()
        emails = []
        events = []
        for appeal in appeals:
            address = appeal.contact_email or (
                appeal.applicant.email if appeal.applicant else None)
            if appeal.notify_channel != 'email' or not address:
                events.append(Event.build(appeal, 'notify_pending',
                        state='resolved', channel=appeal.notify_channel))
                continue
            subject, body = cls.close_notification(appeal)
            msg = EmailMessage()
            msg['From'] = config.get('email', 'from')
            msg['To'] = address
            msg['Subject'] = subject
            msg.set_content(body)
            send_message_transactional(msg)
            emails.append(Email.from_message(
                    msg, body=body, resource=appeal))
            appeal.notified_date = now
            events.append(Event.build(appeal, 'notified', state='resolved',
                    comment=address))
        Email.save(emails)
        cls.save(appeals)
        Event.save(events)

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_appeal_reject')
    def reject(cls, appeals):
        pass

    @classmethod
    @locked(OPEN_STATES)
    @Workflow.transition('rejected')
    def do_reject(cls, appeals, reason=None):
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Event = pool.get('crm.appeal.event')
        reason = (reason or '').strip()
        if not reason and Configuration(1).reject_reason_required:
            raise AppealError(gettext(
                    'crm_dispatch.msg_reject_reason_required'))
        now = dt.datetime.now()
        events = []
        for appeal in appeals:
            appeal.reject_reason = reason or None
            appeal.closed_date = now
            appeal.labour_minutes = appeal._spent_minutes(now)
            appeal.work_started = None
            events.append(Event.build(appeal, 'rejected', state='rejected',
                    comment=reason))
        cls.save(appeals)
        Event.save(events)

    @classmethod
    @locked(['resolved', 'rejected'])
    @ModelView.button
    @Workflow.transition('in_work')
    def reopen(cls, appeals):
        pool = Pool()
        Event = pool.get('crm.appeal.event')
        now = dt.datetime.now()
        events = []
        for appeal in appeals:
            appeal.closed_date = None
            appeal.closed_by = None
            appeal.work_started = now
            events.append(Event.build(appeal, 'reopened', state='in_work'))
        cls.save(appeals)
        Event.save(events)

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_appeal_another')
    def another_question(cls, appeals):
        pass

    def open_another(self, reason, work_done=AUTO_CLOSE_TEXT):
        """Close this appeal as informed (when still open) and open a new
        one for the same applicant, contacts and accounts."""
        pool = Pool()
        Event = pool.get('crm.appeal.event')
        if self.state in OPEN_STATES:
            if self.state == 'draft' and not self.reason:
                raise AppealError(gettext(
                        'crm_dispatch.msg_appeal_reason_required',
                        appeal=self.rec_name))
            self.do_close([self], work_done or AUTO_CLOSE_TEXT)
        new, = self.copy([self], default={
                'reason': reason.id,
                'reason_group': reason.group.id,
                'description': None,
                'operator_comment': None,
                'previous_appeal': self.id,
                'operator': Transaction().user or None,
                'notify_on_close': False,
                })
        Event.record([self], 'another', comment=new.number)
        return new

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_appeal_rate')
    def rate(cls, appeals):
        pass

    @classmethod
    def do_rate(cls, appeals, rating, comment=None):
        pool = Pool()
        Event = pool.get('crm.appeal.event')
        if rating not in range(1, 6):
            raise AppealError(gettext('crm_dispatch.msg_rating_range'))
        events = []
        for appeal in appeals:
            if appeal.state != 'resolved' or not appeal.applicant:
                raise AppealError(gettext(
                        'crm_dispatch.msg_rate_not_resolved',
                        appeal=appeal.rec_name))
            appeal.rating = rating
            appeal.rating_comment = comment
            events.append(Event.build(appeal, 'rated', comment=f'{rating}★'))
        cls.save(appeals)
        Event.save(events)
