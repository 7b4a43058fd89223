"Residents' web accounts and the record rules that bind the portal to them."
import re

from trytond.cache import Cache
from trytond.modules.crm_dispatch.party import normalize_phone
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


def phone_digits(value):
    "The digits of a phone, the key a resident signs in with"
    digits = re.sub(r'\D', '', value or '')
    return digits or None


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    phone = fields.Char("Mobile Phone")
    phone_digits = fields.Char("Phone Digits", readonly=True)
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
    def default_notify_email(cls):
        return True

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'phone' in values:
            values['phone'] = normalize_phone(values['phone']) or (
                values['phone'] or None)
            values['phone_digits'] = phone_digits(values['phone'])
        return values

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


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "portal_web_user" as the id of the resident signed in to '
            'the portal')

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
