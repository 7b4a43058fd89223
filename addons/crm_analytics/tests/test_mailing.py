"""Scheduled report mailings: a run sends ONE e-mail with the report to a
real SMTP server on loopback and records it; the figures are the owner's
(hand counts of tests/tools.py); PDF, password-protected ZIP; failures are
recorded and do not stop the other mailings."""
import datetime as dt
import io
import json
import shutil
import zipfile

from trytond import config
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.crm_dispatch.tests.tools import (
    acting_as, create_staff, load_russian, pdf_text, smtp_server)
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import analytics_world

# 1 March 2025, 08:00 in Moscow: the monthly mailings below are due
DUE = dt.datetime(2025, 3, 1, 5, 0)
REASONS_BY_MONTH = {'rows': ['reason_group'], 'cols': ['month'],
    'measure': 'count'}


def as_(user):
    return acting_as(user, language='ru')


def attachment(letter):
    "(file name, content) of the letter's only attachment"
    parts = list(letter['message'].iter_attachments())
    assert len(parts) == 1, parts
    return parts[0].get_filename(), parts[0].get_content()


def xlsx_rows(content):
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def create_layout(name, config, **values):
    Layout = Pool().get('crm.analytics.layout')
    layout, = Layout.create([dict(name=name, config=json.dumps(config),
                **values)])
    return layout


def create_mailing(w, layout, **values):
    "A monthly mailing (1st, 08:00) of this year's figures, due at DUE"
    Mailing = Pool().get('crm.analytics.mailing')
    values = dict({
            'name': layout.name,
            'company': w['org1'].id,
            'kind': 'layout',
            'layout': layout.id if values.get('kind') != 'report' else None,
            'period': 'year',
            'format': 'xlsx',
            'recipients': 'boss@example.ru\ncustomer@example.com',
            'frequency': 'monthly',
            'day': 1,
            'hour': 8,
            }, **values)
    mailing, = Mailing.create([values])
    Mailing.reschedule([mailing], after=DUE - dt.timedelta(days=1))
    return mailing


