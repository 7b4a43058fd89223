"Services, their suppliers, tariffs and consumption norms."
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.modules.crm_dispatch.address import default_company
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .labels import account_label, joined

METHODS = [
    ('meter', "By meter"),
    ('norm', "Norm × residents"),
    ('area', "By area"),
    ('fixed', "Fixed"),
    ]


class Service(DeactivableMixin, ModelSQL, ModelView):
    "Service (Услуга)"
    __name__ = 'crm.service'
    __string__ = "Service"
    _history = True
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True,
        help="Short code used in registries, imports and receipts.")
    sequence = fields.Integer("Sequence")
    unit = fields.Char("Unit", required=True, help="м³, кВт·ч, Гкал, м²…")
    method = fields.Selection(METHODS, "Method", required=True,
        help="How the monthly quantity is found.")
    supplier = fields.Many2One(
        'party.party', "Supplier", ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The resource supplier the money goes to (РСО).")
    tariffs = fields.One2Many('crm.tariff', 'service', "Tariffs")
    norms = fields.One2Many('crm.norm', 'service', "Norms",
        states={'invisible': Eval('method').in_(['area', 'fixed'])})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_company_unique', Unique(t, t.company, t.code),
                'crm_billing.msg_service_code_unique'),
            ]
        cls._order = [
            ('sequence', 'ASC NULLS LAST'), ('name', 'ASC'), ('id', 'ASC')]

    default_company = staticmethod(default_company)

    @classmethod
    def default_method(cls):
        return 'meter'


class _Scoped:
    "A value valid from a date, for an organisation or one building"
    __slots__ = ()
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    service = fields.Many2One(
        'crm.service', "Service", required=True, ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))])
    building = fields.Many2One(
        'crm.building', "Building", ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))],
        help="Leave empty for the whole organisation; a building's value "
        "wins over the organisation's.")
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date",
        domain=['OR', ('end_date', '=', None),
            ('end_date', '>=', Eval('start_date'))])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.service, Index.Range()), (t.start_date, Index.Range())))
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]

    default_company = staticmethod(default_company)

    @fields.depends('service', '_parent_service.company')
    def on_change_service(self):
        if self.service:
            self.company = self.service.company

    def get_rec_name(self, name):
        "«Холодное водоснабжение с 01.01.2026»"
        Lang = Pool().get('ir.lang')
        label = self.service.rec_name if self.service else ''
        if self.building:
            label += f', {self.building.rec_name}'
        return gettext('crm_billing.msg_readings_scoped_name',
            label=label, start=Lang.get().strftime(self.start_date))

    @classmethod
    def validate(cls, records):
        super().validate(records)
        cls.check_overlap(records)

    @classmethod
    def check_overlap(cls, records):
        """One value a day for a service and scope: the charges would not
        know which of two overlapping tariffs (norms) to take"""
        for record in records:
            domain = [
                ('id', '!=', record.id),
                ('company', '=', record.company.id),
                ('service', '=', record.service.id),
                ('building', '=',
                    record.building.id if record.building else None),
                ['OR', ('end_date', '=', None),
                    ('end_date', '>=', record.start_date)],
                ]
            if record.end_date:
                domain.append(('start_date', '<=', record.end_date))
            with without_check_access():
                others = cls.search(domain, limit=1)
            if others:
                raise UserError(gettext(
                        'crm_billing.msg_readings_scope_overlap',
                        record=record.rec_name, other=others[0].rec_name))


class Tariff(_Scoped, ModelSQL, ModelView):
    "Tariff (Тариф)"
    __name__ = 'crm.tariff'
    __string__ = "Tariff"
    _history = True
    rate = fields.Numeric("Rate", digits=(16, 4), required=True,
        domain=[('rate', '>=', 0)], help="Roubles per unit of the service.")


class Norm(_Scoped, ModelSQL, ModelView):
    "Consumption norm (Норматив потребления)"
    __name__ = 'crm.norm'
    __string__ = "Consumption norm"
    _history = True
    quantity = fields.Numeric("Quantity per Resident", digits=(16, 4),
        required=True, domain=[('quantity', '>=', 0)],
        help="Units a month for one registered resident.")
    coefficient = fields.Numeric("Increasing Coefficient", digits=(16, 2),
        required=True, domain=[('coefficient', '>=', 1)],
        help="Applied when the premise could have a meter but has none "
        "(ПП РФ №354, 1.5 since 2017).")

    @classmethod
    def default_coefficient(cls):
        return 1


class AccountService(ModelSQL, ModelView):
    "Service billed to an account"
    __name__ = 'crm.account.service'
    __string__ = "Service of an account"
    _history = True
    account = fields.Many2One(
        'crm.account', "Account", required=True, ondelete='CASCADE')
    service = fields.Many2One(
        'crm.service', "Service", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    company = fields.Function(
        fields.Many2One('company.company', "Organisation"),
        'on_change_with_company')
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('account')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.account, Index.Range())))

    @fields.depends('account', '_parent_account.company')
    def on_change_with_company(self, name=None):
        return self.account.company if self.account else None

    def get_rec_name(self, name):
        return joined(account_label(self.account),
            self.service.name if self.service else '')
