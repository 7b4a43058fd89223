"""A resident's appeals in the portal: the form built from the reason's
extra fields, photos, the list and detail pages, the resident's steps
(message, close, reopen, rate), the supervisor's quality list, and what
another resident may not reach."""
import datetime as dt
import io
import re
from contextlib import contextmanager

from PIL import Image

from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction

from ..quality import quality_domain
from ..www.appeals import CLOSE_TEXT
from .tools import PortalClient, appeals_setup

A, B = 'anna@example.com', 'boris@example.com'


def jpeg(size=(40, 30), gps=False):
    image = Image.new('RGB', size, (200, 50, 50))
    output = io.BytesIO()
    exif = Image.Exif()
    if gps:
        exif[0x010f] = 'PhoneMaker'
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = 'N'
        gps_ifd[2] = (59.0, 13.0, 12.0)
        gps_ifd[3] = 'E'
        gps_ifd[4] = (39.0, 53.0, 0.0)
    image.save(output, format='JPEG', exif=exif)
    return output.getvalue()


def photo(data, name='photo.jpg'):
    return (io.BytesIO(data), name, 'image/jpeg')


class PortalAppealsTestCase(RouteTestCase):
    "A resident's appeals in the portal"
    module = 'crm_portal'
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        cls.ids = appeals_setup()
        Transaction().commit()

    @contextmanager
    def database(self, **extras):
        "A transaction of the system on the test database, committed"
        with Transaction().start(DB_NAME, 0, context={
                    'company': self.ids['company'],
                    'language': 'ru'}, **extras) as transaction:
            yield Pool()
            transaction.commit()

    def counts(self):
        with self.database() as pool:
            return tuple(pool.get(name).search_count([]) for name in [
                    'crm.appeal', 'ir.attachment', 'crm.appeal.message',
                    'crm.appeal.event', 'party.party'])

    def resident(self, email=A):
        client = PortalClient()
        response = client.login(email)
        self.assertEqual(response.status_code, 303, client.text(response))
        return client

    def form(self, **values):
        data = {'description': 'Течёт с потолка в ванной'}
        data.update(values)
        return data

    def send(self, client, reason=None, **values):
        "Post the form of a new appeal; the id of the appeal created"
        reason = reason or self.ids['leak']
        response = client.post('/appeals/new/%s' % reason,
            self.form(field_floor='3', **values))
        self.assertEqual(response.status_code, 303, client.text(response))
        found = re.search(r'/appeals/(\d+)\?created=1$',
            response.headers['Location'])
        self.assertTrue(found, response.headers['Location'])
        return int(found.group(1))

    def appeal(self, appeal_id):
        with self.database() as pool:
            appeal = pool.get('crm.appeal')(appeal_id)
            return {name: getattr(appeal, name) for name in [
                    'state', 'rating', 'quality_checked', 'work_done',
                    'closed_date']}

    # --- topics and the form ---------------------------------------------

    def test_single_account_chosen(self):
        "A resident with one linked account finds it chosen in the form"
        client = self.resident()
        text = client.text(client.get('/appeals/new/%s' % self.ids['leak']))
        self.assertRegex(text, r'<option value="%s" selected>'
            % self.ids[A]['account'])

    def test_topics_grouped(self):
        "The portal's reasons under their group, the others not offered"
        client = self.resident()
        text = client.text(client.get('/appeals/new'))
        self.assertIn('Ремонт и аварии', text)
        self.assertIn('Протечка', text)
        self.assertIn('/appeals/new/%s' % self.ids['lift'], text)
        self.assertNotIn('Внутренняя проверка', text)
        response = client.get('/appeals/new/%s' % self.ids['hidden'])
        self.assertEqual(response.status_code, 404)

    def test_required_field_missing_then_filled(self):
        "An error next to the field, input kept, nothing written; then sent"
        client = self.resident()
        page = client.text(client.get('/appeals/new/%s' % self.ids['leak']))
        self.assertIn('for="field_floor"', page)
        self.assertIn('С потолка', page)
        before = self.counts()
        response = client.post('/appeals/new/%s' % self.ids['leak'],
            self.form(field_where='pipe', photos=[photo(jpeg())]))
        text = client.text(response)
        self.assertEqual(response.status_code, 400)
        self.assertRegex(text, r'id="field_floor"[^>]*aria-invalid="true"'
            r' aria-describedby="field_floor-error"')
        self.assertIn('<small class="field-error" id="field_floor-error">'
            'Заполните поле «Этаж».</small>', text)
        self.assertIn('Течёт с потолка в ванной</textarea>', text)
        self.assertIn('<option value="pipe" selected>', text)
        self.assertEqual(self.counts(), before)

        response = client.post('/appeals/new/%s' % self.ids['leak'],
            self.form(field_floor='три'))
        self.assertEqual(response.status_code, 400)
        self.assertIn('В поле «Этаж» нужно целое число.', client.text(
                response))
        self.assertEqual(self.counts(), before)

        appeal_id = self.send(client, field_where='pipe',
            account=str(self.ids[A]['account']), photos=[photo(jpeg())])
        with self.database() as pool:
            appeal = pool.get('crm.appeal')(appeal_id)
            self.assertEqual(appeal.source.code, 'portal')
            self.assertEqual(appeal.applicant.id, self.ids[A]['party'])
            self.assertEqual(appeal.contact_email, A)
            self.assertEqual(appeal.extra_fields,
                {'floor': 3, 'where': 'pipe'})
            self.assertEqual([a.id for a in appeal.accounts],
                [self.ids[A]['account']])
            self.assertEqual(appeal.premise.id, self.ids[A]['premise'])
            self.assertEqual(appeal.building.id, self.ids['building'])
            self.assertEqual(appeal.company.id, self.ids['company'])
            self.assertEqual(appeal.stage.public_name, 'Принято')
            # Routed as any appeal: the reason's 24 hours from now
            self.assertAlmostEqual(
                (appeal.deadline - appeal.received_date).total_seconds(),
                24 * 3600, delta=60)
            files = pool.get('ir.attachment').search(
                [('resource', '=', str(appeal))])
            self.assertEqual([f.portal_public for f in files], [True])
        detail = client.get('/appeals/%s?created=1' % appeal_id)
        text = client.text(detail)
        self.assertIn('Заявка отправлена', text)
        self.assertIn('<dt>Этаж</dt><dd>3</dd>', text)
        self.assertIn('<dt>Где течёт</dt><dd>Из трубы</dd>', text)
        self.assertIn('Ход выполнения', text)

    def test_foreign_account_in_form(self):
        "Another resident's account id in the form: 404, nothing written"
        client = self.resident()
        before = self.counts()
        response = client.post('/appeals/new/%s' % self.ids['leak'],
            self.form(field_floor='2', account=str(self.ids[B]['account'])))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.counts(), before)

    def test_no_portal_source(self):
        "No source for the portal: a Russian error for the admin, no appeal"
        with self.database() as pool:
            Source = pool.get('crm.appeal.source')
            source = Source(self.ids['source'])
            source.code = 'site'
            source.save()
        try:
            client = self.resident()
            before = self.counts()
            response = client.post('/appeals/new/%s' % self.ids['lift'],
                self.form())
            self.assertEqual(response.status_code, 400)
            self.assertIn('У заявок с портала нет источника',
                client.text(response))
            self.assertEqual(self.counts(), before)
        finally:
            with self.database() as pool:
                source = pool.get('crm.appeal.source')(self.ids['source'])
                source.code = 'portal'
                source.save()

    # --- photos -----------------------------------------------------------

    def test_photo_checks(self):
        "Executable, oversized and a sixth photo refused; GPS stripped"
        client = self.resident()
        before = self.counts()
        executable = b'MZ\x90\x00\x03' + b'\x00' * 2000
        cases = [
            ([photo(executable, 'virus.jpg')],
                'Файл «virus.jpg» — не фотография'),
            ([photo(b'\xff\xd8\xff\xe0' + b'0' * (6 * 1024 * 1024), 'big.jpg')],
                'Файл «big.jpg» больше 5 МБ.'),
            ([photo(jpeg(), 'p%s.jpg' % i) for i in range(6)],
                'Можно приложить не больше 5 фотографий.'),
            ]
        for photos, message in cases:
            with self.subTest(message=message):
                response = client.post('/appeals/new/%s' % self.ids['leak'],
                    self.form(field_floor='1', photos=photos))
                text = client.text(response)
                self.assertEqual(response.status_code, 400, text[-3000:])
                self.assertIn(message, text)
                self.assertIn('id="photos-error"', text)
                self.assertEqual(self.counts(), before)

        original = jpeg(gps=True)
        self.assertIn(0x8825, Image.open(io.BytesIO(original)).getexif())
        appeal_id = self.send(client, photos=[photo(original, 'gps.jpg')])
        detail = client.text(client.get('/appeals/%s' % appeal_id))
        file_id, = re.findall(r'/files/(\d+)"', detail)
        response = client.get('/files/%s' % file_id)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.mimetype, 'image/jpeg')
        clean = Image.open(io.BytesIO(response.get_data()))
        self.assertEqual(clean.format, 'JPEG')
        self.assertEqual(dict(clean.getexif()), {})
        self.assertNotIn(b'PhoneMaker', response.get_data())

    # --- list and detail ----------------------------------------------------

    def test_list_and_detail(self):
        "Own appeals newest first; the public conversation and files only"
        client = self.resident()
        first = self.send(client)
        second = self.send(client, reason=self.ids['lift'],
            description='Лифт стоит между этажами')
        other = self.send(self.resident(B))
        with self.database() as pool:
            Appeal = pool.get('crm.appeal')
            Message = pool.get('crm.appeal.message')
            Attachment = pool.get('ir.attachment')
            numbers = {a.id: a.number for a in Appeal.browse(
                    [first, second, other])}
            public, internal = Message.create([
                    {'appeal': second, 'author_kind': 'staff',
                        'text': 'Мастер придёт завтра', 'public': True,
                        'date': dt.datetime.now()},
                    {'appeal': second, 'author_kind': 'staff',
                        'text': 'Служебная заметка', 'public': False,
                        'date': dt.datetime.now()}])
            hidden, shown = Attachment.create([
                    {'name': 'internal.pdf', 'resource': str(Appeal(second)),
                        'data': b'%PDF'},
                    {'name': 'act.jpg', 'resource': str(public),
                        'data': jpeg(), 'portal_public': True}])
        text = client.text(client.get('/appeals'))
        self.assertIn('Мои заявки', text)
        self.assertLess(text.index(numbers[second]), text.index(
                numbers[first]))
        self.assertNotIn(numbers[other], text)
        self.assertIn('Принято', text)
        self.assertIn('срок:', text)

        text = client.text(client.get('/appeals/%s' % second))
        self.assertIn('Лифт стоит между этажами', text)
        self.assertIn('Мастер придёт завтра', text)
        self.assertNotIn('Служебная заметка', text)
        self.assertIn('/files/%s"' % shown.id, text)
        self.assertNotIn('internal.pdf', text)
        self.assertEqual(client.get('/files/%s' % hidden.id).status_code,
            404)
        self.assertEqual(client.get('/files/%s' % shown.id).status_code,
            200)

        response = client.post('/appeals/%s/message' % second,
            {'text': 'Спасибо, буду дома', 'photos': [photo(jpeg())]})
        self.assertEqual(response.status_code, 303, client.text(response))
        with self.database() as pool:
            message, = pool.get('crm.appeal.message').search([
                    ('appeal', '=', second), ('author_kind', '=', 'resident')])
            self.assertEqual((message.web_user.id, message.public,
                    message.text),
                (self.ids[A]['web_user'], True, 'Спасибо, буду дома'))
            files = pool.get('ir.attachment').search(
                [('resource', '=', str(message))])
            self.assertEqual([f.portal_public for f in files], [True])
        text = client.text(client.get('/appeals/%s' % second))
        self.assertIn('Спасибо, буду дома', text)

        before = self.counts()
        response = client.post('/appeals/%s/message' % second, {'text': ' '})
        self.assertEqual(response.status_code, 400)
        self.assertIn('Напишите сообщение.', client.text(response))
        self.assertEqual(self.counts(), before)
        response = client.post('/appeals/%s/message' % second,
            {'text': 'а' * 4001})
        self.assertEqual(response.status_code, 400)
        self.assertIn('Сообщение длиннее 4000 символов.',
            client.text(response))
        self.assertEqual(self.counts(), before)

    # --- another resident --------------------------------------------------

    def test_other_resident_gets_404(self):
        "Resident B reaches none of A's pages, steps or files"
        anna = self.resident()
        appeal_id = self.send(anna, photos=[photo(jpeg())])
        anna.post('/appeals/%s/message' % appeal_id,
            {'text': 'Фото', 'photos': [photo(jpeg())]})
        files = re.findall(r'/files/(\d+)"',
            anna.text(anna.get('/appeals/%s' % appeal_id)))
        self.assertEqual(len(files), 2)
        # A resolved appeal, so that reopen and rate would apply
        closed_id = self.send(anna)
        anna.post('/appeals/%s/close' % closed_id)
        boris = self.resident(B)
        before = self.counts()
        state = self.appeal(appeal_id), self.appeal(closed_id)
        requests = [
            ('get', '/appeals/%s' % appeal_id, {}),
            ('post', '/appeals/%s/message' % appeal_id, {'text': 'Чужое'}),
            ('post', '/appeals/%s/close' % appeal_id, {}),
            ('post', '/appeals/%s/reopen' % closed_id, {}),
            ('post', '/appeals/%s/rate' % closed_id, {'rating': '1'}),
            ] + [('get', '/files/%s' % f, {}) for f in files]
        for method, path, data in requests:
            with self.subTest(path=path):
                if method == 'get':
                    response = boris.get(path)
                else:
                    response = boris.post(path, data)
                self.assertEqual(response.status_code, 404)
                self.assertIn('Страница не найдена', boris.text(response))
        self.assertEqual(self.counts(), before)
        self.assertEqual((self.appeal(appeal_id), self.appeal(closed_id)),
            state)
        # Nor does anybody signed out
        response = PortalClient().get('/files/%s' % files[0])
        self.assertEqual(response.status_code, 303)

    # --- close, reopen, rate ---------------------------------------------------

    def test_close_when_stage_allows(self):
        "Closed with the resident's text; refused on a stage that says no"
        client = self.resident()
        appeal_id = self.send(client)
        with self.database() as pool:
            Appeal = pool.get('crm.appeal')
            stage = Appeal(appeal_id).stage
            stage.resident_may_close = False
            stage.save()
        try:
            before = self.counts()
            text = client.text(client.get('/appeals/%s' % appeal_id))
            self.assertNotIn('/close"', text)
            response = client.post('/appeals/%s/close' % appeal_id)
            self.assertEqual(response.status_code, 400)
            self.assertIn('нельзя закрыть через личный кабинет',
                client.text(response))
            self.assertEqual(self.counts(), before)
            self.assertEqual(self.appeal(appeal_id)['state'], 'draft')
        finally:
            with self.database() as pool:
                stage = pool.get('crm.appeal')(appeal_id).stage
                stage.resident_may_close = True
                stage.save()
        self.assertIn('/close"', client.text(
                client.get('/appeals/%s' % appeal_id)))
        response = client.post('/appeals/%s/close' % appeal_id)
        self.assertEqual(response.status_code, 303, client.text(response))
        appeal = self.appeal(appeal_id)
        self.assertEqual((appeal['state'], appeal['work_done']),
            ('resolved', CLOSE_TEXT))
        text = client.text(client.get('/appeals/%s?closed=1' % appeal_id))
        self.assertIn('Выполнено', text)
        self.assertIn('Оцените выполнение заявки', text)

    def test_reopen_within_days(self):
        "Reopened exactly N days after closing; refused one day later"
        client = self.resident()
        # The settings' first save creates the singleton's row
        with self.database(_lock_tables=['crm_configuration']) as pool:
            Configuration = pool.get('crm.configuration')
            config = Configuration(1)
            config.portal_reopen_days = 3
            config.save()
        late, in_time = self.send(client), self.send(client)
        for appeal_id, days in [(late, 4), (in_time, 3)]:
            client.post('/appeals/%s/close' % appeal_id)
            with self.database() as pool:
                Appeal = pool.get('crm.appeal')
                Appeal.write([Appeal(appeal_id)], {'closed_date':
                        dt.datetime.now() - dt.timedelta(days=days)})
        before = self.counts()
        response = client.post('/appeals/%s/reopen' % late)
        self.assertEqual(response.status_code, 400)
        self.assertIn('закрыта больше 3 дн. назад', client.text(response))
        self.assertNotIn('/reopen"', client.text(response))
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.appeal(late)['state'], 'resolved')

        self.assertIn('/reopen"', client.text(
                client.get('/appeals/%s' % in_time)))
        response = client.post('/appeals/%s/reopen' % in_time)
        self.assertEqual(response.status_code, 303, client.text(response))
        self.assertEqual(self.appeal(in_time)['state'], 'in_work')
        # An open appeal is not reopened
        response = client.post('/appeals/%s/reopen' % in_time)
        self.assertEqual(response.status_code, 400)
        self.assertIn('Возобновить можно только закрытую заявку',
            client.text(response))

    def test_rating_and_quality_list(self):
        "2 puts the appeal on the supervisor's list, 3 does not"
        client = self.resident()
        low, good = self.send(client), self.send(client)
        for appeal_id in [low, good]:
            client.post('/appeals/%s/close' % appeal_id)
        before = self.counts()
        for rating in ['0', '6', 'пять', '']:
            response = client.post('/appeals/%s/rate' % low,
                {'rating': rating})
            self.assertEqual(response.status_code, 400)
            self.assertIn('Выберите оценку от 1 до 5.', client.text(response))
        self.assertEqual(self.counts(), before)
        for appeal_id, rating in [(low, 2), (good, 3)]:
            response = client.post('/appeals/%s/rate' % appeal_id,
                {'rating': str(rating), 'comment': 'Долго'})
            self.assertEqual(response.status_code, 303, client.text(
                    response))
            self.assertEqual(self.appeal(appeal_id)['rating'], rating)
        response = client.post('/appeals/%s/rate' % low, {'rating': '5'})
        self.assertIn('уже оценена', client.text(response))
        self.assertEqual(self.appeal(low)['rating'], 2)
        with self.database() as pool:
            Appeal = pool.get('crm.appeal')
            listed = {a.id for a in Appeal.search(quality_domain())}
            self.assertIn(low, listed)
            self.assertNotIn(good, listed)
            Appeal.quality_check([Appeal(low)])
            self.assertNotIn(low, {a.id for a in Appeal.search(
                        quality_domain())})

    def test_quality_action_domain(self):
        "The menu's action lists what quality_domain() says, for supervisors"
        with self.database() as pool:
            ModelData = pool.get('ir.model.data')
            Action = pool.get('ir.action.act_window')
            Menu = pool.get('ir.ui.menu')
            action = Action(ModelData.get_id('crm_portal',
                    'act_appeal_quality'))
            self.assertEqual(action.res_model, 'crm.appeal')
            self.assertEqual(PYSONDecoder().decode(action.pyson_domain),
                [list(c) for c in quality_domain()])
            menu = Menu(ModelData.get_id('crm_portal', 'menu_appeal_quality'))
            self.assertIn(ModelData.get_id('crm_dispatch',
                    'group_crm_supervisor'), [g.id for g in menu.groups])
            self.assertEqual(menu.name, 'Контроль качества')

    def test_party_made_when_missing(self):
        "A resident without a party and account: one made, the only company"
        with self.database() as pool:
            pool.get('web.user').create([{'email': 'vera@example.com',
                        'password': 'demo1234', 'email_valid': True}])
        client = self.resident('vera@example.com')
        text = client.text(client.get('/appeals/new/%s' % self.ids['lift']))
        self.assertIn('нет привязанных счетов', text)
        appeal_id = self.send(client, reason=self.ids['lift'])
        with self.database() as pool:
            appeal = pool.get('crm.appeal')(appeal_id)
            user, = pool.get('web.user').search(
                [('email', '=', 'vera@example.com')])
            self.assertEqual(appeal.applicant, user.party)
            self.assertEqual(user.party.name, 'vera@example.com')
            self.assertEqual(appeal.company.id, self.ids['company'])
            self.assertEqual(list(appeal.accounts), [])
