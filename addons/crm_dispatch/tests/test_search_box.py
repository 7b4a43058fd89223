"""One search box: appeals and applicants by number, name, phone in any
format, e-mail, account number and address (appeal_search.py, search.py)."""
from unittest.mock import patch

from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction

from .. import search as search_module
from ..search import search_address

NOVIKOVA_PHONES = ['9020442329', '89020442329', '+7 902 044-23-29',
    '044-23-29']


class CrmDispatchSearchBoxTestCase(_DBTestCase):
    "The search boxes of appeals and applicants"
    module = 'crm_dispatch'
    language = 'ru'

    def _desk(self):
        """Two applicants at two addresses with accounts, and their
        appeals; one appeal of Новикова has none of her contacts typed"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Party = pool.get('party.party')
        Source = pool.get('crm.appeal.source')
        Building = pool.get('crm.building')
        Premise = pool.get('crm.premise')
        Account = pool.get('crm.account')
        source, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        novikova, semyonov = Party.create([
                {'name': 'Новикова Светлана Фёдоровна',
                    'contact_mechanisms': [('create', [
                                {'type': 'mobile',
                                    'value': '+7 902 044-23-29'},
                                {'type': 'email',
                                    'value': 'Novikova.S@example.ru'},
                                ])]},
                {'name': 'Семёнов Пётр',
                    'contact_mechanisms': [('create', [
                                {'type': 'mobile',
                                    'value': '+7 911 000-00-01'},
                                ])]},
                ])
        kozl, lenin = Building.create([
                {'city': 'Вологда', 'street': 'ул. Козлёнская',
                    'house': '5'},
                {'city': 'Вологда', 'street': 'ул. Ленина', 'house': '15'},
                ])
        flat12, flat3 = Premise.create([
                {'building': kozl.id, 'number': '12'},
                {'building': lenin.id, 'number': '3'},
                ])
        acc_n, acc_s = Account.create([
                {'number': '3500010007', 'premise': flat12.id,
                    'parties': [('add', [novikova.id])]},
                {'number': '3500010014', 'premise': flat3.id,
                    'holder': semyonov.id},
                ])
        n1, n2, s1 = Appeal.create([
                {'source': source.id, 'applicant': novikova.id,
                    'contact_phone': '+7 902 044-23-29',
                    'contact_email': 'novikova.s@example.ru',
                    'accounts': [('add', [acc_n.id])],
                    'building': kozl.id, 'premise': flat12.id},
                {'source': source.id, 'applicant': novikova.id},
                # called from another phone, wrote from an e-mail of his
                {'source': source.id, 'applicant': semyonov.id,
                    'contact_phone': '+7 912 345-67-89',
                    'contact_email': 'petr@mail.example',
                    'accounts': [('add', [acc_s.id])],
                    'building': lenin.id, 'premise': flat3.id},
                ])
        return novikova, semyonov, n1, n2, s1

    def _find(self, model, text):
        Model = Pool().get(model)
        return set(Model.search([('rec_name', 'ilike', f'%{text}%')]))

    def test_address_reading(self):
        "What is typed reads as street words, house, block and premise"
        for typed, street, house, block, premise in [
                ('Ленина 5', ['ленина'], '5', None, None),
                ('ул. Ленина, д. 5, кв. 12', ['ленина'], '5', None, '12'),
                ('Ленина 5-12', ['ленина'], '5', None, '12'),
                ('Козлёнская 5а корп 2 кв 7', ['козленская'], '5а', '2', '7'),
                ('пр-т Победы 10/1', ['победы'], '10/1', None, None),
                ('Карла Маркса', ['карла', 'маркса'], None, None, None),
                ]:
            with self.subTest(typed=typed):
                self.assertEqual(search_address(typed), {
                        'street': street, 'house': house, 'block': block,
                        'premise': premise})
        for typed in ['12', '044-23-29', 'д. 5 кв. 3', '']:
            with self.subTest(typed=typed):
                self.assertIsNone(search_address(typed))

    def _check_appeals(self):
        novikova, semyonov, n1, n2, s1 = self._desk()
        for typed, expected in [
                (n1.number, {n1}),
                ('новикова', {n1, n2}),
                ('НОВИКОВА светлана', {n1, n2}),
                ('семенов', {s1}),
                ('сЕмЁнов', {s1}),
                # the appeal's phone, and the applicant's for n2
                *[(p, {n1, n2}) for p in NOVIKOVA_PHONES],
                ('8 912 345 67 89', {s1}),
                ('89110000001', {s1}),
                ('novikova.s@example.ru', {n1, n2}),
                ('PETR@mail', {s1}),
                ('NOVIKOVA.S@', {n1, n2}),
                ('3500010007', {n1}),
                ('10014', {s1}),
                ('Козленская 5', {n1}),
                ('ул. Козлёнская, д. 5, кв. 12', {n1}),
                ('ленина 15 3', {s1}),
                ('Ленина', {s1}),
                ('Ленина 5', set()),
                ('Козлёнская 5 кв 3', set()),
                ('Иванов', set()),
                ('555-55-55', set()),
                ('nobody@example.ru', set()),
                ]:
            with self.subTest(typed=typed):
                self.assertEqual(self._find('crm.appeal', typed), expected)

    @with_transaction()
    def test_appeals_few(self):
        "Appeals by each criterion, each resolved to a few ids"
        with set_company(create_company()):
            self._check_appeals()

    @with_transaction()
    def test_appeals_many(self):
        """The same appeals when every criterion matches more than the ids
        looked up one by one (its sub-query ORed instead)"""
        with set_company(create_company()), patch.object(
                search_module, 'IDS_MAX', 0):
            self._check_appeals()

    @with_transaction()
    def test_applicants(self):
        "Applicants by name, phone, e-mail, account number and address"
        with set_company(create_company()):
            novikova, semyonov, *_ = self._desk()
            for typed, expected in [
                    ('новикова', {novikova}),
                    ('светлана федоровна', {novikova}),
                    ('СЕМЕНОВ', {semyonov}),
                    *[(p, {novikova}) for p in NOVIKOVA_PHONES],
                    ('89110000001', {semyonov}),
                    ('89123456789', set()),
                    ('novikova.s@example', {novikova}),
                    ('3500010007', {novikova}),
                    # the holder of the account
                    ('3500010014', {semyonov}),
                    ('Козлёнская 5 кв. 12', {novikova}),
                    ('Ленина 15', {semyonov}),
                    ('Ленина 5', set()),
                    ]:
                with self.subTest(typed=typed):
                    self.assertEqual(
                        self._find('party.party', typed) & {
                            novikova, semyonov},
                        expected)

    @with_transaction()
    def test_address_pickers(self):
        """Buildings, premises and accounts (the appeal form's pickers) by
        the address typed as in the appeals' box: only what it names"""
        pool = Pool()
        Building = pool.get('crm.building')
        Premise = pool.get('crm.premise')
        Account = pool.get('crm.account')
        with set_company(create_company()):
            self._desk()
            kozl, = Building.search([('street', '=', 'ул. Козлёнская')])
            lenin, = Building.search([('street', '=', 'ул. Ленина')])
            flat12, = Premise.search([('building', '=', kozl.id)])
            flat3, = Premise.search([('building', '=', lenin.id)])
            acc_n, = Account.search([('premise', '=', flat12.id)])
            acc_s, = Account.search([('premise', '=', flat3.id)])
            for model, typed, expected in [
                    ('crm.building', 'Козленская 5', {kozl}),
                    ('crm.building', 'ул. Козлёнская, д. 5', {kozl}),
                    ('crm.building', lenin.rec_name, {lenin}),
                    ('crm.building', 'ЛЕНИНА д15', {lenin}),
                    ('crm.building', 'Ленина 15 кв 3', {lenin}),
                    ('crm.building', 'Вологда', {kozl, lenin}),
                    ('crm.building', '15', {lenin}),
                    ('crm.building', 'Ленина 5', set()),
                    ('crm.building', 'Козлёнская 15', set()),
                    ('crm.premise', 'Козлёнская 5 кв 12', {flat12}),
                    ('crm.premise', 'козленская 5-12', {flat12}),
                    ('crm.premise', flat3.rec_name, {flat3}),
                    ('crm.premise', 'Ленина 15', {flat3}),
                    ('crm.premise', '12', {flat12}),
                    ('crm.premise', 'Ленина 15 кв 12', set()),
                    ('crm.premise', 'Козлёнская 5 кв 3', set()),
                    ('crm.account', 'Козлёнская 5 кв. 12', {acc_n}),
                    ('crm.account', 'ленина 15-3', {acc_s}),
                    ('crm.account', 'Ленина 15 кв 12', set()),
                    ]:
                with self.subTest(model=model, typed=typed):
                    self.assertEqual(self._find(model, typed), expected)
