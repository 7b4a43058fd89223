"The resident's profile: name, phone, e-mail, notifications, password."
from http import HTTPStatus

from phonenumbers import NumberParseException

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.modules.crm_dispatch.party import format_phone
from trytond.modules.crm_portal.phone_code import CodeThrottled

from .auth import accounts_office, min_password_length
from .core import route

RESEND_KIND = 'validate'


def _shown_phone(phone):
    "+7 916 123-45-67 rather than the stored +79161234567"
    try:
        return format_phone(phone) if phone else ''
    except NumberParseException:
        # Typed in the back office, not a valid number: as it is
        return phone


def _values(web_user):
    return {
        'name': web_user.party.name if web_user.party else '',
        'phone': _shown_phone(web_user.phone),
        'email': web_user.email or '',
        'notify_email': web_user.notify_email,
        }


@route('/profile', methods=('GET', 'POST'), login='resident')
def profile(page):
    web_user = page.web_user
    action = page.form.get('action', '')
    errors, notice = {}, None
    values = _values(web_user)
    if page.request.method == 'POST':
        handler = {
            'profile': _save_profile,
            'password': _change_password,
            'resend': _resend,
            'phone_code': _confirm_phone,
            }.get(action)
        if handler is None:
            return page.not_found()
        try:
            errors, notice = handler(page, web_user, values)
        except CodeThrottled as exception:
            page.rollback()
            errors = {'form': page.error_text(exception), 'throttled': True}
        except UserError as exception:
            page.rollback()
            errors = {'form': page.error_text(exception)}
        if notice and not errors:
            # Read again what was written: the form shows the account
            values = _values(page.pool.get('web.user')(web_user.id))
    status = HTTPStatus.OK
    if errors:
        status = (HTTPStatus.TOO_MANY_REQUESTS if errors.get('throttled')
            else HTTPStatus.BAD_REQUEST)
        errors.pop('throttled', None)
    with accounts_office(page):
        pending = page.pool.get('crm.portal.phone_code').search([
                ('web_user', '=', web_user.id),
                ('purpose', '=', 'phone'),
                ], limit=1)
        pending_phone = pending[0].phone if pending else None
    return page.render('auth/profile.html', status=status, values=values,
        errors=errors, action=action, notice=notice,
        web_user=page.pool.get('web.user')(web_user.id),
        pending_phone=_shown_phone(pending_phone),
        min_length=min_password_length())


def _save_profile(page, web_user, values):
    pool = page.pool
    WebUser = pool.get('web.user')
    Party = pool.get('party.party')
    PhoneCode = pool.get('crm.portal.phone_code')
    values.update({k: page.form.get(k, '') for k in ['name', 'phone',
                'email']})
    values['notify_email'] = bool(page.form.get('notify_email'))
    with accounts_office(page):
        user = WebUser(web_user.id)
        # The e-mail may be left out only once the phone is confirmed:
        # the account keeps a login it has proved
        errors = WebUser.portal_check_values(values, user=web_user,
            email_required=not user.phone_valid)
        if errors:
            return errors, None
        phone_changed = (values['phone'] or None) != (user.phone or None)
        # Without an e-mail the phone is the login: a new one is taken
        # only with the code sent to it (profile action 'phone_code')
        by_code = phone_changed and not values['email']
        code = None
        if by_code:
            code = PhoneCode.send(values['phone'], 'phone',
                page.request.remote_addr)
        if user.party:
            if user.party.name != values['name']:
                Party.write([user.party], {'name': values['name']})
        else:
            user.party, = Party.create([{'name': values['name']}])
        changed = values['email'] != (user.email or '')
        WebUser.write([user], {
                'party': user.party.id,
                'email': values['email'] or None,
                'notify_email': values['notify_email'],
                **({'email_valid': False} if changed else {}),
                **({'phone': values['phone'], 'phone_valid': False}
                    if phone_changed and not by_code else {}),
                })
        notice = "Изменения сохранены."
        if by_code:
            PhoneCode.store(user, 'phone', values['phone'], code)
            notice = (f"На номер {_shown_phone(values['phone'])} "
                "отправлен код. Введите его ниже, чтобы сменить номер.")
        if changed and values['email']:
            # A new address is trusted only once its letter is answered
            WebUser.validate_email([user])
            notice += (f" На {values['email']} отправлено письмо со ссылкой "
                "для подтверждения адреса.")
    return {}, notice


def _confirm_phone(page, web_user, values):
    WebUser = page.pool.get('web.user')
    PhoneCode = page.pool.get('crm.portal.phone_code')
    with accounts_office(page):
        user = WebUser(web_user.id)
        phone, error = PhoneCode.verify(
            user, 'phone', page.form.get('code', ''))
        if error:
            return {'code': error}, None
        WebUser.write([user], {'phone': phone, 'phone_valid': True})
    return {}, "Номер телефона изменён и подтверждён."


def _change_password(page, web_user, values):
    WebUser = page.pool.get('web.user')
    Session = page.pool.get('web.user.session')
    old = page.form.get('old_password', '')
    with accounts_office(page):
        user = WebUser(web_user.id)
        if not old or not WebUser.check_password(old, user.password_hash)[0]:
            return {'old_password': gettext('crm_portal.msg_password_wrong')
                }, None
        error = WebUser.portal_password_error(page.form.get('password', ''),
            page.form.get('password2', ''), values)
        if error:
            return {'password': error}, None
        WebUser.write([user], {'password': page.form['password']})
        # Whoever knew the old password is signed out everywhere else
        Session.delete(Session.search([
                    ('user', '=', user.id),
                    ('key', '!=', page.session_key),
                    ]))
    return {}, "Пароль изменён."


def _resend(page, web_user, values):
    WebUser = page.pool.get('web.user')
    Attempt = page.pool.get('crm.portal.attempt')
    keys = [f'user:{web_user.id}']
    if Attempt.blocked(RESEND_KIND, keys):
        return {'form': gettext('crm_portal.msg_throttled'),
            'throttled': True}, None
    Attempt.add(RESEND_KIND, keys)
    with accounts_office(page):
        user = WebUser(web_user.id)
        if not user.email_valid:
            WebUser.validate_email([user])
    return {}, f"Письмо отправлено на {user.email}."
