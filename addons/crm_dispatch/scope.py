"""Which organisations an applicant belongs to.

An applicant (party.party) is seen and edited by the users of an
organisation only when he is linked to it: an account there, an appeal
there, or created there.  The links are kept in crm.party-company.company
as the records that make them are written, so that the record rule on
party.party (and, through party's __access__, on contact mechanisms and
addresses) is one indexed sub-query instead of a scan of the appeals."""
from sql import Literal, Null
from sql.operators import Exists

from trytond import backend
from trytond.model import Index, ModelSQL, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access


class PartyCompany(ModelSQL):
    "Applicant in organisation"
    __name__ = 'crm.party-company.company'
    __string__ = "Applicant in organisation"
    party = fields.Many2One(
        'party.party', "Applicant", required=True, ondelete='CASCADE',
        context={'company': Eval('company', -1)}, depends={'company'})
    company = fields.Many2One(
        'company.company', "Organisation", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('party_company_unique', Unique(t, t.party, t.company),
                'crm_dispatch.msg_party_company_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.company, Index.Equality()), (t.party, Index.Range())))

    @classmethod
    def __register__(cls, module):
        exists = cls.__table_handler__(module).table_exist(cls._table)
        super().__register__(module)
        if not exists:
            cls._link_existing()

    @classmethod
    def _link_existing(cls):
        "Link the applicants of a database made before the links existed"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Account = pool.get('crm.account')
        AccountParty = pool.get('crm.account-party.party')
        appeal = Appeal.__table__()
        account = Account.__table__()
        account_party = AccountParty.__table__()
        cursor = Transaction().connection.cursor()
        pairs = set()
        for query in [
                appeal.select(appeal.applicant, appeal.company,
                    where=appeal.applicant != Null, distinct=True),
                account.select(account.holder, account.company,
                    where=account.holder != Null, distinct=True),
                account_party.join(account,
                    condition=account_party.account == account.id
                    ).select(account_party.party, account.company,
                    distinct=True),
                ]:
            cursor.execute(*query)
            pairs.update(cursor)
        cls.link(pairs)

    @classmethod
    def link(cls, pairs):
        "Link each (party id, company id) of pairs that is not linked yet"
        pairs = {(int(p), int(c)) for p, c in pairs if p and c}
        if not pairs:
            return
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        existing = set()
        for sub_ids in grouped_slice(
                {p for p, _ in pairs}, backend.MAX_QUERY_PARAMS):
            cursor.execute(*table.select(table.party, table.company,
                    where=table.party.in_(list(sub_ids))))
            existing.update(cursor)
        missing = sorted(pairs - existing)
        if missing:
            with without_check_access():
                cls.create([{'party': p, 'company': c} for p, c in missing])


class PartyScope(metaclass=PoolMeta):
    __name__ = 'party.party'

    crm_companies = fields.Many2Many(
        'crm.party-company.company', 'party', 'company', "Organisations",
        readonly=True,
        help="The organisations whose users see this applicant.")

    @classmethod
    def domain_crm_companies(cls, domain, tables):
        """('crm_companies', 'in', ids) and ('crm_companies', '=', None) as
        EXISTS on the party's own link rows: the record rule uses them on
        every read of parties, and Tryton's uncorrelated IN would collect
        the links of every applicant each time"""
        name, operator, value = domain[:3]
        if name != 'crm_companies' or not (
                (operator in {'in', 'not in'}
                    and isinstance(value, (list, tuple)))
                or (operator in {'=', '!='} and value is None)):
            convert = fields.Many2Many.convert_domain.__wrapped__
            return convert(cls.crm_companies, domain, tables, cls)
        table, _ = tables[None]
        link = Pool().get('crm.party-company.company').__table__()
        where = link.party == table.id
        if operator in {'in', 'not in'}:
            where &= link.company.in_(
                [v for v in value if v is not None] or [-1])
        expression = Exists(link.select(Literal(1), where=where))
        if operator in {'not in', '='}:
            expression = ~expression
        return expression

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default else {}
        default.setdefault('crm_companies')
        return super().copy(parties, default=default)

    @classmethod
    def on_modification(cls, mode, parties, field_names=None):
        super().on_modification(mode, parties, field_names=field_names)
        if mode == 'create':
            # «Created there»: the organisation the user works in now
            company = current_company()
            if company:
                Pool().get('crm.party-company.company').link(
                    (p.id, company) for p in parties)


def current_company():
    pool = Pool()
    User = pool.get('res.user')
    transaction = Transaction()
    company = transaction.context.get('company')
    if not company and transaction.user:
        user = User(transaction.user)
        company = user.company.id if user.company else None
    return company


class AppealScope(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    @classmethod
    def on_modification(cls, mode, appeals, field_names=None):
        super().on_modification(mode, appeals, field_names=field_names)
        if mode == 'create' or (mode == 'write'
                and {'applicant', 'company'} & set(field_names or [])):
            # By SQL: an appeal's attribute would load all its list columns
            Pool().get('crm.party-company.company').link(
                (applicant, company) for _, applicant, company
                in cls.select_rows(
                    appeals, lambda t: [t.applicant, t.company]))


class AccountScope(metaclass=PoolMeta):
    __name__ = 'crm.account'

    @classmethod
    def on_modification(cls, mode, accounts, field_names=None):
        super().on_modification(mode, accounts, field_names=field_names)
        if mode == 'create' or (mode == 'write'
                and {'holder', 'company', 'parties'} & set(
                    field_names or [])):
            pairs = []
            for account in accounts:
                parties = list(account.parties)
                if account.holder:
                    parties.append(account.holder)
                pairs.extend((p.id, account.company.id) for p in parties)
            Pool().get('crm.party-company.company').link(pairs)


class AccountPartyScope(metaclass=PoolMeta):
    __name__ = 'crm.account-party.party'

    @classmethod
    def on_modification(cls, mode, links, field_names=None):
        super().on_modification(mode, links, field_names=field_names)
        if mode in {'create', 'write'}:
            Pool().get('crm.party-company.company').link(
                (l.party.id, l.account.company.id) for l in links)


class PublicContactScope(metaclass=PoolMeta):
    __name__ = 'crm.contact.public'

    crm_companies = fields.Function(fields.Many2Many(
            'company.company', None, None, "Organisations"),
        'get_crm_companies', searcher='search_crm_companies')

    @classmethod
    def _sharers(cls):
        """The join of each review with the organisations of the applicants
        sharing its contact, and the tables of review and link"""
        pool = Pool()
        Mechanism = pool.get('party.contact_mechanism')
        PartyCompany = pool.get('crm.party-company.company')
        review = cls.__table__()
        mechanism = Mechanism.__table__()
        link = PartyCompany.__table__()
        same_kind = (
            ((review.type == 'phone')
                & mechanism.type.in_(['phone', 'mobile']))
            | ((review.type == 'email') & (mechanism.type == 'email')))
        join = review.join(mechanism,
            condition=(mechanism.value_compact == review.value) & same_kind
            ).join(link, 'LEFT', condition=link.party == mechanism.party)
        return join, review, link

    @classmethod
    def get_crm_companies(cls, reviews, name):
        cursor = Transaction().connection.cursor()
        join, review, link = cls._sharers()
        result = {r.id: set() for r in reviews}
        for sub_ids in grouped_slice(
                list(result), backend.MAX_QUERY_PARAMS):
            cursor.execute(*join.select(review.id, link.company,
                    where=review.id.in_(list(sub_ids))
                    & (link.company != Null)))
            for review_id, company in cursor:
                result[review_id].add(company)
        return {k: sorted(v) for k, v in result.items()}

    @classmethod
    def search_crm_companies(cls, name, clause):
        "Reviews whose sharers include an applicant of the companies"
        _, operator, value = clause[:3]
        join, review, link = cls._sharers()
        ids = value if isinstance(value, (list, tuple)) else [value]
        ids = [i for i in ids if i is not None] or [-1]
        # An applicant of no organisation yet is everybody's
        query = join.select(review.id,
            where=link.company.in_(ids) | (link.company == Null))
        return [('id', 'not in' if operator.startswith('not') else 'in',
                query)]
