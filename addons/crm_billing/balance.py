"""Balances of the accounts by month, read from charges, penalties, payments
and opening balances (входящее сальдо) taken over from another billing."""
from sql import Cast, Literal, Null, Union, Window
from sql.aggregate import Count, Sum
from sql.conditionals import Coalesce
from sql.functions import Extract, Round

from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.crm_dispatch.address import default_company
from trytond.pool import Pool
from trytond.pyson import Eval

from .labels import account_label, joined, month_label


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

    def get_rec_name(self, name):
        return joined(account_label(self.account),
            month_label(self.month) if self.month else '')

    @classmethod
    def table_query(cls):
        pool = Pool()
        charge = pool.get('crm.charge').__table__()
        penalty = pool.get('crm.penalty').__table__()
        payment = pool.get('crm.payment').__table__()
        period = pool.get('crm.billing.period').__table__()
        opening = pool.get('crm.account.opening').__table__()
        zero = Literal(0)
        none = Literal(Null)

        charges = charge.join(period, condition=charge.period == period.id
            ).select(charge.company, charge.account,
                period.date.as_('month'), charge.amount.as_('charged'),
                zero.as_('penalty'), zero.as_('paid'), none.as_('opening'))
        penalties = penalty.join(period, condition=penalty.period == period.id
            ).select(penalty.company, penalty.account,
                period.date.as_('month'), zero.as_('charged'),
                penalty.amount.as_('penalty'), zero.as_('paid'),
                none.as_('opening'))
        payments = payment.select(payment.company, payment.account,
            payment.month.as_('month'), zero.as_('charged'),
            zero.as_('penalty'), payment.amount.as_('paid'),
            none.as_('opening'))
        openings = opening.select(opening.company, opening.account,
            opening.month, zero.as_('charged'), zero.as_('penalty'),
            zero.as_('paid'), opening.amount.as_('opening'))
        # The openings first: PostgreSQL types a UNION's column from its
        # first branches, and NULL of the others would make it text
        moves = Union(openings, charges, penalties, payments, all_=True)
        monthly = moves.select(
            moves.company, moves.account, moves.month,
            Sum(moves.charged).as_('charged'),
            Sum(moves.penalty).as_('penalty'),
            Sum(moves.paid).as_('paid'),
            Sum(moves.opening).as_('opening'),
            group_by=[moves.company, moves.account, moves.month])

        # An opening balance taken over from another billing restarts the
        # running sum at its month: the months from it to the next one
        # form a segment summed from that opening, the earlier moves stay
        # in the history but do not add to it
        segmented = monthly.select(
            monthly.company, monthly.account, monthly.month,
            monthly.charged, monthly.penalty, monthly.paid, monthly.opening,
            Count(monthly.opening, window=Window([monthly.account],
                    order_by=[monthly.month.asc])).as_('segment'))
        window = Window([segmented.account, segmented.segment],
            order_by=[segmented.month.asc])
        # Rounded: SQLite adds numerics as floats (300 + 1000 - 1253.66
        # would be 46.339999…)
        closing = Round(Sum(Coalesce(segmented.opening, zero)
                + segmented.charged + segmented.penalty - segmented.paid,
                window=window), 2)
        rows = segmented.join(period, 'LEFT', condition=(
                (period.company == segmented.company)
                & (period.date == segmented.month))
            ).select(
                segmented.company, segmented.account, segmented.month,
                period.id.as_('period'),
                segmented.charged, segmented.penalty, segmented.paid,
                closing.as_('closing'))
        # One row per account and month: the id encodes both (months
        # counted from the year 2000)
        # (PostgreSQL's EXTRACT gives a numeric: the id must be an integer)
        month_no = Cast((Extract('YEAR', rows.month) - 2000) * 12
            + Extract('MONTH', rows.month) - 1, 'INTEGER')
        return rows.select(
            Cast(rows.account * 1200 + month_no, 'BIGINT').as_('id'),
            Literal(0).as_('create_uid'),
            Literal(Null).as_('create_date'),
            Literal(Null).as_('write_uid'),
            Literal(Null).as_('write_date'),
            rows.company, rows.account, rows.month, rows.period,
            Round(rows.closing - rows.charged - rows.penalty + rows.paid, 2
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


class Opening(ModelSQL, ModelView):
    """Opening balance (Входящее сальдо) of an account at a month: the debt
    (positive) or advance another billing carried to that month; the
    balance of the month starts from it, whatever came before"""
    __name__ = 'crm.account.opening'
    __string__ = "Opening balance"
    _history = True
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    account = fields.Many2One(
        'crm.account', "Account", required=True, ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))])
    month = fields.Date("Month", required=True,
        help="The first day of the month the balance opens.")
    amount = fields.Numeric("Opening Balance", digits=(16, 2), required=True,
        help="Positive is a debt, negative an advance.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('account_month_unique', Unique(t, t.account, t.month),
                'crm_billing.msg_external_opening_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.account, Index.Range()), (t.month, Index.Range())))
        cls._order = [('month', 'DESC'), ('account', 'ASC'), ('id', 'ASC')]

    default_company = staticmethod(default_company)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('month'):
            values['month'] = values['month'].replace(day=1)
        return values
