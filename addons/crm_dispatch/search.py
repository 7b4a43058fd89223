"""What the search boxes of appeals and applicants match.

Phones are searched by their digits whatever way they are typed
("+7 912 345-67-89", "89123456789", "9123456789", "345-67"); names
without regard to case, also for Cyrillic on SQLite whose LIKE folds
ASCII only, and with ё read as е.  Both are stored normalised and indexed
(trigram indexes on PostgreSQL when pg_trgm is there).  An address is
typed as street words with the house and the premise («Ленина 5 кв 12»),
an account by (a part of) its number, an e-mail by (a part of) itself.

Each criterion is first resolved on its own small table (applicants,
accounts, buildings, premises) to at most IDS_MAX ids, so that the
appeals are then read through their indexes by those ids."""
import logging
import re

from sql import Column, Null, Union
from sql.conditionals import Coalesce
from sql.operators import ILike, Like

from trytond import backend
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)
_NON_DIGITS = re.compile(r'\D')
# What a typed phone may hold besides digits
_PHONE_TEXT = re.compile(r'^[\d\s+()\-.]+$')
# What (a part of) a typed e-mail may hold; a letter or "@" among it
_EMAIL_TEXT = re.compile(r'^[a-z0-9._%+\-@]+$', re.IGNORECASE)
_EMAIL_SIGN = re.compile(r'[a-z@]', re.IGNORECASE)
_DIGIT = re.compile(r'\d')
# Words of an address: numbers with a letter or a fraction ("5а", "12/1")
_ADDRESS_TOKEN = re.compile(r'\d+[а-яa-z]?(?:/\d+)?|[а-яa-z]+')
# Abbreviations an address is typed with: what the number after them is
HOUSE_WORDS = {'д', 'дом'}
BLOCK_WORDS = {'к', 'корп', 'корпус', 'стр', 'строение'}
PREMISE_WORDS = {'кв', 'квартира', 'пом', 'помещение', 'оф', 'офис'}
STREET_WORDS = {
    'г', 'город', 'ул', 'улица', 'пр', 'т', 'пр-т', 'проспект', 'пер',
    'переулок', 'ш', 'шоссе', 'пл', 'площадь', 'б', 'р', 'бульвар', 'наб',
    'набережная', 'проезд', 'мкр', 'микрорайон'}
# Trigram indexes need three characters to help
MIN_SEARCH = 3
# Rows of a small table (applicants, accounts, buildings) a criterion may
# match and still be looked up in the appeals by their ids; above, the
# criterion stays a sub-query the database filters the appeals with
IDS_MAX = 2000


def phone_digits(value):
    """The digits of a phone in the international form without "+"; a
    Russian number typed in the national form with the trunk 8 is read
    as +7."""
    if not value:
        return None
    digits = _NON_DIGITS.sub('', value)
    if len(digits) == 11 and digits[0] == '8':
        digits = '7' + digits[1:]
    return digits or None


def search_phone_digits(text):
    "The digits to look for when text reads as (a part of) a phone"
    if text and _PHONE_TEXT.match(text):
        digits = phone_digits(text)
        if digits and len(digits) >= MIN_SEARCH:
            return digits
    return None


def search_email(text):
    "The lower case text to look for when text reads as (a part of) e-mail"
    if (text and len(text) >= MIN_SEARCH and _EMAIL_TEXT.match(text)
            and _EMAIL_SIGN.search(text)):
        return text.lower()
    return None


def search_account(text):
    "The text to look for in account numbers: one with a digit"
    if text and len(text) >= MIN_SEARCH and _DIGIT.search(text):
        return text
    return None


def search_address(text):
    """The street words, house, block and premise of text read as an
    address, or None without a street word"""
    if not text:
        return None
    address = {'street': [], 'house': None, 'block': None, 'premise': None}
    marker = None
    for token in _ADDRESS_TOKEN.findall(normalize_text(text)):
        if token[0].isdigit():
            if marker in BLOCK_WORDS:
                key = 'block'
            elif marker in PREMISE_WORDS or address['house']:
                key = 'premise'
            else:
                key = 'house'
            if not address[key]:
                address[key] = token
            marker = None
        elif token in HOUSE_WORDS | BLOCK_WORDS | PREMISE_WORDS:
            marker = token
        elif token not in STREET_WORDS and len(token) > 1:
            address['street'].append(token)
    return address if address['street'] else None


