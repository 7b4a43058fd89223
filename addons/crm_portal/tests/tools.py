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
