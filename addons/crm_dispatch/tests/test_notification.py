"""The close notification travels by SMTP: a real server on loopback
receives it when the closing transaction commits, and only then."""
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_dispatch.tests.tools import smtp_server
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction


class CrmDispatchNotificationTestCase(_DBTestCase):
    "Close notification by e-mail"
    # _DBTestCase: its own database, dropped after the class, because the
    # test commits (the letter leaves at commit, sendmail's data manager)
    module = 'crm_dispatch'
    language = 'ru'

    def _closed_appeal(self):
        "Close an appeal of an applicant with an e-mail, notifying him"
        pool = Pool()
        Party = pool.get('party.party')
        Source = pool.get('crm.appeal.source')
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        Appeal = pool.get('crm.appeal')
        # The catalogue of an earlier test of the class may be committed
        phone, = Source.search([('code', '=', 'phone')]) or Source.create(
            [{'name': 'Телефон', 'code': 'phone'}])
        group, = Group.search([('name', '=', 'Ремонт')]) or Group.create(
            [{'name': 'Ремонт'}])
        leak, = Reason.search([('name', '=', 'Протечка')]) or Reason.create(
            [{'group': group.id, 'name': 'Протечка', 'default_hours': 24}])
        ivanov, = Party.create([{
                    'name': 'Иванов Иван',
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': 'ivanov@example.ru'}])],
                    }])
        appeal, = Appeal.create([{
                    'source': phone.id, 'reason': leak.id,
                    'applicant': ivanov.id,
                    'contact_email': 'Ivanov@Example.ru',
                    'notify_on_close': True, 'notify_channel': 'email',
                    }])
        Appeal.take([appeal])
        Appeal.do_close([appeal], 'Кран заменён')
        return Appeal(appeal.id)

    @with_transaction()
    def test_close_notification_sent_at_commit(self):
        "The letter reaches the applicant when the close is committed"
        pool = Pool()
        Email = pool.get('ir.email')
        Event = pool.get('crm.appeal.event')
        transaction = Transaction()
        with smtp_server() as server:
            letters = server.letters
            company = create_company()
            with set_company(company):
                # A close rolled back sends nothing
                self._closed_appeal()
                transaction.rollback()
                self.assertEqual(letters, [])

            # The rollback took the organisation too
            company = create_company()
            with set_company(company):
                appeal = self._closed_appeal()
                number = appeal.number
                self.assertEqual(letters, [])
                transaction.commit()

        self.assertEqual(len(letters), 1)
        letter, = letters
        self.assertEqual(letter['from'], 'crm@example.ru')
        self.assertEqual(letter['to'], ['ivanov@example.ru'])
        message = letter['message']
        self.assertEqual(message['To'], 'ivanov@example.ru')
        self.assertEqual(message['Subject'], f"Обращение {number} закрыто")
        body = message.get_content()
        self.assertIn("Здравствуйте, Иванов Иван!", body)
        self.assertIn(f"Ваше обращение № {number} (Протечка) закрыто.", body)
        self.assertIn("Выполненные работы: Кран заменён", body)

        # The appeal keeps the letter and the event of it
        appeal = pool.get('crm.appeal')(appeal.id)
        self.assertTrue(appeal.notified_date)
        email, = Email.search([('resource', '=', str(appeal))])
        self.assertEqual(email.recipients, 'ivanov@example.ru')
        self.assertEqual(email.subject, message['Subject'])
        notified, = Event.search([
                ('appeal', '=', appeal.id), ('kind', '=', 'notified')])
        self.assertEqual(notified.comment, 'ivanov@example.ru')

    @with_transaction()
    def test_close_template_of_organisation(self):
        "The organisation's close template makes the letter"
        Template = Pool().get('crm.message.template')
        transaction = Transaction()
        with smtp_server() as server:
            company = create_company()
            other = create_company(name='Другая УК')
            Template.create([{
                        'name': 'Чужое', 'kind': 'close',
                        'company': other.id, 'body': 'Не это'}, {
                        'name': 'Наше', 'kind': 'close',
                        'company': company.id,
                        'subject': 'Готово: {number}',
                        'body': '{applicant}, по обращению {number} '
                        'выполнено: {work_done}.'}])
            with set_company(company):
                appeal = self._closed_appeal()
                transaction.commit()
        letter, = server.letters
        message = letter['message']
        self.assertEqual(message['Subject'], f'Готово: {appeal.number}')
        self.assertEqual(message.get_content().strip(),
            f'Иванов Иван, по обращению {appeal.number} выполнено: '
            'Кран заменён.')


del _DBTestCase
