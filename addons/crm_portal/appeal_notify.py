"""Telling residents of their appeals: a notification in the portal for
every active web user of the applicant and a letter to those who want one
and have a validated e-mail.

Two events tell them: a public reply of the staff (appeal_message.py) and
a new stage or state.  The latter hooks on crm_dispatch's notify_observers,
the one place a stage move or a life-cycle step tells its observers, once
per step."""
from email.message import EmailMessage

import trytond.config as config
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction, without_check_access

from trytond.modules.crm_dispatch.message_template import PLACEHOLDERS

# The resident's language: the portal speaks Russian only
LANGUAGE = 'ru'
# The kind of crm.message.template used for each kind of notification
TEMPLATE_KINDS = {
    'reply': 'portal_reply',
    'stage': 'portal_stage',
    }


def portal_url(path='/'):
    """The absolute address of a portal page for letters, written outside
    any request: [portal] url, else the address the server listens on"""
    base = config.get('portal', 'url', default=None)
    if not base:
        listen = config.get('web', 'listen', default='localhost:8000')
        base = 'http://%s/%s/portal' % (
            listen, Transaction().database.name)
    return base.rstrip('/') + path


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    @classmethod
    def notify_observers(cls, appeals):
        super().notify_observers(appeals)
        for appeal in appeals:
            cls.notify_residents(appeal, 'stage')

    @classmethod
    def notify_residents(cls, appeal, kind, text=None):
        """Tell the web users of the appeal's applicant of an event of kind
        ('reply' with its text, 'stage'); the resident who caused it in the
        portal is not told of his own deed"""
        pool = Pool()
        WebUser = pool.get('web.user')
        Notification = pool.get('crm.portal.notification')
        Email = pool.get('ir.email')
        transaction = Transaction()
        if not appeal.applicant:
            return
        acting = transaction.context.get('portal_web_user')
        # Who is told is the system's business, not the author's rights
        with without_check_access(), transaction.set_context(
                language=LANGUAGE):
            appeal = cls(appeal.id)
            users = [u for u in WebUser.search([
                        ('party', '=', appeal.applicant.id),
                        ('active', '=', True),
                        ]) if u.id != acting]
            if not users:
                return
            values = {name: PLACEHOLDERS[name](appeal)
                for name in ['number', 'public_stage', 'reason']}
            values['text'] = text or ''
            values['link'] = portal_url(f'/appeals/{appeal.id}')
            title = gettext(f'crm_portal.msg_notify_{kind}_title', **values)
            summary = text if kind == 'reply' else gettext(
                'crm_portal.msg_notify_stage_text', **values)
            Notification.create([{
                        'web_user': u.id, 'appeal': appeal.id, 'kind': kind,
                        'title': title, 'text': summary,
                        } for u in users])
            addresses = sorted({u.email for u in users
                    if u.notify_email and u.email and u.email_valid})
            if not addresses:
                return
            subject, body = cls.resident_letter(appeal, kind, values)
            msg = EmailMessage()
            msg['From'] = config.get('email', 'from')
            msg['To'] = ', '.join(addresses)
            msg['Subject'] = subject
            msg.set_content(body)
            send_message_transactional(msg)
            Email.save([Email.from_message(msg, body=body, resource=appeal)])

    @classmethod
    def resident_letter(cls, appeal, kind, values):
        """(subject, text) of the letter to the resident: the organisation's
        template of the kind, else the module's text; the reply and the
        link to the appeal's page follow, whatever the template says"""
        Template = Pool().get('crm.message.template')
        if template := Template.pick(TEMPLATE_KINDS[kind], appeal.company):
            subject, intro = template.render(appeal)
        else:
            subject = gettext(f'crm_portal.msg_notify_{kind}_title', **values)
            intro = gettext(f'crm_portal.msg_notify_{kind}_body', **values)
        parts = [intro.strip()]
        if kind == 'reply' and values['text']:
            parts.append(values['text'])
        parts.append(gettext('crm_portal.msg_notify_link', **values))
        return subject or gettext(
            f'crm_portal.msg_notify_{kind}_title', **values), '\n\n'.join(
            parts) + '\n'


class MessageTemplate(metaclass=PoolMeta):
    __name__ = 'crm.message.template'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for kind in [
                ('portal_reply', "Reply in the resident's portal"),
                ('portal_stage', "Stage change for the resident"),
                ]:
            if kind not in cls.kind.selection:
                cls.kind.selection.append(kind)
