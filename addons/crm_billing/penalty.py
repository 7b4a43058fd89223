"Penalties (пени) per ЖК РФ ст.155 ч.14: key rates, moratoria, amounts."
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.crm_dispatch.address import default_company
from trytond.pyson import Eval


class KeyRate(ModelSQL, ModelView):
    "Key rate of the Bank of Russia"
    __name__ = 'crm.key_rate'
    __string__ = "Key rate"
    _history = True
    date = fields.Date("Since", required=True)
    rate = fields.Numeric("Rate, %", digits=(16, 2), required=True,
        domain=[('rate', '>=', 0)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('date_unique', Unique(t, t.date),
                'crm_billing.msg_key_rate_unique'),
            ]
        cls._order = [('date', 'DESC'), ('id', 'DESC')]


class Moratorium(ModelSQL, ModelView):
    "Moratorium on penalties"
    __name__ = 'crm.penalty.moratorium'
    __string__ = "Moratorium on penalties"
    _history = True
    name = fields.Char("Name", required=True,
        help="The act that introduced it, e.g. ПП РФ №474.")
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date", required=True,
        domain=[('end_date', '>=', Eval('start_date'))])


class Penalty(ModelSQL, ModelView):
    "Penalty of an account for a period"
    __name__ = 'crm.penalty'
    __string__ = "Penalty"
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    account = fields.Many2One(
        'crm.account', "Account", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    period = fields.Many2One(
        'crm.billing.period', "Period", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    amount = fields.Numeric("Amount", digits=(16, 2), required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.period, Index.Range()), (t.account, Index.Range())))

    default_company = staticmethod(default_company)
