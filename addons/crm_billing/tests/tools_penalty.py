"Fixtures of the penalties and debtors tests: charges, payments, key rates."
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool

from .tools import billing_world, create_period


def charge(account, period, amount, service=None):
    "A charge of the account in the period (a fixed service by default)"
    pool = Pool()
    Charge = pool.get('crm.charge')
    Service = pool.get('crm.service')
    if service is None:
        service, = Service.search([
                ('company', '=', account.company.id),
                ('code', '=', 'upkeep')])
    Charge.create([{
                'company': account.company.id, 'period': period.id,
                'account': account.id, 'service': service.id,
                'method': 'manual', 'amount': Decimal(amount)}])


def pay(account, date, amount):
    Payment = Pool().get('crm.payment')
    Payment.create([{
                'company': account.company.id, 'account': account.id,
                'date': date, 'amount': Decimal(amount)}])


def periods(company, year, months):
    "{month number: open crm.billing.period}"
    return {m: create_period(company, dt.date(year, m, 1)) for m in months}


def only_key_rates(*rates, moratoria=()):
    """Replace the seeded key-rate history and moratoria by the test's:
    rates are (date, '16.00'), moratoria (name, kind, start, end, rate)"""
    pool = Pool()
    KeyRate = pool.get('crm.key_rate')
    Moratorium = pool.get('crm.penalty.moratorium')
    KeyRate.delete(KeyRate.search([]))
    Moratorium.delete(Moratorium.search([]))
    KeyRate.create([{'date': d, 'rate': Decimal(r)} for d, r in rates])
    Moratorium.create([{
                'name': name, 'kind': kind, 'start_date': start,
                'end_date': end, 'rate': Decimal(rate) if rate else None}
            for name, kind, start, end, rate in moratoria])


def set_rule(company, rule):
    "The organisation's penalty key-rate rule ('payment' or 'daily')"
    Settings = Pool().get('crm.billing.settings')
    settings = Settings.get(company)
    settings.penalty_rate_rule = rule
    settings.save()


def debtors_world():
    """Due dates: January 10.02, February 10.03, March 10.04.
    a1 owes 1000 for each of January–March: 3000.00, 3 months late on
    11.04; a2 the same less a kopeck: 2999.99; a3 1500 for February and
    March: 3000.00 but 2 months late."""
    w = billing_world()
    a1, a2, a3 = w['north_accounts']
    months = periods(w['north'], 2026, [1, 2, 3, 4])
    for m in [1, 2, 3]:
        charge(a1, months[m], '1000.00')
        charge(a2, months[m], '999.99' if m == 3 else '1000.00')
    for m in [2, 3]:
        charge(a3, months[m], '1500.00')
    return w
