"Personal accounts linked to residents' web accounts."
import secrets

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import PoolMeta

LINK_METHODS = [
    ('code', "Verification Code"),
    ('holder', "Holder and Area"),
    ('operator', "Operator"),
    ]


class AccountLink(ModelSQL, ModelView):
    "Portal Account Link"
    __name__ = 'crm.portal.account.link'
    _history = True

    web_user = fields.Many2One('web.user', "Resident", required=True,
        ondelete='CASCADE', readonly=True)
    account = fields.Many2One('crm.account', "Account", required=True,
        ondelete='CASCADE', readonly=True)
    company = fields.Function(
        fields.Many2One('company.company', "Organisation"),
        'get_company', searcher='search_company')
    method = fields.Selection(LINK_METHODS, "Linked By", readonly=True)
    linked_date = fields.DateTime("Linked", readonly=True)
    revoked_date = fields.DateTime("Revoked", readonly=True)
    revoked_by = fields.Many2One('res.user', "Revoked By", readonly=True)
    active = fields.Boolean("Active", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.web_user, Index.Range())),
                Index(t, (t.account, Index.Range())),
                })

    @classmethod
    def default_active(cls):
        return True

    def get_company(self, name):
        return self.account.company.id

    @classmethod
    def search_company(cls, name, clause):
        return [('account.company',) + tuple(clause[1:])]


class Account(metaclass=PoolMeta):
    __name__ = 'crm.account'

    portal_code = fields.Char("Portal Code", readonly=True, strip=False,
        help="Printed on the receipt or told by an operator: the resident "
        "links the account in the portal with it.")
    portal_links = fields.One2Many('crm.portal.account.link', 'account',
        "Portal Residents", readonly=True)

    @staticmethod
    def new_portal_code():
        "Eight digits, easy to type from a receipt"
        return '%08d' % secrets.randbelow(10 ** 8)
