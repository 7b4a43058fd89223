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


# --- accounts: sign-up, e-mail validation, reset, sessions ---------------
import datetime as dt  # noqa: E402

from trytond.modules.crm_dispatch.tests.tools import smtp_server  # noqa: E402
from trytond.tests.test_tryton import DB_NAME  # noqa: E402

from .tools import AuthPortalClient, auth_count, auth_letter_links  # noqa: E402,E501

NEW_PASSWORD = 'Krasnaya-Presnya-7'


def signup_form(email, **values):
    form = {
        'email': email,
        'phone': '',
        'name': 'Иванова Мария Петровна',
        'password': NEW_PASSWORD,
        'password2': NEW_PASSWORD,
        'agree': '1',
        }
    form.update(values)
    return form


def counts():
    return (auth_count('web.user'), auth_count('party.party'),
        auth_count('web.user.session'))


class PortalSignupTestCase(RouteTestCase):
    "Signing up to the portal when the organisation published an agreement"
    module = 'crm_portal'
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        WebUser = pool.get('web.user')
        Agreement = pool.get('crm.portal.agreement')
        today = dt.date.today()
        Agreement.create([{
                    'version': '1.0', 'title': 'Старое соглашение',
                    'text': 'Старый текст', 'date': today - dt.timedelta(400),
                    }, {
                    'version': '2.1', 'title': 'Пользовательское соглашение',
                    'text': 'Текст соглашения о персональных данных',
                    'date': today - dt.timedelta(1),
                    }, {
                    # Prepared for later: not offered yet
                    'version': '3.0', 'title': 'Будущее соглашение',
                    'text': 'Будущий текст', 'date': today + dt.timedelta(5),
                    }])
        WebUser.create([{
                    'email': 'taken@example.com',
                    'password': PASSWORD,
                    'phone': '+7 903 111-22-33',
                    }])
        Transaction().commit()

    def test_signup_records_agreement_and_link_validates(self):
        client = AuthPortalClient('10.1.0.1')
        page = client.text(client.get('/signup'))
        self.assertIn('name="agree"', page)
        self.assertIn(client.base + '/agreement', page)
        before = counts()
        with smtp_server() as server:
            response = client.post('/signup', signup_form(
                    'Maria@Example.com', phone='8 (916) 555-44-33'))
            self.assertEqual(response.status_code, 303, client.text(response))
            message, links = auth_letter_links(server, 'maria@example.com')
        self.assertEqual(counts()[:2], (before[0] + 1, before[1] + 1))
        with Transaction().start(DB_NAME, 0):
            WebUser = Pool().get('web.user')
            user, = WebUser.search([('email', '=', 'maria@example.com')])
            self.assertEqual(user.agreement.version, '2.1')
            yesterday = dt.date.today() - dt.timedelta(1)
            self.assertEqual(user.agreement.rec_name,
                'Пользовательское соглашение, версия 2.1 '
                f'от {yesterday:%d.%m.%Y}')
            self.assertAlmostEqual(user.agreement_date, dt.datetime.now(),
                delta=dt.timedelta(minutes=5))
            self.assertEqual(user.party.name, 'Иванова Мария Петровна')
            self.assertTrue(user.party.pd_consent)
            self.assertEqual(user.phone, '+79165554433')
            self.assertFalse(user.email_valid)
            self.assertTrue(WebUser.check_password(
                    NEW_PASSWORD, user.password_hash)[0])
        self.assertIn('Подтверждение e-mail', message['Subject'])
        self.assertIn('Иванова Мария Петровна', message.get_body(
                ('plain', 'html')).get_content())
        # Signed in at once; a banner asks to confirm the address
        page = client.text(client.get('/profile'))
        self.assertIn('Подтвердите e-mail maria@example.com', page)

        link, = {x for x in links if '/validate?token=' in x}
        other = AuthPortalClient('10.1.0.2')
        response = other.open_link(link)
        self.assertEqual(response.status_code, 200, other.text(response))
        self.assertIn('E-mail подтверждён', other.text(response))
        response = other.get('/profile')
        self.assertEqual(response.status_code, 200)
        self.assertNotIn('Подтвердите e-mail', other.text(response))
        with Transaction().start(DB_NAME, 0):
            user, = Pool().get('web.user').search(
                [('email', '=', 'maria@example.com')])
            self.assertTrue(user.email_valid)
        # The phone signs in as well as the e-mail
        response = AuthPortalClient('10.1.0.3').login(
            '+7 916 555 44 33', NEW_PASSWORD)
        self.assertEqual(response.status_code, 303)
        # A link works once
        response = AuthPortalClient('10.1.0.4').open_link(link)
        self.assertEqual(response.status_code, 400)
        self.assertIn('неверна или уже использована', other.text(response))

    def assertRefused(self, form, text, status=400):
        client = AuthPortalClient('10.1.1.1')
        client.get('/signup')
        before = counts()
        response = client.post('/signup', form)
        self.assertEqual(response.status_code, status, client.text(response))
        self.assertIn(text, client.text(response))
        self.assertEqual(counts(), before)
        return client.text(response)

    def test_duplicate_email_refused(self):
        page = self.assertRefused(signup_form('TAKEN@example.com'),
            'Кабинет с e-mail «taken@example.com» уже зарегистрирован')
        self.assertIn('aria-invalid="true" aria-describedby="email-error',
            page)
        self.assertRefused(
            signup_form('other@example.com', phone='+79031112233'),
            'Кабинет с телефоном «+79031112233» уже зарегистрирован')

    def test_bad_fields_refused(self):
        self.assertRefused(signup_form('no-at-sign'), 'указан с ошибкой')
        self.assertRefused(signup_form('x@example.com', phone='12'),
            'Номер телефона «12» указан с ошибкой')
        self.assertRefused(signup_form('x@example.com', name='  '),
            'Укажите фамилию, имя и отчество')

    def test_weak_password_refused(self):
        for password, repeat, text in [
                ('Abc-123', 'Abc-123', 'не короче 8 символов'),
                (NEW_PASSWORD, NEW_PASSWORD + 'x', 'Пароли не совпадают'),
                ('weak@example.com', 'weak@example.com',
                    'не должен совпадать с e-mail'),
                ('89035556677', '89035556677', 'не должен совпадать'),
                ('aaaaaaaaaa', 'aaaaaaaaaa', 'легко подобрать'),
                ]:
            with self.subTest(password=password):
                self.assertRefused(signup_form('weak@example.com',
                        phone='+79035556677', password=password,
                        password2=repeat), text)

    def test_missing_consent_refused(self):
        form = signup_form('noconsent@example.com')
        del form['agree']
        self.assertRefused(form, 'Примите пользовательское соглашение')

    def test_signup_without_csrf_refused(self):
        client = AuthPortalClient('10.1.2.1')
        client.get('/signup')
        before = counts()
        response = client.post('/signup', signup_form('csrf@example.com'),
            csrf=False)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(counts(), before)

    def test_sixth_signup_from_one_address_throttled(self):
        "Five accounts from one network address in an hour, not six"
        client = AuthPortalClient('10.1.7.7')
        with smtp_server() as server:
            for n in range(5):
                response = client.post('/signup',
                    signup_form(f'family{n}@example.com'))
                self.assertEqual(response.status_code, 303,
                    client.text(response))
                client = AuthPortalClient('10.1.7.7')
            before = counts()
            response = client.post('/signup',
                signup_form('family5@example.com'))
            self.assertEqual(response.status_code, 429)
            self.assertIn('Слишком много регистраций с этого сетевого адреса',
                client.text(response))
            self.assertEqual(counts(), before)
            # Another address is not held back
            other = AuthPortalClient('10.1.7.8')
            response = other.post('/signup',
                signup_form('family5@example.com'))
            self.assertEqual(response.status_code, 303, other.text(response))
        self.assertEqual(len(server.letters), 6)

    def test_agreement_page(self):
        client = AuthPortalClient('10.1.3.1')
        page = client.text(client.get('/agreement'))
        self.assertIn('Текст соглашения о персональных данных', page)
        self.assertIn('Редакция 2.1', page)
        self.assertNotIn('Будущий текст', page)


