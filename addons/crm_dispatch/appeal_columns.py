"""More of the appeal list: the address, the observers, the executors and
the legend of the row colours.

The address is read as the list's other names are: an SQL expression of
the read's own query (a Function field without getter, column_<name>), no
getter, no instance.  It is the premise's address without the city, the
same for nearly all the rows of an organisation: the room goes to the
street, house and flat in a list that fits 1366 px."""
from sql import Literal
from sql.conditionals import Case, Coalesce
from sql.functions import Function
from sql.operators import Concat

from trytond import backend
from trytond.model import fields
from trytond.pool import Pool, PoolMeta

from .appeal_list import user_label


def _concat(*parts):
    expression = parts[0]
    for part in parts[1:]:
        expression = Concat(expression, part)
    return expression


def street_label(building):
    """The street, house and block of a crm.building row, composed as its
    display name composes them (address.building_label)"""
    block = Case(
        (Coalesce(building.block, '') != '',
            Concat(', корп. ', building.block)),
        else_=Literal(''))
    return _concat(building.street, ', д. ', building.house, block)


def premise_suffix(premise):
    "The flat or premise number of a crm.premise row (Premise.get_rec_name)"
    prefix = Case((premise.type == 'flat', ', кв. '), else_=', пом. ')
    return Concat(prefix, premise.number)


class _StringAgg(Function):
    __slots__ = ()
    _function = 'STRING_AGG'


class _GroupConcat(Function):
    __slots__ = ()
    _function = 'GROUP_CONCAT'


def string_agg(expression, separator):
    "The texts of a group joined by separator, on either backend"
    if backend.name == 'sqlite':
        return _GroupConcat(expression, separator)
    return _StringAgg(expression, separator)


class AppealColumns(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    address_name = fields.Function(fields.Char("Address"), None,
        searcher='search_address_name', loading='eager')
    observer_names = fields.Function(fields.Char("Observers"), None,
        searcher='search_observer_names', loading='eager')
    executor_names = fields.Function(fields.Char("Executors"), None,
        searcher='search_executor_names', loading='eager')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The legend of the row colours (Appeal.view_attributes): the help
        # of a column is the tooltip of its header
        cls.state.help = (
            "Row colours in the list: red — overdue; yellow — the deadline "
            "comes within the «Due Soon Window» of the appeals settings; "
            "blue — new, not taken into work; green — resolved; grey — "
            "rejected; white — in work on time.")
        cls.deadline.help = (
            "The appeal is to be resolved by then; past it the appeal is "
            "overdue and its row in the list is red, close to it yellow. "
            "A stage that stops the clock moves it on.")

    @classmethod
    def column_address_name(cls, tables):
        """The building's street address and the premise's number; the
        premise's building when the appeal has none of its own (the domain
        keeps them equal otherwise)"""
        pool = Pool()
        Building = pool.get('crm.building')
        Premise = pool.get('crm.premise')
        table, _ = tables[None]
        building = Building.__table__()
        premise = Premise.__table__()
        premise_building = Premise.__table__()
        reference = Coalesce(table.building, premise_building.select(
                premise_building.building,
                where=premise_building.id == table.premise))
        street = building.select(street_label(building),
            where=building.id == reference)
        number = premise.select(premise_suffix(premise),
            where=premise.id == table.premise)
        # NULL without a building: no address
        return Concat(street, Coalesce(number, ''))

    @classmethod
    def order_address_name(cls, tables):
        "As it reads: street, house, block, then the premise's number"
        building = cls._fields['building']
        premise = cls._fields['premise']
        return [expression
            for field, name in [
                (building, 'building.street'), (building, 'building.house'),
                (building, 'building.block'), (premise, 'premise.number')]
            for expression in field.convert_order(name, tables, cls)]

    @classmethod
    def column_observer_names(cls, tables):
        pool = Pool()
        Observer = pool.get('crm.appeal-res.user')
        User = pool.get('res.user')
        table, _ = tables[None]
        link = Observer.__table__()
        user = User.__table__()
        return link.join(user, condition=link.user == user.id).select(
            string_agg(user_label(user), ', '),
            where=link.appeal == table.id)

    @classmethod
    def search_observer_names(cls, name, clause):
        return [('observers.rec_name',) + tuple(clause[1:])]

    @classmethod
    def column_executor_names(cls, tables):
        "The executors' names (their parties'), in the order they joined"
        pool = Pool()
        Link = pool.get('crm.appeal-company.employee')
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        table, _ = tables[None]
        link, employee = Link.__table__(), Employee.__table__()
        party = Party.__table__()
        ordered = link.join(employee, condition=link.employee == employee.id
            ).join(party, condition=employee.party == party.id
            ).select(party.name.as_('name'), where=link.appeal == table.id,
                order_by=[link.id])
        return ordered.select(string_agg(ordered.name, ', '))

    @classmethod
    def search_executor_names(cls, name, clause):
        return [('executors.party.name',) + tuple(clause[1:])]

    @classmethod
    def search_address_name(cls, name, clause):
        "As the building or the premise (with the city)"
        _, operator, value = clause[:3]
        bool_op = ('AND' if operator.startswith('!')
            or operator.startswith('not ') else 'OR')
        return [bool_op,
            ('building.rec_name', operator, value),
            ('premise.rec_name', operator, value),
            ]
