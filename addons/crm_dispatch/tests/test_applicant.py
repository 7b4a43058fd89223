"The «Заявители» menu: applicants, not the CRM's organisations and staff."
from trytond.model.exceptions import RequiredValidationError
from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.modules.crm_dispatch.tests.tools import acting_as, create_staff
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import _DBTestCase, with_transaction


class CrmDispatchApplicantTestCase(_DBTestCase):
    "Who the applicants menu lists and what it creates"
    module = 'crm_dispatch'
    language = 'ru'

    def _menu_action(self):
        "The domain and context of the «Заявители» menu's action"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        ActWindow = pool.get('ir.action.act_window')
        action = ActWindow(ModelData.get_id(
                'crm_dispatch', 'act_applicant_form'))
        decoder = PYSONDecoder({})
        return decoder.decode(action.domain), decoder.decode(action.context)

    @with_transaction()
    def test_menu_lists_applicants_only(self):
        """The menu's domain leaves out the organisations and the staff and
        keeps the residents, with or without appeals"""
        pool = Pool()
        Party = pool.get('party.party')
        Appeal = pool.get('crm.appeal')
        Source = pool.get('crm.appeal.source')
        company = create_company(name='УК Север')
        employee = create_employee(company, name='Смирнова Анна')
        resident, newcomer, shop = Party.create([
                {'name': 'Иванов Пётр'}, {'name': 'Петрова Анна'},
                {'name': 'ООО «Магазин у дома»'}])
        phone, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        with set_company(company):
            Appeal.create([{'source': phone.id, 'applicant': resident.id}])
        domain, _ = self._menu_action()

        listed = Party.search(domain)
        self.assertNotIn(company.party, listed)
        self.assertNotIn(employee.party, listed)
        for party in [resident, newcomer, shop]:
            self.assertIn(party, listed)
        # The field says the same for each, and its negation the opposite
        self.assertEqual(
            {p.id: p.crm_applicant for p in Party.browse(
                    [company.party, employee.party, resident])},
            {company.party.id: False, employee.party.id: False,
                resident.id: True})
        self.assertEqual(
            set(Party.search([('crm_applicant', '!=', True)])),
            {company.party, employee.party})

    @with_transaction()
    def test_menu_creates_a_proper_applicant(self):
        """Created from the menu an applicant needs his name, is listed by
        the menu and is seen by his operator's organisation"""
        pool = Pool()
        Party = pool.get('party.party')
        PartyCompany = pool.get('crm.party-company.company')
        company = create_company()
        operator = create_staff('operator1', company)
        domain, context = self._menu_action()
        with acting_as(operator, **context):
            applicant, = Party.create([{
                        'name': 'Новикова Ольга',
                        'crm_contacts': [('create', [{
                                        'type': 'mobile',
                                        'value': '+7 902 044-23-29'}, {
                                        'type': 'email',
                                        'value': 'novikova@example.ru'}])],
                        }])
            self.assertEqual(Party.search(domain + [
                        ('id', '=', applicant.id)]), [applicant])
        self.assertEqual(
            [l.company for l in PartyCompany.search(
                    [('party', '=', applicant.id)])], [company])
        row, = Party.read([applicant.id], ['crm_phones', 'crm_emails'])
        self.assertEqual(
            (row['crm_phones'], row['crm_emails']),
            ('+7 902 044-23-29', 'novikova@example.ru'))
        # Outside the CRM's menu a party needs no name (Tryton's own rule)
        nameless, = Party.create([{}])
        self.assertFalse(nameless.name)
        with acting_as(operator, **context), \
                self.assertRaises(RequiredValidationError):
            Party.create([{'crm_contacts': [('create', [{
                                'type': 'mobile',
                                'value': '+7 902 044-23-29'}])]}])

    @with_transaction()
    def test_contacts_columns(self):
        "Phones and e-mails of each row in one column each, searchable"
        Party = Pool().get('party.party')
        ivanov, petrova = Party.create([{
                    'name': 'Иванов Пётр',
                    'contact_mechanisms': [('create', [
                                {'type': 'mobile', 'value': '+79020442329'},
                                {'type': 'phone', 'value': '+78172720000'},
                                {'type': 'website',
                                    'value': 'http://example.ru'},
                                ])],
                    }, {'name': 'Петрова Анна'}])
        rows = {r['id']: r for r in Party.read([ivanov.id, petrova.id],
                ['crm_phones', 'crm_emails', 'crm_contacts'])}
        self.assertEqual(rows[ivanov.id]['crm_phones'],
            '+7 902 044-23-29, +7 817 272-00-00')
        self.assertIsNone(rows[ivanov.id]['crm_emails'])
        self.assertEqual(len(rows[ivanov.id]['crm_contacts']), 2)
        self.assertIsNone(rows[petrova.id]['crm_phones'])
        self.assertEqual(Party.search(
                [('crm_phones', 'ilike', '%272-00-00%')]), [ivanov])
        self.assertEqual(Party.search(
                [('crm_emails', 'ilike', '%example%')]), [])

        # A copy has each contact once: the two fields share the records
        # (Tryton copies no one-to-many with a filter)
        copy, = Party.copy([ivanov])
        self.assertEqual(len(copy.contact_mechanisms), 3)
