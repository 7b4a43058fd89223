"""Sign-up, sign-in and a new password with a phone alone: the code is
read from what a fake SMS provider on loopback received."""
import datetime as dt
import itertools
import urllib.parse

from trytond.modules.crm_dispatch.party import format_phone
from trytond.modules.crm_dispatch.tests.sms_server import SMSServer
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction

from ..phone_code import ADDRESS_HOURLY, MAX_TRIES, PHONE_HOURLY
from .tools import AuthPortalClient, auth_count

PASSWORD = 'Krasnaya-Presnya-7'
_numbers = itertools.count(1)
_addresses = itertools.count(1)


def new_phone():
    "A phone no other test used: +7 916 200-00-NN"
    return '+7916200%04d' % next(_numbers)


def new_client():
    return AuthPortalClient('10.9.0.%d' % next(_addresses))


def signup_form(phone, email=''):
    return {'email': email, 'phone': phone, 'name': 'Петров Пётр Петрович',
        'password': PASSWORD, 'password2': PASSWORD}


def set_gateway(url):
    "The portal's only gateway points at url (None: no gateway)"
    with Transaction().start(DB_NAME, 0):
        Gateway = Pool().get('crm.sms.gateway')
        Gateway.delete(Gateway.search([('active', 'in', [True, False])]))
        if url:
            Gateway.create([{'name': 'Тест', 'provider': 'smsc',
                        'login': 'uk', 'password': 'psw',
                        'base_url': url, 'timeout': 1}])
        Transaction().commit()


def account(phone):
    "(phone_valid, code rows) of the account of phone"
    with Transaction().start(DB_NAME, 0, context={'active_test': False}):
        pool = Pool()
        user, = pool.get('web.user').search([('phone', '=', phone)])
        codes = pool.get('crm.portal.phone_code').search(
            [('web_user', '=', user.id)])
        return user.phone_valid, [(c.purpose, c.code_hash) for c in codes]


def shift(model, field, delta, domain=None):
    "Move field of model's rows by delta (the clock of the test)"
    with Transaction().start(DB_NAME, 0):
        Model = Pool().get(model)
        table = Model.__table__()
        records = Model.search(domain or [])
        cursor = Transaction().connection.cursor()
        for record in records:
            cursor.execute(*table.update([getattr(table, field)],
                    [getattr(record, field) + delta],
                    where=table.id == record.id))
        Transaction().commit()


