"""Helpers of the portal's route tests: a client that keeps cookies and
sends the CSRF token the pages gave it."""
import re
import urllib.parse

from werkzeug.test import Client
from werkzeug.wrappers import Response

from trytond.tests.test_tryton import DB_NAME
from trytond.wsgi import app

PASSWORD = 'demo1234'
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class PortalClient:
    "A browser without JavaScript: cookies, CSRF token, redirects"

    def __init__(self, db_name=DB_NAME):
        self.client = Client(app, Response)
        self.base = '/%s/portal' % urllib.parse.quote(db_name, safe='')
        self.token = None

    def get(self, path, **kwargs):
        response = self.client.get(self.base + path, **kwargs)
        self._remember(response)
        return response

    def post(self, path, data=None, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get('/login')
            data.setdefault('csrf_token', self.token)
        response = self.client.post(self.base + path, data=data, **kwargs)
        self._remember(response)
        return response

    def _remember(self, response):
        if response.mimetype == 'text/html':
            found = CSRF.search(response.get_data(as_text=True))
            if found:
                self.token = found.group(1)

    def login(self, login, password=PASSWORD):
        return self.post('/login', {'login': login, 'password': password})

    def text(self, response):
        return response.get_data(as_text=True)



LINK = re.compile(r'https?://[^\s"<>]+')


def _unescape(link):
    import html
    return html.unescape(link)


class AuthPortalClient(PortalClient):
    """A PortalClient coming from its own network address: the throttles
    count per address, tests of one class must not share theirs"""

    def __init__(self, remote_addr, db_name=DB_NAME):
        super().__init__(db_name=db_name)
        self.environ = {'REMOTE_ADDR': remote_addr}

    def get(self, path, **kwargs):
        kwargs.setdefault('environ_base', self.environ)
        return super().get(path, **kwargs)

    def post(self, path, data=None, csrf=True, **kwargs):
        kwargs.setdefault('environ_base', self.environ)
        return super().post(path, data, csrf=csrf, **kwargs)

    def open_link(self, url):
        "Open an absolute link of a letter on this portal"
        parts = urllib.parse.urlsplit(url)
        self.assert_portal(parts.path)
        path = parts.path[len(self.base):]
        if parts.query:
            path += '?' + parts.query
        return self.get(path)

    def assert_portal(self, path):
        if not path.startswith(self.base + '/'):
            raise AssertionError(f'{path} is not a page of {self.base}')


def auth_letter_links(server, to, timeout=10):
    """The links of the last letter the SMTP server got for to (its
    plain-text part, as a mail client without HTML shows it)"""
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        letters = [x for x in server.letters if to in x['to']]
        if letters:
            message = letters[-1]['message']
            # Plain text when trytond could convert the HTML, else HTML
            text = message.get_body(('plain', 'html')).get_content()
            return message, [_unescape(x) for x in LINK.findall(text)]
        time.sleep(0.05)
    raise AssertionError(f'no letter to {to}')


def auth_count(model, domain=None):
    "The number of records of model in the test database, outside requests"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(DB_NAME, 0, context={'active_test': False}):
        return Pool().get(model).search_count(domain or [])


def appeals_setup(residents=('anna@example.com', 'boris@example.com')):
    """Build in process what the appeal pages need: an organisation with
    its stages, the portal source, a reason offered on the portal with a
    required and an optional extra field, a building, a premise and an
    account per resident, and the residents (web user, party, account
    linked).  Return the ids by name; the caller commits."""
    from trytond.modules.company.tests import create_company
    from trytond.pool import Pool
    pool = Pool()
    Source = pool.get('crm.appeal.source')
    Group = pool.get('crm.appeal.reason.group')
    Reason = pool.get('crm.appeal.reason')
    Field = pool.get('crm.appeal.extra_field')
    Building = pool.get('crm.building')
    Premise = pool.get('crm.premise')
    Account = pool.get('crm.account')
    Party = pool.get('party.party')
    WebUser = pool.get('web.user')
    Link = pool.get('crm.portal.account.link')
    company = create_company()
    portal, = Source.create([{'name': 'Портал', 'code': 'portal'}])
    Source.create([{'name': 'Телефон', 'code': 'phone'}])
    repairs, service = Group.create([
            {'name': 'Ремонт и аварии'},
            {'name': 'Служебные', 'service': True}])
    leak, lift, hidden = Reason.create([
            {'group': repairs.id, 'name': 'Протечка', 'portal': True,
                'default_hours': 24},
            {'group': repairs.id, 'name': 'Лифт', 'portal': True,
                'default_hours': 48},
            {'group': repairs.id, 'name': 'Внутренняя проверка',
                'portal': False, 'default_hours': 24}])
    Field.create([
            {'name': 'floor', 'string': 'Этаж', 'type_': 'integer',
                'required': True, 'sequence': 1,
                'reasons': [('add', [leak.id])]},
            {'name': 'where', 'string': 'Где течёт', 'type_': 'selection',
                'selection': 'ceiling:С потолка\npipe:Из трубы',
                'sequence': 2, 'reasons': [('add', [leak.id])]},
            ])
    building, = Building.create([{'company': company.id, 'city': 'Вологда',
                'street': 'ул. Ленина', 'house': '12'}])
    result = {'company': company.id, 'source': portal.id,
        'leak': leak.id, 'lift': lift.id, 'hidden': hidden.id,
        'group': repairs.id, 'building': building.id}
    for i, email in enumerate(residents, 1):
        premise, = Premise.create([{'building': building.id,
                    'number': str(i)}])
        account, = Account.create([{'number': '10000%s' % i,
                    'company': company.id, 'premise': premise.id}])
        party, = Party.create([{'name': email.split('@')[0].title()}])
        Account.write([account], {'parties': [('add', [party.id])]})
        user, = WebUser.create([{'email': email, 'password': PASSWORD,
                    'email_valid': True, 'party': party.id,
                    'phone': '+7 916 000-00-0%s' % i}])
        Link.create([{'web_user': user.id, 'account': account.id,
                    'method': 'operator', 'active': True}])
        result[email] = {'web_user': user.id, 'party': party.id,
            'account': account.id, 'premise': premise.id}
    return result


def office_world(emails=('anna@example.com',), name='Анна Петрова'):
    """An organisation with a phone source and a reason, a resident (party)
    with a web user per e-mail, and an appeal of his; run in a transaction
    as root.  Returns them by name."""
    from trytond.modules.company.tests import create_company, set_company
    from trytond.pool import Pool
    pool = Pool()
    Source = pool.get('crm.appeal.source')
    Group = pool.get('crm.appeal.reason.group')
    Reason = pool.get('crm.appeal.reason')
    Party = pool.get('party.party')
    WebUser = pool.get('web.user')
    Appeal = pool.get('crm.appeal')
    company = create_company()
    # The catalogue of an earlier call may be committed
    source, = Source.search([('code', '=', 'phone')]) or Source.create(
        [{'name': 'Телефон', 'code': 'phone'}])
    group, = Group.search([('name', '=', 'Ремонт')]) or Group.create(
        [{'name': 'Ремонт'}])
    reason, = Reason.search([('name', '=', 'Протечка')]) or Reason.create(
        [{'group': group.id, 'name': 'Протечка', 'default_hours': 24}])
    party, = Party.create([{'name': name}])
    users = WebUser.create([{
                'email': email, 'password': PASSWORD, 'email_valid': True,
                'party': party.id} for email in emails])
    with set_company(company):
        appeal, = Appeal.create([{
                    'source': source.id, 'reason_group': group.id,
                    'reason': reason.id, 'applicant': party.id,
                    'description': 'Течёт кран на кухне'}])
    return {'company': company, 'source': source, 'reason': reason,
        'party': party, 'web_users': users, 'appeal': appeal}


def accounts_setup():
    """In process: an organisation with a building, two flats and their
    accounts (holders Ёлкина and Петров, codes known), and residents A and
    B with validated e-mails; return the records by name"""
    from trytond.modules.company.tests import create_company
    from trytond.pool import Pool
    pool = Pool()
    Party = pool.get('party.party')
    Building = pool.get('crm.building')
    Premise = pool.get('crm.premise')
    Account = pool.get('crm.account')
    WebUser = pool.get('web.user')
    company = create_company(name='УК «Домовой»')
    building, = Building.create([{'company': company.id, 'city': 'Вологда',
                'street': 'ул. Ленина', 'house': '12'}])
    flat5, flat6 = Premise.create([
            {'building': building.id, 'number': '5', 'area': '54.30'},
            {'building': building.id, 'number': '6', 'area': '71.00'},
            ])
    holder5, holder6 = Party.create([
            {'name': 'Ёлкина Анна Петровна'},
            {'name': 'Петров Сергей Иванович'},
            ])
    account5, account6 = Account.create([
            {'number': '7700012345', 'company': company.id,
                'premise': flat5.id, 'holder': holder5.id,
                'portal_code': '12345678'},
            {'number': '7700012346', 'company': company.id,
                'premise': flat6.id, 'holder': holder6.id,
                'portal_code': '87654321'},
            ])
    resident_a, resident_b = WebUser.create([
            {'email': 'a@example.com', 'password': PASSWORD,
                'email_valid': True},
            {'email': 'b@example.com', 'password': PASSWORD,
                'email_valid': True},
            ])
    return {
        'company': company, 'account5': account5, 'account6': account6,
        'resident_a': resident_a, 'resident_b': resident_b,
        }


def executor_world():
    """An organisation with an appeal and three work orders: one assigned
    to executor «ivanov» (team «Сантехники»), one of his team without an
    executor, one of team «Электрики» (executor «petrov»); and a resident
    web user.  Returns the records by name (call inside a transaction)."""
    import datetime as dt

    from trytond.modules.company.tests import create_company, set_company
    from trytond.modules.crm_dispatch.tests.tools import create_staff
    from trytond.pool import Pool

    pool = Pool()
    User = pool.get('res.user')
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    Team = pool.get('crm.executor.team')
    Source = pool.get('crm.appeal.source')
    Group = pool.get('crm.appeal.reason.group')
    Reason = pool.get('crm.appeal.reason')
    Building = pool.get('crm.building')
    Premise = pool.get('crm.premise')
    Appeal = pool.get('crm.appeal')
    WorkOrder = pool.get('crm.work_order')
    WebUser = pool.get('web.user')
    Lang = pool.get('ir.lang')

    ru, = Lang.search([('code', '=', 'ru')])
    company = create_company(name='УК «Северная»')
    w = {'company': company}
    plumbers, electricians = Team.create([
            {'name': 'Сантехники', 'company': company.id,
                'department': 'plumbing'},
            {'name': 'Электрики', 'company': company.id,
                'department': 'electrical'}])
    w.update(plumbers=plumbers, electricians=electricians)
    for login, name, team in [('ivanov', 'Иванов Иван', plumbers),
            ('petrov', 'Петров Пётр', electricians)]:
        party, = Party.create([{'name': name}])
        employee, = Employee.create([{'party': party.id,
                    'company': company.id, 'crm_position': 'слесарь',
                    'crm_teams': [('add', [team.id])]}])
        user = create_staff(login, company, group='group_crm_executor')
        User.write([user], {'employees': [('add', [employee.id])],
                'employee': employee.id, 'password': PASSWORD,
                'language': ru.id})
        w[login], w[f'{login}_employee'] = user, employee
    source, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
    group, = Group.create([{'name': 'Ремонт'}])
    reason, = Reason.create([{'group': group.id, 'name': 'Протечка',
                'default_hours': 24}])
    building, = Building.create([{'company': company.id, 'city': 'Вологда',
                'street': 'ул. Ленина', 'house': '5'}])
    premise, = Premise.create([{'building': building.id, 'number': '12'}])
    applicant, = Party.create([{'name': 'Семёнова Ольга Петровна'}])
    with set_company(company):
        appeal, = Appeal.create([{'source': source.id,
                    'applicant': applicant.id, 'reason_group': group.id,
                    'reason': reason.id, 'building': building.id,
                    'premise': premise.id,
                    'contact_phone': '+7 921 555-01-02',
                    'description': 'Течёт кран на кухне'}])
        base = {'company': company.id, 'appeal': appeal.id,
            'building': building.id, 'premise': premise.id}
        own, unallocated, foreign = WorkOrder.create([
                dict(base, team=plumbers.id, employee=w['ivanov_employee'].id,
                    priority='normal', description='Заменить смеситель',
                    planned_start=dt.datetime(2027, 3, 16, 7, 0)),
                dict(base, team=plumbers.id, priority='emergency',
                    description='Перекрыть стояк'),
                dict(base, team=electricians.id,
                    employee=w['petrov_employee'].id, priority='high',
                    description='Проверить щиток'),
                ])
    resident, = WebUser.create([{'email': 'anna@example.com',
                'password': PASSWORD, 'email_valid': True}])
    w.update(appeal=appeal, own=own, unallocated=unallocated,
        foreign=foreign, resident=resident)
    return w


def billing_portal_setup():
    """In process, with crm_billing: accounts_setup's organisation with
    resident A linked to account 5 and B to account 6, two services, a
    cold-water meter on each account, charges of the last two months (and
    one four years old), a recalculation, payments, an opening balance;
    return the ids by name (the caller commits)"""
    import datetime as dt
    from decimal import Decimal

    from trytond.modules.crm_billing.tests.tools import (
        create_meter, create_period, create_services)
    from trytond.modules.crm_billing.tests.tools_receipt import (
        set_requisites)
    from trytond.pool import Pool
    pool = Pool()
    Link = pool.get('crm.portal.account.link')
    Charge = pool.get('crm.charge')
    Payment = pool.get('crm.payment')
    Reading = pool.get('crm.meter.reading')
    records = accounts_setup()
    company = records['company']
    a5, a6 = records['account5'], records['account6']
    Link.create([
            {'web_user': records['resident_a'].id, 'account': a5.id,
                'method': 'operator', 'active': True},
            {'web_user': records['resident_b'].id, 'account': a6.id,
                'method': 'operator', 'active': True}])
    services = create_services(company, codes=['cold', 'upkeep'])
    # The payee's requisites: a receipt is refused without them
    set_requisites(company)
    this = dt.date.today().replace(day=1)
    last = (this - dt.timedelta(days=1)).replace(day=1)
    before = (last - dt.timedelta(days=1)).replace(day=1)
    old = this.replace(year=this.year - 4)
    periods = {d: create_period(company, d) for d in [old, before, last]}

    def charge(account, month, code, amount, quantity=None, rate=None,
            reason=None):
        Charge.create([{'company': company.id, 'account': account.id,
                    'period': periods[month].id,
                    'service': services[code].id,
                    'kind': 'recalculation' if reason else 'charge',
                    'reason': reason,
                    'method': 'manual' if reason else (
                        'meter' if code == 'cold' else 'area'),
                    'quantity': quantity, 'rate': rate,
                    'amount': Decimal(amount)}])
    charge(a5, old, 'upkeep', '777.77')
    charge(a5, before, 'upkeep', '1761.50', '54.2', '32.5')
    charge(a5, last, 'cold', '253.66', '4.85', '52.3')
    charge(a5, last, 'upkeep', '1761.50', '54.2', '32.5')
    charge(a5, last, 'upkeep', '-100.00', reason='Перерасчёт за отопление')
    charge(a6, last, 'upkeep', '9876.54')
    Payment.create([
            {'company': company.id, 'account': a5.id,
                'date': before + dt.timedelta(days=20),
                'amount': Decimal('1500.00'), 'document': 'A-774512'},
            {'company': company.id, 'account': a6.id,
                'date': last + dt.timedelta(days=3),
                'amount': Decimal('5555.55'), 'document': 'B-000001'}])
    meter5 = create_meter(a5, services['cold'], 'ХВ-A1')
    meter6 = create_meter(a6, services['cold'], 'ХВ-B1')
    Reading.create([
            {'meter': meter5.id, 'company': company.id,
                'date': last + dt.timedelta(days=22),
                'value': Decimal('17.250'), 'source': 'operator',
                'state': 'accepted'},
            {'meter': meter6.id, 'company': company.id,
                'date': last + dt.timedelta(days=22),
                'value': Decimal('88.800'), 'source': 'operator',
                'state': 'accepted'}])
    return {
        'company': company.id, 'account5': a5.id, 'account6': a6.id,
        'number5': a5.number, 'number6': a6.number,
        'resident_a': records['resident_a'].id,
        'resident_b': records['resident_b'].id,
        'meter5': meter5.id, 'meter6': meter6.id,
        'last': periods[last].id, 'before': periods[before].id,
        'old': periods[old].id,
        }
