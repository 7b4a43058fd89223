from trytond.pool import Pool
from trytond.tests.test_tryton import RouteTestCase
from trytond.transaction import Transaction

from .tools import PASSWORD, PortalClient


class PortalAuthTestCase(RouteTestCase):
    "Signing in to the portal"
    module = 'crm_portal'
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        WebUser = pool.get('web.user')
        WebUser.create([{
                    'email': 'anna@example.com',
                    'password': PASSWORD,
                    'phone': '+7 916 123-45-67',
                    'email_valid': True,
                    }])
        Transaction().commit()

    def test_login_page_in_russian(self):
        client = PortalClient()
        response = client.get('/login')
        self.assertEqual(response.status_code, 200)
        self.assertIn('Вход в личный кабинет', client.text(response))
        cookie = response.headers.getlist('Set-Cookie')[0]
        self.assertIn('HttpOnly', cookie)
        self.assertIn('SameSite=Lax', cookie)

    def test_login_by_email_and_phone(self):
        for login in ['Anna@Example.com', '89161234567', '+7 (916) 123 45 67']:
            with self.subTest(login=login):
                client = PortalClient()
                response = client.login(login)
                self.assertEqual(response.status_code, 303, client.text(
                        response))
                self.assertTrue(response.headers['Location'].endswith(
                        client.base + '/'))

    def test_form_without_csrf_refused(self):
        client = PortalClient()
        client.get('/login')
        response = client.post('/login', {
                'login': 'anna@example.com', 'password': PASSWORD},
            csrf=False)
        self.assertEqual(response.status_code, 403)
        self.assertIn('Форма устарела', client.text(response))

    def test_sixth_wrong_password_throttled(self):
        client = PortalClient()
        for attempt in range(5):
            response = client.login('throttle@example.com', 'wrong-one')
            self.assertEqual(response.status_code, 200)
            self.assertIn('Неверный e-mail, телефон или пароль',
                client.text(response))
        response = client.login('throttle@example.com', 'wrong-one')
        self.assertEqual(response.status_code, 429)
        self.assertIn('Слишком много попыток', client.text(response))
