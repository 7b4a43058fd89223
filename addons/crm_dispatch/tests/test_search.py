"The appeal list's search box and the overdue column."
import datetime as dt
from unittest.mock import patch

from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from .. import search as search_module
from ..search import phone_digits, search_phone_digits


class CrmDispatchSearchTestCase(_DBTestCase):
    "Search of appeals by number, phone and applicant"
    module = 'crm_dispatch'
    language = 'ru'

    def _appeals(self, company):
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Party = pool.get('party.party')
        Source = pool.get('crm.appeal.source')
        source, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        ivanov, petrova = Party.create([
                {'name': 'Иванов Пётр Сергеевич'},
                {'name': 'ПЕТРОВА Алёна'},
                ])
        return Appeal.create([
                {'source': source.id, 'applicant': ivanov.id,
                    'contact_phone': '8 (912) 345-67-89'},
                {'source': source.id, 'applicant': petrova.id,
                    'contact_phone': '+7 921 000-11-22'},
                ])

    def _find(self, text):
        Appeal = Pool().get('crm.appeal')
        return Appeal.search([('rec_name', 'ilike', f'%{text}%')])

    def test_phone_digits(self):
        "A phone typed any way reads as the same digits"
        for typed in ['89123456789', '+7 912 345-67-89', '8 (912) 345 67 89',
                '+79123456789']:
            with self.subTest(typed=typed):
                self.assertEqual(phone_digits(typed), '79123456789')
        self.assertEqual(search_phone_digits('345-67'), '34567')
        self.assertIsNone(search_phone_digits('12'))
        self.assertIsNone(search_phone_digits('Иванов'))

    @with_transaction()
    def test_search_by_phone(self):
        "The search box finds an appeal by its phone typed any way"
        company = create_company()
        with set_company(company):
            ivanov, petrova = self._appeals(company)
            for typed in ['89123456789', '+7 912 345-67-89', '9123456789',
                    '345-67', '912 345']:
                with self.subTest(typed=typed):
                    self.assertEqual(self._find(typed), [ivanov])
            self.assertEqual(self._find('000-11'), [petrova])
            self.assertEqual(self._find('555-55-55'), [])

            # A changed phone is found by its new digits only
            ivanov.contact_phone = '+7 911 222-33-44'
            ivanov.save()
            self.assertEqual(self._find('89112223344'), [ivanov])
            self.assertEqual(self._find('345-67'), [])

    @with_transaction()
    def test_search_by_applicant_name(self):
        "The search box finds by the applicant's name, case and ё aside"
        company = create_company()
        with set_company(company):
            ivanov, petrova = self._appeals(company)
            for typed in ['иванов', 'ИВАНОВ', 'Иванов', 'петр сергеевич',
                    'сергеевич', 'пётр сергеевич']:
                with self.subTest(typed=typed):
                    self.assertEqual(self._find(typed), [ivanov])
            for typed in ['петрова', 'Алена', 'алёна']:
                with self.subTest(typed=typed):
                    self.assertEqual(self._find(typed), [petrova])

            # A renamed applicant is found by the new name
            applicant = petrova.applicant
            applicant.name = 'Сидорова Алёна'
            applicant.save()
            self.assertEqual(self._find('сидорова'), [petrova])
            self.assertEqual(self._find('петрова'), [])

    @with_transaction()
    def test_search_by_common_name(self):
        """A name many applicants share is searched by a sub-query on the
        applicants instead of their ids: the same appeals are found"""
        company = create_company()
        with set_company(company):
            ivanov, petrova = self._appeals(company)
            for limit in [0, 1, search_module.IDS_MAX]:
                with self.subTest(limit=limit), patch.object(
                        search_module, 'IDS_MAX', limit):
                    self.assertEqual(self._find('ИВАНОВ'), [ivanov])
                    self.assertEqual(
                        set(self._find('ов')), {ivanov, petrova})
                    self.assertEqual(self._find(ivanov.number), [ivanov])

    @with_transaction()
    def test_search_by_number(self):
        "The search box still finds by number"
        company = create_company()
        with set_company(company):
            ivanov, petrova = self._appeals(company)
            self.assertEqual(self._find(ivanov.number), [ivanov])

    @with_transaction()
    def test_overdue_column(self):
        "Overdue: open past the deadline, or resolved after it"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        company = create_company()
        with set_company(company):
            appeals = self._appeals(company)
            appeals += Appeal.copy(appeals) + Appeal.copy(appeals[:1])
            late, in_time, closed_late, closed_in_time, no_deadline = appeals
            now = dt.datetime.now()
            hour = dt.timedelta(hours=1)
            table = Appeal.__table__()
            values = {
                late: ('in_work', now - hour, None),
                in_time: ('draft', now + hour, None),
                closed_late: ('resolved', now - 2 * hour, now - hour),
                closed_in_time: ('resolved', now - hour, now - 2 * hour),
                no_deadline: ('draft', None, None),
                }
            cursor = Transaction().connection.cursor()
            for appeal, (state, deadline, closed) in values.items():
                cursor.execute(*table.update(
                        [table.state, table.deadline, table.closed_date],
                        [state, deadline, closed],
                        where=table.id == appeal.id))
            expected = {late, closed_late}
            for appeal in values:
                with self.subTest(state=values[appeal]):
                    self.assertIs(
                        Appeal(appeal.id).overdue, appeal in expected)
            self.assertEqual(
                set(Appeal.search([
                            ('id', 'in', [a.id for a in values]),
                            ('overdue', '=', True)])), expected)
            self.assertEqual(
                set(Appeal.search([
                            ('id', 'in', [a.id for a in values]),
                            ('overdue', '=', False)])),
                set(values) - expected)
