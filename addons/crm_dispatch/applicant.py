"""Applicants as the CRM's «Заявители» menu shows them: the people and
organisations who appeal, not the CRM's own organisations and staff."""
from sql import Literal, Null, Union

from trytond import backend
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

# The contact mechanisms an applicant is reached by
PHONE_TYPES = ['mobile', 'phone']
CONTACT_TYPES = PHONE_TYPES + ['email']


class Applicant(metaclass=PoolMeta):
    __name__ = 'party.party'

    crm_applicant = fields.Function(fields.Boolean("Applicant",
            help="A party who appeals: not an organisation of the CRM "
            "nor the party of one of its employees."),
        'get_crm_applicant', searcher='search_crm_applicant')
    crm_contacts = fields.One2Many(
        'party.contact_mechanism', 'party', "Phones and E-Mails",
        filter=[('type', 'in', CONTACT_TYPES)],
        domain=[('type', 'in', CONTACT_TYPES)])
    # All his phones and e-mails in a list row, read for the whole list by
    # one query (party's phone, mobile and email read each row's contacts)
    crm_phones = fields.Function(fields.Char("Phones"),
        'get_crm_contacts', searcher='search_crm_contacts')
    crm_emails = fields.Function(fields.Char("E-Mails"),
        'get_crm_contacts', searcher='search_crm_contacts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The CRM's applicant form and the appeal's applicant field pass
        # crm_applicant: an applicant is known by his name
        cls.name.states = cls.name.states.copy()
        cls.name.states['required'] = Eval('context', {}).get(
            'crm_applicant', False)

    @classmethod
    def _contact_types(cls, name):
        return PHONE_TYPES if name == 'crm_phones' else ['email']

    @classmethod
    def get_crm_contacts(cls, parties, names):
        Mechanism = Pool().get('party.contact_mechanism')
        mechanism = Mechanism.__table__()
        cursor = Transaction().connection.cursor()
        values = {n: {p.id: [] for p in parties} for n in names}
        types = {t: n for n in names for t in cls._contact_types(n)}
        for sub_ids in grouped_slice(
                [p.id for p in parties], backend.MAX_QUERY_PARAMS):
            cursor.execute(*mechanism.select(
                    mechanism.party, mechanism.type, mechanism.value,
                    where=reduce_ids(mechanism.party, list(sub_ids))
                    & mechanism.type.in_(list(types))
                    & (mechanism.active == Literal(True)),
                    order_by=[mechanism.sequence.asc.nulls_last,
                        mechanism.id.asc]))
            for party, type_, value in cursor:
                values[types[type_]][party].append(value)
        return {n: {p: ', '.join(v) or None for p, v in by_party.items()}
            for n, by_party in values.items()}

    @classmethod
    def search_crm_contacts(cls, name, clause):
        _, operator, value = clause[:3]
        return [('contact_mechanisms', 'where', [
                    ('type', 'in', cls._contact_types(name)),
                    ('value', operator, value),
                    ])]

    @classmethod
    def _staff_parties(cls):
        """The query of the parties that are not applicants: those of the
        organisations (company) and of their employees (the users' staff
        records)"""
        pool = Pool()
        company = pool.get('company.company').__table__()
        employee = pool.get('company.employee').__table__()
        return Union(
            company.select(company.party, where=company.party != Null),
            employee.select(employee.party, where=employee.party != Null))

    @classmethod
    def get_crm_applicant(cls, parties, name):
        party = cls.__table__()
        cursor = Transaction().connection.cursor()
        result = {p.id: True for p in parties}
        for sub_ids in grouped_slice(list(result), backend.MAX_QUERY_PARAMS):
            cursor.execute(*party.select(party.id,
                    where=reduce_ids(party.id, list(sub_ids))
                    & party.id.in_(cls._staff_parties())))
            result.update((i, False) for i, in cursor)
        return result

    @classmethod
    def search_crm_applicant(cls, name, clause):
        _, operator, value = clause[:3]
        applicants = bool(value) == (operator == '=')
        return [('id', 'not in' if applicants else 'in',
                cls._staff_parties())]
