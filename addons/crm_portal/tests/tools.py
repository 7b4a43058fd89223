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
