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
