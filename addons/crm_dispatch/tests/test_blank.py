"""Blanks: templates checked when uploaded, filled for an appeal or an
account as ODT and PDF (LibreOffice), offered by support line."""
import datetime as dt
import pathlib
import subprocess
import tempfile
import threading
import types
import zipfile
from io import BytesIO

import lxml.etree

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_dispatch import blank_template
from trytond.modules.crm_dispatch.tests.tools import (
    CYRILLIC, acting_as, create_staff, load_russian, pdf_text,
    require_libreoffice)
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction


def odt_text(content):
    "The text of an ODT document's body"
    with zipfile.ZipFile(BytesIO(content)) as odt:
        tree = lxml.etree.fromstring(odt.read('content.xml'))
    return ' '.join(' '.join(tree.itertext()).split())


def edited(content, old, new):
    "The ODT content with old replaced by new in its content.xml"
    source = zipfile.ZipFile(BytesIO(content))
    result = BytesIO()
    with zipfile.ZipFile(result, 'w') as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == 'content.xml':
                assert old.encode() in data, old
                data = data.replace(old.encode(), new.encode())
            target.writestr(item, data)
    return result.getvalue()


class CrmDispatchBlankTestCase(_DBTestCase):
    "Blanks an administrator makes and operators print"
    module = 'crm_dispatch'
    language = 'ru'

    def _world(self):
        """An organisation in Moscow time with two lines, an operator on
        each, an administrator and a closed appeal with an account"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Party = pool.get('party.party')
        Source = pool.get('crm.appeal.source')
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        Building = pool.get('crm.building')
        Premise = pool.get('crm.premise')
        Account = pool.get('crm.account')
        Line = pool.get('crm.support_line')
        User = pool.get('res.user')
        ru = load_russian()
        company = create_company(name='УК «Северная»')
        company.timezone = 'Europe/Moscow'
        company.save()
        line1, line2 = Line.create([
                {'number': 1, 'name': 'Расчётный центр'},
                {'number': 2, 'name': 'Аварийная служба'}])
        staff = {
            'admin': create_staff('admin1', company, group='group_crm_admin'),
            'operator1': create_staff('operator1', company, [line1]),
            'operator2': create_staff('operator2', company, [line2]),
            }
        User.write(list(staff.values()), {'language': ru.id})
        source, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        group, = Group.create([{'name': 'Ремонт'}])
        reason, = Reason.create([{'group': group.id, 'name': 'Протечка',
                    'default_hours': 24}])
        building, = Building.create([{'company': company.id,
                    'city': 'Вологда', 'street': 'ул. Ленина',
                    'house': '5'}])
        premise, = Premise.create([{'building': building.id,
                    'number': '12'}])
        party, = Party.create([{'name': 'Семёнова Ольга Петровна'}])
        account, = Account.create([{'company': company.id,
                    'number': '7700123', 'premise': premise.id,
                    'holder': party.id}])
        with set_company(company):
            appeal, = Appeal.create([{'source': source.id,
                        'applicant': party.id, 'reason_group': group.id,
                        'reason': reason.id, 'building': building.id,
                        'premise': premise.id,
                        'contact_phone': '+7 921 555-01-02',
                        'accounts': [('add', [account.id])],
                        'description': 'Течёт кран на кухне',
                        # 09:30 in Moscow
                        'received_date': dt.datetime(2027, 3, 15, 6, 30)}])
        return dict(staff, company=company, line1=line1, line2=line2,
            appeal=appeal, account=account)

    def _print(self, blank, record, format_='odt'):
        Report = Pool().get('crm.blank', type='report')
        return Report.execute([record.id], {
                'action_id': blank.report.id, 'model': record.__name__,
                'format': format_})

    @with_transaction()
    def test_act_filled_for_appeal(self):
        "The example act carries the appeal's data, formatted in Russian"
        Blank = Pool().get('crm.blank')
        w = self._world()
        with acting_as(w['admin']):
            blank, = Blank.create([{'name': 'Акт выполненных работ'}])
        with acting_as(w['operator1']):
            extension, content, _, name = self._print(blank, w['appeal'])
        self.assertEqual(extension, 'odt')
        self.assertEqual(name, f"Акт выполненных работ-{w['appeal'].number}")
        text = odt_text(content)
        today = dt.datetime.now(dt.timezone.utc).astimezone(
            dt.timezone(dt.timedelta(hours=3))).strftime('%d.%m.%Y')
        for expected in [
                'УК «Северная»', 'АКТ ВЫПОЛНЕННЫХ РАБОТ',
                f"по обращению № {w['appeal'].number} от 15.03.2027 09:30",
                f'Дата составления: {today}',
                'Семёнова Ольга Петровна', '+7 921 555-01-02',
                'г. Вологда, ул. Ленина, д. 5, кв. 12', '7700123',
                'Протечка', 'Течёт кран на кухне', '/ Operator1 /']:
            self.assertIn(expected, text)
        self.assertNotIn('<', text)

    @with_transaction()
    def test_certificate_filled_for_account(self):
        "The example certificate carries the account's data"
        Blank = Pool().get('crm.blank')
        w = self._world()
        with acting_as(w['admin']):
            blank, = Blank.create([{'name': 'Справка', 'kind': 'account'}])
        self.assertEqual(blank.report.model, 'crm.account')
        with acting_as(w['operator2']):
            _, content, _, _ = self._print(blank, w['account'])
        text = odt_text(content)
        self.assertIn('Дана Семёнова Ольга Петровна в том, что по адресу: '
            'г. Вологда, ул. Ленина, д. 5, кв. 12 на его (её) имя открыт '
            'лицевой счёт № 7700123.', text)
        self.assertIn('УК «Северная» СПРАВКА', text)

    @with_transaction()
    def test_pdf_and_template_saved_by_libreoffice(self):
        """A template saved by LibreOffice itself is accepted and prints as
        PDF whose text holds the appeal's number and applicant"""
        require_libreoffice()
        Blank = Pool().get('crm.blank')
        w = self._world()
        with acting_as(w['admin']):
            blank, = Blank.create([{'name': 'Акт'}])
            # The administrator's round trip: download, save in Writer
            with tempfile.TemporaryDirectory() as folder:
                source = pathlib.Path(folder, 'in', 'Акт.odt')
                source.parent.mkdir()
                source.write_bytes(blank.template)
                # A profile of its own, as the server's conversions have
                # (blank.CONVERT): another LibreOffice may run meanwhile
                subprocess.run(['soffice',
                        f'-env:UserInstallation=file://{folder}/profile',
                        '--headless', '--nolockcheck',
                        '--nodefault', '--norestore', '--convert-to', 'odt',
                        '--outdir', folder, str(source)],
                    check=True, capture_output=True, timeout=120)
                saved = pathlib.Path(folder, 'Акт.odt').read_bytes()
            self.assertNotEqual(saved, blank.template)
            Blank.write([blank], {'template': saved})
        with acting_as(w['operator2']):
            extension, content, _, _ = self._print(
                blank, w['appeal'], 'pdf')
        self.assertEqual(extension, 'pdf')
        self.assertTrue(content.startswith(b'%PDF'))
        text = ' '.join(pdf_text(content).split())
        self.assertIn(w['appeal'].number, text)
        self.assertIn('Семёнова Ольга Петровна', text)
        self.assertIn('АКТ ВЫПОЛНЕННЫХ РАБОТ', text)

    @with_transaction()
    def test_pdf_printed_by_two_at_once(self):
        """Blanks printed as PDF at the same moment all come out: each
        LibreOffice has its own profile (with one shared, the second of two
        ends at once without a PDF)"""
        require_libreoffice()
        Blank = Pool().get('crm.blank')
        Report = Pool().get('crm.blank', type='report')
        w = self._world()
        with acting_as(w['admin']):
            blank, = Blank.create([{'name': 'Акт'}])
        with acting_as(w['operator1']):
            _, odt, _, _ = self._print(blank, w['appeal'])
        action = types.SimpleNamespace(report_name='crm.blank',
            template_extension='odt', extension='pdf')
        results = [None] * 3

        def convert(i):
            results[i] = Report.convert(action, odt)
        threads = [threading.Thread(target=convert, args=(i,))
            for i in range(len(results))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        self.assertEqual([r and r[0] for r in results], ['pdf'] * 3)
        for _, content in results:
            self.assertIn(w['appeal'].number, pdf_text(content))

    @with_transaction()
    def test_bad_templates_refused(self):
        """An unknown placeholder, template code or a file that is not an
        ODT is refused in Russian, naming what is wrong"""
        Blank = Pool().get('crm.blank')
        w = self._world()
        example = blank_template.example('appeal')
        with acting_as(w['admin']):
            blank, = Blank.create([{'name': 'Акт'}])
            for content, shown in [
                    (edited(example, '&lt;applicant&gt;', '&lt;заявитель&gt;'),
                        '<заявитель>'),
                    (edited(example, '&lt;applicant&gt;',
                            "&lt;__import__('os').getcwd()&gt;"),
                        "<__import__('os').getcwd()>"),
                    (edited(example, '</text:placeholder> от ',
                            '</text:placeholder> ${len(record.number)} от '),
                        '${len(record.number)}'),
                    (edited(example, '</text:placeholder> от ',
                            '</text:placeholder> $USD от '), '$USD'),
                    (edited(example, '<text:p text:style-name="Title">',
                            '<text:p text:style-name="Title" '
                            'xmlns:py="http://genshi.edgewall.org/" '
                            'py:if="user.login == \'admin\'">'),
                        'if="user.login == \'admin\'"'),
                    (edited(example, 'АКТ ВЫПОЛНЕННЫХ РАБОТ',
                            '<text:a xlink:href="relatorio://user.password">'
                            'user.password</text:a>'),
                        '<user.password>'),
                    (b'%PDF-1.4 not a template', 'OpenDocument'),
                    ]:
                with self.subTest(shown=shown):
                    with self.assertRaises(ValidationError) as cm:
                        Blank.write([blank], {'template': content})
                    message = cm.exception.message
                    self.assertIn(shown, message)
                    self.assertIn('Акт', message)
                    self.assertRegex(message, CYRILLIC)
            # The dollar of a price is text, not code
            Blank.write([blank], {'template': edited(example,
                        'АКТ ВЫПОЛНЕННЫХ РАБОТ', 'Цена $USD 5$ или $5')})
            Blank.write([blank], {'template': edited(example,
                        '</text:placeholder> от ',
                        '</text:placeholder> 5$ или $5 от ')})

    @with_transaction()
    def test_offered_by_line(self):
        """A blank of line 2 is not offered to the operator of line 1 and is
        refused to him when forced; its operator and supervisors print it"""
        pool = Pool()
        Blank = pool.get('crm.blank')
        Print = pool.get('crm.blank.print', type='wizard')
        w = self._world()
        with acting_as(w['admin']):
            act, = Blank.create([{'name': 'Акт выполненных работ',
                        'lines': [('add', [w['line2'].id])]}])
            common, = Blank.create([{'name': 'Справка', 'kind': 'account'}])
        Blank.create([{'name': 'Чужой акт',
                    'company': create_company(name='УК «Южная»').id}])
        with acting_as(w['operator2']):
            self.assertEqual(Blank.search([]), [act, common])

        def as_wizard(user, record):
            "As the RPC runs a wizard: without access checks of its own"
            return acting_as(user, active_model=record.__name__,
                active_id=record.id, active_ids=[record.id],
                checked=False)

        def start(user, record):
            with as_wizard(user, record):
                session_id, _, _ = Print.create()
                try:
                    return Print.execute(session_id, {}, 'start')[
                        'view']['defaults']
                finally:
                    Print.delete(session_id)

        with acting_as(w['operator1']):
            self.assertEqual(Blank.search([]), [common])
        with self.assertRaises(UserError) as cm:
            start(w['operator1'], w['appeal'])
        self.assertIn('Нет бланков', cm.exception.message)
        self.assertEqual(start(w['operator1'], w['account'])['blank'],
            common.id)
        self.assertEqual(start(w['operator2'], w['appeal'])['blank'], act.id)

        with acting_as(w['operator1']), self.assertRaises(AccessError) as cm:
            self._print(act, w['appeal'])
        self.assertEqual(cm.exception.message,
            'Бланк «Акт выполненных работ» вам недоступен: он предназначен '
            'для других линий поддержки или другой организации.')

        # Forced through the wizard too
        with as_wizard(w['operator1'], w['appeal']):
            session_id, _, _ = Print.create()
            with self.assertRaises(AccessError):
                Print.execute(session_id, {'start': {
                            'blank': act.id, 'format': 'odt',
                            'kind': 'appeal',
                            'company': w['company'].id}}, 'print_')
            Print.delete(session_id)
        with as_wizard(w['operator2'], w['appeal']):
            session_id, _, _ = Print.create()
            result = Print.execute(session_id, {'start': {
                        'blank': act.id, 'format': 'pdf', 'kind': 'appeal',
                        'company': w['company'].id}}, 'print_')
            Print.delete(session_id)
        (action, data), = result['actions']
        self.assertEqual(action['report_name'], 'crm.blank')
        self.assertEqual(action['id'], act.report.id)
        self.assertEqual(data['ids'], [w['appeal'].id])
        self.assertEqual(data['format'], 'pdf')

    @with_transaction()
    def test_operator_cannot_edit(self):
        "Operators read the blanks they print but change none"
        Blank = Pool().get('crm.blank')
        w = self._world()
        with acting_as(w['admin']):
            blank, = Blank.create([{'name': 'Акт'}])
        with acting_as(w['operator1']):
            blank = Blank(blank.id)
            for call in [
                    lambda: Blank.write([blank], {'name': 'Моё'}),
                    lambda: Blank.write([blank], {
                            'template': blank_template.example('appeal')}),
                    lambda: Blank.create([{'name': 'Свой'}]),
                    lambda: Blank.delete([blank]),
                    ]:
                with self.assertRaises(AccessError):
                    call()

    @with_transaction()
    def test_report_follows_blank(self):
        """The blank's report takes its name and model, a copy gets its own
        report, a cleared template returns to the example, a deleted blank
        takes its report along"""
        pool = Pool()
        Blank = pool.get('crm.blank')
        ActionReport = pool.get('ir.action.report')
        w = self._world()
        with acting_as(w['admin']):
            blank, = Blank.create([{'name': 'Акт'}])
            Blank.write([blank], {'name': 'Справка', 'kind': 'account',
                    'template': blank_template.example('account')})
            self.assertEqual(
                (blank.report.name, blank.report.model),
                ('Справка', 'crm.account'))
            Blank.write([blank], {'template': None})
            self.assertEqual(blank.template, blank_template.example('account'))
            copy, = Blank.copy([blank])
            self.assertNotEqual(copy.report, blank.report)
            self.assertEqual(copy.template, blank.template)
            # An act's template does not fit an account blank
            with self.assertRaises(ValidationError) as cm:
                Blank.write([copy], {
                        'template': blank_template.example('appeal')})
            self.assertIn('<number>', cm.exception.message)
            reports = [blank.report.id, copy.report.id]
            Blank.delete([blank, copy])
        self.assertEqual(ActionReport.search([('id', 'in', reports)]), [])

    @with_transaction()
    def test_placeholders_listed_in_russian(self):
        Blank = Pool().get('crm.blank')
        w = self._world()
        with acting_as(w['admin']):
            blank = Blank(kind='account')
            text = blank.on_change_with_placeholders()
        self.assertIn('<account> — номер лицевого счёта', text)
        self.assertIn('<today> — дата печати (дд.мм.гггг)', text)
        self.assertNotIn('<number>', text)


del _DBTestCase
