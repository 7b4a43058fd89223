"Residents' web accounts and the record rules that bind the portal to them."
import datetime as dt
import mmap
import re

from trytond.cache import Cache
import trytond.config as config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.modules.crm_dispatch.party import normalize_phone
from trytond.modules.web_user.user import (
    EmailResetPassword, EmailValidation)
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.report import get_email
from trytond.tools.email_ import (
    EmailNotValidError, normalize_email, validate_email)
from trytond.transaction import Transaction

# Tryton's own rule is [password] length (0 by default); a resident's
# password is never shorter than this
PASSWORD_MIN_LENGTH = 8
EMAIL = re.compile(r'^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$')


def phone_digits(value):
    "The digits of a phone, the key a resident signs in with"
    digits = re.sub(r'\D', '', value or '')
    return digits or None


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    phone = fields.Char("Mobile Phone")
    phone_digits = fields.Char("Phone Digits", readonly=True)
    phone_valid = fields.Boolean("Phone Confirmed", readonly=True,
        help="The resident answered the code sent by SMS to this phone.")
    agreement = fields.Many2One('crm.portal.agreement', "Accepted Agreement",
        readonly=True, ondelete='RESTRICT')
    agreement_date = fields.DateTime("Agreement Accepted", readonly=True)
    notify_email = fields.Boolean("Notify by E-Mail",
        help="Send the resident an e-mail on replies and stage changes.")
    account_links = fields.One2Many(
        'crm.portal.account.link', 'web_user', "Linked Accounts",
        readonly=True)
    _portal_cache = Cache('web_user.portal', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # A resident may sign up with a mobile phone alone (its code sent
        # by SMS): the phone is then the account's login
        cls.email.states['required'] &= ~Bool(Eval('phone'))

    def get_rec_name(self, name):
        return self.email or self.phone or ''

    @classmethod
    def default_notify_email(cls):
        return True

    @classmethod
    def default_phone_valid(cls):
        return False

    @property
    def portal_unconfirmed(self):
        """An account with a phone only, whose code was not answered yet:
        it may not sign in"""
        return not self.email and not self.phone_valid

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'phone' in values:
            values['phone'] = normalize_phone(values['phone']) or (
                values['phone'] or None)
            values['phone_digits'] = phone_digits(values['phone'])
        return values

    @classmethod
    def validate_fields(cls, users, field_names):
        super().validate_fields(users, field_names)
        cls.check_phone_unique(users, field_names)

    @classmethod
    def check_phone_unique(cls, users, field_names=None):
        "A phone signs in like an e-mail: one active account per phone"
        if field_names and not field_names & {'phone', 'active'}:
            return
        for user in users:
            if not user.active or not user.phone_digits:
                continue
            if cls.search([
                        ('phone_digits', '=', user.phone_digits),
                        ('id', '!=', user.id),
                        ], limit=1):
                raise UserError(gettext('crm_portal.msg_phone_taken',
                        phone=user.phone))

    @classmethod
    def portal_check_values(cls, values, user=None, email_required=True):
        """Normalise a resident's e-mail, phone and name in values (a dict
        of the form's fields) and return {field: Russian error}; user is
        the account being edited, None on sign-up; without email_required
        an e-mail or a phone is enough"""
        errors = {}
        email = (values.get('email') or '').strip()
        if not email and email_required:
            errors['email'] = gettext('crm_portal.msg_email_required')
        elif not email:
            if not (values.get('phone') or '').strip():
                errors['email'] = gettext(
                    'crm_portal.msg_email_or_phone_required')
        else:
            try:
                # Tryton checks only when email_validator is installed
                if not EMAIL.match(email):
                    raise EmailNotValidError(email)
                validate_email(email)
                email = normalize_email(email).lower()
            except EmailNotValidError:
                errors['email'] = gettext('crm_portal.msg_email_invalid',
                    email=email)
            else:
                # Inactive accounts keep their e-mail: only active ones
                # are unique (web_user's constraint)
                if cls.search([('email', '=', email)]
                        + ([('id', '!=', user.id)] if user else []),
                        limit=1):
                    errors['email'] = gettext('crm_portal.msg_email_taken',
                        email=email)
        values['email'] = email
        phone = (values.get('phone') or '').strip()
        if phone:
            normal = normalize_phone(phone)
            if not normal:
                errors['phone'] = gettext('crm_portal.msg_phone_invalid',
                    phone=phone)
            elif cls.search([('phone_digits', '=', phone_digits(normal))]
                    + ([('id', '!=', user.id)] if user else []), limit=1):
                errors['phone'] = gettext('crm_portal.msg_phone_taken',
                    phone=phone)
            else:
                phone = normal
        values['phone'] = phone or None
        name = ' '.join((values.get('name') or '').split())
        if not name:
            errors['name'] = gettext('crm_portal.msg_name_required')
        values['name'] = name
        return errors

    @classmethod
    def portal_password_error(cls, password, repeat, values):
        """The Russian error of a new password, or None: the rules of
        res.user (length, forbidden list, not a name or login of the
        person) with messages of the portal"""
        length = max(PASSWORD_MIN_LENGTH,
            config.getint('password', 'length', default=0))
        if len(password or '') < length:
            return gettext('crm_portal.msg_password_length', length=length)
        if password != repeat:
            return gettext('crm_portal.msg_password_mismatch')
        path = config.get('password', 'forbidden', default=None)
        if path:
            with open(path, 'rb') as file:
                forbidden = mmap.mmap(file.fileno(), 0,
                    access=mmap.ACCESS_READ)
                if forbidden.find(password.encode('utf-8')) >= 0:
                    return gettext('crm_portal.msg_password_forbidden')
        lowered = password.lower()
        email = (values.get('email') or '').lower()
        name = (values.get('name') or '').lower()
        personal = {email, email.split('@')[0], name, *name.split()}
        phone = phone_digits(values.get('phone')) or ''
        digits = phone_digits(password) or ''
        if lowered in personal - {''} or (
                len(phone) >= 10 and digits[-10:] == phone[-10:]):
            return gettext('crm_portal.msg_password_personal')
        if len(set(lowered)) < 3:
            return gettext('crm_portal.msg_password_forbidden')
        return None

    @classmethod
    def portal_sign_up(cls, values, agreement=None):
        """Create the account of a resident and the party he is, from
        values checked by portal_check_values; record the agreement he
        accepted"""
        pool = Pool()
        Party = pool.get('party.party')
        mechanisms = []
        if values.get('email'):
            mechanisms.append({'type': 'email', 'value': values['email']})
        if values.get('phone'):
            mechanisms.append({'type': 'mobile', 'value': values['phone']})
        party, = Party.create([{
                    'name': values['name'],
                    'contact_mechanisms': [('create', mechanisms)],
                    # The consent of 152-FZ given on the portal is the
                    # party's consent the back office looks at
                    'pd_consent': bool(agreement),
                    }])
        now = dt.datetime.now()
        user, = cls.create([{
                    'email': values.get('email') or None,
                    'phone': values.get('phone'),
                    'party': party.id,
                    'password': values['password'],
                    'agreement': agreement.id if agreement else None,
                    'agreement_date': now if agreement else None,
                    }])
        return user

    # --- letters with links to the portal ---------------------------------
    # The portal's pages put their own address in the context
    # ('portal_url'): the links of the letters lead back to the site the
    # resident used, without a setting to keep in step

    def get_email_validation(self):
        return get_email('crm.portal.email_validation', self, self.languages)

    def get_email_validation_url(self, url=None):
        base = Transaction().context.get('portal_url')
        if url is None and base:
            url = base + '/validate'
        return super().get_email_validation_url(url=url)

    def get_email_reset_password(self):
        return get_email(
            'crm.portal.email_reset_password', self, self.languages)

    def get_email_reset_password_url(self, url=None):
        base = Transaction().context.get('portal_url')
        if url is None and base:
            url = base + '/reset/password'
        return super().get_email_reset_password_url(url=url)

    @classmethod
    def portal_authenticate(cls, login, password):
        """The active web user whose e-mail or mobile phone is login and
        whose password matches, or None"""
        login = (login or '').strip()
        if not login or not password:
            return None
        if '@' in login:
            domain = [('email', '=', login.lower())]
        else:
            digits = phone_digits(normalize_phone(login) or login)
            if not digits:
                return None
            domain = [('phone_digits', '=', digits)]
        for user in cls.search(domain, limit=2):
            valid, _ = cls.check_password(password, user.password_hash)
            if valid:
                return user
        return None

    @classmethod
    def staff_authenticate(cls, login, password):
        """The id of the back-office user of an executor whose login and
        password match, or None"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        if not login or not password:
            return None
        user_id = User._login_password(login, {'password': password})
        if not user_id:
            return None
        executor = ModelData.get_id('crm_dispatch', 'group_crm_executor')
        with Transaction().set_user(user_id):
            groups = User.get_groups()
        return user_id if executor in groups else None

    @classmethod
    def portal_user_id(cls):
        "The technical user that resident pages run as"
        key = 'user'
        user_id = cls._portal_cache.get(key)
        if user_id is None:
            user_id = Pool().get('ir.model.data').get_id(
                'crm_portal', 'user_portal')
            cls._portal_cache.set(key, user_id)
        return user_id

    @classmethod
    def portal_companies(cls):
        """Organisations the portal serves: all of them; the portal's rules
        narrow each resident to his own records"""
        key = 'companies'
        companies = cls._portal_cache.get(key)
        if companies is None:
            Company = Pool().get('company.company')
            with Transaction().set_user(0):
                companies = tuple(c.id for c in Company.search([]))
            cls._portal_cache.set(key, companies)
        return companies


class PortalEmailValidation(EmailValidation):
    "The letter with the link that confirms a resident's e-mail"
    __name__ = 'crm.portal.email_validation'


class PortalEmailResetPassword(EmailResetPassword):
    "The letter with the link that sets a new password"
    __name__ = 'crm.portal.email_reset_password'


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    # Rules may use "portal_web_user": the id of the resident signed in to
    # the portal (not added to the domain's help, whose Russian text is
    # crm_dispatch's)

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        context['portal_web_user'] = Transaction().context.get(
            'portal_web_user')
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        return (*key, Transaction().context.get('portal_web_user'))


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    web_users = fields.One2Many('web.user', 'party', "Portal Accounts",
        readonly=True)


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    @classmethod
    def on_modification(cls, mode, companies, field_names=None):
        super().on_modification(mode, companies, field_names=field_names)
        if mode in {'create', 'delete'}:
            Pool().get('web.user')._portal_cache.clear()
