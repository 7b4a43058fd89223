"""A worked receipt: the billing world of tools.py with requisites, a
holder, two months of charges, a payment, a penalty and meter readings.

November 2026 of account N0001 (54,20 м², 1 resident), by hand:
    cold water  3,5 м³ × 52,30          =   183,05
    hot water   2,1 м³ × 245,10         =   514,71
      recalculation (hot water)         =   −49,02
    upkeep      54,20 м² × 32,50        = 1 761,50
    waste       1 чел. × 120,00         =   120,00
    intercom    1 мес. × 60,00          =    60,00
    charged in November                 = 2 590,24
    opening (October's 2 500,00 unpaid) = 2 500,00
    penalty                             =    12,34
    paid 08.11.2026                     = 2 000,00
    to pay: 2 500 + 2 590,24 + 12,34 − 2 000 = 3 102,58 → Sum=310258
"""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool

from .tools import billing_world, create_meter, create_period

OCTOBER = dt.date(2026, 10, 1)
NOVEMBER = dt.date(2026, 11, 1)
REQUISITES = {
    'payee_name': 'ООО «УК Север»',
    'payee_inn': '5902123456',
    'payee_kpp': '590201001',
    'bank_name': 'Волго-Вятский банк ПАО Сбербанк',
    'bank_bic': '042202603',
    'bank_account': '40702810949770012345',
    'bank_corr_account': '30101810900000000603',
    }
# The payload of N0001's November receipt, written out by hand from the
# standard: header, the required requisites in table 1's order, then the
# additional ones in tables 2 and 3's
EXPECTED_PAYLOAD = (
    'ST00012'
    '|Name=ООО «УК Север»'
    '|PersonalAcc=40702810949770012345'
    '|BankName=Волго-Вятский банк ПАО Сбербанк'
    '|BIC=042202603'
    '|CorrespAcc=30101810900000000603'
    '|Sum=310258'
    '|PayeeINN=5902123456'
    '|KPP=590201001'
    '|LastName=Иванова Мария Петровна'
    '|PayerAddress=г. Пермь, ул. Ленина, д. 15, кв. 1'
    '|persAcc=N0001'
    '|paymPeriod=112026')


def set_requisites(company, **values):
    Settings = Pool().get('crm.billing.settings')
    settings = Settings.get(company)
    for name, value in dict(REQUISITES, **values).items():
        setattr(settings, name, value)
    settings.save()
    return settings


def receipt_world():
    """billing_world() with the worked November of N0001 (see the module's
    docstring); N0002 and N0003 get October's upkeep only"""
    pool = Pool()
    Party = pool.get('party.party')
    Building = pool.get('crm.building')
    Account = pool.get('crm.account')
    Charge = pool.get('crm.charge')
    Payment = pool.get('crm.payment')
    Penalty = pool.get('crm.penalty')
    Reading = pool.get('crm.meter.reading')
    w = billing_world()
    north = w['north']
    Building.write([w['north_building']], {
            'street': 'ул. Ленина', 'house': '15'})
    set_requisites(north)
    account = w['north_accounts'][0]
    holder, = Party.create([{'name': 'Иванова Мария Петровна'}])
    Account.write([account], {'holder': holder.id, 'area': Decimal('54.20')})
    s = w['north_services']
    october = create_period(north, OCTOBER)
    november = create_period(north, NOVEMBER)
    w.update(october=october, november=november, holder=holder)

    def charge(period, service, amount, quantity=None, rate=None,
            account=account, kind='charge', method=None, reason=None):
        Charge.create([{
                    'company': north.id, 'period': period.id,
                    'account': account.id, 'service': service.id,
                    'kind': kind, 'method': method or service.method,
                    'quantity': quantity and Decimal(quantity),
                    'rate': rate and Decimal(rate),
                    'amount': Decimal(amount), 'reason': reason}])
    for a in w['north_accounts']:
        charge(october, s['upkeep'], '2500.00', '76.9231', '32.50',
            account=a)
    charge(november, s['cold'], '183.05', '3.5', '52.30')
    charge(november, s['hot'], '514.71', '2.1', '245.10')
    charge(november, s['hot'], '-49.02', kind='recalculation',
        method='manual', reason='Недопоставка горячей воды')
    charge(november, s['upkeep'], '1761.50', '54.20', '32.50')
    charge(november, s['waste'], '120.00', '1', '120.00')
    charge(november, s['intercom'], '60.00', '1', '60.00')
    Payment.create([{
                'company': north.id, 'account': account.id,
                'date': dt.date(2026, 11, 8), 'amount': Decimal('2000.00')}])
    Penalty.create([{
                'company': north.id, 'account': account.id,
                'period': november.id, 'amount': Decimal('12.34')}])

    cold = create_meter(account, s['cold'], 'ХВ-1001')
    hot = create_meter(account, s['hot'], 'ГВ-2002')
    Reading.load_history([{
                'meter': m.id, 'company': north.id, 'date': d,
                'value': Decimal(v), 'consumption': Decimal(c),
                'state': 'accepted'}
            for m, d, v, c in [
                (cold, dt.date(2026, 9, 24), '96.100', '96.100'),
                (cold, dt.date(2026, 10, 24), '100.000', '3.900'),
                (cold, dt.date(2026, 11, 24), '103.500', '3.500'),
                (hot, dt.date(2026, 10, 23), '50.000', '50.000'),
                ]])
    # Waiting for approval: not printed as the month's reading
    Reading.load_history([{
                'meter': hot.id, 'company': north.id,
                'date': dt.date(2026, 11, 25), 'value': Decimal('90'),
                'consumption': Decimal('40'), 'state': 'approval'}])
    w.update(cold=cold, hot=hot)
    return w
