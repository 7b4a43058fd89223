"""The appeal list's search box: number, phone, e-mail, applicant's name,
account number and address in one field (what the web client sends as
``('rec_name', 'ilike', '%text%')``)."""
import contextvars

from sql import Column, Union
from sql.conditionals import Coalesce
from sql.operators import Like

from trytond.model import Index, fields
from trytond.model.modelsql import convert_from
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .search import (
    accounts_by_number, bounded, buildings_by_address, field_ilike,
    normalize_text, parties_by_contact, parties_by_name, premises_by_address,
    search_account, search_address, search_email, search_phone_digits,
    search_text)


# Whether the running search of appeals applies the record rules: its
# searchers run without access checks and cannot tell
_search_checked = contextvars.ContextVar('crm_appeal_search_checked',
    default=False)


class AppealSearch(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (Coalesce(t.contact_email, ''),
                        Index.Similarity())),
                Index(t, (t.building, Index.Range())),
                Index(t, (t.premise, Index.Range())),
                })

    @classmethod
    def search(cls, domain, *args, **kwargs):
        token = _search_checked.set(Transaction().check_access)
        try:
            return super().search(domain, *args, **kwargs)
        finally:
            _search_checked.reset(token)

    @classmethod
    def _visible_ids(cls, name, ids):
        """The query of the appeals whose many-to-one name is in ids, of
        those the running search's rules let through: a common name's
        thousands of appeals are filtered by the index of the applicant
        (which holds the rules' columns), not fetched row by row to be
        refused; the search applies the rules again"""
        Rule = Pool().get('ir.rule')
        table = cls.__table__()
        tables = {None: (table, None)}
        where = fields.SQL_OPERATORS['in'](Column(table, name), ids)
        rules = []
        if _search_checked.get():
            with Transaction().set_context(_check_access=True):
                rules = Rule.domain_get(cls.__name__, mode='read')
        if rules:
            tables, rule = cls.search_domain(rules, active_test=False,
                tables=tables)
            where &= rule
        return convert_from(None, tables).select(table.id, where=where)

    @classmethod
    def search_rec_name(cls, name, clause):
        """The appeals matching what was typed by any of its criteria.

        A criterion that matches few rows is one query by an index of the
        appeals, and the appeals found are the union of these: ORed in one
        WHERE they would make the database scan the appeals by date and
        filter each, which is right only for what many rows match (a
        common name, a long street); such a criterion stays a sub-query
        ORed with the union."""
        pool = Pool()
        link = pool.get('crm.appeal-crm.account').__table__()
        _, operator, value = clause[:3]
        text = search_text(value)
        if operator not in {'like', 'ilike'} or not text:
            return [('number', operator, value)]
        table = cls.__table__()
        if operator == 'ilike':
            # as Tryton's index of the display name (rec_name) has it
            number = field_ilike(cls, table, 'number', value)
        else:
            number = Like(Coalesce(table.number, ''), value, escape='\\')
        # The appeals of the criteria that match few rows, by their index
        queries = [table.select(table.id, where=number)]
        # The clauses of those that match many
        common = []

        def by(name, found):
            "The appeals whose many-to-one name is in found"
            if isinstance(found, list):
                if found:
                    queries.append(cls._visible_ids(name, found))
            else:
                common.append((name, 'in', found))

        def by_accounts(found):
            "The appeals linked to the accounts found"
            if found:
                appeals = link.select(link.appeal,
                    where=fields.SQL_OPERATORS['in'](link.account, found))
                if isinstance(found, list):
                    queries.append(appeals)
                else:
                    common.append(('id', 'in', appeals))

        applicants = []
        if digits := search_phone_digits(text):
            queries.append(table.select(table.id, where=Like(
                        Coalesce(table.contact_phone_digits, ''),
                        f'%{digits}%')))
            applicants.append(parties_by_contact('phone', f'%{digits}%'))
        elif words := normalize_text(text):
            applicants.append(parties_by_name(words))
        if email := search_email(text):
            queries.append(table.select(table.id, where=Like(
                        Coalesce(table.contact_email, ''), f'%{email}%')))
            applicants.append(parties_by_contact('email', f'%{email}%'))
        for query in applicants:
            by('applicant', bounded(query))
        # The values of the extra fields, by their text kept for this
        queries.append(table.select(table.id, where=field_ilike(
                    cls, table, 'extra_summary', f'%{text}%')))
        if number := search_account(text):
            by_accounts(bounded(accounts_by_number(number)))
        if address := search_address(text):
            buildings = bounded(buildings_by_address(address))
            if not address['premise']:
                by('building', buildings)
            elif buildings:
                by('premise', bounded(premises_by_address(address, buildings)))
        if not common:
            return [('id', 'in',
                    Union(*queries) if len(queries) > 1 else queries[0])]
        if len(queries) == 1:
            return ['OR', ('number', operator, value), *common]
        return ['OR', ('id', 'in', Union(*queries)), *common]
