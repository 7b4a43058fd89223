"""The executor's phone pages: his orders, their steps through the same
model methods as the back office, and what another team's executor, a
resident and a forged form get."""
import io

from PIL import Image

from trytond.pool import Pool
from trytond.modules.crm_portal.www.core import route
from trytond.tests.test_tryton import RouteTestCase
from trytond.transaction import Transaction

from .tools import PortalClient, executor_world


def jpeg_with_location():
    "A small JPEG carrying EXIF tags (a GPS block) as a phone writes them"
    image = Image.new('RGB', (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = 'PhoneMaker'  # Make
    exif[0x8825] = {1: 'N', 2: (59.0, 13.0, 0.0)}  # GPSInfo
    output = io.BytesIO()
    image.save(output, format='JPEG', exif=exif)
    return output.getvalue()


@route('/test-resident-only', login='resident')
def resident_only(page):
    "A page of residents only, whatever the other helpers' pages are"
    return page.render('error.html', title="Житель", message="")


class PortalExecutorTestCase(RouteTestCase):
    "Executor's orders on the portal"
    module = 'crm_portal'
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        w = executor_world()
        cls.ids = {k: v.id for k, v in w.items() if hasattr(v, 'id')}
        Transaction().commit()

    def client_of(self, login):
        client = PortalClient()
        response = client.login(login)
        self.assertEqual(response.status_code, 303, client.text(response))
        self.assertTrue(response.headers['Location'].endswith('/orders'))
        return client

    def order(self, name):
        WorkOrder = Pool().get('crm.work_order')
        return WorkOrder(self.ids[name])

    def assert_unchanged(self, before, states):
        with Transaction().start(self.db_name, 0):
            pool = Pool()
            WorkOrder = pool.get('crm.work_order')
            Comment = pool.get('crm.appeal.comment')
            Attachment = pool.get('ir.attachment')
            Log = pool.get('ir.model.log')
            self.assertEqual((Comment.search([], count=True),
                    Attachment.search([], count=True),
                    Log.search([], count=True)), before)
            for name, state in states.items():
                self.assertEqual(WorkOrder(self.ids[name]).state, state)

    def snapshot(self):
        with Transaction().start(self.db_name, 0):
            pool = Pool()
            return (pool.get('crm.appeal.comment').search([], count=True),
                pool.get('ir.attachment').search([], count=True),
                # The buttons log their clicks: none for a refused step
                pool.get('ir.model.log').search([], count=True))

    def reset(self, name, **values):
        "Put an order back as the test needs it (as the system)"
        with Transaction().start(self.db_name, 0) as transaction:
            WorkOrder = Pool().get('crm.work_order')
            WorkOrder.write([WorkOrder(self.ids[name])], values)
            transaction.commit()

    def test_list_of_own_and_team_orders(self):
        "«Мои заявки»: his own and his team's unallocated, emergency first"
        client = self.client_of('ivanov')
        response = client.get('/orders')
        self.assertEqual(response.status_code, 200)
        page = client.text(response)
        with Transaction().start(self.db_name, 0):
            own, unallocated, foreign = (self.order(n).number
                for n in ['own', 'unallocated', 'foreign'])
        self.assertIn(own, page)
        self.assertIn(unallocated, page)
        self.assertNotIn(foreign, page)
        self.assertLess(page.index(unallocated), page.index(own))
        for text in ['Мои заявки', 'Аварийный', 'Обычный', 'Создана',
                'ул. Ленина', '16 марта 2027, 10:00']:
            self.assertIn(text, page)

    def test_order_page(self):
        "The order: address, tel: link, what to do, the appeal, actions"
        client = self.client_of('ivanov')
        response = client.get('/orders/%d' % self.ids['own'])
        self.assertEqual(response.status_code, 200)
        page = client.text(response)
        for text in ['Заменить смеситель', 'href="tel:+79215550102"',
                'Течёт кран на кухне', 'Протечка', 'Взять в работу',
                'ул. Ленина']:
            self.assertIn(text, page)

    def test_take_postpone_close_with_photo(self):
        "Take, postpone (a reason required), resume, close with a photo"
        self.reset('own', state='created', employee=self.ids[
                'ivanov_employee'])
        decision = self._decision_id()
        client = self.client_of('ivanov')
        order_url = '/orders/%d' % self.ids['own']
        client.get(order_url)
        # Postponed before it is taken (a page left open): refused
        before = self.snapshot()
        response = client.post(order_url + '/postpone', {'reason': 'Рано'})
        self.assertEqual(response.status_code, 400)
        self.assertIn('id="step-error"', client.text(response))
        self.assertIn('«Создана»', client.text(response))
        self.assert_unchanged(before, {'own': 'created'})
        response = client.post(order_url + '/take')
        self.assertEqual(response.status_code, 303, client.text(response))
        with Transaction().start(self.db_name, 0):
            order = self.order('own')
            self.assertEqual(order.state, 'in_progress')
            self.assertTrue(order.taken_date)

        before = self.snapshot()
        response = client.post(order_url + '/postpone', {'reason': '  '})
        self.assertEqual(response.status_code, 400)
        page = client.text(response)
        self.assertIn('укажите причину', page)
        self.assertIn('aria-invalid="true" aria-describedby="reason-error"',
            page)
        self.assert_unchanged(before, {'own': 'in_progress'})

        response = client.post(order_url + '/postpone',
            {'reason': 'Нет доступа в квартиру'})
        self.assertEqual(response.status_code, 303)
        with Transaction().start(self.db_name, 0):
            order = self.order('own')
            self.assertEqual(order.state, 'postponed')
            self.assertEqual(order.postpone_reason, 'Нет доступа в квартиру')
        response = client.post(order_url + '/resume')
        self.assertEqual(response.status_code, 303)

        response = client.get(order_url)
        self.assertIn('capture="environment"', client.text(response))
        self.assertIn('accept="image/*"', client.text(response))
        # Without a decision: refused, the photo not stored
        before = self.snapshot()
        response = client.post(order_url + '/close', {
                'measures': 'Заменена прокладка',
                'photos': (io.BytesIO(jpeg_with_location()), 'IMG_1.jpg'),
                }, content_type='multipart/form-data')
        self.assertEqual(response.status_code, 400)
        self.assertIn('aria-describedby="decision-error"',
            client.text(response))
        self.assert_unchanged(before, {'own': 'in_progress'})
        # Not a photo: refused with the portal's message
        response = client.post(order_url + '/close', {
                'decision': str(decision),
                'photos': (io.BytesIO(b'MZ\x90\x00 not a picture'),
                    'photo.jpg'),
                }, content_type='multipart/form-data')
        self.assertEqual(response.status_code, 400)
        self.assertIn('не фотография', client.text(response))
        self.assert_unchanged(before, {'own': 'in_progress'})

        response = client.post(order_url + '/close', {
                'decision': str(decision),
                'measures': 'Заменена прокладка',
                'photos': (io.BytesIO(jpeg_with_location()), 'IMG_1.jpg'),
                }, content_type='multipart/form-data')
        self.assertEqual(response.status_code, 303, client.text(response))
        with Transaction().start(self.db_name, 0):
            order = self.order('own')
            self.assertEqual(order.state, 'done')
            self.assertEqual(order.decision.id, decision)
            self.assertEqual(order.measures, 'Заменена прокладка')
            photo, = order.photos
            with Image.open(io.BytesIO(photo.data)) as image:
                self.assertEqual(image.format, 'JPEG')
                self.assertEqual(dict(image.getexif()), {})
            photo_id = photo.id
        # The photo is shown on the page and served to him
        response = client.get(order_url)
        self.assertIn('Заменена прокладка', client.text(response))
        response = client.get(order_url + '/files/%d' % photo_id)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.mimetype, 'image/jpeg')

    def _decision_id(self):
        with Transaction().start(self.db_name, 0):
            Decision = Pool().get('crm.work_order.decision')
            return Decision.search([], limit=1)[0].id

    def test_take_team_order(self):
        "The team's unallocated order: taking it makes him its executor"
        self.reset('unallocated', state='created', employee=None)
        client = self.client_of('ivanov')
        client.get('/orders')
        response = client.post('/orders/%d/take' % self.ids['unallocated'])
        self.assertEqual(response.status_code, 303, client.text(response))
        with Transaction().start(self.db_name, 0):
            order = self.order('unallocated')
            self.assertEqual(order.state, 'in_progress')
            self.assertEqual(order.employee.id, self.ids['ivanov_employee'])
        # Taken twice: the model's Russian refusal, shown on the page
        response = client.post('/orders/%d/take' % self.ids['unallocated'])
        self.assertEqual(response.status_code, 400)
        self.assertIn('role="alert"', client.text(response))
        self.assertIn('уже взята в работу', client.text(response))
        self.reset('unallocated', state='created', employee=None,
            taken_date=None)

    def test_comment(self):
        "A comment on the order's appeal, as the card's dialog writes it"
        client = self.client_of('ivanov')
        order_url = '/orders/%d' % self.ids['own']
        client.get(order_url)
        before = self.snapshot()
        response = client.post(order_url + '/comment', {'text': ' '})
        self.assertEqual(response.status_code, 400)
        self.assertIn('aria-describedby="text-error"', client.text(response))
        self.assert_unchanged(before, {})
        response = client.post(order_url + '/comment',
            {'text': 'Нужен доступ в подвал'})
        self.assertEqual(response.status_code, 303)
        with Transaction().start(self.db_name, 0):
            Comment = Pool().get('crm.appeal.comment')
            comment, = Comment.search([('text', '=', 'Нужен доступ в подвал')])
            self.assertEqual(comment.appeal.id, self.ids['appeal'])
            self.assertEqual(comment.author.id, self.ids['ivanov'])
            self.assertEqual(comment.author_role, 'executor')
        self.assertIn('Нужен доступ в подвал',
            client.text(client.get(order_url)))

    def test_other_team_order_refused(self):
        "Another team's order: 404 on the page and every action, unchanged"
        self.reset('foreign', state='in_progress')
        client = self.client_of('ivanov')
        client.get('/orders')
        before = self.snapshot()
        foreign = '/orders/%d' % self.ids['foreign']
        self.assertEqual(client.get(foreign).status_code, 404)
        self.assertEqual(client.get(foreign + '/files/1').status_code, 404)
        for action, data in [
                ('/take', {}), ('/resume', {}),
                ('/postpone', {'reason': 'Чужая'}),
                ('/close', {'decision': str(self._decision_id())}),
                ('/comment', {'text': 'Чужой комментарий'})]:
            with self.subTest(action=action):
                response = client.post(foreign + action, data)
                self.assertEqual(response.status_code, 404)
                self.assertIn('Страница не найдена', client.text(response))
        self.assert_unchanged(before, {'foreign': 'in_progress'})
        self.reset('foreign', state='created')

    def test_form_without_csrf_refused(self):
        "A step posted without the form's token: 403, nothing written"
        self.reset('own', state='in_progress')
        client = self.client_of('ivanov')
        before = self.snapshot()
        for action, data in [('/postpone', {'reason': 'Подделка'}),
                ('/comment', {'text': 'Подделка'}), ('/take', {})]:
            with self.subTest(action=action):
                response = client.post('/orders/%d%s' % (
                        self.ids['own'], action), data, csrf=False)
                self.assertEqual(response.status_code, 403)
        self.assert_unchanged(before, {'own': 'in_progress'})
        self.reset('own', state='created')

    def test_resident_and_executor_kept_apart(self):
        """A resident's session does not open the orders; an executor's
        does not open resident pages"""
        resident = PortalClient()
        response = resident.login('anna@example.com')
        self.assertEqual(response.status_code, 303)
        for path in ['/orders', '/orders/%d' % self.ids['own']]:
            response = resident.get(path)
            self.assertEqual(response.status_code, 303)
            self.assertIn('/login', response.headers['Location'])
        response = resident.post('/orders/%d/take' % self.ids['own'])
        self.assertEqual(response.status_code, 303)
        self.assertIn('/login', response.headers['Location'])

        client = self.client_of('ivanov')
        # A resident page (login='resident') sends him to the sign-in
        response = client.get('/test-resident-only')
        self.assertEqual(response.status_code, 303)
        self.assertIn('/login', response.headers['Location'])

    def test_wrong_login_is_not_an_executor(self):
        "An operator without the executor group is not let in"
        client = PortalClient()
        response = client.login('ivanov', 'wrong')
        self.assertEqual(response.status_code, 200)
        self.assertIn('Неверный', client.text(response))
        self.assertEqual(client.get('/orders').status_code, 303)
