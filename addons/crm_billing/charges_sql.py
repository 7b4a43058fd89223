"""The month's charges of an organisation as one INSERT … SELECT.

Every subscribed account × service of the month gets one line; the method
is chosen in SQL (ПП РФ №354 п.42, 59–60):

- by meter: the consumption of the counted readings (accepted or late)
  dated in the month;
- no such reading but one in the last `average_limit` months: the average
  monthly consumption over the `average_months` months ending with the
  month of that last reading (п.59: the average is that of the period
  before the gap, applied for at most 3 months);
- no reading for longer, or a meter without any reading: the norm ×
  residents (п.60);
- no meter at all: the norm × residents, × the norm's increasing
  coefficient when a meter could be installed (п.42);
- by area: the account's area, else its premise's; fixed: 1.

Tariffs and norms: the row valid on the month's first day, the building's
row winning over the organisation's. The quantity is rounded to 4 digits
(the field's), the amount = ROUND(quantity × rate, 2): what the receipt
shows can be multiplied back by hand. Dates are computed here in Python so
that the SQL is the same on SQLite and PostgreSQL.
"""
from sql import Literal, Null, Select, Table, Union, Window
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Round, RowNumber

from trytond import backend
from trytond.pool import Pool
from trytond.transaction import Transaction

from .readings_check import COUNTED