class PortalSignupNoAgreementTestCase(RouteTestCase):
    "Without an agreement published there is nothing to accept (ADM-71/72)"
    module = 'crm_portal'
    language = 'ru'

    def test_no_checkbox_without_agreement(self):
        client = AuthPortalClient('10.2.0.1')
        page = client.text(client.get('/signup'))
        self.assertNotIn('name="agree"', page)
        form = signup_form('plain@example.com')
        del form['agree']
        with smtp_server():
            response = client.post('/signup', form)
        self.assertEqual(response.status_code, 303, client.text(response))
        with Transaction().start(DB_NAME, 0):
            user, = Pool().get('web.user').search(
                [('email', '=', 'plain@example.com')])
            self.assertIsNone(user.agreement)
            self.assertIsNone(user.agreement_date)
            self.assertFalse(user.party.pd_consent)


class PortalResetTestCase(RouteTestCase):
    "Restoring a forgotten password through a link sent by e-mail"
    module = 'crm_portal'
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        WebUser = pool.get('web.user')
        Party = pool.get('party.party')
        party, = Party.create([{'name': 'Петров Пётр'}])
        WebUser.create([{
                    'email': f'{name}@example.com',
                    'password': PASSWORD,
                    'party': party.id,
                    } for name in ['reset', 'limit']])
        Transaction().commit()

    def test_reset_flow_via_smtp(self):
        client = AuthPortalClient('10.3.0.1')
        with smtp_server() as server:
            response = client.post('/reset', {'email': 'Reset@example.com'})
            self.assertEqual(response.status_code, 200)
            self.assertIn('Если кабинет с e-mail reset@example.com есть',
                client.text(response))
            message, links = auth_letter_links(server, 'reset@example.com')
        self.assertIn('Восстановление пароля', message['Subject'])
        link, = {x for x in links if '/reset/password?' in x}
        self.assertIn('email=reset%40example.com', link)
        response = client.open_link(link)
        self.assertEqual(response.status_code, 200)
        self.assertIn('Новый пароль', client.text(response))
        # Its form keeps the link's e-mail and token; the rules apply
        form = {'email': 'reset@example.com',
            'token': link.split('token=')[1].split('&')[0]}
        response = client.post('/reset/password',
            dict(form, password='short', password2='short'))
        self.assertEqual(response.status_code, 400)
        self.assertIn('не короче 8 символов', client.text(response))
        response = client.post('/reset/password',
            dict(form, password=NEW_PASSWORD, password2=NEW_PASSWORD))
        self.assertEqual(response.status_code, 303, client.text(response))
        self.assertEqual(client.get('/profile').status_code, 200)

        response = AuthPortalClient('10.3.0.2').login(
            'reset@example.com', PASSWORD)
        self.assertEqual(response.status_code, 200)
        response = AuthPortalClient('10.3.0.3').login(
            'reset@example.com', NEW_PASSWORD)
        self.assertEqual(response.status_code, 303)
        # The link is spent
        response = AuthPortalClient('10.3.0.4').open_link(link)
        self.assertEqual(response.status_code, 400)
        self.assertIn('Ссылка неверна или устарела', client.text(response))

    def test_unknown_email_same_answer(self):
        client = AuthPortalClient('10.3.1.1')
        with smtp_server() as server:
            response = client.post('/reset', {'email': 'nobody@example.com'})
            self.assertEqual(response.status_code, 200)
            self.assertIn('Если кабинет с e-mail nobody@example.com есть',
                client.text(response))
        self.assertEqual(server.letters, [])

    def test_wrong_token_refused(self):
        client = AuthPortalClient('10.3.2.1')
        response = client.get('/reset/password',
            query_string={'email': 'reset@example.com', 'token': 'x' * 64})
        self.assertEqual(response.status_code, 400)
        response = client.post('/reset/password', {
                'email': 'reset@example.com', 'token': 'x' * 64,
                'password': NEW_PASSWORD, 'password2': NEW_PASSWORD})
        self.assertEqual(response.status_code, 400)

    def test_sixth_reset_request_throttled(self):
        with smtp_server() as server:
            # Per account: from five addresses, then a sixth
            for n in range(5):
                response = AuthPortalClient(f'10.3.3.{n}').post(
                    '/reset', {'email': 'limit@example.com'})
                self.assertEqual(response.status_code, 200)
            client = AuthPortalClient('10.3.3.9')
            response = client.post('/reset', {'email': 'limit@example.com'})
            self.assertEqual(response.status_code, 429)
            self.assertIn('Слишком много попыток', client.text(response))
            # Per address: five accounts, then a sixth
            client = AuthPortalClient('10.3.4.1')
            for n in range(5):
                response = client.post(
                    '/reset', {'email': f'guess{n}@example.com'})
                self.assertEqual(response.status_code, 200)
            response = client.post('/reset', {'email': 'guess9@example.com'})
            self.assertEqual(response.status_code, 429)
        self.assertEqual(len(server.letters), 5)


