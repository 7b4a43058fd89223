"Defaults of Tryton's own modules for Russian organisations."
from trytond.pool import PoolMeta

# The identifiers of Russian parties, ИНН (Tryton's key: ru_vat) and ОГРН:
# Tryton offers some two hundred countries' tax numbers otherwise, in every
# applicant's list
IDENTIFIER_TYPES = ['ru_vat', 'ru_ogrn']


class PartyConfiguration(metaclass=PoolMeta):
    __name__ = 'party.configuration'

    @classmethod
    def default_identifier_types(cls):
        return list(IDENTIFIER_TYPES)
