"Signing in and out, signing up, e-mail validation, password reset."
import datetime as dt
import hmac
from contextlib import contextmanager
from http import HTTPStatus

import trytond.config as config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.modules.crm_dispatch.party import normalize_phone
from trytond.modules.crm_portal.phone_code import (
    CodeThrottled, sms_available)
from trytond.modules.crm_portal.web_user import PASSWORD_MIN_LENGTH
from trytond.transaction import Transaction

from .core import route

THROTTLE_KIND = 'login'
RESET_KIND = 'reset'
# Accounts made from one network address: each sends a letter, a robot
# would make thousands; a family or an office makes a few
SIGNUP_KIND = 'signup'
SIGNUP_LIMIT = 5
SIGNUP_WINDOW = dt.timedelta(hours=1)


def min_password_length():
    return max(PASSWORD_MIN_LENGTH,
        config.getint('password', 'length', default=0))


@contextmanager
def accounts_office(page):
    """Write accounts with full rights (the portal's user may only read
    them), with the portal's address for the links of the letters"""
    with Transaction().set_user(0), Transaction().set_context(
            _check_access=False, portal_url=page.absolute_url('')):
        yield


def message_page(page, title, message, link=None, error=False,
        status=HTTPStatus.OK):
    return page.render('auth/message.html', status=status, title=title,
        message=message, link=link, error=error)


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
        if web_user and web_user.portal_unconfirmed:
            # The password was right: saying so costs nothing, and the
            # resident learns what to do
            return page.render('login.html', status=HTTPStatus.FORBIDDEN,
                error=gettext('crm_portal.msg_phone_unconfirmed'),
                confirm_phone=web_user.phone, login=login,
                next=_next_path(page))
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


@route('/signup', methods=('GET', 'POST'), login=None)
def signup(page):
    pool = page.pool
    WebUser = pool.get('web.user')
    Agreement = pool.get('crm.portal.agreement')
    PhoneCode = pool.get('crm.portal.phone_code')
    if page.web_user:
        return page.redirect('/')
    Attempt = pool.get('crm.portal.attempt')
    agreement = Agreement.current()
    sms = sms_available()
    status = None
    values = {k: page.form.get(k, '') for k in ['email', 'phone', 'name']}
    values['agree'] = bool(page.form.get('agree'))
    errors = {}
    user = None
    if page.request.method == 'POST':
        password = page.form.get('password', '')
        with accounts_office(page):
            # Without SMS a phone cannot be confirmed: the e-mail is the
            # account's proof
            errors = WebUser.portal_check_values(values,
                email_required=not sms)
            phone_only = not values['email'] and values['phone']
            if phone_only and not sms:
                errors['email'] = gettext('crm_portal.msg_sms_unavailable')
            error = WebUser.portal_password_error(
                password, page.form.get('password2', ''), values)
            if error:
                errors['password'] = error
            if agreement and not values['agree']:
                errors['agree'] = gettext('crm_portal.msg_agreement_required')
            address = [page.request.remote_addr]
            if not errors and Attempt.blocked(SIGNUP_KIND, address,
                    limit=SIGNUP_LIMIT, window=SIGNUP_WINDOW):
                errors['form'] = gettext('crm_portal.msg_signup_throttled')
                status = HTTPStatus.TOO_MANY_REQUESTS
            elif not errors:
                try:
                    # The SMS first: a gateway that fails leaves nothing
                    # written (no account without its code)
                    code = (PhoneCode.send(values['phone'], 'signup',
                            page.request.remote_addr) if phone_only
                        else None)
                    user = WebUser.portal_sign_up(
                        dict(values, password=password), agreement)
                    if phone_only:
                        PhoneCode.store(user, 'signup', values['phone'], code)
                    else:
                        WebUser.validate_email([user])
                    Attempt.add(SIGNUP_KIND, address)
                except CodeThrottled as exception:
                    page.rollback()
                    errors['form'] = page.error_text(exception)
                    status = HTTPStatus.TOO_MANY_REQUESTS
                except UserError as exception:
                    page.rollback()
                    errors['form'] = page.error_text(exception)
        if not errors and phone_only:
            return page.redirect('/phone/confirm', phone=values['phone'])
        if not errors:
            page.sign_in(WebUser(user.id))
            return page.redirect('/')
        # The form shows again what was typed, not its normal form
        values.update((k, page.form.get(k, '')) for k in ['email', 'phone'])
    return page.render('auth/signup.html',
        status=status or (
            HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK),
        values=values, errors=errors, agreement=agreement, sms=sms,
        min_length=min_password_length())


@route('/agreement', login=None)
def agreement(page):
    Agreement = page.pool.get('crm.portal.agreement')
    return page.render('auth/agreement.html', agreement=Agreement.current())


