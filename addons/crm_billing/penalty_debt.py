"""Open debts of accounts by charge month: payments pay the oldest charge
months first (FIFO); a month's charges are due on the settings' payment day
of the next month.  Penalties, debtor cases and the account card read
debts from here and nowhere else."""
import datetime as dt
from collections import defaultdict, namedtuple
from decimal import Decimal

from sql.aggregate import Sum

from trytond.pool import Pool
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

# One charge month of an account as FIFO saw it up to a date:
# allocations are the (payment date, amount) pieces that paid it
Month = namedtuple('Month', ['month', 'due_date', 'amount', 'allocations'])
# An open (unpaid) part of a charge month on a date
Debt = namedtuple('Debt', ['month', 'amount', 'due_date', 'days_overdue'])


CENT = Decimal('0.01')


def money(value):
    "A sum read from SQL as Decimal (SQLite sums numerics as floats)"
    return Decimal(value).quantize(CENT)


def next_month(date):
    return (date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def due_date(month, payment_day):
    "ЖК РФ ст.155 ч.1: paid by the payment day of the next month"
    return next_month(month).replace(day=payment_day)


def _to_date(value):
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def charge_months(company, account_ids, date):
    """{account id: [Month]} for the charge months up to date's month,
    oldest first, with the FIFO allocation of the payments made up to
    date.  A month whose charges are negative in total (a recalculation
    in the resident's favour) works as a payment on its first day."""
    pool = Pool()
    Charge = pool.get('crm.charge')
    Period = pool.get('crm.billing.period')
    Payment = pool.get('crm.payment')
    Settings = pool.get('crm.billing.settings')
    payment_day = Settings.get(company).payment_day
    charge = Charge.__table__()
    period = Period.__table__()
    payment = Payment.__table__()
    cursor = Transaction().connection.cursor()

    totals = defaultdict(list)
    paid = defaultdict(list)
    for sub_ids in grouped_slice(account_ids):
        sub_ids = list(sub_ids)
        cursor.execute(*charge.join(period,
                condition=charge.period == period.id
                ).select(charge.account, period.date, Sum(charge.amount),
                where=reduce_ids(charge.account, sub_ids)
                & (period.date <= date),
                group_by=[charge.account, period.date],
                order_by=[charge.account, period.date]))
        for account_id, month, amount in cursor:
            totals[account_id].append((_to_date(month), money(amount)))
        cursor.execute(*payment.select(
                payment.account, payment.date, payment.amount,
                where=reduce_ids(payment.account, sub_ids)
                & (payment.date <= date),
                order_by=[payment.account, payment.date, payment.id]))
        for account_id, pay_date, amount in cursor:
            paid[account_id].append((_to_date(pay_date), money(amount)))

    result = {}
    for account_id in account_ids:
        months, credits = [], list(paid.get(account_id, []))
        for month, amount in totals.get(account_id, []):
            if amount > 0:
                months.append(Month(
                        month, due_date(month, payment_day), amount, []))
            elif amount < 0:
                credits.append((month, -amount))
        credits.sort(key=lambda c: c[0])
        _allocate(months, credits)
        result[account_id] = months
    return result


def _allocate(months, credits):
    "Spread the credits over the months, oldest month first"
    index = 0
    for date, amount in credits:
        while amount > 0 and index < len(months):
            month = months[index]
            left = month.amount - sum(a for _, a in month.allocations)
            part = min(left, amount)
            month.allocations.append((date, part))
            amount -= part
            if part == left:
                index += 1
        # what is left over is an advance: no month to pay yet


def open_debts(company, account_ids, date):
    """{account id: ([Debt], age in months)} on date: the unpaid part of
    each charge month and the debt's age, the number of unpaid months whose
    due date has passed (FIFO keeps the unpaid months the newest ones)."""
    result = {}
    for account_id, months in charge_months(
            company, account_ids, date).items():
        debts = []
        for month in months:
            left = month.amount - sum(a for _, a in month.allocations)
            if left > 0:
                debts.append(Debt(month.month, left, month.due_date,
                        max((date - month.due_date).days, 0)))
        age = sum(1 for d in debts if d.days_overdue > 0)
        result[account_id] = (debts, age)
    return result
