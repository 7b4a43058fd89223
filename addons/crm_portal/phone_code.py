"""One-time codes sent by SMS: a phone-only sign-up, a new password, a new
phone number.

SMS cost money and a form that sends them is a target of SMS pumping: a
code goes out at most once a minute and PHONE_HOURLY times an hour to a
phone, ADDRESS_HOURLY times an hour from a network address (counted in
crm.portal.attempt); a code is kept hashed, lives CODE_TTL and allows
MAX_TRIES wrong answers."""
import datetime as dt
import secrets

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

CODE_TTL = dt.timedelta(minutes=10)
MAX_TRIES = 5
SMS_KIND = 'sms'
RESEND_WINDOW = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
PHONE_HOURLY = 5
ADDRESS_HOURLY = 10
TEXTS = {
    'signup': "Код для личного кабинета: %s. Никому его не сообщайте.",
    'phone': "Код для личного кабинета: %s. Никому его не сообщайте.",
    'reset': "Код для нового пароля: %s. Никому его не сообщайте.",
    }


class CodeThrottled(UserError):
    "Too many SMS asked for: the page answers 429"


class PhoneCode(ModelSQL):
    "Portal Phone Code"
    __name__ = 'crm.portal.phone_code'
    __string__ = "Portal Phone Code"

    web_user = fields.Many2One('web.user', "Web User", required=True,
        ondelete='CASCADE')
    purpose = fields.Selection([
            ('signup', "Sign-up"),
            ('reset', "Password Reset"),
            ('phone', "Phone Change"),
            ], "Purpose", required=True)
    phone = fields.Char("Phone", required=True,
        help="The number the code was sent to.")
    code_hash = fields.Char("Code Hash", required=True)
    expire = fields.DateTime("Expire", required=True)
    tries = fields.Integer("Wrong Tries", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.web_user, Index.Equality()),
                (t.purpose, Index.Equality())))

    @classmethod
    def default_tries(cls):
        return 0

    @staticmethod
    def gateway():
        "The SMS gateway of the portal, None when SMS are not configured"
        return Pool().get('crm.sms.gateway').get()

    @classmethod
    def check_throttle(cls, phone, address):
        """Refuse (CodeThrottled) one SMS too many to phone or from
        address; a request for a phone without an account is counted too
        (count()), so that the answer tells nothing"""
        Attempt = Pool().get('crm.portal.attempt')
        key = 'phone:' + phone
        if Attempt.blocked(SMS_KIND, [key], limit=1, window=RESEND_WINDOW):
            raise CodeThrottled(gettext('crm_portal.msg_sms_wait'))
        if (Attempt.blocked(SMS_KIND, [key], limit=PHONE_HOURLY, window=HOUR)
                or Attempt.blocked(SMS_KIND, [address],
                    limit=ADDRESS_HOURLY, window=HOUR)):
            raise CodeThrottled(gettext('crm_portal.msg_sms_throttled'))

    @classmethod
    def count(cls, phone, address):
        "Count an SMS to phone from address"
        Pool().get('crm.portal.attempt').add(
            SMS_KIND, ['phone:' + phone, address])

    @classmethod
    def send(cls, phone, purpose, address):
        """Send a new code to phone; return it (to be stored with
        store() once the account exists). Nothing is written before the
        SMS has gone: a failure leaves the caller's transaction clean
        (the gateway logs in its own)"""
        gateway = cls.gateway()
        if not gateway:
            raise UserError(gettext('crm_portal.msg_sms_unavailable'))
        cls.check_throttle(phone, address)
        code = f'{secrets.randbelow(10 ** 6):06d}'
        gateway.send(phone, TEXTS[purpose] % code, secret=code)
        cls.count(phone, address)
        return code

    @classmethod
    def store(cls, web_user, purpose, phone, code):
        "Keep code (hashed) as the only valid one of web_user for purpose"
        WebUser = Pool().get('web.user')
        cls.delete(cls.search([
                    ('web_user', '=', web_user.id),
                    ('purpose', '=', purpose),
                    ]))
        cls.create([{
                    'web_user': web_user.id,
                    'purpose': purpose,
                    'phone': phone,
                    'code_hash': WebUser.hash_password(code),
                    'expire': dt.datetime.now() + CODE_TTL,
                    }])

    @classmethod
    def verify(cls, web_user, purpose, code):
        """(the phone the code was sent to, None) when web_user answered
        right (the code is used up), else (None, the Russian reason); a
        wrong answer is counted: the caller keeps its transaction"""
        WebUser = Pool().get('web.user')
        records = cls.search([
                ('web_user', '=', web_user.id),
                ('purpose', '=', purpose),
                ], order=[('id', 'DESC')], limit=1)
        if not records:
            return None, gettext('crm_portal.msg_code_missing')
        record, = records
        if record.tries >= MAX_TRIES:
            return None, gettext('crm_portal.msg_code_exhausted')
        if record.expire < dt.datetime.now():
            return None, gettext('crm_portal.msg_code_expired')
        code = ''.join((code or '').split())
        if not (code.isdigit() and len(code) == 6
                and WebUser.check_password(code, record.code_hash)[0]):
            record.tries += 1
            record.save()
            left = MAX_TRIES - record.tries
            if not left:
                return None, gettext('crm_portal.msg_code_exhausted')
            return None, gettext('crm_portal.msg_code_wrong', left=left)
        phone = record.phone
        cls.delete([record])
        return phone, None

    @classmethod
    def clear(cls, web_user):
        cls.delete(cls.search([('web_user', '=', web_user.id)]))


def sms_available():
    "Whether the portal can send SMS (a gateway is configured)"
    with Transaction().set_context(_check_access=False):
        return PhoneCode.gateway() is not None
