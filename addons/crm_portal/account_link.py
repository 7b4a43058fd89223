"Personal accounts linked to residents' web accounts."
import datetime as dt
import hmac
import re
import secrets
from decimal import Decimal, InvalidOperation

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

LINK_METHODS = [
    ('code', "Verification Code"),
    ('holder', "Holder and Area"),
    ('operator', "Operator"),
    ]
# A resident types the area from his documents (54,3 or 54.30): the
# cadastre rounds to 0.1 m², the billing to 0.01 m²
AREA_TOLERANCE = Decimal('0.01')


def clean_number(value):
    "An account number as typed from a receipt: spaces and dashes dropped"
    return re.sub(r'[\s-]', '', value or '')


def clean_name(value):
    "A surname compared as people write it: any case, ё written as е"
    return (value or '').strip().casefold().replace('ё', 'е')


def parse_area(value):
    "The area typed by a resident (comma or point, «м²» after) or None"
    text = (value or '').lower().replace(',', '.')
    text = re.sub(r'(м2|м²|кв\.?\s*м\.?|\s)', '', text)
    try:
        area = Decimal(text)
    except InvalidOperation:
        return None
    return area if area.is_finite() and area > 0 else None


class AccountLink(ModelSQL, ModelView):
    "Portal Account Link"
    __name__ = 'crm.portal.account.link'
    __string__ = "Portal Account Link"
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
    revoked_by = fields.Many2One('res.user', "Revoked By", readonly=True,
        help="Empty on a revoked link: the resident unlinked it himself.")
    active = fields.Boolean("Active", readonly=True)
    resident_contact = fields.Function(
        fields.Char("Resident's E-Mail or Phone"), 'get_resident_contact')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.web_user, Index.Range())),
                Index(t, (t.account, Index.Range())),
                })
        cls._order = [('linked_date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._buttons.update({
                'revoke': {
                    'invisible': ~Eval('active', False),
                    'depends': ['active'],
                    'icon': 'tryton-cancel',
                    },
                })

    @classmethod
    def default_active(cls):
        return True

    def get_company(self, name):
        return self.account.company.id

    @classmethod
    def search_company(cls, name, clause):
        return [('account.company',) + tuple(clause[1:])]

    def get_resident_contact(self, name):
        return self.web_user.email or self.web_user.phone

    def get_rec_name(self, name):
        # The resident as the operators know him: his party, else the login
        # of his web account (sign-up may leave him without a party)
        resident = ''
        if self.web_user:
            party = self.web_user.party
            resident = party.rec_name if party else self.web_user.rec_name
        number = self.account.number if self.account else ''
        return ' — '.join(filter(None, [resident, number]))

    @classmethod
    @ModelView.button
    def revoke(cls, links):
        "An operator takes the account away from the resident's portal"
        cls.deactivate(links, revoked_by=Transaction().user)

    @classmethod
    def deactivate(cls, links, revoked_by=None):
        """End the links (the record rules of the portal need an active
        one, so the resident loses the account at once); the rows stay as
        the history of who saw the account when"""
        links = [l for l in links if l.active]
        if links:
            cls.write(links, {
                    'active': False,
                    'revoked_date': dt.datetime.now(),
                    'revoked_by': revoked_by,
                    })

    @classmethod
    def verified_accounts(cls, number, code=None, surname=None, area=None):
        """The active accounts numbered number that the proof matches: the
        portal code, or the holder's surname and the premise's area.

        Searched with full rights (a resident cannot read accounts he has
        not linked yet): the caller tells the resident nothing of an
        account that is not returned."""
        Account = Pool().get('crm.account')
        number = clean_number(number)
        if not number or not (code or (surname and area)):
            return []
        with Transaction().set_user(0), \
                Transaction().set_context(_check_access=False):
            accounts = Account.search([('number', '=', number)])
            return [a for a in accounts
                if a.portal_proof_matches(code, surname, area)]

    @classmethod
    def link(cls, web_user, accounts, method):
        """Link the accounts to the resident (those not yet linked) and his
        party to the accounts' applicants; return the new links"""
        pool = Pool()
        AccountParty = pool.get('crm.account-party.party')
        with Transaction().set_user(0), \
                Transaction().set_context(_check_access=False):
            linked = {l.account.id for l in cls.search([
                        ('web_user', '=', web_user.id),
                        ('account', 'in', [a.id for a in accounts]),
                        ])}
            accounts = [a for a in accounts if a.id not in linked]
            if not accounts:
                return []
            now = dt.datetime.now()
            links = cls.create([{
                        'web_user': web_user.id,
                        'account': a.id,
                        'method': method,
                        'linked_date': now,
                        } for a in accounts])
            party = cls.resident_party(web_user)
            known = {r.account.id for r in AccountParty.search([
                        ('party', '=', party.id),
                        ('account', 'in', [a.id for a in accounts]),
                        ])}
            AccountParty.create([{'account': a.id, 'party': party.id}
                    for a in accounts if a.id not in known])
        return links

    @classmethod
    def resident_party(cls, web_user):
        """The resident's party, made from his web account if sign-up left
        him without one: operators see him among the account's applicants"""
        pool = Pool()
        Party = pool.get('party.party')
        WebUser = pool.get('web.user')
        if web_user.party:
            return web_user.party
        mechanisms = []
        if web_user.email:
            mechanisms.append({'type': 'email', 'value': web_user.email})
        if web_user.phone:
            mechanisms.append({'type': 'mobile', 'value': web_user.phone})
        name = getattr(web_user, 'name', None)
        party, = Party.create([{
                    'name': name or web_user.email or web_user.phone,
                    'contact_mechanisms': [('create', mechanisms)],
                    }])
        WebUser.write([web_user], {'party': party.id})
        return party


class Account(metaclass=PoolMeta):
    __name__ = 'crm.account'

    portal_code = fields.Char("Portal Code", readonly=True, strip=False,
        help="Printed on the receipt or told by an operator: the resident "
        "links the account in the portal with it.")
    portal_links = fields.One2Many('crm.portal.account.link', 'account',
        "Portal Residents", readonly=True,
        # The revoked links too: the history of who saw the account
        filter=[('active', 'in', [True, False])])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'issue_portal_code': {
                    'invisible': Eval('id', -1) < 0,
                    'depends': ['id'],
                    'icon': 'tryton-refresh',
                    },
                })

    @staticmethod
    def new_portal_code():
        "Eight digits, easy to type from a receipt"
        return '%08d' % secrets.randbelow(10 ** 8)

    @classmethod
    @ModelView.button
    def issue_portal_code(cls, accounts):
        """A new code for the operator to tell by phone; the previous one
        stops working"""
        for account in accounts:
            account.portal_code = cls.new_portal_code()
        cls.save(accounts)

    def portal_proof_matches(self, code=None, surname=None, area=None):
        "Whether the resident's proof of knowing this account is right"
        if code:
            return bool(self.portal_code) and hmac.compare_digest(
                self.portal_code.encode(), clean_number(code).encode())
        area = parse_area(area) if isinstance(area, str) else area
        if not (surname and area and self.holder and self.premise
                and self.premise.area is not None):
            return False
        words = (self.holder.name or '').split()
        return (bool(words) and clean_name(words[0]) == clean_name(surname)
            and abs(self.premise.area - area) <= AREA_TOLERANCE)
