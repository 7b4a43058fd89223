"""Internal comments of an appeal (seed 002 «Комментарии»): author, his
role, time, text and files of any kind (Tryton attachments of the
comment), seen by the dispatchers and by the executors of the appeal.

A comment follows the scope of its appeal (`__access__`): whoever may read
the appeal reads its comments, and may comment on it (an executor too, who
may not change the appeal).  Comments are not edited once posted.  The
users of the appeal's responsible and executors are told of a comment by
someone else (Tryton notification and a letter)."""
import datetime as dt
from email.message import EmailMessage

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.sendmail import send_message_transactional
from trytond.transaction import (
    Transaction, check_access, without_check_access)
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .appeal_wizard import AppealWizardMixin
from .exceptions import AppealError
from .message_template import _local

# The role of an author, the first group of his that is in this list
ROLES = [
    ('admin', "Administrator"),
    ('supervisor', "Senior Dispatcher"),
    ('dispatcher', "Dispatcher"),
    ('executor', "Executor"),
    ]
ROLE_GROUPS = {
    'admin': 'group_crm_admin',
    'supervisor': 'group_crm_supervisor',
    'dispatcher': 'group_crm_operator',
    'executor': 'group_crm_executor',
    }
# Models whose attachments may be added by whoever reads the record: an
# executor reads his appeal but may not change it, and adds photos
ATTACH_ON_READ = {'crm.appeal', 'crm.appeal.comment'}


class AppealNote:
    """What the notes written on an appeal share (comments here, the
    resident's conversation in crm_portal): they follow the appeal's
    scope, come in the order written, and know who wrote them when"""
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('appeal')
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.appeal, Index.Range()), (t.date, Index.Range())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_date(cls):
        return dt.datetime.now()

    @classmethod
    def default_author(cls):
        return Transaction().user or None

    def get_rec_name(self, name):
        # The notes of an appeal differ by when they were written, read on
        # the organisation's clock as the card shows them
        appeal = self.appeal
        if not appeal:
            return ''
        return ', '.join(filter(None, [
                    appeal.number, _local(appeal, self.date)]))


