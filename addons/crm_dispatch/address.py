"Housing stock: districts, buildings and premises of an organisation."
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .search import buildings_by_address, premises_at_address, typed_address


def default_company():
    return Transaction().context.get('company')


def building_label(city, street, house, block=None):
    "The address a building is shown by"
    parts = [f'г. {city}', street, f'д. {house}']
    if block:
        parts.append(f'корп. {block}')
    return ', '.join(parts)


class District(DeactivableMixin, ModelSQL, ModelView):
    "District (Район)"
    __name__ = 'crm.district'
    __string__ = "District"
    _history = True
    name = fields.Char("Name", required=True)
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    default_company = staticmethod(default_company)


class Building(DeactivableMixin, ModelSQL, ModelView):
    "Building (Дом)"
    __name__ = 'crm.building'
    __string__ = "Building"
    _history = True
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    district = fields.Many2One(
        'crm.district', "District", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    postal_code = fields.Char("Postal Code")
    city = fields.Char("City", required=True)
    street = fields.Char("Street", required=True)
    house = fields.Char("House", required=True)
    block = fields.Char("Block", help="Корпус / строение.")
    fias_id = fields.Char("FIAS ID", help="ФИАС/ГАР identifier of the house.")
    premises = fields.One2Many('crm.premise', 'building', "Premises")
    address = fields.Function(fields.Char("Address"),
        'get_rec_name', searcher='search_rec_name')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.street, Index.Similarity())))
        cls._order = [
            ('city', 'ASC'), ('street', 'ASC'), ('house', 'ASC'), ('id', 'ASC')]

    default_company = staticmethod(default_company)

    def get_rec_name(self, name):
        return building_label(self.city, self.street, self.house, self.block)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        domain = [bool_op,
            ('street', operator, value),
            ('city', operator, value),
            ('house', operator, value),
            ]
        # «Горького 29», «ул. Горького, д. 29»: the street's words with
        # the house, as an operator types them in the appeal's form
        if address := typed_address(operator, value):
            domain.append(('id', 'in', buildings_by_address(address)))
        return domain


class Premise(ModelSQL, ModelView):
    "Premise (Помещение)"
    __name__ = 'crm.premise'
    __string__ = "Premise"
    _history = True
    building = fields.Many2One(
        'crm.building', "Building", required=True, ondelete='CASCADE')
    company = fields.Function(
        fields.Many2One('company.company', "Organisation"),
        'on_change_with_company', searcher='search_company')
    number = fields.Char("Number", required=True)
    entrance = fields.Integer("Entrance")
    floor = fields.Integer("Floor")
    riser = fields.Char("Riser", help="Стояк.")
    type = fields.Selection([
            ('flat', "Flat"),
            ('non_residential', "Non-residential"),
            ], "Type", required=True)
    area = fields.Numeric("Area, m²", digits=(16, 2))
    accounts = fields.One2Many('crm.account', 'premise', "Accounts")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('number_unique', Unique(t, t.building, t.number),
                'crm_dispatch.msg_premise_unique'),
            ]
        cls._order = [('building', 'ASC'), ('number', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_type(cls):
        return 'flat'

    @fields.depends('building', '_parent_building.company')
    def on_change_with_company(self, name=None):
        return self.building.company if self.building else None

    @classmethod
    def search_company(cls, name, clause):
        return [('building.company',) + tuple(clause[1:])]

    def get_rec_name(self, name):
        prefix = 'кв.' if self.type == 'flat' else 'пом.'
        return f'{self.building.rec_name}, {prefix} {self.number}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        # «Горького 29 кв 10», «горького 29-10», the display name itself:
        # the premise at that address only, not every premise of its
        # building (the accounts' search of their address comes here too)
        if address := typed_address(operator, value):
            return ['OR',
                ('number', operator, value),
                ('id', 'in', premises_at_address(address)),
                ]
        if isinstance(value, str) and ',' in value:
            street, number = (v.strip() for v in value.rsplit(',', 1))
            return [
                ('building.rec_name', operator, street + '%'
                    if not street.endswith('%') else street),
                ('number', operator, number.replace('кв.', '').strip()),
                ]
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('number', operator, value),
            ('building.rec_name', operator, value),
            ]
