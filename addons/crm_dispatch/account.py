"Personal accounts (лицевые счета) and the applicants linked to them."
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pyson import Eval

from .address import default_company


class Account(DeactivableMixin, ModelSQL, ModelView):
    "Personal account (Лицевой счёт)"
    __name__ = 'crm.account'
    __string__ = "Personal account"
    _history = True
    _rec_name = 'number'
    number = fields.Char("Number", required=True)
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    premise = fields.Many2One(
        'crm.premise', "Premise", ondelete='RESTRICT',
        domain=[('building.company', '=', Eval('company', -1))])
    building = fields.Function(
        fields.Many2One('crm.building', "Building"),
        'on_change_with_building', searcher='search_building')
    holder = fields.Many2One(
        'party.party', "Holder", ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The owner or tenant the account is opened for.")
    parties = fields.Many2Many(
        'crm.account-party.party', 'account', 'party', "Linked Applicants",
        context={'company': Eval('company', -1)}, depends={'company'})
    external_id = fields.Char(
        "External ID", help="Identifier of the account in the billing.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('number_company_unique', Unique(t, t.company, t.number),
                'crm_dispatch.msg_account_number_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.number, Index.Similarity())))
        cls._order = [('number', 'ASC'), ('id', 'ASC')]

    default_company = staticmethod(default_company)

    @fields.depends('premise', '_parent_premise.building')
    def on_change_with_building(self, name=None):
        return self.premise.building if self.premise else None

    @classmethod
    def search_building(cls, name, clause):
        nested = clause[0][len(name):]
        return [('premise.building' + nested,) + tuple(clause[1:])]

    def get_rec_name(self, name):
        if self.premise:
            return f'{self.number} ({self.premise.rec_name})'
        return self.number

    @classmethod
    def search_rec_name(cls, name, clause):
        """Operators find an account by its number, address, holder's
        or linked applicant's name, or a phone of them."""
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('number', operator, value),
            ('premise.rec_name', operator, value),
            ('holder.name', operator, value),
            ('parties.name', operator, value),
            ('parties.contact_mechanisms.value_compact', operator, value),
            ]


class AccountParty(ModelSQL):
    "Account linked to an applicant"
    __name__ = 'crm.account-party.party'
    __string__ = "Account linked to an applicant"
    account = fields.Many2One(
        'crm.account', "Account", required=True, ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('account')
        t = cls.__table__()
        cls._sql_constraints = [
            ('account_party_unique', Unique(t, t.account, t.party),
                'crm_dispatch.msg_account_party_unique'),
            ]
