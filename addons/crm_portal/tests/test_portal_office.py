"""The conversation with the resident in the back office and what the
resident is told: a public reply or a new stage gives a notification in the
portal and a letter (a real SMTP server on loopback gets it at commit); an
internal note tells nobody and stays hidden from the portal; the
resident's words cannot be changed by the staff.  The notifications page:
each resident sees and marks only his own, a form without its token
writes nothing, the header counts the unread ones."""
import datetime as dt
import re

from trytond.exceptions import UserError
from trytond.modules.company.tests import set_company
from trytond.modules.crm_dispatch.tests.tools import (
    acting_as, create_staff, smtp_server)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, RouteTestCase, _DBTestCase, with_transaction)
from trytond.transaction import Transaction

from .tools import PortalClient, office_world

CYRILLIC = re.compile('[А-Яа-яЁё]')
ENGLISH_WORD = re.compile(r'\b[A-Za-z]{3,}\b')
URL = re.compile(r'\S+://\S+')


class PortalOfficeTestCase(_DBTestCase):
    "The resident's conversation and notifications in the back office"
    # Its own database: the tests commit (letters leave at commit)
    module = 'crm_portal'
    language = 'ru'

    def _world(self, tag, names=('anna',)):
        # Committed by other tests of the class: e-mails differ by test
        world = office_world(
            emails=[f'{n}-{tag}@example.com' for n in names])
        world['operator'] = create_staff(
            'operator%s' % world['appeal'].id, world['company'])
        return world

    def _notifications(self, world):
        Notification = Pool().get('crm.portal.notification')
        return Notification.search([('appeal', '=', world['appeal'].id)],
            order=[('id', 'ASC')])

    def _write(self, world, text, public):
        "Write to the resident through the form's wizard, as the operator"
        pool = Pool()
        Reply = pool.get('crm.appeal.reply', type='wizard')
        Appeal = pool.get('crm.appeal')
        with acting_as(world['operator'], checked=False), \
                Transaction().set_context(
                    active_model='crm.appeal',
                    active_id=world['appeal'].id,
                    active_ids=[world['appeal'].id]):
            session_id, _, _ = Reply.create()
            Reply.execute(session_id, {'start': {
                        'text': text, 'public': public}}, 'send')
            Reply.delete(session_id)
        return Appeal(world['appeal'].id).messages[-1]

    @with_transaction()
    def test_message_defaults(self):
        "A new message: now, by the user, staff, internal"
        Message = Pool().get('crm.appeal.message')
        world = self._world('defaults')
        with acting_as(world['operator']):
            defaults = Message.default_get(
                ['date', 'author', 'author_kind', 'public'])
        self.assertEqual(defaults['author'], world['operator'].id)
        self.assertEqual(defaults['author_kind'], 'staff')
        self.assertIs(defaults['public'], False)
        self.assertTrue(defaults['date'])

    @with_transaction()
    def test_public_reply_notifies_and_mails(self):
        "A public reply: a notification per active web user, one letter"
        pool = Pool()
        Template = pool.get('crm.message.template')
        WebUser = pool.get('web.user')
        Email = pool.get('ir.email')
        transaction = Transaction()
        with smtp_server() as server:
            world = self._world('reply', ['anna', 'quiet', 'gone', 'new'])
            anna, quiet, gone, new = world['web_users']
            WebUser.write([quiet], {'notify_email': False})
            WebUser.write([gone], {'active': False})
            WebUser.write([new], {'email_valid': False})
            Template.create([{
                        'name': 'Ответ в кабинете', 'kind': 'portal_reply',
                        'company': world['company'].id,
                        'subject': 'Ответ по заявке {number}',
                        'body': 'Здравствуйте, {applicant}!'}])
            message = self._write(world, 'Слесарь придёт завтра с 9 до 12.',
                True)
            self.assertEqual(message.author, world['operator'])
            self.assertEqual(message.author_kind, 'staff')
            self.assertTrue(message.public)
            self.assertEqual(server.letters, [])
            transaction.commit()

        notifications = self._notifications(world)
        self.assertEqual(sorted(n.web_user.email for n in notifications),
            ['anna-reply@example.com', 'new-reply@example.com',
                'quiet-reply@example.com'])
        self.assertEqual({n.kind for n in notifications}, {'reply'})
        self.assertEqual({n.title for n in notifications},
            {f"Ответ по обращению № {world['appeal'].number}"})
        self.assertEqual({n.text for n in notifications},
            {'Слесарь придёт завтра с 9 до 12.'})

        letter, = server.letters
        self.assertEqual(letter['to'], ['anna-reply@example.com'])
        message = letter['message']
        self.assertEqual(message['Subject'],
            f"Ответ по заявке {world['appeal'].number}")
        body = message.get_content()
        self.assertIn('Здравствуйте, Анна Петрова!', body)
        self.assertIn('Слесарь придёт завтра с 9 до 12.', body)
        self.assertIn('Открыть обращение в личном кабинете: ', body)
        self.assertRegex(body,
            r'https?://\S+/portal/appeals/%d\b' % world['appeal'].id)
        self.assertEqual(ENGLISH_WORD.findall(URL.sub('', body)), [])
        email, = Email.search([('resource', '=', str(world['appeal']))])
        self.assertEqual(email.recipients, 'anna-reply@example.com')

    @with_transaction()
    def test_internal_note_tells_nobody(self):
        "An internal note: no notification, no letter, hidden from portal"
        pool = Pool()
        Message = pool.get('crm.appeal.message')
        WebUser = pool.get('web.user')
        transaction = Transaction()
        with smtp_server() as server:
            world = self._world('internal')
            note = self._write(world, 'Житель конфликтный, звонить днём.',
                False)
            self.assertFalse(note.public)
            transaction.commit()
        self.assertEqual(self._notifications(world), [])
        self.assertEqual(server.letters, [])

        # The portal's user bound to the resident reads only public ones
        self._write(world, 'Придём завтра.', True)
        web_user, = world['web_users']
        with transaction.set_user(WebUser.portal_user_id()), \
                transaction.set_context(_check_access=True,
                    portal_web_user=web_user.id,
                    _companies=WebUser.portal_companies()):
            texts = [m.text for m in Message.search([])]
        self.assertEqual(texts, ['Придём завтра.'])

    @with_transaction()
    def test_stage_change_one_notification_per_step(self):
        "Each step tells the resident once, by the stage's public name"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Stage = pool.get('crm.stage')
        transaction = Transaction()
        with smtp_server() as server:
            world = self._world('stage')
            appeal = world['appeal']
            with set_company(world['company']):
                Appeal.take([appeal])
                self.assertEqual(len(self._notifications(world)), 1)
                waiting, = Stage.search([
                        ('company', '=', world['company'].id),
                        ('name', '=', 'Ожидает ответа жителя')])
                Appeal.move_stage([Appeal(appeal.id)], waiting)
                self.assertEqual(len(self._notifications(world)), 2)
                Appeal.do_close([Appeal(appeal.id)], 'Кран заменён')
            transaction.commit()
        notifications = self._notifications(world)
        number = appeal.number
        self.assertEqual([(n.kind, n.title) for n in notifications], [
                ('stage', f'Обращение № {number}: В работе'),
                ('stage', f'Обращение № {number}: Ждём вашего ответа'),
                ('stage', f'Обращение № {number}: Выполнено'),
                ])
        self.assertEqual(notifications[1].text,
            'Обращение перешло на этап «Ждём вашего ответа».')
        # One letter per step, in Russian, with the link (no template:
        # the module's text)
        self.assertEqual(len(server.letters), 3)
        body = server.letters[1]['message'].get_content()
        self.assertIn('перешло на этап «Ждём вашего ответа»', body)
        self.assertIn(f'/portal/appeals/{appeal.id}', body)
        self.assertEqual(ENGLISH_WORD.findall(URL.sub('', body)), [])

    @with_transaction()
    def test_resident_words_not_changed_by_staff(self):
        "The staff can neither change a resident's message nor forge one"
        pool = Pool()
        Message = pool.get('crm.appeal.message')
        world = self._world('forge')
        web_user, = world['web_users']
        # As the portal writes it: with full rights
        with Transaction().set_user(0):
            resident, = Message.create([{
                        'appeal': world['appeal'].id,
                        'author_kind': 'resident', 'web_user': web_user.id,
                        'text': 'Когда придёт слесарь?'}])
        # Named by the appeal and the time on the organisation's clock
        table = Message.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.date], [dt.datetime(2026, 5, 5, 21, 1)],
                where=table.id == resident.id))
        self.assertEqual(Message(resident.id).rec_name,
            f"{world['appeal'].number}, 06.05.2026 00:01")
        self.assertTrue(resident.public)
        self.assertEqual(self._notifications(world), [])
        with acting_as(world['operator']):
            for call in [
                    lambda: Message.write([Message(resident.id)],
                        {'text': 'Исправлено'}),
                    lambda: Message.delete([Message(resident.id)]),
                    ]:
                with self.assertRaises(UserError) as info:
                    call()
                self.assertRegex(info.exception.message, CYRILLIC)
            forged, = Message.create([{
                        'appeal': world['appeal'].id,
                        'author_kind': 'resident', 'web_user': web_user.id,
                        'text': 'От имени жителя'}])
        self.assertEqual(Message(resident.id).text, 'Когда придёт слесарь?')
        self.assertEqual(forged.author_kind, 'staff')
        self.assertIsNone(forged.web_user)
        self.assertFalse(forged.public)
        with acting_as(world['operator']):
            with self.assertRaises(UserError):
                Message.create([{'appeal': world['appeal'].id,
                            'text': '   '}])



