"""SMS gateways and the log of sent messages.

A channel of crm_dispatch that other addons reuse (the portal's codes,
later the informing campaigns): ``Gateway.get(company)`` finds the
configured gateway, ``gateway.send(phone, text, secret=...)`` sends one
message by the provider's published HTTP protocol and writes a
``crm.sms.message`` row in its own transaction, so that the log keeps what
was sent (and paid for) even when the caller rolls back."""
import datetime as dt
import json
import logging
import socket
import urllib.error
import urllib.parse
import urllib.request

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)

# The providers' own servers; a test points base_url at loopback
DEFAULT_URLS = {
    'smsc': 'https://smsc.ru',
    'smsru': 'https://sms.ru',
    }
TIMEOUT = 10
# What the log shows instead of a secret (a one-time code)
MASK = '******'


class SMSError(Exception):
    "What a provider or the network answered instead of sending"


class Gateway(DeactivableMixin, ModelSQL, ModelView):
    "SMS Gateway"
    __name__ = 'crm.sms.gateway'
    __string__ = "SMS Gateway"
    _history = True

    name = fields.Char("Name", required=True)
    provider = fields.Selection([
            ('smsc', "SMSC.ru"),
            ('smsru', "SMS.ru"),
            ], "Provider", required=True)
    company = fields.Many2One('company.company', "Organisation",
        ondelete='CASCADE',
        help="Leave empty for a gateway all organisations and the portal "
        "use.")
    login = fields.Char("Login",
        states={
            'invisible': Eval('provider') != 'smsc',
            })
    password = fields.Char("Password or API Key", required=True, strip=True,
        help="SMSC.ru: the password of the login (or an API key with an "
        "empty login); SMS.ru: api_id.")
    sender = fields.Char("Sender Name",
        help="The sender name registered with the provider; empty: the "
        "provider's default.")
    base_url = fields.Char("Server Address", required=True,
        help="The provider's address; change only for a reserve server.")
    timeout = fields.Integer("Timeout (seconds)", required=True)

    @classmethod
    def default_provider(cls):
        return 'smsc'

    @classmethod
    def default_base_url(cls):
        return DEFAULT_URLS['smsc']

    @classmethod
    def default_timeout(cls):
        return TIMEOUT

    @fields.depends('provider', 'base_url')
    def on_change_provider(self):
        if not self.base_url or self.base_url in DEFAULT_URLS.values():
            self.base_url = DEFAULT_URLS.get(self.provider)

    @classmethod
    def get(cls, company=None):
        """The active gateway of company, else one for all organisations;
        without a company, a gateway for all organisations, else any
        (an installation with one organisation), else None"""
        company_id = getattr(company, 'id', company)
        with Transaction().set_context(_check_access=False):
            gateways = cls.search([], order=[('id', 'ASC')])
        if company_id is not None:
            gateways = [g for g in gateways
                if g.company is None or g.company.id == company_id]
        gateways.sort(key=lambda g: (
                g.company is None if company_id is not None
                else g.company is not None))
        return gateways[0] if gateways else None

    def send(self, phone, text, secret=None):
        """Send text to phone (E.164); return the logged crm.sms.message
        (with its values; None if the log could not be written).
        secret (a code inside text) never reaches the log. A refusal of
        the provider or a network failure raises a Russian UserError after
        the failed message is logged"""
        digits = ''.join(c for c in phone or '' if c.isdigit())
        if not digits:
            raise UserError(gettext('crm_dispatch.msg_sms_phone_invalid',
                    phone=phone or ''))
        logged = text.replace(secret, MASK) if secret else text
        try:
            provider_id = getattr(self, f'_send_{self.provider}')(
                digits, text)
        except SMSError as error:
            self._log(phone, logged, 'failed', error=str(error))
            raise UserError(gettext('crm_dispatch.msg_sms_failed',
                    error=str(error))) from error
        return self._log(phone, logged, 'sent', provider_id=provider_id)

    def _log(self, phone, text, state, provider_id=None, error=None):
        "Write the log row in its own transaction: it outlives a rollback"
        Message = Pool().get('crm.sms.message')
        values = {
            'gateway': self.id,
            'phone': phone,
            'text': text,
            'state': state,
            'provider_id': provider_id,
            'error': error,
            }
        transaction = Transaction()
        try:
            with transaction.new_transaction() as log, \
                    log.set_user(0), \
                    log.set_context(_check_access=False):
                message, = Message.create([values])
                log.commit()
            # With its values: the caller's transaction may have begun
            # before the row existed (PostgreSQL's snapshot) and not see it
            return Message(message.id, **values)
        except Exception:
            # The message went out (or not) whatever the log could do
            logger.critical('could not log the SMS to %s', phone,
                exc_info=True)
            return None

    def _request(self, path, params):
        "The provider's JSON answer to a POST of params"
        url = self.base_url.rstrip('/') + path
        data = urllib.parse.urlencode(params).encode('utf-8')
        request = urllib.request.Request(url, data=data, headers={
                'Content-Type': 'application/x-www-form-urlencoded'})
        try:
            with urllib.request.urlopen(
                    request, timeout=self.timeout or TIMEOUT) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            raise SMSError(gettext('crm_dispatch.msg_sms_http_error',
                    code=error.code)) from error
        except (socket.timeout, TimeoutError) as error:
            raise SMSError(gettext('crm_dispatch.msg_sms_timeout')) from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, 'reason', error)
            raise SMSError(gettext('crm_dispatch.msg_sms_unreachable',
                    reason=str(reason))) from error
        try:
            return json.loads(body.decode('utf-8'))
        except ValueError as error:
            raise SMSError(
                gettext('crm_dispatch.msg_sms_bad_answer')) from error

    def _send_smsc(self, digits, text):
        # https://smsc.ru/api/http/send/sms/: fmt=3 answers in JSON
        params = {
            'login': self.login or '',
            'psw': self.password,
            'phones': digits,
            'mes': text,
            'charset': 'utf-8',
            'fmt': 3,
            }
        if not self.login:
            # An API key takes the place of the login and password
            params.pop('login')
            params['apikey'] = params.pop('psw')
        if self.sender:
            params['sender'] = self.sender
        answer = self._request('/sys/send.php', params)
        if 'error' in answer or 'id' not in answer:
            raise SMSError(gettext('crm_dispatch.msg_sms_provider_error',
                    error=answer.get('error', ''),
                    code=answer.get('error_code', '')))
        return str(answer['id'])

    def _send_smsru(self, digits, text):
        # https://sms.ru/api/send: json=1 answers in JSON, per phone
        params = {
            'api_id': self.password,
            'to': digits,
            'msg': text,
            'json': 1,
            }
        if self.sender:
            params['from'] = self.sender
        answer = self._request('/sms/send', params)
        sms = (answer.get('sms') or {}).get(digits) or {}
        if answer.get('status') != 'OK' or sms.get('status') != 'OK':
            failed = sms if sms.get('status') == 'ERROR' else answer
            raise SMSError(gettext('crm_dispatch.msg_sms_provider_error',
                    error=failed.get('status_text', ''),
                    code=failed.get('status_code', '')))
        return str(sms.get('sms_id', ''))


class Message(ModelSQL, ModelView):
    "SMS Message"
    __name__ = 'crm.sms.message'
    __string__ = "SMS Message"

    gateway = fields.Many2One('crm.sms.gateway', "Gateway", readonly=True,
        ondelete='SET NULL')
    date = fields.DateTime("Date", readonly=True, required=True)
    phone = fields.Char("Phone", readonly=True, required=True)
    text = fields.Text("Text", readonly=True,
        help="One-time codes are masked.")
    state = fields.Selection([
            ('sent', "Sent"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True)
    provider_id = fields.Char("Provider ID", readonly=True)
    error = fields.Text("Error", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))
        cls._order.insert(1, ('id', 'DESC'))

    @classmethod
    def default_date(cls):
        return dt.datetime.now()
