"Signing in and out, and the start page."
from trytond.i18n import gettext

from .core import route

THROTTLE_KIND = 'login'


def _next_path(page):
    "Where to go after signing in: only a path of this portal"
    path = page.request.args.get('next') or page.form.get('next') or ''
    if not path.startswith('/') or path.startswith('//'):
        return '/'
    return path


@route('/', login=None)
def home(page):
    if page.web_user:
        return page.redirect('/appeals')
    if page.staff_user:
        return page.redirect('/orders')
    return page.redirect('/login')


@route('/login', methods=('GET', 'POST'), login=None)
def login(page):
    pool = page.pool
    WebUser = pool.get('web.user')
    Attempt = pool.get('crm.portal.attempt')
    error = None
    login = ''
    if page.request.method == 'POST':
        login = page.form.get('login', '').strip()
        password = page.form.get('password', '')
        keys = [login.lower(), page.request.remote_addr]
        if Attempt.blocked(THROTTLE_KIND, keys):
            Attempt.add(THROTTLE_KIND, keys)
            error = gettext('crm_portal.msg_throttled')
            return page.render('login.html', status=429, error=error,
                login=login, next=_next_path(page))
        web_user = WebUser.portal_authenticate(login, password)
        if web_user:
            Attempt.clear(THROTTLE_KIND, keys[:1])
            page.sign_in(web_user)
            return page.redirect(_next_path(page))
        staff_user = WebUser.staff_authenticate(login, password)
        if staff_user:
            Attempt.clear(THROTTLE_KIND, keys[:1])
            page.sign_in_staff(staff_user)
            return page.redirect('/orders')
        Attempt.add(THROTTLE_KIND, keys)
        error = gettext('crm_portal.msg_login_failed')
    return page.render('login.html', error=error, login=login,
        next=_next_path(page))


@route('/logout', methods=('POST',), login=None)
def logout(page):
    page.sign_out()
    return page.redirect('/login')


@route('/manifest.webmanifest', login=None)
def manifest(page):
    response = page.render('manifest.webmanifest')
    response.content_type = 'application/manifest+json'
    return response
