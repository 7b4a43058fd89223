"""The account's billing card (карточка расчётов): what an operator reads
to answer «сколько я должен и почему» — the debt, the last payment, the
charges by month and service, the payments, the balance history and the
meters with their readings graph; opened from the appeal."""
import datetime as dt
from decimal import Decimal

from sql import Literal, Null
from sql.aggregate import Max, Min, Sum
from sql.conditionals import Case

from trytond.i18n import gettext
from trytond.exceptions import UserError
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, PYSONEncoder

from .labels import account_label, joined, month_label
from .period import CHARGE_METHODS

# How many billing months the card lists: a year answers «почему столько»
# and compares the same season; older ones are in the balance history
CARD_MONTHS = 12
# Readings that count for the charges (the contract of the readings part)


def months_back(date, months):
    "The first day of the month months before date's"
    index = date.year * 12 + date.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


class ChargeMonth(ModelSQL, ModelView):
    "Charges of an account for a service in a month"
    __name__ = 'crm.account.charge_month'
    __string__ = "Charges by month"
    company = fields.Many2One('company.company', "Organisation")
    account = fields.Many2One('crm.account', "Account", required=True)
    period = fields.Many2One('crm.billing.period', "Period")
    month = fields.Date("Month")
    service = fields.Many2One('crm.service', "Service")
    unit = fields.Char("Unit")
    method = fields.Selection(CHARGE_METHODS + [(None, '')], "Method")
    quantity = fields.Numeric("Quantity", digits=(16, 4))
    rate = fields.Numeric("Rate", digits=(16, 4))
    charged = fields.Numeric("Charged", digits=(16, 2))
    recalculated = fields.Numeric("Recalculation", digits=(16, 2))
    reason = fields.Char("Recalculation Reason")
    amount = fields.Numeric("Total", digits=(16, 2))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('account')
        # The services of a month in their order, as on the receipt
        cls._order = [
            ('month', 'DESC'), ('service.sequence', 'ASC NULLS LAST'),
            ('service.name', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return joined(account_label(self.account),
            month_label(self.month) if self.month else '',
            self.service.name if self.service else '')

    @classmethod
    def table_query(cls):
        pool = Pool()
        charge = pool.get('crm.charge').__table__()
        period = pool.get('crm.billing.period').__table__()
        service = pool.get('crm.service').__table__()
        zero = Literal(0)

        def of(kind, column):
            return Case((charge.kind == kind, column), else_=Null)

        def total(kind, column):
            return Sum(Case((charge.kind == kind, column), else_=zero))
        query = charge.join(period, condition=charge.period == period.id
            ).join(service, condition=charge.service == service.id
            ).select(
                # A charge line is in one group only: its least id names
                # the group
                Min(charge.id).as_('id'),
                Literal(0).as_('create_uid'),
                Literal(Null).as_('create_date'),
                Literal(Null).as_('write_uid'),
                Literal(Null).as_('write_date'),
                charge.company, charge.account, charge.period,
                period.date.as_('month'), charge.service,
                Max(service.unit).as_('unit'),
                Max(of('charge', charge.method)).as_('method'),
                Sum(of('charge', charge.quantity)).as_('quantity'),
                Max(of('charge', charge.rate)).as_('rate'),
                total('charge', charge.amount).as_('charged'),
                total('recalculation', charge.amount).as_('recalculated'),
                Max(of('recalculation', charge.reason)).as_('reason'),
                Sum(charge.amount).as_('amount'),
                group_by=[charge.company, charge.account, charge.period,
                    period.date, charge.service])
        return query


class Account(metaclass=PoolMeta):
    __name__ = 'crm.account'
    billing_debt = fields.Function(fields.Numeric("Debt", digits=(16, 2),
            help="The closing balance of the last month: positive is owed, "
            "negative paid in advance."),
        'get_billing_debt')
    last_payment_date = fields.Function(
        fields.Date("Last Payment"), 'get_last_payment')
    last_payment_amount = fields.Function(
        fields.Numeric("Last Payment Amount", digits=(16, 2)),
        'get_last_payment')
    charge_months = fields.Function(fields.Many2Many(
            'crm.account.charge_month', None, None, "Charges by Month",
            help="The last 12 billing months of the account, by service: "
            "quantity, rate, charge and recalculation.",
            readonly=True),
        'get_charge_months')
    billing_payments = fields.One2Many(
        'crm.payment', 'account', "Payments", readonly=True)
    # Not a One2Many: on PostgreSQL the balance's id (account × 1200 +
    # months, from EXTRACT) is a Decimal which the One2Many passes on as is
    balances = fields.Function(fields.Many2Many(
            'crm.account.balance', None, None, "Balance History",
            readonly=True),
        'get_balances')

    def get_billing_debt(self, name):
        Balance = Pool().get('crm.account.balance')
        return Decimal(Balance.debt(self))

    @classmethod
    def get_last_payment(cls, accounts, names):
        Payment = Pool().get('crm.payment')
        result = {n: {a.id: None for a in accounts} for n in names}
        for account in accounts:
            found = Payment.search([('account', '=', account.id)],
                order=[('date', 'DESC'), ('id', 'DESC')], limit=1)
            if found:
                payment, = found
                if 'last_payment_date' in names:
                    result['last_payment_date'][account.id] = payment.date
                if 'last_payment_amount' in names:
                    result['last_payment_amount'][account.id] = (
                        payment.amount)
        return result

    @classmethod
    def get_balances(cls, accounts, name):
        Balance = Pool().get('crm.account.balance')
        result = {a.id: [] for a in accounts}
        for balance in Balance.search(
                [('account', 'in', [a.id for a in accounts])]):
            result[balance.account.id].append(int(balance.id))
        return result

    @classmethod
    def get_charge_months(cls, accounts, name):
        ChargeMonth = Pool().get('crm.account.charge_month')
        result = {}
        for account in accounts:
            latest = ChargeMonth.search([('account', '=', account.id)],
                order=[('month', 'DESC')], limit=1)
            if not latest:
                result[account.id] = []
                continue
            since = months_back(latest[0].month, CARD_MONTHS - 1)
            result[account.id] = [r.id for r in ChargeMonth.search([
                        ('account', '=', account.id),
                        ('month', '>=', since)])]
        return result


class Balance(metaclass=PoolMeta):
    __name__ = 'crm.account.balance'
    # «ноябрь 2026» also for a month of payments only, with no period yet
    month_name = fields.Function(fields.Char("Month"), 'get_month_name')

    def get_month_name(self, name):
        return month_label(self.month) if self.month else None


class Meter(metaclass=PoolMeta):
    __name__ = 'crm.meter'
    # The date and value of the last counted reading are the readings
    # part's (last_date, last_value); the card adds its consumption
    last_consumption = fields.Function(
        fields.Numeric("Last Consumption", digits=(16, 3)),
        'get_last_consumption')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'open_readings_graph': {
                    'depends': ['id'],
                    },
                })

    @classmethod
    def get_last_consumption(cls, meters, name):
        Reading = Pool().get('crm.meter.reading')
        result = {}
        for meter in meters:
            last = Reading.last_counted(meter)
            result[meter.id] = last.consumption if last else None
        return result

    @classmethod
    @ModelView.button_action('crm_billing.act_meter_reading_graph')
    def open_readings_graph(cls, meters):
        "The graph of the consumption of the meter, month after month"
        if len(meters) == 1:
            return {'name': gettext('crm_billing.msg_card_graph_name',
                    meter=meters[0].rec_name)}


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'open_billing_card': {
                    'invisible': ~Eval('accounts', []),
                    'depends': ['accounts'],
                    },
                })

    @classmethod
    @ModelView.button_action('crm_billing.act_account_card')
    def open_billing_card(cls, appeals):
        """Open the billing card of the appeal's accounts (the first one
        shown, the others a page further)"""
        accounts = []
        for appeal in appeals:
            accounts.extend(
                a for a in appeal.accounts if a not in accounts)
        if not accounts:
            raise UserError(gettext('crm_billing.msg_card_no_account'))
        return {
            'name': gettext('crm_billing.msg_card_name',
                accounts=', '.join(a.number for a in accounts)),
            'res_id': [a.id for a in accounts],
            'pyson_domain': PYSONEncoder().encode(
                [('id', 'in', [a.id for a in accounts])]),
            }