class PortalPhoneTestCase(RouteTestCase):
    "A resident with a phone and no e-mail"
    module = 'crm_portal'
    language = 'ru'

    @classmethod
    def setUpClass(cls):
        cls.sms = SMSServer(delay=3).start()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.sms.stop()

    def setUp(self):
        super().setUp()
        self.sms.clear()
        set_gateway(self.sms.url)

    def digits(self, phone):
        return phone.lstrip('+')

    def sign_up(self, client, phone):
        response = client.post('/signup', signup_form(phone))
        self.assertEqual(response.status_code, 303, client.text(response))
        location = urllib.parse.urlsplit(response.headers['Location'])
        self.assertEqual(location.path, client.base + '/phone/confirm')
        self.assertEqual(urllib.parse.parse_qs(location.query),
            {'phone': [phone]})
        return self.sms.last_code(self.digits(phone))

    def confirm(self, client, phone, code):
        return client.post('/phone/confirm', {'phone': phone, 'code': code})

    def test_sign_up_by_phone_and_confirm(self):
        client, phone = new_client(), new_phone()
        users = auth_count('web.user')
        code = self.sign_up(client, phone)
        self.assertRegex(code, r'^\d{6}$')
        self.assertIn('Код для личного кабинета', self.sms.texts()[0])
        self.assertEqual(auth_count('web.user'), users + 1)
        valid, codes = account(phone)
        self.assertFalse(valid)
        (purpose, code_hash), = codes
        self.assertEqual(purpose, 'signup')
        self.assertNotIn(code, code_hash)
        # The log keeps the text without the code
        with Transaction().start(DB_NAME, 0):
            log, = Pool().get('crm.sms.message').search(
                [('phone', '=', phone)])
            self.assertEqual(log.state, 'sent')
            self.assertNotIn(code, log.text)

        page = client.get('/phone/confirm?phone=' + urllib.parse.quote(phone))
        self.assertIn('Подтверждение телефона', client.text(page))

        # Not yet confirmed: the password is right, the sign-in refused
        response = new_client().login(phone, PASSWORD)
        self.assertEqual(response.status_code, 403)
        self.assertIn('Телефон этого кабинета ещё не подтверждён',
            client.text(response))
        self.assertIn('/phone/confirm?phone=', client.text(response))

        wrong = '000000' if code != '000000' else '111111'
        response = self.confirm(client, phone, wrong)
        self.assertEqual(response.status_code, 400)
        self.assertIn('Неверный код. Осталось попыток: 4',
            client.text(response))

        response = self.confirm(client, phone, code)
        self.assertEqual(response.status_code, 303, client.text(response))
        self.assertEqual(client.get('/appeals').status_code, 200)
        self.assertEqual(account(phone), (True, []))
        # The code is used up; the phone now signs in
        self.assertEqual(new_client().login(phone, PASSWORD).status_code, 303)

    def test_expired_code_refused(self):
        client, phone = new_client(), new_phone()
        code = self.sign_up(client, phone)
        shift('crm.portal.phone_code', 'expire', -dt.timedelta(minutes=11),
            [('phone', '=', phone)])
        response = self.confirm(client, phone, code)
        self.assertEqual(response.status_code, 400)
        self.assertIn('Срок действия кода истёк', client.text(response))
        self.assertFalse(account(phone)[0])

    def test_sixth_try_refused_even_right(self):
        client, phone = new_client(), new_phone()
        code = self.sign_up(client, phone)
        wrong = '%06d' % ((int(code) + 1) % 10 ** 6)
        for attempt in range(1, MAX_TRIES):
            response = self.confirm(client, phone, wrong)
            self.assertIn(f'Осталось попыток: {MAX_TRIES - attempt}',
                client.text(response))
        response = self.confirm(client, phone, wrong)
        self.assertIn('Слишком много неверных попыток', client.text(response))
        response = self.confirm(client, phone, code)
        self.assertEqual(response.status_code, 400)
        self.assertIn('Слишком много неверных попыток', client.text(response))
        self.assertFalse(account(phone)[0])

    def resend(self, client, phone):
        return client.post('/phone/confirm',
            {'phone': phone, 'action': 'resend'})

    def test_resend_throttled_at_the_limits(self):
        client, phone = new_client(), new_phone()
        first = self.sign_up(client, phone)
        # Once a minute
        response = self.resend(client, phone)
        self.assertEqual(response.status_code, 429)
        self.assertIn('не чаще раза в минуту', client.text(response))
        self.assertEqual(len(self.sms.texts()), 1)
        # PHONE_HOURLY an hour: the last allowed one, then refused
        for sent in range(2, PHONE_HOURLY + 1):
            shift('crm.portal.attempt', 'create_date',
                -dt.timedelta(minutes=2), [('kind', '=', 'sms')])
            response = self.resend(client, phone)
            self.assertEqual(response.status_code, 200, client.text(response))
            self.assertIn('Новый код отправлен', client.text(response))
        self.assertEqual(len(self.sms.texts()), PHONE_HOURLY)
        shift('crm.portal.attempt', 'create_date', -dt.timedelta(minutes=2),
            [('kind', '=', 'sms')])
        response = self.resend(client, phone)
        self.assertEqual(response.status_code, 429)
        self.assertIn('Слишком много SMS', client.text(response))
        self.assertEqual(len(self.sms.texts()), PHONE_HOURLY)
        # Only the last code works
        last = self.sms.last_code(self.digits(phone))
        if first != last:
            response = self.confirm(client, phone, first)
            self.assertEqual(response.status_code, 400)
        self.assertEqual(self.confirm(client, phone, last).status_code, 303)
        # An hour later it is allowed again
        shift('crm.portal.attempt', 'create_date', -dt.timedelta(hours=1),
            [('kind', '=', 'sms')])

    def test_address_hourly_limit(self):
        client = new_client()
        for sent in range(ADDRESS_HOURLY):
            response = client.post('/reset', {'email': new_phone()})
            self.assertEqual(response.status_code, 303, client.text(response))
        response = client.post('/reset', {'email': new_phone()})
        self.assertEqual(response.status_code, 429)
        self.assertIn('Слишком много SMS', client.text(response))
        # Unknown phones: no SMS went out at all
        self.assertEqual(self.sms.texts(), [])

    def test_gateway_error_creates_nothing(self):
        client, phone = new_client(), new_phone()
        self.sms.mode = 'error'
        users, parties = auth_count('web.user'), auth_count('party.party')
        codes = auth_count('crm.portal.phone_code')
        response = client.post('/signup', signup_form(phone))
        self.assertEqual(response.status_code, 400)
        self.assertIn('Не удалось отправить SMS: оператор рассылки отказал: '
            'duplicate request, wait a minute (код 9)', client.text(response))
        self.assertEqual(auth_count('web.user'), users)
        self.assertEqual(auth_count('party.party'), parties)
        self.assertEqual(auth_count('crm.portal.phone_code'), codes)
        self.assertEqual(auth_count('crm.sms.message', [
                    ('phone', '=', phone), ('state', '=', 'failed')]), 1)
        # The form keeps what was typed
        self.assertIn(f'value="{phone}"', client.text(response))

    def test_no_gateway_requires_email(self):
        set_gateway(None)
        client, phone = new_client(), new_phone()
        page = client.text(client.get('/signup'))
        self.assertIn('Регистрация только по телефону сейчас недоступна', page)
        users = auth_count('web.user')
        response = client.post('/signup', signup_form(phone))
        self.assertEqual(response.status_code, 400)
        self.assertIn('Регистрация только по телефону недоступна: отправка '
            'SMS не подключена. Укажите e-mail.', client.text(response))
        self.assertEqual(auth_count('web.user'), users)
        # The phone is not taken by the refused form: with an e-mail it
        # signs up the usual way
        response = client.post('/signup',
            signup_form(phone, email='petrov-%s@example.com' % phone[-4:]))
        self.assertEqual(response.status_code, 303, client.text(response))
        self.assertEqual(self.sms.requests, [])
        # No reset by SMS either
        response = new_client().post('/reset', {'email': phone})
        self.assertEqual(response.status_code, 400)
        self.assertIn('Восстановить пароль по SMS нельзя',
            client.text(response))

    def test_email_or_phone_required(self):
        client = new_client()
        response = client.post('/signup', signup_form(''))
        self.assertEqual(response.status_code, 400)
        self.assertIn('Укажите e-mail или мобильный телефон.',
            client.text(response))

    def test_reset_by_sms_code(self):
        client, phone = new_client(), new_phone()
        code = self.sign_up(client, phone)
        self.assertEqual(self.confirm(client, phone, code).status_code, 303)
        shift('crm.portal.attempt', 'create_date', -dt.timedelta(minutes=2),
            [('kind', '=', 'sms')])
        other = new_client()
        response = other.post('/reset', {'email': phone})
        self.assertEqual(response.status_code, 303, other.text(response))
        self.assertIn('/reset/phone?phone=', response.headers['Location'])
        code = self.sms.last_code(self.digits(phone))
        self.assertIn('Код для нового пароля', self.sms.texts()[-1])
        new = 'Tverskaya-Zastava-9'
        # A weak password does not use up the code
        response = other.post('/reset/phone', {'phone': phone, 'code': code,
                'password': 'short', 'password2': 'short'})
        self.assertEqual(response.status_code, 400)
        response = other.post('/reset/phone', {'phone': phone,
                'code': '%06d' % ((int(code) + 1) % 10 ** 6),
                'password': new, 'password2': new})
        self.assertIn('Неверный код', other.text(response))
        response = other.post('/reset/phone', {'phone': phone, 'code': code,
                'password': new, 'password2': new})
        self.assertEqual(response.status_code, 303, other.text(response))
        self.assertEqual(other.get('/appeals').status_code, 200)
        self.assertEqual(new_client().login(phone, PASSWORD).status_code, 200)
        self.assertEqual(new_client().login(phone, new).status_code, 303)
        # The first sign-up's session is ended
        response = client.get('/appeals')
        self.assertEqual(response.status_code, 303)
        self.assertIn('/login', response.headers['Location'])

    def test_reset_unknown_phone_sends_nothing(self):
        client = new_client()
        phone = new_phone()
        response = client.post('/reset', {'email': phone})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.sms.requests, [])
        location = urllib.parse.urlsplit(response.headers['Location'])
        page = client.get(location.path[len(client.base):] + '?'
            + location.query)
        self.assertIn('Если кабинет с номером', client.text(page))
        response = client.post('/reset/phone', {'phone': phone,
                'code': '123456', 'password': 'Tverskaya-Zastava-9',
                'password2': 'Tverskaya-Zastava-9'})
        self.assertEqual(response.status_code, 400)
        self.assertIn('Код неверный или больше не действует',
            client.text(response))

    def test_profile_phone_change_needs_code(self):
        client, phone = new_client(), new_phone()
        code = self.sign_up(client, phone)
        self.assertEqual(self.confirm(client, phone, code).status_code, 303)
        new = new_phone()
        response = client.post('/profile', {'action': 'profile',
                'name': 'Петров Пётр Петрович', 'phone': new, 'email': ''})
        self.assertEqual(response.status_code, 200, client.text(response))
        self.assertIn(f'На номер {format_phone(new)} отправлен код',
            client.text(response))
        # Not changed before the code
        self.assertEqual(account(phone)[0], True)
        code = self.sms.last_code(self.digits(new))
        response = client.post('/profile', {'action': 'phone_code',
                'code': code})
        self.assertIn('Номер телефона изменён и подтверждён',
            client.text(response))
        self.assertEqual(account(new), (True, []))
        self.assertEqual(new_client().login(new, PASSWORD).status_code, 303)

    def test_reset_not_sent_to_an_unconfirmed_phone_of_an_email_account(self):
        "A number typed on an e-mail account proves nothing: no SMS to it"
        phone = new_phone()
        client = new_client()
        response = client.post('/signup', signup_form(
                phone, email='typo-%s@example.com' % phone[-4:]))
        self.assertEqual(response.status_code, 303, client.text(response))
        response = new_client().post('/reset', {'email': phone})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.sms.requests, [])
