"Billing months of an organisation and the charges computed in them."
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.crm_dispatch.address import default_company
from trytond.pyson import Eval

MONTHS = [
    'январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август',
    'сентябрь', 'октябрь', 'ноябрь', 'декабрь']


def month_label(date):
    "«ноябрь 2026»"
    return f'{MONTHS[date.month - 1]} {date.year}'


class Period(ModelSQL, ModelView):
    "Billing period (Расчётный период)"
    __name__ = 'crm.billing.period'
    __string__ = "Billing period"
    _history = True
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    date = fields.Date("Month", required=True,
        help="The first day of the month.")
    state = fields.Selection([
            ('open', "Open"),
            ('closed', "Closed"),
            ], "State", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('company_date_unique', Unique(t, t.company, t.date),
                'crm_billing.msg_period_unique'),
            ]
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    default_company = staticmethod(default_company)

    @classmethod
    def default_state(cls):
        return 'open'

    def get_rec_name(self, name):
        return month_label(self.date) if self.date else ''


CHARGE_METHODS = [
    ('meter', "By meter"),
    ('average', "Average consumption"),
    ('norm', "Norm"),
    ('norm_coefficient', "Norm with the increasing coefficient"),
    ('area', "By area"),
    ('fixed', "Fixed"),
    ('manual', "Manual"),
    ]


class Charge(ModelSQL, ModelView):
    "Charge (Начисление)"
    __name__ = 'crm.charge'
    __string__ = "Charge"
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    period = fields.Many2One(
        'crm.billing.period', "Period", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    account = fields.Many2One(
        'crm.account', "Account", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    service = fields.Many2One(
        'crm.service', "Service", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    kind = fields.Selection([
            ('charge', "Charge"),
            ('recalculation', "Recalculation"),
            ], "Kind", required=True)
    method = fields.Selection(CHARGE_METHODS, "Method", required=True)
    quantity = fields.Numeric("Quantity", digits=(16, 4))
    rate = fields.Numeric("Rate", digits=(16, 4))
    amount = fields.Numeric("Amount", digits=(16, 2), required=True)
    reason = fields.Char("Reason",
        states={'required': Eval('kind') == 'recalculation'},
        help="Why the recalculation was made.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.period, Index.Range()),
                    (t.account, Index.Range())),
                Index(t, (t.account, Index.Range())),
                })
        cls._order = [
            ('period', 'DESC'), ('service', 'ASC'), ('id', 'ASC')]

    default_company = staticmethod(default_company)

    @classmethod
    def default_kind(cls):
        return 'charge'
