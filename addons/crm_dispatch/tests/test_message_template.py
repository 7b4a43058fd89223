"Message templates: placeholders checked when saved, rendered on appeals"
import datetime as dt

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_dispatch.tests.tools import (
    CYRILLIC, acting_as, create_staff, load_russian)
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction


class CrmDispatchMessageTemplateTestCase(_DBTestCase):
    "Templates an administrator writes"
    module = 'crm_dispatch'
    language = 'ru'

    def _admin(self, company):
        User = Pool().get('res.user')
        ru = load_russian()
        admin = create_staff('admin1', company, group='group_crm_admin')
        User.write([admin], {'language': ru.id})
        return admin

    def _appeal(self, company):
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Party = pool.get('party.party')
        Source = pool.get('crm.appeal.source')
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        Building = pool.get('crm.building')
        Premise = pool.get('crm.premise')
        source, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        group, = Group.create([{'name': 'Ремонт'}])
        reason, = Reason.create([{'group': group.id, 'name': 'Протечка',
                    'default_hours': 24}])
        building, = Building.create([{'company': company.id,
                    'city': 'Вологда', 'street': 'ул. Ленина',
                    'house': '5'}])
        premise, = Premise.create([{'building': building.id,
                    'number': '12'}])
        party, = Party.create([{'name': 'Семёнова Ольга'}])
        with set_company(company):
            appeal, = Appeal.create([{'source': source.id,
                        'applicant': party.id, 'reason_group': group.id,
                        'reason': reason.id, 'building': building.id,
                        'premise': premise.id,
                        # 09:30 in Moscow
                        'received_date': dt.datetime(2027, 3, 15, 6, 30)}])
        return appeal

    @with_transaction()
    def test_render(self):
        "Each placeholder takes the appeal's value, times on local clock"
        Template = Pool().get('crm.message.template')
        company = create_company()
        company.timezone = 'Europe/Moscow'
        company.save()
        appeal = self._appeal(company)
        with set_company(company):
            template, = Template.create([{'name': 'Ответ', 'kind': 'reply',
                        'subject': 'Обращение {number}',
                        'body': '{applicant}, по адресу {address} '
                        '({reason}) срок {deadline}, принято {received}. '
                        'Этап: {stage}, для жителя: {public_stage}. '
                        '{{не подстановка}}'}])
        subject, body = template.render(appeal)
        self.assertEqual(subject, 'Обращение ' + (appeal.number or ''))
        self.assertEqual(body, 'Семёнова Ольга, по адресу '
            'г. Вологда, ул. Ленина, д. 5, кв. 12 (Протечка) срок '
            '16.03.2027 09:30, принято 15.03.2027 09:30. '
            'Этап: Новое, для жителя: Принято. {не подстановка}')

    @with_transaction()
    def test_unknown_placeholder_refused(self):
        "An unknown, malformed or attribute placeholder cannot be saved"
        Template = Pool().get('crm.message.template')
        company = create_company()
        admin = self._admin(company)
        for body, shown in [
                ('Здравствуйте, {заявитель}!', '{заявитель}'),
                ('{number.__class__}', '{number.__class__}'),
                ('{number!r}', '{number!r}'),
                ]:
            with self.subTest(body=body), acting_as(admin):
                with self.assertRaises(ValidationError) as cm:
                    Template.create([{'name': 'Плохой', 'body': body}])
                message = cm.exception.message
                self.assertIn(shown, message)
                self.assertIn('Плохой', message)
                self.assertIn('{applicant}', message)  # what is known
                self.assertRegex(message, CYRILLIC)
                self.assertIn('неизвестные подстановки', message)
        with acting_as(admin):
            with self.assertRaises(ValidationError) as cm:
                Template.create([{'name': 'Скобки',
                            'subject': 'Обращение {number',
                            'body': 'Текст'}])
        self.assertIn('Тема', cm.exception.message)
        self.assertIn('не парные', cm.exception.message)

    @with_transaction()
    def test_pick_own_before_common(self):
        "The organisation's own template wins over the common one"
        Template = Pool().get('crm.message.template')
        north = create_company(name='УК Север')
        south = create_company(name='УК Юг')
        common, own = Template.create([
                {'name': 'Общий', 'kind': 'close', 'body': '{number}',
                    'company': None},
                {'name': 'Свой', 'kind': 'close', 'body': '{number}',
                    'company': north.id}])
        self.assertEqual(Template.pick('close', north), own)
        self.assertEqual(Template.pick('close', south), common)
        self.assertIsNone(Template.pick('observer', north))

    @with_transaction()
    def test_preview(self):
        "The preview shows the template filled for an appeal"
        pool = Pool()
        Template = pool.get('crm.message.template')
        Preview = pool.get('crm.message.template.preview', type='wizard')
        company = create_company()
        appeal = self._appeal(company)
        template, = Template.create([{'name': 'Ответ',
                    'subject': 'Обращение {number}',
                    'body': 'Уважаемая {applicant}!'}])
        with set_company(company), Transaction().set_context(
                active_model='crm.message.template',
                active_id=template.id, active_ids=[template.id]):
            session_id, _, _ = Preview.create()
            view = Preview.execute(session_id, {}, 'start')
            Preview.delete(session_id)
        values = view['view']['defaults']
        self.assertEqual(values['appeal'], appeal.id)
        self.assertEqual(values['body'], 'Уважаемая Семёнова Ольга!')

    @with_transaction()
    def test_placeholders_listed_in_russian(self):
        "The form lists every placeholder with its meaning"
        Template = Pool().get('crm.message.template')
        company = create_company()
        admin = self._admin(company)
        with acting_as(admin):
            text = Template.default_placeholders()
        self.assertIn('{number} — номер обращения', text)
        self.assertIn('{address} — адрес: дом и помещение', text)
        self.assertIn('{public_stage} — этап обращения, как его видит житель',
            text)
        self.assertEqual(len(text.splitlines()), 12)

    @with_transaction()
    def test_operator_cannot_edit(self):
        Template = Pool().get('crm.message.template')
        company = create_company()
        template, = Template.create([{'name': 'Ответ', 'body': '{number}'}])
        operator = create_staff('op1', company)
        with acting_as(operator):
            self.assertEqual(Template.search([]), [template])
            with self.assertRaises(AccessError):
                Template.write([Template(template.id)], {'name': 'Моё'})
