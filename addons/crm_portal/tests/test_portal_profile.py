"The resident's profile: personal data, e-mail, notifications, password."
from trytond.modules.crm_dispatch.tests.tools import smtp_server
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction

from .tools import PASSWORD, AuthPortalClient, auth_count, auth_letter_links

NEW_PASSWORD = 'Sadovaya-Kudrinskaya-3'


def account(email):
    "Name, phone, e-mail, validity and notify flag of an account"
    with Transaction().start(DB_NAME, 0):
        user, = Pool().get('web.user').search([('email', '=', email)])
        return (user.party.name if user.party else None, user.phone,
            user.email, user.email_valid, user.notify_email)


class PortalProfileTestCase(RouteTestCase):
    "A resident edits his profile"
    module = 'crm_portal'
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        WebUser = pool.get('web.user')
        Party = pool.get('party.party')
        for n, email in enumerate(['olga', 'boris', 'pavel', 'irina',
                    'csrf', 'other']):
            party, = Party.create([{'name': f'Житель {email}'}])
            WebUser.create([{
                        'email': f'{email}@example.com',
                        'password': PASSWORD,
                        'phone': f'+7 916 000-00-0{n}',
                        'email_valid': True,
                        'party': party.id,
                        }])
        Transaction().commit()

    def client(self, email, address):
        client = AuthPortalClient(address)
        response = client.login(f'{email}@example.com')
        self.assertEqual(response.status_code, 303)
        return client

    def form(self, **values):
        form = {'action': 'profile', 'name': 'Смирнова Ольга',
            'phone': '+7 916 000-00-00', 'email': 'olga@example.com',
            'notify_email': '1'}
        form.update(values)
        return form

    def test_profile_needs_sign_in(self):
        response = AuthPortalClient('10.5.0.1').get('/profile')
        self.assertEqual(response.status_code, 303)
        self.assertIn('/login?next=%2Fprofile', response.headers['Location'])

    def test_edit_name_phone_notifications(self):
        client = self.client('olga', '10.5.1.1')
        page = client.text(client.get('/profile'))
        self.assertIn('value="Житель olga"', page)
        self.assertIn('name="notify_email" type="checkbox" role="switch" '
            'value="1" checked', page)
        form = self.form(phone='8 903 777-66-55')
        del form['notify_email']
        response = client.post('/profile', form)
        self.assertEqual(response.status_code, 200, client.text(response))
        self.assertIn('Изменения сохранены', client.text(response))
        self.assertEqual(account('olga@example.com'), ('Смирнова Ольга',
                '+79037776655', 'olga@example.com', True, False))

    def test_new_email_needs_validation(self):
        client = self.client('boris', '10.5.2.1')
        with smtp_server() as server:
            response = client.post('/profile', self.form(
                    name='Борис', phone='', email='Boris.New@example.com'))
            self.assertEqual(response.status_code, 200,
                client.text(response))
            self.assertIn('отправлено письмо', client.text(response))
            _, links = auth_letter_links(server, 'boris.new@example.com')
        self.assertEqual(account('boris.new@example.com'),
            ('Борис', None, 'boris.new@example.com', False, True))
        self.assertIn('Подтвердите e-mail boris.new@example.com',
            client.text(client.get('/profile')))
        link, = {x for x in links if '/validate?token=' in x}
        self.assertEqual(client.open_link(link).status_code, 200)
        self.assertTrue(account('boris.new@example.com')[3])
        # The new address signs in, the old one no more
        self.assertEqual(AuthPortalClient('10.5.2.2').login(
                'boris.new@example.com').status_code, 303)
        self.assertEqual(AuthPortalClient('10.5.2.3').login(
                'boris@example.com').status_code, 200)

    def test_taken_email_or_phone_refused(self):
        client = self.client('pavel', '10.5.3.1')
        before = account('pavel@example.com')
        for values, text in [
                ({'email': 'other@example.com'},
                    'Кабинет с e-mail «other@example.com» уже'),
                ({'phone': '+7 916 000-00-05', 'email': 'pavel@example.com'},
                    'Кабинет с телефоном «+7 916 000-00-05» уже'),
                ({'email': 'pavel@example.com', 'name': ''},
                    'Укажите фамилию, имя и отчество'),
                ]:
            with self.subTest(values=values):
                response = client.post('/profile', self.form(**values))
                self.assertEqual(response.status_code, 400)
                self.assertIn(text, client.text(response))
                self.assertEqual(account('pavel@example.com'), before)

    def test_change_password(self):
        client = self.client('irina', '10.5.4.1')
        elsewhere = self.client('irina', '10.5.4.2')
        form = {'action': 'password', 'old_password': 'wrong-password',
            'password': NEW_PASSWORD, 'password2': NEW_PASSWORD}
        response = client.post('/profile', form)
        self.assertEqual(response.status_code, 400)
        self.assertIn('Текущий пароль указан неверно', client.text(response))
        response = client.post('/profile', dict(form,
                old_password=PASSWORD, password2='different-one'))
        self.assertEqual(response.status_code, 400)
        self.assertIn('Пароли не совпадают', client.text(response))
        response = client.post('/profile', dict(form, old_password=PASSWORD))
        self.assertEqual(response.status_code, 200, client.text(response))
        self.assertIn('Пароль изменён', client.text(response))
        # This browser stays signed in, the other one is signed out
        self.assertEqual(client.get('/profile').status_code, 200)
        self.assertEqual(elsewhere.get('/profile').status_code, 303)
        self.assertEqual(AuthPortalClient('10.5.4.3').login(
                'irina@example.com', NEW_PASSWORD).status_code, 303)

    def test_profile_without_csrf_refused(self):
        client = self.client('csrf', '10.5.5.1')
        client.get('/profile')
        before = account('csrf@example.com'), auth_count('party.party')
        for form in [self.form(email='csrf@example.com'), {
                    'action': 'password', 'old_password': PASSWORD,
                    'password': NEW_PASSWORD, 'password2': NEW_PASSWORD}]:
            response = client.post('/profile', form, csrf=False)
            self.assertEqual(response.status_code, 403)
        self.assertEqual(
            (account('csrf@example.com'), auth_count('party.party')), before)
        self.assertEqual(AuthPortalClient('10.5.5.2').login(
                'csrf@example.com').status_code, 303)
