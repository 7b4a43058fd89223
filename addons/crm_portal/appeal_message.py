"The conversation of an appeal with its resident."
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import PoolMeta

AUTHORS = [
    ('resident', "Resident"),
    ('staff', "Staff"),
    ]


class AppealMessage(ModelSQL, ModelView):
    "Appeal Message"
    __name__ = 'crm.appeal.message'

    appeal = fields.Many2One('crm.appeal', "Appeal", required=True,
        ondelete='CASCADE')
    author_kind = fields.Selection(AUTHORS, "Author Kind", required=True,
        readonly=True)
    web_user = fields.Many2One('web.user', "Resident", readonly=True,
        ondelete='SET NULL')
    author = fields.Many2One('res.user', "Author", readonly=True)
    date = fields.DateTime("Date", readonly=True)
    text = fields.Text("Text", required=True)
    public = fields.Boolean("Public",
        help="The resident sees the message in the portal.")
    attachments = fields.One2Many('ir.attachment', 'resource', "Files")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.appeal, Index.Range()), (t.date, Index.Range())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    messages = fields.One2Many('crm.appeal.message', 'appeal', "Messages")
    quality_checked = fields.Boolean("Quality Checked",
        help="The supervisor has looked into the low rating.")


class Attachment(metaclass=PoolMeta):
    __name__ = 'ir.attachment'

    portal_public = fields.Boolean("Shown to the Resident",
        help="The resident sees the file in the portal.")
