"What the portal tells a resident about his appeals."
from sql.aggregate import Count

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.transaction import Transaction

KINDS = [
    ('stage', "Stage Changed"),
    ('reply', "Reply"),
    ('campaign', "Campaign"),
    ]


class Notification(ModelSQL, ModelView):
    "Portal Notification"
    __name__ = 'crm.portal.notification'

    web_user = fields.Many2One('web.user', "Resident", required=True,
        ondelete='CASCADE', readonly=True)
    appeal = fields.Many2One('crm.appeal', "Appeal", ondelete='CASCADE',
        readonly=True)
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    title = fields.Char("Title", required=True, readonly=True)
    text = fields.Text("Text", readonly=True)
    read_date = fields.DateTime("Read", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.web_user, Index.Range()),
                (t.create_date, Index.Range(order='DESC'))))
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def unread_count(cls, web_user):
        t = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*t.select(Count(t.id),
                where=(t.web_user == web_user.id) & (t.read_date == None)))  # noqa: E711
        return cursor.fetchone()[0]
