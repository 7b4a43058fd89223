"""Search as Russians type: every ilike of the product folds Cyrillic case
and reads ё as е, on SQLite as on PostgreSQL (folding.py)."""
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction


class CrmDispatchSearchFoldingTestCase(_DBTestCase):
    "Case and ё/е in the searches of applicants, reasons, addresses, appeals"
    module = 'crm_dispatch'
    language = 'ru'

    def _ids(self, Model, domain):
        return {r.id for r in Model.search(domain)}

    @with_transaction()
    def test_database_folds_case_and_yo(self):
        "The database's own ilike: Cyrillic case and ё/е both ways"
        Party = Pool().get('party.party')
        semenov, semyonov, other = Party.create([
                {'name': 'Семенов Иван'},
                {'name': 'Семёнов Пётр'},
                {'name': 'Новикова Елена'},
                ])
        # crm_search_name (normalised) is left out on purpose: this is
        # Tryton's own search of the name column
        for typed, expected in [
                ('семенов', {semenov, semyonov}),
                ('сЕмЁнов', {semenov, semyonov}),
                ('СЕМЁНОВ', {semenov, semyonov}),
                ('пётр', {semyonov}),
                ('ПЕТР', {semyonov}),
                ('новикова', {other}),
                ('НОВИКОВА', {other}),
                ]:
            with self.subTest(typed=typed):
                self.assertEqual(
                    self._ids(Party, [('name', 'ilike', f'%{typed}%')]),
                    {p.id for p in expected})
        # like stays as the database has it: no ё folding
        self.assertEqual(
            self._ids(Party, [('name', 'like', '%Семенов%')]), {semenov.id})
        # and what is shown keeps its ё
        self.assertEqual(semyonov.rec_name, 'Семёнов Пётр')

    @with_transaction()
    def test_database_upper_is_unicode(self):
        "UPPER and LOWER of SQL know the Russian alphabet on every database"
        cursor = Transaction().connection.cursor()
        cursor.execute("SELECT UPPER('новикова ёлка'), LOWER('НОВИКОВА')")
        self.assertEqual(cursor.fetchone(), ('НОВИКОВА ЁЛКА', 'новикова'))

    @with_transaction()
    def test_applicants(self):
        "The applicant picker and search box (rec_name)"
        Party = Pool().get('party.party')
        company = create_company()
        with set_company(company):
            semenov, semyonov = Party.create([
                    {'name': 'Семенов Иван'},
                    {'name': 'Семёнов Пётр'},
                    ])
            for typed in ['семенов', 'сЕмЁнов', 'Семёнов']:
                with self.subTest(typed=typed):
                    self.assertEqual(
                        self._ids(Party, [
                                ('id', 'in', [semenov.id, semyonov.id]),
                                ('rec_name', 'ilike', f'%{typed}%')]),
                        {semenov.id, semyonov.id})

    @with_transaction()
    def test_reasons(self):
        "Reasons and reason groups by name"
        pool = Pool()
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        group, = Group.create([{'name': 'Ремонт и аварии'}])
        show, counter = Reason.create([
                {'group': group.id, 'name': 'Показания счётчика'},
                {'group': group.id, 'name': 'Замена счетчика'},
                ])
        for typed, expected in [
                ('показ', {show}),
                ('ПОКАЗ', {show}),
                ('Показ', {show}),
                ('счетчик', {show, counter}),
                ('СЧЁТЧИК', {show, counter}),
                ]:
            with self.subTest(typed=typed):
                self.assertEqual(
                    self._ids(Reason, [('rec_name', 'ilike', f'%{typed}%')]),
                    {r.id for r in expected})
        self.assertEqual(
            self._ids(Group, [('rec_name', 'ilike', '%аварии%')]), {group.id})

    @with_transaction()
    def test_addresses(self):
        "Buildings and premises by street, ё or not, any case"
        pool = Pool()
        Building = pool.get('crm.building')
        Premise = pool.get('crm.premise')
        company = create_company()
        with set_company(company):
            kozl, lenin = Building.create([
                    {'city': 'Вологда', 'street': 'ул. Козлёнская',
                        'house': '5'},
                    {'city': 'Вологда', 'street': 'ул. Ленина',
                        'house': '7'},
                    ])
            flat, = Premise.create([{'building': kozl.id, 'number': '12'}])
            for typed in ['козленская', 'КОЗЛЁНСКАЯ', 'Козлёнская']:
                with self.subTest(typed=typed):
                    self.assertEqual(
                        self._ids(Building,
                            [('rec_name', 'ilike', f'%{typed}%')]),
                        {kozl.id})
                    self.assertEqual(
                        self._ids(Premise,
                            [('rec_name', 'ilike', f'%{typed}%')]),
                        {flat.id})
            self.assertEqual(
                self._ids(Building, [('street', 'ilike', '%ЛЕНИНА%')]),
                {lenin.id})

    @with_transaction()
    def test_appeals_by_applicant_name(self):
        "The appeals' search box and the applicant column"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Party = pool.get('party.party')
        Source = pool.get('crm.appeal.source')
        company = create_company()
        with set_company(company):
            source, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
            semenov, semyonov, novikova = Party.create([
                    {'name': 'Семенов Иван'},
                    {'name': 'Семёнов Пётр'},
                    {'name': 'Новикова Елена'},
                    ])
            a1, a2, a3 = Appeal.create([
                    {'source': source.id, 'applicant': p.id}
                    for p in [semenov, semyonov, novikova]])
            for typed, expected in [
                    ('семенов', {a1, a2}),
                    ('сЕмЁнов', {a1, a2}),
                    ('новикова', {a3}),
                    ('НОВИКОВА', {a3}),
                    ]:
                with self.subTest(typed=typed):
                    self.assertEqual(
                        self._ids(Appeal,
                            [('rec_name', 'ilike', f'%{typed}%')]),
                        {a.id for a in expected})
                    self.assertEqual(
                        self._ids(Appeal,
                            [('applicant_name', 'ilike', f'%{typed}%')]),
                        {a.id for a in expected})
