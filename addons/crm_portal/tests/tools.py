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
