"""What the portal tells a resident: events of his appeals (a reply, a new
stage) and, once informing arrives, campaign messages with no appeal."""
import datetime as dt

from sql import Null
from sql.aggregate import Count

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.transaction import Transaction, without_check_access

KINDS = [
    ('stage', "Stage Changed"),
    ('reply', "Reply"),
    ('campaign', "Campaign"),
    ]


class Notification(ModelSQL, ModelView):
    "Portal Notification"
    __name__ = 'crm.portal.notification'
    __string__ = "Portal Notification"

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
        cls._sql_indexes.update({
                Index(t, (t.web_user, Index.Range()),
                    (t.create_date, Index.Range(order='DESC'))),
                # The header's badge on every page: only the unread rows
                Index(t, (t.web_user, Index.Range()),
                    where=t.read_date == Null),
                })
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def unread_count(cls, web_user):
        "The number of unread notifications of web_user: one indexed COUNT"
        t = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*t.select(Count(t.id),
                where=(t.web_user == web_user.id) & (t.read_date == Null)))
        return cursor.fetchone()[0]

    @classmethod
    def mark_read(cls, notifications):
        """Mark notifications read; they must come from a search under the
        portal's rules (the resident's own), the write is the system's"""
        unread = [n for n in notifications if not n.read_date]
        if unread:
            with without_check_access():
                cls.write(cls.browse(unread), {'read_date': dt.datetime.now()})
        return len(unread)
