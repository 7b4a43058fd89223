"""What the appeal list's search box matches: number, phone, applicant.

Phones are searched by their digits whatever way they are typed
("+7 912 345-67-89", "89123456789", "9123456789", "345-67"); names
without regard to case, also for Cyrillic on SQLite whose LIKE folds
ASCII only, and with ё read as е.  Both are stored normalised and indexed
(trigram indexes on PostgreSQL when pg_trgm is there)."""
import re

from sql import Null
from sql.conditionals import Coalesce

from trytond.model import Index, fields
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

_NON_DIGITS = re.compile(r'\D')
# What a typed phone may hold besides digits
_PHONE_TEXT = re.compile(r'^[\d\s+()\-.]+$')
# Trigram indexes need three characters to help
MIN_SEARCH = 3


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


def normalize_text(value):
    "Lower case, ё as е, single spaces: the form names are searched in"
    if not value:
        return None
    return ' '.join(value.lower().replace('ё', 'е').split()) or None


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
        """Applicants are also found by their normalised name: «иванов»
        and «Иванов», «Алёна» and «Алена» alike, on SQLite too"""
        domain = super().search_rec_name(name, clause)
        _, operator, value = clause[:3]
        if operator in {'like', 'ilike'} and isinstance(value, str):
            domain = ['OR', domain,
                ('crm_search_name', 'like', normalize_text(value))]
        return domain

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'name' in values:
            values['crm_search_name'] = normalize_text(values['name'])
        return values
