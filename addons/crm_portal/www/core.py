"""The portal's request cycle: routes, sessions, CSRF, rendering.

Every page is a function ``handler(page, **url_values)`` registered with
:func:`route`.  The wrapper opens the transaction, finds who is signed in,
refuses a form without its CSRF token, and runs the handler as the portal's
technical user with the resident in the context, so that the record rules
of ``crm_portal`` (not the templates) decide what a resident may see.
Executors sign in with their back-office login and the handler runs as
their own user, under the rules of the back office.
"""
import datetime as dt
import hmac
import logging
import mimetypes
import secrets
import urllib.parse
from functools import wraps
from http import HTTPStatus
from pathlib import Path

import jinja2
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.utils import redirect as _redirect
from werkzeug.wrappers import Response

from trytond.config import config
from trytond.exceptions import UserError
from trytond.protocols.wrappers import with_pool, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
PREFIX = '/<database_name>/portal'
SESSION_COOKIE = 'crm_portal_session'
STAFF_COOKIE = 'crm_portal_staff'
CSRF_COOKIE = 'crm_portal_csrf'
CSRF_FIELD = 'csrf_token'
# Sizes of a request: photos are sent with forms
MAX_REQUEST_SIZE = 6 * 5 * 1024 * 1024

# Main menu of a resident: (endpoint path, label, icon[, model]).  An entry
# with a model shows only on a database whose modules define it (billing,
# informing are optional).
RESIDENT_NAV = [
    ('/appeals', "Заявки", 'appeals'),
    ('/accounts', "Лицевые счета", 'accounts'),
    ('/billing', "Начисления", 'billing', 'crm.charge'),
    ('/readings', "Показания", 'readings', 'crm.meter.reading'),
    ('/notifications', "Уведомления", 'bell'),
    ('/profile', "Профиль", 'profile'),
    ]
# Models of optional modules each route path needs (route(requires=))
REQUIRES = {}
EXECUTOR_NAV = [
    ('/orders', "Мои заявки", 'orders'),
    ]

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(ROOT / 'templates')),
    autoescape=jinja2.select_autoescape(['html', 'xml', 'webmanifest']),
    trim_blocks=True, lstrip_blocks=True)

MONTHS = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля',
    'августа', 'сентября', 'октября', 'ноября', 'декабря']


def _local(value):
    "Naive UTC datetimes of the database shown on the organisation's clock"
    if value is None:
        return None
    try:
        from zoneinfo import ZoneInfo
        zone = ZoneInfo(config.get('crm', 'timezone', default='Europe/Moscow'))
    except Exception:
        return value
    return value.replace(tzinfo=dt.timezone.utc).astimezone(zone)


def format_datetime(value, with_time=True):
    if not value:
        return ''
    if isinstance(value, dt.datetime):
        value = _local(value)
        text = f'{value.day} {MONTHS[value.month - 1]} {value.year}'
        if with_time:
            text += f', {value:%H:%M}'
        return text
    return f'{value.day} {MONTHS[value.month - 1]} {value.year}'


def plural(number, one, few, many):
    "Russian plural form: 1 заявка, 2 заявки, 5 заявок"
    number = abs(int(number))
    if number % 10 == 1 and number % 100 != 11:
        return one
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return few
    return many


_env.filters['datetime'] = format_datetime
_env.filters['date'] = lambda v: format_datetime(v, with_time=False)
_env.globals['plural'] = plural


