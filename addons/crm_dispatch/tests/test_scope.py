"""Applicants belong to the organisations they are linked to: created
there, an account there, an appeal there.  Checked in process with access
rights and record rules on, as an RPC call would run."""
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_dispatch.tests.tools import (
    CYRILLIC, acting_as, create_staff, load_russian)
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction


class CrmDispatchScopeTestCase(_DBTestCase):
    "Applicants, their contacts and the review list per organisation"
    module = 'crm_dispatch'
    language = 'ru'

    def _setup(self):
        pool = Pool()
        Source = pool.get('crm.appeal.source')
        User = pool.get('res.user')
        ru = load_russian()
        north = create_company(name='УК Север')
        south = create_company(name='УК Юг')
        phone, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        staff = {}
        for login, company in [('north1', north), ('south1', south)]:
            staff[login] = create_staff(login, company)
        User.write(list(staff.values()), {'language': ru.id})
        return {'north': north, 'south': south, 'phone': phone, **staff}

    def _applicant(self, user, name, phone):
        Party = Pool().get('party.party')
        with acting_as(user):
            party, = Party.create([{'name': name,
                        'contact_mechanisms': [('create', [
                                    {'type': 'mobile', 'value': phone}])]}])
        return Party(party.id)

    def _companies(self, party):
        Party = Pool().get('party.party')
        return {c.rec_name for c in Party(party.id).crm_companies}

    @with_transaction()
    def test_created_there(self):
        "An applicant created by an organisation's user is its own only"
        pool = Pool()
        Party = pool.get('party.party')
        Mechanism = pool.get('party.contact_mechanism')
        s = self._setup()
        party = self._applicant(s['north1'], 'Иванов Иван', '+79120000001')
        self.assertEqual(self._companies(party), {'УК Север'})

        with acting_as(s['north1']):
            self.assertEqual(Party.search([('id', '=', party.id)]), [party])
            Party.write([Party(party.id)], {'name': 'Иванов Иван Иванович'})
        with acting_as(s['south1']):
            self.assertEqual(Party.search([('id', '=', party.id)]), [])
            self.assertEqual(Mechanism.search(
                    [('party', '=', party.id)]), [])
            with self.assertRaises(AccessError) as cm:
                Party.read([party.id], ['name'])
            self.assertRegex(cm.exception.message, CYRILLIC)
            self.assertIn('Заявители организаций пользователя',
                cm.exception.message)
            with self.assertRaises(AccessError):
                Party.write([Party(party.id)], {'name': 'Чужой'})
            with self.assertRaises(AccessError):
                Mechanism.write(list(party.contact_mechanisms),
                    {'value': '+79120000002'})
            with self.assertRaises(AccessError):
                Party.delete([Party(party.id)])
        party = Party(party.id)
        self.assertEqual(party.name, 'Иванов Иван Иванович')
        self.assertEqual([m.value for m in party.contact_mechanisms],
            ['+7 912 000-00-01'])
        # Refused too; the RPC call's transaction is then rolled back
        # (tests/test_access_matrix.py checks that nothing is left)
        with acting_as(s['south1']):
            with self.assertRaises(AccessError):
                Mechanism.create([{'party': party.id, 'type': 'email',
                            'value': 'chuzhoy@example.ru'}])

    @with_transaction()
    def test_appeal_there_links(self):
        """An appeal of the other organisation makes the resident its
        applicant too: both see him"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Party = pool.get('party.party')
        s = self._setup()
        party = self._applicant(s['north1'], 'Петрова Анна', '+79120000003')
        with set_company(s['south']):
            Appeal.create([{'source': s['phone'].id,
                        'applicant': party.id, 'description': 'Протечка'}])
        self.assertEqual(self._companies(party), {'УК Север', 'УК Юг'})
        for login in ['north1', 'south1']:
            with acting_as(s[login]):
                self.assertEqual(
                    Party.read([party.id], ['name'])[0]['name'],
                    'Петрова Анна')

    @with_transaction()
    def test_account_there_links(self):
        "Linking an account of an organisation links its applicants"
        pool = Pool()
        Account = pool.get('crm.account')
        s = self._setup()
        party = self._applicant(s['north1'], 'Сидоров Пётр', '+79120000004')
        holder = self._applicant(s['north1'], 'Сидорова Мария',
            '+79120000005')
        with set_company(s['south']):
            account, = Account.create([{'number': '700001',
                        'company': s['south'].id}])
        Account.write([account], {'parties': [('add', [party.id])]})
        self.assertEqual(self._companies(party), {'УК Север', 'УК Юг'})
        self.assertEqual(self._companies(holder), {'УК Север'})
        Account.write([account], {'holder': holder.id})
        self.assertEqual(self._companies(holder), {'УК Север', 'УК Юг'})

    @with_transaction()
    def test_existing_links_filled_once(self):
        """A database made before the links gets them from its appeals and
        accounts when the module is updated"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Account = pool.get('crm.account')
        PartyCompany = pool.get('crm.party-company.company')
        s = self._setup()
        by_appeal = self._applicant(s['north1'], 'Орлов Олег',
            '+79120000006')
        by_account = self._applicant(s['north1'], 'Орлова Ольга',
            '+79120000007')
        with set_company(s['south']):
            Appeal.create([{'source': s['phone'].id,
                        'applicant': by_appeal.id}])
            Account.create([{'number': '700002', 'company': s['south'].id,
                        'parties': [('add', [by_account.id])]}])
        table = PartyCompany.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete())
        PartyCompany._link_existing()
        self.assertEqual(self._companies(by_appeal), {'УК Юг'})
        self.assertEqual(self._companies(by_account), {'УК Юг'})

    @with_transaction()
    def test_public_contact_follows_sharers(self):
        """A contact shared by applicants of one organisation is on its
        review list only"""
        pool = Pool()
        Public = pool.get('crm.contact.public')
        Configuration = pool.get('crm.configuration')
        s = self._setup()
        Configuration.write([Configuration(1)],
            {'public_contact_threshold': 2})
        for i in range(3):
            self._applicant(s['south1'], f'Жилец {i}', '+78172000000')
        review, = Public.search([('value', '=', '+78172000000')])
        self.assertEqual(
            [c.rec_name for c in review.crm_companies], ['УК Юг'])
        with acting_as(s['south1']):
            self.assertEqual(Public.search([]), [review])
        with acting_as(s['north1']):
            self.assertEqual(Public.search([]), [])
            with self.assertRaises(AccessError):
                Public.read([review.id], ['value'])
