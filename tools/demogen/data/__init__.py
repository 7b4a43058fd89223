"""Static Russian dictionaries of the demo-data generator.

Everything here is plain data: organisations and their streets, the reason
catalogue (groups, reasons, tags, deadlines), support lines, closing result
templates, people's names and the texts residents and operators write.
The generator picks from these lists with a seeded random generator, so the
same seed always gives the same database. The generator reads them as one
namespace: ``from . import data as D``.
"""
from .catalogue import (
    EXTRA_FIELDS, LINES, REASON_GROUPS, RESULTS, SOURCES, TAGS)
from .names import (
    EMAIL_DOMAINS, FEMALE_NAMES, LANDLINE_CODES, MALE_NAMES, MOBILE_CODES,
    PATRONYMICS, SHARED_PHONE, SHARED_PHONE_USERS, SURNAMES, female_surname,
    translit)
from .operator_texts import (
    OPERATOR_COMMENTS, RATING_COMMENTS, REJECT_REASONS, RESOLUTIONS,
    TRANSFER_COMMENTS)
from .organisations import (
    BUILDING_TYPES, DEMO_PASSWORD, ORGANISATION_SHARE, ORGANISATIONS, STAFF)
from .resident_texts import DESCRIPTIONS, MONTHS

__all__ = [
    'SOURCES', 'TAGS', 'EXTRA_FIELDS', 'LINES', 'REASON_GROUPS', 'RESULTS',
    'ORGANISATIONS', 'ORGANISATION_SHARE', 'BUILDING_TYPES', 'STAFF',
    'DEMO_PASSWORD',
    'SURNAMES', 'MALE_NAMES', 'FEMALE_NAMES', 'PATRONYMICS',
    'female_surname', 'translit', 'EMAIL_DOMAINS', 'MOBILE_CODES',
    'LANDLINE_CODES', 'SHARED_PHONE', 'SHARED_PHONE_USERS',
    'MONTHS', 'DESCRIPTIONS',
    'RESOLUTIONS', 'REJECT_REASONS', 'OPERATOR_COMMENTS',
    'TRANSFER_COMMENTS', 'RATING_COMMENTS',
    ]