class Page:
    "What a handler knows of the request and what it answers with"

    def __init__(self, request, pool, database_name):
        self.request = request
        self.pool = pool
        self.database_name = database_name
        self.web_user = None
        self.session_key = request.cookies.get(SESSION_COOKIE)
        self.staff_user = None
        self._cookies = []
        self.csrf_token = request.cookies.get(CSRF_COOKIE)
        if not self.csrf_token or len(self.csrf_token) != 43:
            self.csrf_token = secrets.token_urlsafe(32)
            self._set_cookie(CSRF_COOKIE, self.csrf_token, max_age=None)

    # --- addresses --------------------------------------------------------
    @property
    def base(self):
        return '%s%s/portal' % (
            self.request.script_root,
            '/' + urllib.parse.quote(self.database_name, safe=''))

    def url(self, path='/', **params):
        url = self.base + path
        params = {k: v for k, v in params.items() if v not in (None, '')}
        if params:
            url += '?' + urllib.parse.urlencode(params)
        return url

    def absolute_url(self, path='/', **params):
        return self.request.host_url.rstrip('/') + self.url(path, **params)

    @property
    def secure(self):
        return self.request.scheme == 'https'

    # --- answers ----------------------------------------------------------
    def render(self, template, status=HTTPStatus.OK, **values):
        values.setdefault('page', self)
        values.setdefault('url', self.url)
        values.setdefault('csrf_field', jinja2.utils.markupsafe.Markup(
                '<input type="hidden" name="%s" value="%s">' % (
                    CSRF_FIELD, self.csrf_token)))
        values.setdefault('nav', self.nav())
        values.setdefault('unread', self.unread())
        body = _env.get_template(template).render(**values)
        response = Response(
            body, status=status, content_type='text/html; charset=utf-8')
        return response

    def redirect(self, path='/', **params):
        return _redirect(self.url(path, **params), code=HTTPStatus.SEE_OTHER)

    def not_found(self):
        return self.render('error.html', status=HTTPStatus.NOT_FOUND,
            title="Страница не найдена",
            message="Такой страницы нет или она вам недоступна.")

    def forbidden(self, message):
        return self.render('error.html', status=HTTPStatus.FORBIDDEN,
            title="Действие отклонено", message=message)

    def nav(self):
        if self.web_user:
            return [entry[:3] for entry in RESIDENT_NAV
                if len(entry) < 4 or self.has_model(entry[3])]
        if self.staff_user:
            return EXECUTOR_NAV
        return []

    def has_model(self, name):
        "Whether the modules activated on the database define the model"
        try:
            self.pool.get(name)
        except KeyError:
            return False
        return True

    def unread(self):
        if not self.web_user:
            return 0
        Notification = self.pool.get('crm.portal.notification')
        return Notification.unread_count(self.web_user)

    # --- form -------------------------------------------------------------
    @property
    def form(self):
        return self.request.form

    def csrf_valid(self):
        sent = self.request.form.get(CSRF_FIELD, '')
        cookie = self.request.cookies.get(CSRF_COOKIE, '')
        return bool(cookie) and hmac.compare_digest(sent, cookie)

    @staticmethod
    def rollback():
        "Forget what a refused action wrote before it was refused"
        Transaction().rollback()

    @staticmethod
    def error_text(exception):
        "The Russian text of a user error, without Tryton's decorations"
        if isinstance(exception, UserError):
            return exception.message
        return str(exception)

    # --- sessions ---------------------------------------------------------
    def _set_cookie(self, name, value, max_age):
        # The last word wins: signing in after signing out sends only
        # the new session, not its deletion too
        self._cookies = [c for c in self._cookies if c[0] != name]
        self._cookies.append((name, value, max_age))

    @property
    def cookie_path(self):
        # Matched against the request's path as the server got it (WSGI
        # decodes it); database names are plain words in practice
        return '%s/%s/portal/' % (self.request.script_root, self.database_name)

    def apply_cookies(self, response):
        for name, value, max_age in self._cookies:
            if value is None:
                response.delete_cookie(name, path=self.cookie_path)
            else:
                response.set_cookie(name, value, max_age=max_age,
                    path=self.cookie_path, httponly=True,
                    secure=self.secure, samesite='Lax')
        return response

    def load_session(self):
        WebUser = self.pool.get('web.user')
        if self.session_key:
            user = WebUser.get_user(self.session_key)
            if user and user.active:
                self.web_user = user
            else:
                self._set_cookie(SESSION_COOKIE, None, None)
                self.session_key = None
        staff = self.request.cookies.get(STAFF_COOKIE)
        if staff and not self.web_user:
            self.staff_user = self._check_staff(staff)
            if not self.staff_user:
                self._set_cookie(STAFF_COOKIE, None, None)

    def _check_staff(self, cookie):
        try:
            user_id, key = cookie.split(':', 1)
            user_id = int(user_id)
        except ValueError:
            return None
        Session = self.pool.get('ir.session')
        with Transaction().set_user(user_id):
            return user_id if Session.check(user_id, key) else None

    def sign_in(self, web_user):
        "Start a resident's session (a new key: no fixation)"
        self.sign_out()
        self.session_key = web_user.new_session()
        self.web_user = web_user
        self._set_cookie(SESSION_COOKIE, self.session_key,
            max_age=int(self.pool.get('web.user.session').timeout()
                .total_seconds()))

    def sign_in_staff(self, user_id):
        "Start a back-office session of an executor for his phone pages"
        Session = self.pool.get('ir.session')
        self.sign_out()
        with Transaction().set_user(user_id):
            key = Session.new()
        self.staff_user = user_id
        self._set_cookie(STAFF_COOKIE, f'{user_id}:{key}',
            max_age=config.getint('session', 'timeout'))

    def sign_out(self):
        Session = self.pool.get('web.user.session')
        if self.session_key:
            Session.remove(self.session_key)
            self.session_key = None
        staff = self.request.cookies.get(STAFF_COOKIE)
        if self.staff_user and staff:
            self.pool.get('ir.session').remove(staff.split(':', 1)[1])
        self.web_user = self.staff_user = None
        self._set_cookie(SESSION_COOKIE, None, None)
        self._set_cookie(STAFF_COOKIE, None, None)

    def to_login(self):
        # request.path is decoded while self.base is quoted: cut the
        # prefix the way the server matched it
        prefix = '/%s/portal' % self.database_name
        path = self.request.path
        path = path[len(prefix):] if path.startswith(prefix) else '/'
        if self.request.query_string:
            path += '?' + self.request.query_string.decode('latin-1')
        return self.redirect('/login', next=path)

    # --- who acts ---------------------------------------------------------
    def as_staff(self):
        """The context of an executor's handler: his own user with his
        preferences (company, employee), as in the back office"""
        User = self.pool.get('res.user')
        with Transaction().set_user(self.staff_user):
            preferences = User.get_preferences(context_only=True)
        preferences.pop('language', None)
        return _Acting([Transaction().set_user(self.staff_user),
                Transaction().set_context(preferences, _check_access=True,
                    language='ru')])

    def as_resident(self):
        """The context of a resident's handler: the portal's technical user,
        bound by the portal's record rules to this web user's records"""
        return acting_as_resident(self.pool, self.web_user)


