"Balances of the accounts by month, read from charges, penalties, payments."
from sql import Literal, Null, Union, Window
from sql.aggregate import Sum
from sql.functions import Extract

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool


class Balance(ModelSQL, ModelView):
    "Balance of an account for a month (оборотно-сальдовая строка)"
    __name__ = 'crm.account.balance'
    __string__ = "Account balance"
    company = fields.Many2One('company.company', "Organisation")
    account = fields.Many2One('crm.account', "Account", required=True)
    month = fields.Date("Month")
    period = fields.Many2One('crm.billing.period', "Period")
    opening = fields.Numeric("Opening Balance", digits=(16, 2))
    charged = fields.Numeric("Charged", digits=(16, 2))
    penalty = fields.Numeric("Penalties", digits=(16, 2))
    paid = fields.Numeric("Paid", digits=(16, 2))
    closing = fields.Numeric("Closing Balance", digits=(16, 2),
        help="Positive is a debt, negative an advance.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('account')
        cls._order = [
            ('month', 'DESC'), ('account', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        charge = pool.get('crm.charge').__table__()
        penalty = pool.get('crm.penalty').__table__()
        payment = pool.get('crm.payment').__table__()
        period = pool.get('crm.billing.period').__table__()
        zero = Literal(0)

        charges = charge.join(period, condition=charge.period == period.id
            ).select(charge.company, charge.account,
                period.date.as_('month'), charge.amount.as_('charged'),
                zero.as_('penalty'), zero.as_('paid'))
        penalties = penalty.join(period, condition=penalty.period == period.id
            ).select(penalty.company, penalty.account,
                period.date.as_('month'), zero.as_('charged'),
                penalty.amount.as_('penalty'), zero.as_('paid'))
        payments = payment.select(payment.company, payment.account,
            payment.month.as_('month'), zero.as_('charged'),
            zero.as_('penalty'), payment.amount.as_('paid'))
        moves = Union(charges, penalties, payments, all_=True)
        monthly = moves.select(
            moves.company, moves.account, moves.month,
            Sum(moves.charged).as_('charged'),
            Sum(moves.penalty).as_('penalty'),
            Sum(moves.paid).as_('paid'),
            group_by=[moves.company, moves.account, moves.month])

        window = Window([monthly.account], order_by=[monthly.month.asc])
        closing = Sum(
            monthly.charged + monthly.penalty - monthly.paid, window=window)
        rows = monthly.join(period, 'LEFT', condition=(
                (period.company == monthly.company)
                & (period.date == monthly.month))
            ).select(
                monthly.company, monthly.account, monthly.month,
                period.id.as_('period'),
                monthly.charged, monthly.penalty, monthly.paid,
                closing.as_('closing'))
        # One row per account and month: the id encodes both (months
        # counted from the year 2000)
        month_no = ((Extract('YEAR', rows.month) - 2000) * 12
            + Extract('MONTH', rows.month) - 1)
        return rows.select(
            (rows.account * 1200 + month_no).as_('id'),
            Literal(0).as_('create_uid'),
            Literal(Null).as_('create_date'),
            Literal(Null).as_('write_uid'),
            Literal(Null).as_('write_date'),
            rows.company, rows.account, rows.month, rows.period,
            (rows.closing - rows.charged - rows.penalty + rows.paid
                ).as_('opening'),
            rows.charged, rows.penalty, rows.paid, rows.closing)

    @classmethod
    def debt(cls, account, date=None):
        "The account's closing balance of its last month up to date"
        domain = [('account', '=', getattr(account, 'id', account))]
        if date:
            domain.append(('month', '<=', date))
        found = cls.search(domain, order=[('month', 'DESC')], limit=1)
        return found[0].closing if found else 0