class CrmAnalyticsMailingTestCase(_DBTestCase):
    "Report mailings"
    module = 'crm_analytics'
    language = 'ru'

    def _world(self):
        User = Pool().get('res.user')
        ru = load_russian()
        w = analytics_world()
        # The letter speaks the owner's language
        User.write([w[n] for n in ['op1', 'op2', 'op3', 'supervisor1']],
            {'language': ru.id})
        with as_(w['supervisor1']):
            w['layout'] = create_layout(
                'Причины по месяцам', REASONS_BY_MONTH, shared=True)
        return w

    @with_transaction()
    def test_run_sends_one_letter_with_the_figures(self):
        "A due mailing sends one e-mail with the XLSX and records it"
        Mailing = Pool().get('crm.analytics.mailing')
        w = self._world()
        with as_(w['supervisor1']):
            mailing = create_mailing(w, w['layout'])
        self.assertEqual(mailing.user, w['supervisor1'])
        self.assertEqual(mailing.next_run, DUE)
        with smtp_server() as server:
            # A minute early: not due
            self.assertEqual(
                Mailing.send_due(DUE - dt.timedelta(minutes=1)), [])
            log, = Mailing.send_due(DUE)
            self.assertEqual(Mailing.send_due(DUE), [])
        letter, = server.letters
        self.assertEqual(sorted(letter['to']),
            ['boss@example.ru', 'customer@example.com'])
        message = letter['message']
        self.assertEqual(message['Subject'],
            'Причины по месяцам за 01.01.2025 — 01.03.2025 — УК Север')
        self.assertIn('организация «УК Север»', message.get_body(
                ('plain',)).get_content())
        name, content = attachment(letter)
        self.assertEqual(name, 'Причины_по_месяцам_2025-03-01.xlsx')
        rows = xlsx_rows(content)
        self.assertEqual(rows[0][0],
            'Причины по месяцам (01.01.2025 — 01.03.2025)')
        self.assertEqual(rows[1][0],
            'Организация: УК Север. Период: 01.01.2025 — 01.03.2025.')
        # supervisor1's hand counts: «Начисления» 1 in January, 3 in
        # February; «Ремонт» 3 and 3
        self.assertEqual(rows[-3:], [
                ['Группа причин', 'Январь 2025', 'Февраль 2025', 'Итого'],
                ['Начисления', 1, 3, 4],
                ['Ремонт', 3, 3, 6]])
        self.assertEqual((log.state, log.mailing, log.file_name, log.size,
                log.recipients, log.date, log.manual, log.error),
            ('sent', mailing, name, len(content),
                'boss@example.ru\ncustomer@example.com', DUE, False, None))
        # Then the 1st of next month, 08:00 Moscow time
        self.assertEqual(Mailing(mailing.id).next_run,
            dt.datetime(2025, 4, 1, 5, 0))
        with as_(w['supervisor1']):
            self.assertEqual(Mailing(mailing.id).logs, (log,))

    @with_transaction()
    def test_pdf(self):
        "The PDF variant is a PDF with the title and the figures"
        Mailing = Pool().get('crm.analytics.mailing')
        w = self._world()
        with as_(w['supervisor1']):
            create_mailing(w, w['layout'], format='pdf')
        with smtp_server() as server:
            log, = Mailing.send_due(DUE)
        name, content = attachment(server.letters[0])
        self.assertEqual(name, 'Причины_по_месяцам_2025-03-01.pdf')
        self.assertEqual(server.letters[0]['message'].get_payload()[1]
            .get_content_type(), 'application/pdf')
        self.assertTrue(content.startswith(b'%PDF'))
        if shutil.which('pdftotext'):
            text = pdf_text(content)
            self.assertIn('Причины по месяцам (01.01.2025 — 01.03.2025)',
                text)
            self.assertRegex(text, r'Начисления\s+1\s+3\s+4')
            self.assertRegex(text, r'Ремонт\s+3\s+3\s+6')
        self.assertEqual(log.size, len(content))

    @with_transaction()
    def test_zip_opens_only_with_the_password(self):
        "The archive is AES-encrypted: no password or a wrong one fails"
        import pyzipper
        Mailing = Pool().get('crm.analytics.mailing')
        w = self._world()
        with as_(w['supervisor1']):
            create_mailing(w, w['layout'], archive=True,
                password='Секрет-2025')
        with smtp_server() as server:
            log, = Mailing.send_due(DUE)
        name, content = attachment(server.letters[0])
        self.assertEqual(name, 'Причины_по_месяцам_2025-03-01.zip')
        self.assertEqual(log.file_name, name)
        inner = 'Причины_по_месяцам_2025-03-01.xlsx'
        with pyzipper.AESZipFile(io.BytesIO(content)) as archive:
            self.assertEqual(archive.namelist(), [inner])
            with self.assertRaises(RuntimeError):
                archive.read(inner)
            archive.setpassword('секрет-2025'.encode('utf-8'))
            with self.assertRaises(RuntimeError):
                archive.read(inner)
            archive.setpassword('Секрет-2025'.encode('utf-8'))
            rows = xlsx_rows(archive.read(inner))
        self.assertEqual(rows[-2:],
            [['Начисления', 1, 3, 4], ['Ремонт', 3, 3, 6]])
        # Nor does the standard library open it without the password
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            with self.assertRaises((RuntimeError, NotImplementedError)):
                archive.read(inner)

    @with_transaction()
    def test_figures_are_the_owners(self):
        """operator1's mailing never holds line 2 or organisation 2; a
        manager of both organisations mails one organisation's figures"""
        pool = Pool()
        Mailing = pool.get('crm.analytics.mailing')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        w = self._world()
        by_line = {'rows': ['organisation', 'support_line'],
            'measure': 'count'}
        with as_(w['op1']):
            own = create_layout('По линиям', by_line)
        with as_(w['supervisor1']):
            create_layout('По линиям (руководитель)', by_line, shared=True)
        # Operators set up no mailings; one is made for him (as the
        # administrator's scripts would): it still counts as operator1
        create_mailing(w, own, user=w['op1'].id)
        manager = create_staff('manager', w['org1'])
        User.write([manager], {
                'language': w['op1'].language.id,
                'groups': [('add', [ModelData.get_id(
                                'crm_analytics', 'group_crm_manager')])],
                'companies': [('add', [w['org2'].id])],
                })
        with as_(manager):
            layout = create_layout('По организациям',
                {'rows': ['organisation'], 'measure': 'count'})
            create_mailing(w, layout)
        with as_(w['supervisor1']):
            create_mailing(w, Pool().get('crm.analytics.layout').search(
                    [('name', '=', 'По линиям (руководитель)')])[0])
        with smtp_server() as server:
            logs = Mailing.send_due(DUE)
        self.assertEqual([l.state for l in logs], ['sent'] * 3)
        tables = {attachment(l)[0]: xlsx_rows(attachment(l)[1])
            for l in server.letters}
        operator = tables['По_линиям_2025-03-01.xlsx']
        self.assertEqual(operator[-3:], [
                ['Организация', 'Линия', 'Обращений'],
                ['УК Север', '(не указано)', 1],
                ['УК Север', '1. Линия 1', 5]])
        flat = ' '.join(str(v) for row in operator for v in row)
        for foreign in ['Линия 2', 'Линия 3', 'УК Юг']:
            self.assertNotIn(foreign, flat)
        # The supervisor's same layout does hold line 2: the difference
        # is the owner's rules, not the layout
        supervisor = tables['По_линиям_(руководитель)_2025-03-01.xlsx']
        self.assertIn(['УК Север', '2. Линия 2', 4], supervisor)
        self.assertEqual(tables['По_организациям_2025-03-01.xlsx'][-2:], [
                ['Организация', 'Обращений'],
                ['УК Север', 10]])

    @with_transaction()
    def test_refused_in_russian(self):
        "Bad recipients, hour, day, password, owner, layout: Russian errors"
        Mailing = Pool().get('crm.analytics.mailing')
        w = self._world()
        with as_(w['op1']):
            private = create_layout('Личный', REASONS_BY_MONTH)
        cases = [
            ({'recipients': 'boss@example.ru\nне адрес'},
                'Получатель «не адрес» рассылки «Причины по месяцам» — '
                'неверный адрес электронной почты.'),
            ({'recipients': 'boss@example.ru, boss@@example.ru'},
                'Получатель «boss@@example.ru» рассылки «Причины по '
                'месяцам» — неверный адрес электронной почты.'),
            ({'recipients': ' \n '},
                'У рассылки «Причины по месяцам» нет получателей.'),
            ({'hour': 24},
                'Час рассылки «Причины по месяцам» должен быть от 0 до '
                '23, а не 24.'),
            ({'day': 32},
                'День месяца рассылки «Причины по месяцам» должен быть '
                'от 1 до 31, а не 32.'),
            ({'archive': True, 'password': '12345'},
                'Пароль архива рассылки «Причины по месяцам» должен быть '
                'не короче 6 символов.'),
            ]
        with as_(w['supervisor1']):
            for values, message in cases:
                with self.subTest(values=values):
                    with self.assertRaises(UserError) as cm:
                        create_mailing(w, w['layout'], **values)
                    self.assertEqual(cm.exception.message, message)
        # Another organisation's: the organisations' rule refuses it; and
        # an owner who does not work there is refused even to the root
        with as_(w['supervisor1']), self.assertRaises(UserError) as cm:
            create_mailing(w, w['layout'], company=w['org2'].id)
        self.assertIn('Рассылка отчётов', cm.exception.message)
        with Transaction().set_context(language='ru'), \
                self.assertRaises(UserError) as cm:
            create_mailing(w, w['layout'], company=w['org2'].id,
                user=w['supervisor1'].id)
        self.assertEqual(cm.exception.message,
            'Владелец рассылки «Причины по месяцам» Supervisor1 не '
            'работает в организации «УК Юг».')
        # Another's private layout: refused (by the domain or the rules)
        with as_(w['supervisor1']), self.assertRaises(UserError) as cm:
            create_mailing(w, private)
        self.assertRegex(cm.exception.message, '[А-Яа-я]')

    @with_transaction()
    def test_failures_recorded_and_others_go(self):
        """A stopped SMTP server or an unreadable layout records 'failed'
        with the reason and the other mailings still go"""
        pool = Pool()
        Mailing = pool.get('crm.analytics.mailing')
        Layout = pool.get('crm.analytics.layout')
        w = self._world()
        with as_(w['op1']):
            own = create_layout('Оператора', REASONS_BY_MONTH, shared=True)
        with as_(w['supervisor1']):
            first = create_mailing(w, own, name='Сначала')
            second = create_mailing(w, w['layout'], name='Потом')
        server = smtp_server().start()
        port = server.port
        server.stop()
        # The server is stopped: nothing listens at its address any more
        previous = config.get('email', 'uri')
        config.set('email', 'uri', f'smtp://127.0.0.1:{port}')
        try:
            logs = Mailing.send_due(DUE)
        finally:
            config.set('email', 'uri', previous)
        self.assertEqual([(l.mailing, l.state) for l in logs],
            [(first, 'failed'), (second, 'failed')])
        self.assertTrue(logs[0].error.startswith(
                'Письмо не отправлено: ConnectionRefusedError'),
            logs[0].error)
        self.assertEqual(logs[0].file_name, 'Сначала_2025-03-01.xlsx')
        # Next month: operator1 has unshared his layout meanwhile, the
        # supervisor's mailing of it fails, the other one goes
        with as_(w['op1']):
            Layout.write([own], {'shared': False})
        with smtp_server() as server:
            logs = Mailing.send_due(dt.datetime(2025, 4, 1, 5, 0))
        self.assertEqual([(l.mailing, l.state) for l in logs],
            [(first, 'failed'), (second, 'sent')])
        self.assertRegex(logs[0].error, '[А-Яа-я]')
        self.assertIsNone(logs[0].file_name)
        letter, = server.letters
        self.assertEqual(attachment(letter)[0], 'Потом_2025-04-01.xlsx')

    @with_transaction()
    def test_send_now(self):
        "«Отправить сейчас» sends at once and keeps the schedule"
        pool = Pool()
        Mailing = pool.get('crm.analytics.mailing')
        Log = pool.get('crm.analytics.mailing.log')
        w = self._world()
        supervisor2 = create_staff(
            'supervisor2', w['org1'], group='group_crm_supervisor')
        with as_(w['supervisor1']):
            mailing = create_mailing(w, w['layout'], period='last_month')
            with smtp_server() as server:
                Mailing.send_now([mailing])
            log, = Mailing(mailing.id).logs
            self.assertEqual((log.state, log.manual), ('sent', True))
            self.assertEqual(Mailing(mailing.id).next_run, DUE)
            with self.assertRaises(AccessError):
                Log.write([log], {'error': 'правка'})
        self.assertEqual(len(server.letters), 1)
        with as_(supervisor2):
            # Another supervisor's mailings and their history are hidden
            self.assertEqual(Mailing.search([]), [])
            self.assertEqual(Log.search([]), [])
        with as_(w['op1']):
            with self.assertRaises(AccessError):
                Mailing.search([])

    @with_transaction()
    def test_deactivated_not_sent(self):
        "An inactive mailing has no next run and is not sent"
        Mailing = Pool().get('crm.analytics.mailing')
        w = self._world()
        with as_(w['supervisor1']):
            mailing = create_mailing(w, w['layout'])
            Mailing.write([mailing], {'active': False})
            self.assertIsNone(mailing.next_run)
        with smtp_server() as server:
            self.assertEqual(Mailing.send_due(DUE), [])
        self.assertEqual(server.letters, [])

    @with_transaction()
    def test_reports_offered(self):
        "Only models building a table by export_table() are offered"
        Mailing = Pool().get('crm.analytics.mailing')
        pool = Pool()
        load_russian()
        with Transaction().set_context(language='ru'):
            offered = dict(Mailing.get_reports())
        for name in offered:
            if name is not None:
                self.assertTrue(name.startswith('crm.analytics.report.'))
                self.assertTrue(callable(pool.get(name).export_table))
        self.assertEqual(offered['crm.analytics.report.timeliness_source'],
            'Своевременность по источникам')

    @with_transaction()
    def test_report_mailed(self):
        "An operational report mailed: the owner's figures by source"
        Mailing = Pool().get('crm.analytics.mailing')
        w = self._world()
        with as_(w['supervisor1']):
            mailing = create_mailing(w, w['layout'], kind='report',
                name='Своевременность',
                report='crm.analytics.report.timeliness_source')
        with smtp_server() as server:
            log, = Mailing.send_due(DUE)
        self.assertEqual(log.state, 'sent', log.error)
        letter, = server.letters
        name, content = attachment(letter)
        rows = {r[0]: r[1:] for r in xlsx_rows(content) if r and r[0]}
        # Hand counts of organisation 1: phone 5 (2 overdue), e-mail 3
        # (1), portal 2 (1)
        self.assertEqual([rows[s][:3] for s in
                ['Телефон', 'Электронная почта', 'Портал']],
            [[5, 3, 2], [3, 2, 1], [2, 1, 1]])


del _DBTestCase