class PortalSessionTestCase(RouteTestCase):
    "Sessions of residents: expiry and cookie flags"
    module = 'crm_portal'
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        Pool().get('web.user').create([{
                    'email': 'session@example.com',
                    'password': PASSWORD,
                    'email_valid': True,
                    }])
        Transaction().commit()

    def test_expired_session_goes_to_login(self):
        client = AuthPortalClient('10.4.0.1')
        self.assertEqual(client.login('session@example.com').status_code, 303)
        self.assertEqual(client.get('/profile').status_code, 200)
        with Transaction().start(DB_NAME, 0) as transaction:
            Session = Pool().get('web.user.session')
            table = Session.__table__()
            old = dt.datetime.now() - Session.timeout() - dt.timedelta(
                minutes=1)
            transaction.connection.cursor().execute(*table.update(
                    [table.create_date, table.write_date], [old, old]))
            transaction.commit()
        response = client.get('/profile')
        self.assertEqual(response.status_code, 303)
        self.assertIn('/login?next=%2Fprofile', response.headers['Location'])
        cookies = response.headers.getlist('Set-Cookie')
        self.assertTrue(any(c.startswith('crm_portal_session=;')
                for c in cookies), cookies)

    def test_cookie_flags(self):
        for base_url, secure in [
                ('https://portal.example.ru', True),
                ('http://localhost', False)]:
            with self.subTest(base_url=base_url):
                client = AuthPortalClient('10.4.1.1')
                client.get('/login', base_url=base_url)
                response = client.post('/login', {
                        'login': 'session@example.com',
                        'password': PASSWORD}, base_url=base_url)
                self.assertEqual(response.status_code, 303)
                cookie, = [c for c in response.headers.getlist('Set-Cookie')
                    if c.startswith('crm_portal_session=')]
                self.assertIn('HttpOnly', cookie)
                self.assertIn('SameSite=Lax', cookie)
                self.assertIn('Max-Age=', cookie)
                self.assertEqual('Secure' in cookie, secure, cookie)