def normalize_text(value):
    "Lower case, ё as е, single spaces: the form names are searched in"
    if not value:
        return None
    return ' '.join(value.lower().replace('ё', 'е').split()) or None


def ensure_trigram():
    """Create pg_trgm, if missing, before the module builds its indexes:
    the search box's Similarity indexes are trigram ones only with it.  It
    is a trusted extension, so the database's owner may create it; a user
    who may not gets plain indexes and a warning, not a failed activation."""
    if backend.name != 'postgresql':
        return
    transaction = Transaction()
    database = transaction.database
    if database.has_extension('pg_trgm'):
        return
    import psycopg
    try:
        # A savepoint: a refusal must not abort the activation
        with transaction.connection.transaction():
            transaction.connection.execute(
                'CREATE EXTENSION IF NOT EXISTS pg_trgm')
    except psycopg.Error as error:
        logger.warning("pg_trgm not created (%s): the search box uses "
            "plain indexes", error)
        return
    # has_extension() remembers its first answer
    database._extensions[database.name].pop('pg_trgm', None)


def fill_column(Model, source, target, normalize):
    """Fill the new column target of Model's table with the normalised
    values of column source (a database made before the column existed)"""
    table = Model.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(table.id, getattr(table, source),
            where=getattr(table, source) != Null))
    for id_, value in cursor.fetchall():
        cursor.execute(*table.update(
                [getattr(table, target)], [normalize(value)],
                where=table.id == id_))


def search_text(value):
    "The text of a search box clause, without its outer wildcards"
    if not isinstance(value, str):
        return None
    return value.strip().strip('%').strip() or None


def field_ilike(Model, table, name, pattern):
    """The ilike of Model's field name on table as Tryton's search writes
    it (case, ё/е): the expression its indexes are built over"""
    field = Model._fields[name]
    return ILike(
        field._domain_column('ilike', Column(table, name)),
        field._domain_value('ilike', pattern), escape='\\')


def execute_for_values(cursor, query):
    """Execute query planned for its own values on PostgreSQL.

    psycopg prepares a query text run five times on a connection, and
    PostgreSQL may then plan it once for any value: the plan of a rare
    name served a common one (the search box's «Иванова Анна» at a million
    appeals: 170 ms instead of 75).  Only the searches by what was typed
    are run so; the lists' other queries keep their prepared plans, whose
    planning would cost each read more than it saves."""
    if backend.name == 'postgresql':
        cursor.execute(*query, prepare=False)
    else:
        cursor.execute(*query)


def has_pattern(domain):
    "Whether a domain searches by a typed text (like, ilike)"
    if isinstance(domain, (list, tuple)):
        if (len(domain) >= 3 and isinstance(domain[0], str)
                and isinstance(domain[1], str)):
            return 'like' in domain[1]
        return any(has_pattern(d) for d in domain)
    return False


def bounded(query):
    """The ids query selects as a list when there are at most IDS_MAX of
    them, else query itself: a sub-query for the database to filter with"""
    cursor = Transaction().connection.cursor()
    query.limit = IDS_MAX + 1
    try:
        execute_for_values(cursor, query)
    finally:
        query.limit = None
    ids = [i for i, in cursor]
    return query if len(ids) > IDS_MAX else ids


def parties_by_contact(kind, pattern):
    "The applicants with a phone (by digits) or e-mail like pattern"
    Mechanism = Pool().get('party.contact_mechanism')
    mechanism = Mechanism.__table__()
    types = ['phone', 'mobile'] if kind == 'phone' else ['email']
    # as party's trigram index of value_compact has it
    value = Index.Unaccent(mechanism.value_compact)
    return mechanism.select(mechanism.party,
        where=mechanism.type.in_(types) & Like(value, pattern))


