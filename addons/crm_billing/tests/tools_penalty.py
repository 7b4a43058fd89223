"Fixtures of the penalties and debtors tests: charges, payments, key rates."
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool

from .tools import create_period


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
