"""The conversation of an appeal with its resident.

A message is written either by the resident in the portal (always public)
or by the staff in the back office, public (the resident sees it and is
told of it) or internal (only the staff see it; the default, so that a
forgotten switch never shows a note to the resident).  Messages follow
the scope of their appeal and are not edited once posted: what the
resident has read must stay what was sent."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from trytond.modules.crm_dispatch.appeal_comment import AppealNote
from trytond.modules.crm_dispatch.appeal_wizard import AppealWizardMixin
from trytond.modules.crm_dispatch.exceptions import AppealError

AUTHORS = [
    ('resident', "Resident"),
    ('staff', "Staff"),
    ]


class AppealMessage(AppealNote, ModelSQL, ModelView):
    "Appeal Message"
    __name__ = 'crm.appeal.message'
    __string__ = "Appeal Message"

    appeal = fields.Many2One('crm.appeal', "Appeal", required=True,
        ondelete='CASCADE', states={'readonly': Eval('id', -1) >= 0})
    author_kind = fields.Selection(AUTHORS, "Author Kind", required=True,
        readonly=True)
    web_user = fields.Many2One('web.user', "Resident", readonly=True,
        ondelete='SET NULL')
    author = fields.Many2One('res.user', "Author", readonly=True)
    date = fields.DateTime("Date", readonly=True)
    text = fields.Text("Text", required=True,
        states={'readonly': Eval('id', -1) >= 0})
    public = fields.Boolean("Public",
        help="The resident sees the message in the portal.",
        states={'readonly': Eval('id', -1) >= 0})
    attachments = fields.One2Many('ir.attachment', 'resource', "Files")
    author_name = fields.Function(fields.Char("From"), 'get_author_name')

    @classmethod
    def default_author_kind(cls):
        return 'staff'

    @classmethod
    def default_public(cls):
        return False

    def get_author_name(self, name):
        if self.author_kind == 'resident':
            party = self.appeal.applicant if self.appeal else None
            name = party.rec_name if party else (
                self.web_user.rec_name if self.web_user else '')
            return gettext('crm_portal.msg_message_from_resident', name=name)
        return self.author.rec_name if self.author else ''

    @classmethod
    def _posted(cls, values, external):
        """values of a new message with who and when set by the server: a
        staff member cannot post in the resident's name; the portal posts
        for him with full rights"""
        values = values.copy()
        if values.get('author_kind') == 'resident' and values.get(
                'web_user') and not external:
            values.update(author=None, public=True)
        else:
            values.update(author_kind='staff', web_user=None,
                author=Transaction().user or None)
            values['public'] = bool(values.get('public'))
        values['date'] = dt.datetime.now()
        if not (values.get('text') or '').strip():
            raise AppealError(gettext('crm_portal.msg_message_empty'))
        return values

    @classmethod
    def check_modification(cls, mode, messages, values=None, external=False):
        super().check_modification(
            mode, messages, values=values, external=external)
        if mode not in {'write', 'delete'} or not external:
            return
        for message in messages:
            key = ('crm_portal.msg_message_resident_readonly'
                if message.author_kind == 'resident'
                else 'crm_portal.msg_message_posted')
            raise AccessError(gettext(key, appeal=message.appeal.rec_name))

    @classmethod
    def create(cls, vlist):
        transaction = Transaction()
        external = bool(transaction.user and transaction.check_access)
        messages = super().create(
            [cls._posted(v, external) for v in vlist])
        Appeal = Pool().get('crm.appeal')
        # Internal notes and the resident's own words tell nobody
        for message in messages:
            if message.public and message.author_kind == 'staff':
                Appeal.notify_residents(message.appeal, 'reply',
                    text=message.text)
        return messages


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    messages = fields.One2Many('crm.appeal.message', 'appeal', "Messages",
        readonly=True)
    quality_checked = fields.Boolean("Quality Checked",
        help="The supervisor has looked into the low rating.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'reply_resident': {
                    'invisible': Eval('id', -1) < 0,
                    'depends': ['id'],
                    },
                })

    @classmethod
    @ModelView.button_action('crm_portal.wizard_appeal_reply')
    def reply_resident(cls, appeals):
        pass


class Attachment(metaclass=PoolMeta):
    __name__ = 'ir.attachment'

    portal_public = fields.Boolean("Shown to the Resident",
        help="The resident sees the file in the portal.")


class ReplyStart(ModelView):
    "Message to the resident"
    __name__ = 'crm.appeal.reply.start'
    __string__ = "Message to the resident"
    text = fields.Text("Message", required=True)
    public = fields.Boolean("Visible to the Resident",
        help="Ticked: the resident sees the message in the portal and is "
        "notified. Not ticked: an internal note only the staff see.")

    @classmethod
    def default_public(cls):
        return False


class Reply(AppealWizardMixin, Wizard):
    "Write to the resident"
    __name__ = 'crm.appeal.reply'
    __string__ = "Write to the resident"
    start = StateView('crm.appeal.reply.start',
        'crm_portal.appeal_reply_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Send", 'send', 'tryton-ok', default=True),
            ])
    send = StateTransition()

    def transition_send(self):
        Message = Pool().get('crm.appeal.message')
        self.check_records(states=None)
        Message.create([{
                    'appeal': a.id,
                    'text': self.start.text,
                    'public': bool(self.start.public),
                    } for a in self.records])
        return 'end'
