"""The SMS client against a fake provider on loopback: what is sent, what
a refusal or a silent server becomes, and the log that survives the
caller's rollback without the one-time code."""
from trytond.exceptions import UserError
from trytond.modules.company.tests import create_company
from trytond.modules.crm_dispatch.sms import MASK
from trytond.modules.crm_dispatch.tests.sms_server import SMSServer
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, _DBTestCase, with_transaction
from trytond.transaction import Transaction

PHONE = '+79161234567'


def logged(phone=PHONE):
    "The log rows of phone as another transaction sees them, newest first"
    with Transaction().new_transaction(readonly=True):
        Message = Pool().get('crm.sms.message')
        return [(m.state, m.text, m.error, m.provider_id)
            for m in Message.search([('phone', '=', phone)])]


class SMSTestCase(_DBTestCase):
    "SMS gateway client"
    # _DBTestCase: its own database; the log commits in its own transaction
    module = 'crm_dispatch'
    language = 'ru'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = SMSServer(delay=3).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.server.clear()

    def gateway(self, provider='smsc', **values):
        "A gateway to the fake server, committed (the log refers to it)"
        Gateway = Pool().get('crm.sms.gateway')
        gateway, = Gateway.create([dict({
                        'name': 'Тестовый шлюз',
                        'provider': provider,
                        'login': 'uk-demo',
                        'password': 'secret-psw',
                        'sender': 'UK-Dom',
                        'base_url': self.server.url,
                        'timeout': 1,
                        }, **values)])
        Transaction().commit()
        return gateway

    def tearDown(self):
        # Gateways and log of one test are not the next one's
        with Transaction().start(DB_NAME, 0):
            Gateway = Pool().get('crm.sms.gateway')
            Message = Pool().get('crm.sms.message')
            Message.delete(Message.search([]))
            Gateway.delete(Gateway.search([('active', 'in', [True, False])]))
            Transaction().commit()
        super().tearDown()

    @with_transaction(context={'language': 'ru'})
    def test_smsc_sends_its_protocol_and_masks_the_code(self):
        gateway = self.gateway()
        message = gateway.send(PHONE, 'Код подтверждения: 123456', secret='123456')
        request, = self.server.requests
        self.assertEqual(request['path'], '/sys/send.php')
        self.assertEqual(request['params'], {
                'login': 'uk-demo', 'psw': 'secret-psw',
                'phones': '79161234567', 'mes': 'Код подтверждения: 123456',
                'charset': 'utf-8', 'fmt': '3', 'sender': 'UK-Dom'})
        self.assertEqual(message.state, 'sent')
        self.assertEqual(message.provider_id, '1')
        self.assertEqual(logged(), [
                ('sent', f'Код подтверждения: {MASK}', None, '1')])
        self.assertNotIn('123456', message.text)

    @with_transaction(context={'language': 'ru'})
    def test_smsc_api_key_without_login(self):
        gateway = self.gateway(login=None, sender=None)
        gateway.send(PHONE, 'Проверка')
        params = self.server.requests[0]['params']
        self.assertEqual(params['apikey'], 'secret-psw')
        self.assertNotIn('login', params)
        self.assertNotIn('psw', params)
        self.assertNotIn('sender', params)

    @with_transaction(context={'language': 'ru'})
    def test_smsc_refusal_is_russian_and_logged_after_rollback(self):
        gateway = self.gateway()
        self.server.mode = 'error'
        with self.assertRaises(UserError) as context:
            gateway.send(PHONE, 'Код 654321', secret='654321')
        self.assertEqual(context.exception.message,
            'Не удалось отправить SMS: оператор рассылки отказал: '
            'duplicate request, wait a minute (код 9)')
        Transaction().rollback()
        (state, text, error, provider_id), = logged()
        self.assertEqual((state, text, provider_id),
            ('failed', f'Код {MASK}', None))
        self.assertIn('код 9', error)

    @with_transaction(context={'language': 'ru'})
    def test_smsru_sends_its_protocol(self):
        gateway = self.gateway(provider='smsru', login=None)
        message = gateway.send(PHONE, 'Привет')
        request, = self.server.requests
        self.assertEqual(request['path'], '/sms/send')
        self.assertEqual(request['params'], {
                'api_id': 'secret-psw', 'to': '79161234567',
                'msg': 'Привет', 'json': '1', 'from': 'UK-Dom'})
        self.assertEqual(message.provider_id, '000000-1')

    @with_transaction(context={'language': 'ru'})
    def test_smsru_refusal_of_the_phone(self):
        gateway = self.gateway(provider='smsru', login=None)
        self.server.mode = 'error'
        with self.assertRaises(UserError) as context:
            gateway.send(PHONE, 'Привет')
        self.assertEqual(context.exception.message,
            'Не удалось отправить SMS: оператор рассылки отказал: На этот '
            'номер нельзя отправлять сообщения (код 207)')
        self.assertEqual(logged()[0][0], 'failed')

    @with_transaction(context={'language': 'ru'})
    def test_silent_server_times_out(self):
        gateway = self.gateway()
        self.server.mode = 'timeout'
        with self.assertRaises(UserError) as context:
            gateway.send(PHONE, 'Привет')
        self.assertEqual(context.exception.message,
            'Не удалось отправить SMS: сервер оператора рассылки не ответил '
            'вовремя')

    @with_transaction(context={'language': 'ru'})
    def test_http_error_and_unreachable_server(self):
        gateway = self.gateway()
        self.server.mode = 'http500'
        with self.assertRaises(UserError) as context:
            gateway.send(PHONE, 'Привет')
        self.assertIn('ошибкой HTTP 500', context.exception.message)
        gateway.base_url = 'http://127.0.0.1:9'
        gateway.save()
        Transaction().commit()
        with self.assertRaises(UserError) as context:
            gateway.send(PHONE, 'Привет')
        self.assertIn('Не удалось отправить SMS: сервер оператора рассылки '
            'недоступен', context.exception.message)
        self.assertEqual([m[0] for m in logged()], ['failed', 'failed'])

    @with_transaction(context={'language': 'ru'})
    def test_not_a_phone_refused_before_sending(self):
        gateway = self.gateway()
        with self.assertRaises(UserError) as context:
            gateway.send('', 'Привет')
        self.assertIn('нельзя отправить SMS', context.exception.message)
        self.assertEqual(self.server.requests, [])

    @with_transaction(context={'language': 'ru'})
    def test_gateway_of_the_organisation_first(self):
        Gateway = Pool().get('crm.sms.gateway')
        self.assertIsNone(Gateway.get())
        company = create_company()
        other = create_company(name='Другая УК')
        shared = self.gateway(name='Общий')
        own = self.gateway(name='Свой', company=company.id)
        self.gateway(name='Чужой', company=other.id)
        self.assertEqual(Gateway.get(company), own)
        self.assertEqual(Gateway.get(), shared)
        Gateway.write([shared], {'active': False})
        self.assertEqual(Gateway.get(company), own)
        self.assertIn(Gateway.get(), Gateway.search([]))

    def test_default_address_is_the_providers(self):
        with Transaction().start(DB_NAME, 0):
            Gateway = Pool().get('crm.sms.gateway')
            gateway = Gateway(**Gateway.default_get(
                    ['provider', 'base_url'], with_rec_name=False))
            self.assertEqual(gateway.base_url, 'https://smsc.ru')
            gateway.provider = 'smsru'
            gateway.on_change_provider()
            self.assertEqual(gateway.base_url, 'https://sms.ru')
