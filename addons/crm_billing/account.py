"What billing needs to know of a personal account."
from trytond.model import fields
from trytond.pool import PoolMeta


class AccountBuildingMixin:
    "The building of the record's account: a column and a filter of lists"
    __slots__ = ()
    building = fields.Function(
        fields.Many2One('crm.building', "Building"), 'get_building',
        searcher='search_building')

    def get_building(self, name):
        building = self.account.building if self.account else None
        return building.id if building else None

    @classmethod
    def search_building(cls, name, clause):
        nested = clause[0][len(name):]
        return [('account.premise.building' + nested,) + tuple(clause[1:])]


class Account(metaclass=PoolMeta):
    __name__ = 'crm.account'
    residents = fields.Integer("Registered Residents",
        domain=['OR', ('residents', '=', None), ('residents', '>=', 0)],
        help="People registered in the premise: the norm is multiplied "
        "by them.")
    area = fields.Numeric("Area, m²", digits=(16, 2),
        domain=['OR', ('area', '=', None), ('area', '>=', 0)],
        help="Area the area-based services are charged for; empty takes "
        "the premise's.")
    meter_possible = fields.Boolean("Meter Can Be Installed",
        help="Without a meter where one can be installed the norm is "
        "charged with the increasing coefficient.")
    services = fields.One2Many(
        'crm.account.service', 'account', "Services")
    meters = fields.One2Many('crm.meter', 'account', "Meters")

    @classmethod
    def default_residents(cls):
        return 1

    @classmethod
    def default_meter_possible(cls):
        return True