class Comment(AppealNote, ModelSQL, ModelView):
    "Appeal comment (Комментарий к обращению)"
    __name__ = 'crm.appeal.comment'
    __string__ = "Appeal comment"
    # Not readonly: clients do not send readonly fields on creation
    appeal = fields.Many2One('crm.appeal', "Appeal", required=True,
        ondelete='CASCADE', states={'readonly': Eval('id', -1) >= 0})
    date = fields.DateTime("Date", required=True, readonly=True)
    author = fields.Many2One('res.user', "Author", readonly=True)
    author_role = fields.Selection([(None, "")] + ROLES, "Role",
        readonly=True)
    text = fields.Text("Text", required=True)
    attachments = fields.One2Many('ir.attachment', 'resource', "Files")
    day = fields.Function(fields.Char("Day",
            help="The date, on the first comment of each day."),
        'get_day')
    file_names = fields.Function(fields.Char("Files"), 'get_file_names')


    @classmethod
    def default_author_role(cls):
        return cls.role_of(Transaction().user)

    @classmethod
    def role_of(cls, user_id):
        "The CRM role of the user, as his comments show it"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        if not user_id:
            return None
        with Transaction().set_user(user_id):
            groups = set(User.get_groups())
        for role, xml_id in ROLE_GROUPS.items():
            if ModelData.get_id('crm_dispatch', xml_id) in groups:
                return role
        return None

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            # Who and when are the server's, not the caller's
            user = Transaction().user or None
            values.update(author=user, author_role=cls.role_of(user),
                date=dt.datetime.now())
            if not (values.get('text') or '').strip():
                raise AppealError(gettext('crm_dispatch.msg_comment_empty'))
        return values

    @classmethod
    def get_day(cls, comments, name):
        """The day heading, on the first comment of each day of an appeal
        (the list is ordered by date): the comments read grouped by date"""
        result = {c.id: None for c in comments}
        appeals = {c.appeal for c in comments}
        for appeal in appeals:
            previous = None
            for comment in cls.search([('appeal', '=', appeal.id)]):
                day = _local(appeal, comment.date)[:10]
                if comment.id in result and day != previous:
                    result[comment.id] = day
                previous = day
        return result

    def get_file_names(self, name):
        return ', '.join(a.name for a in self.attachments) or None

    @classmethod
    def create(cls, vlist):
        comments = super().create(vlist)
        cls.notify(comments)
        return comments

    @classmethod
    def recipients(cls, comments):
        """{comment: set of res.user} to tell of each comment: the users
        of the appeal's responsible and executors, not the author"""
        result = {}
        for comment in comments:
            appeal = comment.appeal
            employees = list(appeal.executors)
            if appeal.responsible:
                employees.append(appeal.responsible)
            result[comment] = {u for e in employees for u in e.crm_users
                if u.active and u != comment.author}
        return result

    @classmethod
    def notify(cls, comments):
        """A notification in the client and one letter per comment to the
        recipients who have an e-mail, archived on the appeal"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Email = pool.get('ir.email')
        emails = []
        # Who is told is the system's business, not the author's rights
        with without_check_access():
            recipients = cls.recipients(comments)
        for comment, users in recipients.items():
            if not users:
                continue
            appeal = comment.appeal
            values = {
                'number': appeal.rec_name,
                'author': comment.author.rec_name if comment.author else '',
                'text': comment.text,
                }
            label = gettext('crm_dispatch.msg_comment_label', **values)
            for user in users:
                Appeal.notify_user([appeal], 'tryton-chat', label,
                    description=comment.text, user=user.id)
            addresses = sorted({u.email for u in users if u.email})
            if not addresses:
                continue
            body = gettext('crm_dispatch.msg_comment_body', **values)
            msg = EmailMessage()
            msg['From'] = config.get('email', 'from')
            msg['To'] = ', '.join(addresses)
            msg['Subject'] = label
            msg.set_content(body)
            send_message_transactional(msg)
            emails.append(Email.from_message(msg, body=body, resource=appeal))
        Email.save(emails)


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'
    comments = fields.One2Many('crm.appeal.comment', 'appeal', "Comments",
        readonly=True)
    files = fields.Function(fields.Many2Many('ir.attachment', None, None,
            "Files",
            help="The files of the appeal and of its comments; add one with "
            "the attachment button (a file may be dropped on it)."),
        'get_files')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'add_comment': {
                    'invisible': Eval('id', -1) < 0,
                    'depends': ['id'],
                    },
                })

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_appeal_comment')
    def add_comment(cls, appeals):
        pass

    @classmethod
    def get_files(cls, appeals, name):
        Attachment = Pool().get('ir.attachment')
        resources = {str(a): a.id for a in appeals}
        resources.update({str(c): a.id for a in appeals for c in a.comments})
        result = {a.id: [] for a in appeals}
        # Searched under the user's rights: what he may not read is left out
        with check_access():
            for attachment in Attachment.search([
                        ('resource', 'in', list(resources)),
                        ], order=[('create_date', 'ASC'), ('id', 'ASC')]):
                result[resources[str(attachment.resource)]].append(
                    attachment.id)
        return result


class Attachment(metaclass=PoolMeta):
    __name__ = 'ir.attachment'

    @classmethod
    def _convert_check_access(cls, model, mode):
        if model in ATTACH_ON_READ and mode == 'create':
            return [(model, 'read')]
        return super()._convert_check_access(model, mode)


class AddCommentFile(ModelView):
    "File of a new comment"
    __name__ = 'crm.appeal.comment.add.file'
    __string__ = "File of a new comment"
    name = fields.Char("File Name", required=True)
    data = fields.Binary("File", filename='name', required=True)


class AddCommentStart(ModelView):
    "New comment"
    __name__ = 'crm.appeal.comment.add.start'
    __string__ = "New comment"
    text = fields.Text("New Comment", required=True)
    files = fields.One2Many('crm.appeal.comment.add.file', None, "Files")


class AddComment(AppealWizardMixin, Wizard):
    "Comment on an appeal"
    __name__ = 'crm.appeal.comment.add'
    __string__ = "Comment on an appeal"
    start = StateView('crm.appeal.comment.add.start',
        'crm_dispatch.appeal_comment_add_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Send", 'send', 'tryton-ok', default=True),
            ])
    send = StateTransition()

    def transition_send(self):
        pool = Pool()
        Comment = pool.get('crm.appeal.comment')
        self.check_records(states=None)
        files = [{'name': f.name, 'data': f.data}
            for f in (self.start.files or []) if f.data]
        Comment.create([{
                    'appeal': a.id,
                    'text': self.start.text,
                    'attachments': [('create', files)] if files else [],
                    } for a in self.records])
        return 'end'