def acting_as_resident(pool, web_user):
    """Run as a resident's page runs: the portal's technical user, bound by
    the portal's record rules to web_user's records"""
    WebUser = pool.get('web.user')
    return _Acting([Transaction().set_user(WebUser.portal_user_id()),
            Transaction().set_context(
                _check_access=True,
                portal_web_user=web_user.id if web_user else None,
                _companies=WebUser.portal_companies(),
                language='ru')])


class _Acting:
    "Enter the given context managers in turn, leave them in reverse"

    def __init__(self, managers):
        self._managers = managers
        self._entered = []

    def __enter__(self):
        for manager in self._managers:
            manager.__enter__()
            self._entered.append(manager)
        return self

    def __exit__(self, *exc):
        while self._entered:
            self._entered.pop().__exit__(*exc)


def route(path, methods=('GET',), login='resident', max_size=None,
        requires=()):
    """Register ``handler(page, **values)`` at /<database>/portal<path>.

    login: 'resident' (a resident's session required), 'executor' (a
    back-office session of an executor), 'any' (both may come), None
    (anybody, e.g. the sign-in page).  requires: models of optional
    modules the page needs; without them it answers 404."""
    def decorator(func):
        @wraps(func)
        @with_pool
        @with_transaction(readonly=False, context={'language': 'ru'})
        def endpoint(request, pool, **values):
            try:
                for name in ('crm.portal.notification',) + tuple(requires):
                    pool.get(name)
            except KeyError:
                raise NotFound()
            database_name = pool.database_name
            page = Page(request, pool, database_name)
            page.load_session()
            if request.method == 'POST' and not page.csrf_valid():
                return page.apply_cookies(page.forbidden(
                        "Форма устарела или пришла не с нашего сайта. "
                        "Обновите страницу и отправьте её ещё раз."))
            if login == 'resident' and not page.web_user:
                return page.apply_cookies(page.to_login())
            if login == 'executor' and not page.staff_user:
                return page.apply_cookies(page.to_login())
            if login == 'any' and not (page.web_user or page.staff_user):
                return page.apply_cookies(page.to_login())
            try:
                if page.staff_user:
                    with page.as_staff():
                        response = func(page, **values)
                else:
                    with page.as_resident():
                        response = func(page, **values)
            except HTTPException as exception:
                if exception.code == HTTPStatus.NOT_FOUND:
                    page.rollback()
                    response = page.not_found()
                else:
                    raise
            except UserError as exception:
                # A refusal no handler expected: nothing of it is kept
                page.rollback()
                response = page.render('error.html',
                    status=HTTPStatus.BAD_REQUEST,
                    title="Действие не выполнено",
                    message=page.error_text(exception))
            return page.apply_cookies(response)
        if max_size:
            endpoint.max_request_size = max_size
        REQUIRES[path] = tuple(requires)
        app.route(PREFIX + path, methods=list(methods))(endpoint)
        return func
    return decorator


@app.route(PREFIX + '/static/<path:name>', methods=['GET'])
def static(request, database_name, name):
    folder = (ROOT / 'static').resolve()
    path = (folder / name).resolve()
    if folder not in path.parents or not path.is_file():
        raise NotFound()
    mimetype = mimetypes.guess_type(path.name)[0] or 'application/octet-stream'
    if path.suffix == '.webmanifest':
        mimetype = 'application/manifest+json'
    response = Response(path.read_bytes(), mimetype=mimetype)
    response.headers['Cache-Control'] = 'public, max-age=3600'
    return response