@route('/validate', login=None)
def validate(page):
    WebUser = page.pool.get('web.user')
    token = page.request.args.get('token', '')
    users = []
    if token:
        with accounts_office(page):
            users = [u for u in WebUser.validate_email_token([token])
                if u.active]
    if not users:
        return message_page(page, "Подтверждение e-mail",
            gettext('crm_portal.msg_validation_link_invalid'),
            link=('/', "На главную"), error=True,
            status=HTTPStatus.BAD_REQUEST)
    user, = users
    page.sign_in(WebUser(user.id))
    return message_page(page, "E-mail подтверждён",
        f"Адрес {user.email} подтверждён. Теперь на него будут приходить "
        "уведомления о ваших заявках.", link=('/', "Перейти к заявкам"))


@route('/reset', methods=('GET', 'POST'), login=None)
def reset(page):
    pool = page.pool
    WebUser = pool.get('web.user')
    Attempt = pool.get('crm.portal.attempt')
    email = page.form.get('email', '').strip().lower()
    errors = {}
    sms = sms_available()
    if page.request.method == 'POST':
        if not email:
            errors['email'] = gettext('crm_portal.msg_email_required')
            return page.render('auth/reset.html', status=400,
                errors=errors, email=email, sms=sms)
        phone = '@' not in email and normalize_phone(email)
        if phone:
            return _reset_by_phone(page, phone, sms)
        keys = [email, page.request.remote_addr]
        # Every request sends a letter: each one counts, not only failures
        if Attempt.blocked(RESET_KIND, keys):
            Attempt.add(RESET_KIND, keys)
            errors['form'] = gettext('crm_portal.msg_throttled')
            return page.render('auth/reset.html',
                status=HTTPStatus.TOO_MANY_REQUESTS, errors=errors,
                email=email, sms=sms)
        Attempt.add(RESET_KIND, keys)
        with accounts_office(page):
            users = WebUser.search([('email', '=', email)])
            # web_user keeps the first link alive for a day and sends no
            # other; a resident who lost the letter asks again: a new link
            # replaces the old one, the throttle above limits the letters
            for user in users:
                user.clear_reset_password_token()
            WebUser.reset_password(users)
        # The same answer whether the account exists or not
        return page.render('auth/reset.html', sent=True, email=email,
            sms=sms)
    return page.render('auth/reset.html', errors=errors, email=email,
        sms=sms)


def _reset_by_phone(page, phone, sms):
    """Send a code for a new password to the account of phone; the same
    answer whether it exists or not, the SMS only when it does"""
    from .phone import resend
    if not sms:
        errors, status = {'email': gettext(
                'crm_portal.msg_sms_reset_unavailable')}, (
            HTTPStatus.BAD_REQUEST)
    else:
        _, errors, status = resend(page, phone, 'reset')
    if errors:
        return page.render('auth/reset.html', status=status, errors=errors,
            email=page.form.get('email', ''), sms=sms)
    return page.redirect('/reset/phone', phone=phone)


def _reset_user(page, email, token):
    "The account whose reset link this is, if the link is still valid"
    WebUser = page.pool.get('web.user')
    if not email or not token:
        return None
    with accounts_office(page):
        users = WebUser.search([('email', '=', email.lower())], limit=1)
    for user in users:
        if (user.reset_password_token
                and hmac.compare_digest(user.reset_password_token, token)
                and user.reset_password_token_expire
                and user.reset_password_token_expire > dt.datetime.now()):
            return user
    return None


@route('/reset/password', methods=('GET', 'POST'), login=None)
def reset_password(page):
    WebUser = page.pool.get('web.user')
    source = page.form if page.request.method == 'POST' else page.request.args
    email, token = source.get('email', ''), source.get('token', '')
    user = _reset_user(page, email, token)
    if not user:
        return message_page(page, "Новый пароль",
            gettext('crm_portal.msg_reset_link_invalid'),
            link=('/reset', "Запросить новую ссылку"), error=True,
            status=HTTPStatus.BAD_REQUEST)
    errors = {}
    if page.request.method == 'POST':
        password = page.form.get('password', '')
        error = WebUser.portal_password_error(
            password, page.form.get('password2', ''), {
                'email': user.email, 'phone': user.phone,
                'name': user.party.name if user.party else ''})
        if error:
            errors['password'] = error
        else:
            with accounts_office(page):
                done = WebUser.set_password_token(user.email, token, password)
                if done:
                    # The letter reached him: the address is his
                    WebUser.write([user], {'email_valid': True})
            if done:
                page.sign_in(WebUser(user.id))
                return page.redirect('/')
            errors['form'] = gettext('crm_portal.msg_reset_link_invalid')
    return page.render('auth/reset_password.html',
        status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
        errors=errors, email=user.email, token=token,
        min_length=min_password_length())


@route('/logout', methods=('POST',), login=None)
def logout(page):
    page.sign_out()
    return page.redirect('/login')


@route('/manifest.webmanifest', login=None)
def manifest(page):
    response = page.render('manifest.webmanifest')
    response.content_type = 'application/manifest+json'
    return response
