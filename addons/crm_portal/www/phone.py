"""Codes sent by SMS: confirming the phone of a phone-only sign-up, a new
password for a phone (codes: crm_portal.phone_code)."""
from http import HTTPStatus

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.modules.crm_dispatch.party import normalize_phone
from trytond.modules.crm_portal.phone_code import CodeThrottled
from trytond.modules.crm_portal.web_user import phone_digits

from .auth import accounts_office, min_password_length
from .core import route
from .profile import _shown_phone


def _phone(page):
    "The phone of the page (query or form) in E.164, or None"
    source = page.form if page.request.method == 'POST' else page.request.args
    return normalize_phone(source.get('phone', '').strip()) or None


def _account(page, phone, purpose):
    """The active account of phone a code of purpose may go to: for the
    sign-up, one not confirmed yet; for a new password, one whose phone is
    its proof (confirmed, or its only login) — a number typed on an
    account with an e-mail is nobody's proof until confirmed"""
    WebUser = page.pool.get('web.user')
    if not phone:
        return None
    for user in WebUser.search(
            [('phone_digits', '=', phone_digits(phone))], limit=1):
        if purpose == 'signup' and user.portal_unconfirmed:
            return user
        if purpose == 'reset' and (user.phone_valid or not user.email):
            return user
    return None


def resend(page, phone, purpose):
    """Send a new code of purpose to the account of phone: (notice,
    errors, status). The same notice whether the account exists or not;
    the SMS goes only to an existing one"""
    PhoneCode = page.pool.get('crm.portal.phone_code')
    address = page.request.remote_addr
    with accounts_office(page):
        user = _account(page, phone, purpose)
        try:
            if user:
                code = PhoneCode.send(phone, purpose, address)
                PhoneCode.store(user, purpose, phone, code)
            else:
                PhoneCode.check_throttle(phone, address)
                PhoneCode.count(phone, address)
        except CodeThrottled as exception:
            page.rollback()
            return None, {'form': page.error_text(exception)}, (
                HTTPStatus.TOO_MANY_REQUESTS)
        except UserError as exception:
            page.rollback()
            return None, {'form': page.error_text(exception)}, (
                HTTPStatus.BAD_REQUEST)
    return (f"Новый код отправлен на номер {_shown_phone(phone)}.", {},
        HTTPStatus.OK)


@route('/phone/confirm', methods=('GET', 'POST'), login=None)
def confirm(page):
    "The code of a phone-only sign-up: the right one signs the resident in"
    WebUser = page.pool.get('web.user')
    PhoneCode = page.pool.get('crm.portal.phone_code')
    phone = _phone(page)
    if not phone:
        return page.redirect('/signup')
    errors, notice, status = {}, None, HTTPStatus.OK
    if page.request.method == 'POST':
        if page.form.get('action') == 'resend':
            notice, errors, status = resend(page, phone, 'signup')
        else:
            with accounts_office(page):
                user = _account(page, phone, 'signup')
                if user:
                    confirmed, error = PhoneCode.verify(
                        user, 'signup', page.form.get('code', ''))
                else:
                    confirmed, error = None, gettext(
                        'crm_portal.msg_code_missing')
                if confirmed:
                    WebUser.write([user], {'phone_valid': True})
            if confirmed:
                page.sign_in(WebUser(user.id))
                return page.redirect('/')
            errors, status = {'code': error}, HTTPStatus.BAD_REQUEST
    return page.render('auth/phone_confirm.html', status=status,
        phone=phone, shown_phone=_shown_phone(phone), errors=errors,
        notice=notice)


@route('/reset/phone', methods=('GET', 'POST'), login=None)
def reset_phone(page):
    "A new password with the code sent to the phone"
    WebUser = page.pool.get('web.user')
    PhoneCode = page.pool.get('crm.portal.phone_code')
    Session = page.pool.get('web.user.session')
    phone = _phone(page)
    if not phone:
        return page.redirect('/reset')
    errors, notice, status = {}, None, HTTPStatus.OK
    if page.request.method == 'POST':
        if page.form.get('action') == 'resend':
            notice, errors, status = resend(page, phone, 'reset')
        else:
            with accounts_office(page):
                user = _account(page, phone, 'reset')
                password = page.form.get('password', '')
                error = WebUser.portal_password_error(password,
                    page.form.get('password2', ''), {
                        'email': user.email if user else '',
                        'phone': phone,
                        'name': (user.party.name
                            if user and user.party else '')})
                confirmed = None
                if error:
                    # Checked before the code: a weak password does not
                    # use up a try
                    errors['password'] = error
                elif not user:
                    errors['code'] = gettext('crm_portal.msg_code_missing')
                else:
                    confirmed, error = PhoneCode.verify(
                        user, 'reset', page.form.get('code', ''))
                    if error:
                        errors['code'] = error
                if confirmed:
                    # The code reached him: the phone is his
                    WebUser.write([user], {
                            'password': password, 'phone_valid': True})
                    Session.delete(Session.search([('user', '=', user.id)]))
            if confirmed:
                page.sign_in(WebUser(user.id))
                return page.redirect('/')
            status = HTTPStatus.BAD_REQUEST
    return page.render('auth/reset_phone.html', status=status, phone=phone,
        shown_phone=_shown_phone(phone), errors=errors, notice=notice,
        min_length=min_password_length())