def add_months(date, months):
    "The first day of the month `months` after date's month"
    index = date.year * 12 + date.month - 1 + months
    return date.replace(year=index // 12, month=index % 12 + 1, day=1)


def _valid(table, company, date, columns):
    """The rows of a tariff/norm table valid on date: the latest start per
    service and building (building NULL = the organisation's)"""
    rank = RowNumber(window=Window([table.service, table.building],
            order_by=[table.start_date.desc, table.id.desc]))
    ranked = table.select(table.service, table.building,
        *[getattr(table, c) for c in columns], rank.as_('rank'),
        where=(table.company == company) & (table.start_date <= date)
        & ((table.end_date == Null) | (table.end_date >= date)))
    return ranked.select(ranked.service, ranked.building,
        *[getattr(ranked, c) for c in columns],
        where=ranked.rank == 1)


def _in_range(column, accounts):
    """The chunk of a run: accounts is (first, last) id, both included, or
    None for all"""
    if accounts is None:
        return Literal(True)
    first, last = accounts
    return (column >= first) & (column <= last)


def subscriptions(company, month, accounts=None):
    "(account, service) pairs billed in the month: one row each"
    pool = Pool()
    subscription = pool.get('crm.account.service').__table__()
    account = pool.get('crm.account').__table__()
    service = pool.get('crm.service').__table__()
    end = add_months(month, 1)
    return subscription.join(account,
        condition=subscription.account == account.id
        ).join(service, condition=subscription.service == service.id
        ).select(subscription.account, subscription.service,
            where=(account.company == company) & (account.active == True)
            & (service.company == company) & (service.active == True)
            & (subscription.start_date < end)
            & ((subscription.end_date == Null)
                | (subscription.end_date >= month))
            & _in_range(subscription.account, accounts),
            group_by=[subscription.account, subscription.service])


def _readings(company, month, average_months, average_limit, accounts):
    """Per account × service of the individual meters: the month's counted
    readings and consumption, the last counted reading date before the
    month and, for each possible month j (1…limit) of that last reading,
    the consumption of the average_months months ending with it"""
    pool = Pool()
    reading = pool.get('crm.meter.reading').__table__()
    meter = pool.get('crm.meter').__table__()
    consumption = Coalesce(reading.consumption, 0)
    current = reading.date >= month
    columns = [meter.account, meter.service,
        Count(Case((current, Literal(1)))).as_('cur_n'),
        Sum(Case((current, consumption), else_=0)).as_('cur_q'),
        Max(Case((~current, reading.date))).as_('last_date')]
    for j in range(1, average_limit + 1):
        start = add_months(month, -(j + average_months - 1))
        stop = add_months(month, -(j - 1))
        columns.append(Sum(Case(
                    ((reading.date >= start) & (reading.date < stop),
                        consumption), else_=0)).as_(f'avg{j}'))
    earliest = add_months(month, -(average_limit + average_months - 1))
    return reading.join(meter, condition=reading.meter == meter.id
        ).select(*columns,
            where=(reading.company == company)
            & reading.state.in_(COUNTED)
            & (reading.date >= earliest)
            & (reading.date < add_months(month, 1))
            & (meter.kind == 'individual')
            & _in_range(meter.account, accounts),
            group_by=[meter.account, meter.service])


# The readings' aggregate of a run in chunks, computed once
STAGED = 'crm_billing_run_readings'


def stage_readings(company, month, average_months, average_limit):
    """The readings' aggregate of the whole organisation in a temporary
    table that each chunk joins: the grouped scan of the readings is the
    run's heaviest step and would otherwise be repeated per chunk (the
    readings hold no account to narrow them by). Dropped by drop_staged;
    a rollback takes it away too"""
    cursor = Transaction().connection.cursor()
    drop_staged()
    query, params = tuple(_readings(
            company, month, average_months, average_limit, None))
    cursor.execute(f'CREATE TEMPORARY TABLE "{STAGED}" AS {query}', params)
    if backend.name == 'postgresql':
        cursor.execute(f'ANALYZE "{STAGED}"')
    return Table(STAGED)


def drop_staged():
    Transaction().connection.cursor().execute(
        f'DROP TABLE IF EXISTS "{STAGED}"')


def _meters(company, accounts):
    "Per account × service: the individual meters in service"
    meter = Pool().get('crm.meter').__table__()
    return meter.select(meter.account, meter.service,
        Count(Literal(1)).as_('n'),
        where=(meter.company == company) & (meter.kind == 'individual')
        & (meter.state == 'active') & _in_range(meter.account, accounts),
        group_by=[meter.account, meter.service])


def _divisor(months):
    "SQLite divides integers as integers: make it real there"
    if backend.name == 'sqlite':
        return Literal(float(months))
    return Literal(months)


def _prices(company, month):
    """Per building (0: none) × service of the organisation: the rate, the
    norm and its coefficient valid on the month's first day, the
    building's row winning. A small set (buildings × services) the big
    query joins by hash: its estimate is right, unlike the window
    subqueries' own"""
    pool = Pool()
    building = pool.get('crm.building').__table__()
    service = pool.get('crm.service').__table__()
    tariff = pool.get('crm.tariff').__table__()
    norm = pool.get('crm.norm').__table__()
    tb, to = (_valid(tariff, company, month, ['rate']) for _ in range(2))
    nb, no = (_valid(norm, company, month, ['quantity', 'coefficient'])
        for _ in range(2))
    places = Union(
        building.select(building.id, where=building.company == company),
        Select([Literal(0).as_('id')]), all_=True)

    def own(row):
        return (row.service == service.id) & (row.building == places.id)

    def scoped(row):
        return (row.service == service.id) & (row.building == Null)

    return places.join(service, condition=service.company == company
        ).join(tb, 'LEFT', condition=own(tb)
        ).join(to, 'LEFT', condition=scoped(to)
        ).join(nb, 'LEFT', condition=own(nb)
        ).join(no, 'LEFT', condition=scoped(no)
        ).select(places.id.as_('building'), service.id.as_('service'),
            Coalesce(tb.rate, to.rate).as_('rate'),
            Coalesce(nb.quantity, no.quantity).as_('norm'),
            Coalesce(nb.coefficient, no.coefficient).as_('coefficient'))


def lines(company, month, average_months, average_limit, accounts=None,
        staged=None):
    """SELECT account, service, method, quantity, rate, amount of every
    line of the month (amount NULL where a tariff, norm or area lacks);
    accounts: (first, last) id of a run's chunk, the range also given to
    the grouped subqueries, which the planner would not narrow by itself;
    staged: the readings' aggregate from stage_readings"""
    pool = Pool()
    account = pool.get('crm.account').__table__()
    premise = pool.get('crm.premise').__table__()
    service = pool.get('crm.service').__table__()
    subs = subscriptions(company, month, accounts)
    rd = staged if staged is not None else _readings(
        company, month, average_months, average_limit, accounts)
    mt = _meters(company, accounts)
    price = _prices(company, month)

    query = subs.join(account, condition=subs.account == account.id
        ).join(premise, 'LEFT', condition=account.premise == premise.id
        ).join(service, condition=subs.service == service.id
        ).join(rd, 'LEFT', condition=(rd.account == subs.account)
            & (rd.service == subs.service)
        ).join(mt, 'LEFT', condition=(mt.account == subs.account)
            & (mt.service == subs.service)
        ).join(price, 'LEFT', condition=(price.service == subs.service)
            & (price.building == Coalesce(premise.building, 0)))

    by_meter = service.method == 'meter'
    averaged = [(rd.last_date >= add_months(month, -j), getattr(rd, f'avg{j}'))
        for j in range(1, average_limit + 1)]
    method = Case(
        (by_meter & (rd.cur_n > 0), 'meter'),
        (by_meter & (rd.last_date >= add_months(month, -average_limit)),
            'average'),
        (by_meter & ((mt.n > 0) | (rd.account != Null)), 'norm'),
        (by_meter & (account.meter_possible == True), 'norm_coefficient'),
        (by_meter, 'norm'),
        else_=service.method)
    inner = query.select(subs.account, subs.service,
        method.as_('method'),
        rd.cur_q,
        (Case(*averaged, else_=Null) if averaged else Literal(None)
            ).as_('avg_q'),
        (price.norm * Coalesce(account.residents, 0)).as_('norm_q'),
        price.coefficient,
        Coalesce(account.area, premise.area).as_('area'),
        price.rate)

    quantity = Case(
        (inner.method == 'meter', Round(inner.cur_q, 4)),
        (inner.method == 'average',
            Round(inner.avg_q / _divisor(average_months), 4)),
        (inner.method == 'norm', Round(inner.norm_q, 4)),
        (inner.method == 'norm_coefficient',
            Round(inner.norm_q * inner.coefficient, 4)),
        (inner.method == 'area', inner.area),
        else_=Literal(1))
    sized = inner.select(inner.account, inner.service, inner.method,
        quantity.as_('quantity'), inner.rate)
    return sized.select(sized.account, sized.service, sized.method,
        sized.quantity, sized.rate,
        Round(sized.quantity * sized.rate, 2).as_('amount'))