def _unread(email):
    "The unread notifications of the web user, as the database has them"
    with Transaction().start(DB_NAME, 0):
        pool = Pool()
        WebUser = pool.get('web.user')
        Notification = pool.get('crm.portal.notification')
        user, = WebUser.search([('email', '=', email)])
        return Notification.search_count([
                ('web_user', '=', user.id), ('read_date', '=', None)])


class PortalNotificationsTestCase(RouteTestCase):
    "The notifications page of the portal"
    module = 'crm_portal'
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        Notification = pool.get('crm.portal.notification')
        # A resident per test: the pages commit what they mark
        for tag, count in [('paged', 25), ('own', 3), ('other', 2),
                ('csrf', 2), ('all', 4)]:
            world = office_world(emails=[f'{tag}@example.com'],
                name=f'Житель {tag}')
            web_user, = world['web_users']
            Notification.create([{
                        'web_user': web_user.id,
                        'appeal': world['appeal'].id, 'kind': 'reply',
                        'title': f'Ответ {tag} {i:02d}',
                        'text': f'Текст ответа {tag} {i:02d}',
                        } for i in range(count)])
        Transaction().commit()

    def _client(self, tag):
        client = PortalClient()
        response = client.login(f'{tag}@example.com')
        self.assertEqual(response.status_code, 303)
        return client

    def test_login_required(self):
        response = PortalClient().get('/notifications')
        self.assertEqual(response.status_code, 303)
        self.assertIn('/login', response.headers['Location'])

    def test_page_newest_first_marks_shown_read(self):
        client = self._client('paged')
        self.assertEqual(_unread('paged@example.com'), 25)
        text = client.text(client.get('/notifications'))
        titles = re.findall(r'Ответ paged (\d\d)', text)
        # Newest first, twenty a page, all of them unread before the visit
        self.assertEqual(titles[:2], ['24', '23'])
        self.assertEqual(len(titles), 20)
        self.assertEqual(text.count('class="notification unread"'), 20)
        self.assertIn('/portal/appeals/', text)
        self.assertIn('Страница 1 из 2', text)
        # The shown ones are read; the header counts the rest
        self.assertEqual(_unread('paged@example.com'), 5)
        self.assertIn('aria-label="непрочитанных: 5"', text)
        text = client.text(client.get('/notifications'))
        self.assertEqual(text.count('class="notification unread"'), 0)
        text = client.text(client.get('/notifications?page=2'))
        self.assertEqual(re.findall(r'Ответ paged (\d\d)', text),
            ['04', '03', '02', '01', '00'])
        self.assertEqual(_unread('paged@example.com'), 0)
        self.assertNotIn('непрочитанных', text)

    def test_resident_sees_and_marks_only_his_own(self):
        client = self._client('own')
        other = _unread('other@example.com')
        text = client.text(client.get('/notifications'))
        self.assertIn('Ответ own 00', text)
        self.assertNotIn('other', text)
        self.assertNotIn('paged', text)
        response = client.post('/notifications/read')
        self.assertEqual(response.status_code, 303)
        self.assertEqual(_unread('own@example.com'), 0)
        self.assertEqual(_unread('other@example.com'), other)

    def test_mark_all_read(self):
        client = self._client('all')
        client.get('/login')
        self.assertEqual(_unread('all@example.com'), 4)
        response = client.post('/notifications/read')
        self.assertEqual(response.status_code, 303)
        self.assertEqual(_unread('all@example.com'), 0)
        text = client.text(client.client.get(response.headers['Location']))
        self.assertIn('Все уведомления прочитаны.', text)

    def test_form_without_token_writes_nothing(self):
        client = self._client('csrf')
        response = client.post('/notifications/read', csrf=False)
        self.assertEqual(response.status_code, 403)
        self.assertIn('Форма устарела', client.text(response))
        self.assertEqual(_unread('csrf@example.com'), 2)


del _DBTestCase
