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


# --- accounts (helper auth) ----------------------------------------------
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
