"The resident's profile: name, phone, e-mail, notifications, password."
from http import HTTPStatus

from phonenumbers import NumberParseException

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.modules.crm_dispatch.party import format_phone

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
            }.get(action)
        if handler is None:
            return page.not_found()
        try:
            errors, notice = handler(page, web_user, values)
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
    return page.render('auth/profile.html', status=status, values=values,
        errors=errors, action=action, notice=notice,
        web_user=page.pool.get('web.user')(web_user.id),
        min_length=min_password_length())


def _save_profile(page, web_user, values):
    pool = page.pool
    WebUser = pool.get('web.user')
    Party = pool.get('party.party')
    values.update({k: page.form.get(k, '') for k in ['name', 'phone',
                'email']})
    values['notify_email'] = bool(page.form.get('notify_email'))
    with accounts_office(page):
        errors = WebUser.portal_check_values(values, user=web_user)
        if errors:
            return errors, None
        user = WebUser(web_user.id)
        if user.party:
            if user.party.name != values['name']:
                Party.write([user.party], {'name': values['name']})
        else:
            user.party, = Party.create([{'name': values['name']}])
        changed = values['email'] != user.email
        WebUser.write([user], {
                'party': user.party.id,
                'phone': values['phone'],
                'email': values['email'],
                'notify_email': values['notify_email'],
                **({'email_valid': False} if changed else {}),
                })
        notice = "Изменения сохранены."
        if changed:
            # A new address is trusted only once its letter is answered
            WebUser.validate_email([user])
            notice += (f" На {values['email']} отправлено письмо со ссылкой "
                "для подтверждения адреса.")
    return {}, notice


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
