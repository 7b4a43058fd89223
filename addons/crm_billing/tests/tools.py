"""A small billing world for the tests: two organisations, a building each,
accounts, services with tariffs and norms, an accountant and operators."""
import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import create_company
from trytond.modules.crm_dispatch.tests.tools import create_staff
from trytond.pool import Pool

START = dt.date(2026, 1, 1)

# code: (name, unit, method, tariff, norm per resident)
SERVICES = {
    'cold': ("Холодное водоснабжение", 'м³', 'meter', '52.30', '4.85'),
    'hot': ("Горячее водоснабжение", 'м³', 'meter', '245.10', '3.60'),
    'upkeep': ("Содержание жилого помещения", 'м²', 'area', '32.50', None),
    'waste': ("Обращение с ТКО", 'чел.', 'norm', '120.00', '1'),
    'intercom': ("Домофон", 'мес.', 'fixed', '60.00', None),
    }


def create_accountant(login, company):
    "A user of the organisation in the accountants' group"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user = create_staff(login, company)
    User.write([user], {'groups': [('add', [
                        ModelData.get_id('crm_billing', 'group_crm_accountant')
                        ])]})
    return user


def create_building(company, street, house='1'):
    Building = Pool().get('crm.building')
    building, = Building.create([{
                'company': company.id, 'city': 'Пермь', 'street': street,
                'house': house}])
    return building


def create_account(company, building, number, flat, area='54.20',
        residents=2, holder=None):
    pool = Pool()
    Premise = pool.get('crm.premise')
    Account = pool.get('crm.account')
    premise, = Premise.create([{
                'building': building.id, 'number': flat,
                'area': Decimal(area)}])
    account, = Account.create([{
                'company': company.id, 'number': number,
                'premise': premise.id, 'residents': residents,
                'holder': holder.id if holder else None}])
    return account


def create_services(company, codes=SERVICES, start=START):
    """The services of SERVICES with their tariffs and norms from start;
    return {code: crm.service}"""
    pool = Pool()
    Service = pool.get('crm.service')
    Tariff = pool.get('crm.tariff')
    Norm = pool.get('crm.norm')
    services = {}
    for sequence, code in enumerate(codes):
        name, unit, method, rate, norm = SERVICES[code]
        service, = Service.create([{
                    'company': company.id, 'code': code, 'name': name,
                    'unit': unit, 'method': method, 'sequence': sequence}])
        Tariff.create([{
                    'company': company.id, 'service': service.id,
                    'start_date': start, 'rate': Decimal(rate)}])
        if norm:
            Norm.create([{
                        'company': company.id, 'service': service.id,
                        'start_date': start, 'quantity': Decimal(norm),
                        'coefficient': Decimal('1.5')}])
        services[code] = service
    return services


def subscribe(account, services, start=START):
    "Bill the account for the services from start"
    AccountService = Pool().get('crm.account.service')
    AccountService.create([{
                'account': account.id, 'service': s.id, 'start_date': start}
            for s in services])


def create_meter(account, service, serial, initial='0', digits=5,
        verified=dt.date(2025, 1, 15), interval=6):
    Meter = Pool().get('crm.meter')
    meter, = Meter.create([{
                'company': account.company.id, 'kind': 'individual',
                'account': account.id, 'service': service.id,
                'serial': serial, 'digits': digits,
                'initial_value': Decimal(initial),
                'verification_date': verified,
                'verification_interval': interval}])
    return meter


def billing_world():
    """Two organisations; north has a building with three accounts
    subscribed to every service, south one account; an accountant and an
    operator in each"""
    north = create_company(name='УК Север')
    south = create_company(name='УК Юг')
    world = {'north': north, 'south': south}
    for key, company in [('north', north), ('south', south)]:
        building = create_building(company, f'ул. {key.capitalize()}ная')
        services = create_services(company)
        accounts = [
            create_account(company, building, f'{key[0].upper()}{n:04d}',
                str(n), residents=n)
            for n in range(1, 4 if key == 'north' else 2)]
        for account in accounts:
            subscribe(account, services.values())
        world[key + '_building'] = building
        world[key + '_services'] = services
        world[key + '_accounts'] = accounts
        world[key + '_accountant'] = create_accountant(
            f'{key}_accountant', company)
        world[key + '_operator'] = create_staff(f'{key}_operator', company)
    return world


def create_period(company, date, state='open'):
    Period = Pool().get('crm.billing.period')
    period, = Period.create([{
                'company': company.id, 'date': date, 'state': state}])
    return period