def parties_by_name(words):
    "The applicants whose normalised name holds words"
    Party = Pool().get('party.party')
    party = Party.__table__()
    return party.select(party.id, where=Like(
            Coalesce(party.crm_search_name, ''), f'%{words}%',
            escape='\\'))


def accounts_by_number(text):
    "The accounts whose number holds text"
    Account = Pool().get('crm.account')
    account = Account.__table__()
    return account.select(account.id,
        where=field_ilike(Account, account, 'number', f'%{text}%'))


def buildings_by_address(address):
    "The buildings of the street words, house and block of address"
    Building = Pool().get('crm.building')
    building = Building.__table__()
    where = None
    for word in address['street']:
        pattern = f'%{word}%'
        condition = (field_ilike(Building, building, 'street', pattern)
            | field_ilike(Building, building, 'city', pattern))
        where = condition if where is None else where & condition
    for name in ['house', 'block']:
        if address[name]:
            where &= field_ilike(Building, building, name, address[name])
    return building.select(building.id, where=where)


def premises_by_address(address, buildings):
    "The premises numbered as address says in buildings (ids or query)"
    Premise = Pool().get('crm.premise')
    premise = Premise.__table__()
    return premise.select(premise.id,
        where=premise.building.in_(buildings)
        & field_ilike(Premise, premise, 'number', address['premise']))


def premises_at_address(address):
    "The premises address names (or all of its buildings')"
    premise = Pool().get('crm.premise').__table__()
    buildings = buildings_by_address(address)
    if address['premise']:
        return premises_by_address(address, buildings)
    return premise.select(premise.id, where=premise.building.in_(buildings))


def accounts_at_address(address):
    "The accounts of the premises (or buildings) address names"
    account = Pool().get('crm.account').__table__()
    return account.select(account.id,
        where=account.premise.in_(premises_at_address(address)))


def typed_address(operator, value):
    """The address a like or ilike clause's text reads as, else None: a
    picker's search (building, premise) finds by it as the appeals' box"""
    if operator in {'like', 'ilike'}:
        return search_address(search_text(value))
    return None


def parties_of_accounts(accounts):
    "The queries of the holders and linked applicants of accounts"
    pool = Pool()
    account = pool.get('crm.account').__table__()
    link = pool.get('crm.account-party.party').__table__()
    return [
        link.select(link.party, where=link.account.in_(accounts)),
        account.select(account.holder, where=account.id.in_(accounts)
            & (account.holder != Null)),
        ]


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    crm_search_name = fields.Char("Name for Search", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (Coalesce(t.crm_search_name, ''), Index.Similarity())))

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        filled = table_h.column_exist('crm_search_name')
        super().__register__(module)
        if not filled:
            fill_column(cls, 'name', 'crm_search_name', normalize_text)

    @classmethod
    def search_rec_name(cls, name, clause):
        """Applicants are also found by their normalised name («иванов»
        and «Иванов», «Алёна» and «Алена»), a phone typed any way, the
        number of a linked account and its address"""
        domain = super().search_rec_name(name, clause)
        _, operator, value = clause[:3]
        text = search_text(value)
        if operator not in {'like', 'ilike'} or not text:
            return domain
        domain = ['OR', domain,
            ('crm_search_name', 'like', normalize_text(value))]
        queries = []
        if digits := search_phone_digits(text):
            queries.append(parties_by_contact('phone', f'%{digits}%'))
        accounts = []
        if number := search_account(text):
            accounts.append(accounts_by_number(number))
        if address := search_address(text):
            accounts.append(accounts_at_address(address))
        if accounts:
            queries.extend(parties_of_accounts(Union(*accounts)
                    if len(accounts) > 1 else accounts[0]))
        if queries:
            domain.append(('id', 'in', Union(*queries)))
        return domain

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'name' in values:
            values['crm_search_name'] = normalize_text(values['name'])
        return values
