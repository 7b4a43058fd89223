"Applicants: contacts shared by many, history of contacts."
from sql import Column

from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction


class CrmDispatchPartyTestCase(_DBTestCase):
    "Applicants and their contacts"
    # _DBTestCase: the module's database without the generic checks that
    # test_module.py runs once
    module = 'crm_dispatch'
    language = 'ru'

    def _share(self, value, count, start=0, type_='phone'):
        "Create count applicants with the contact value; return them"
        Party = Pool().get('party.party')
        return Party.create([{
                    'name': f'Жилец {i}',
                    'contact_mechanisms': [('create', [{
                                    'type': type_, 'value': value}])],
                    } for i in range(start, start + count)])

    def _reviews(self, value):
        PublicContact = Pool().get('crm.contact.public')
        return PublicContact.search([('value', '=', value)])

    @with_transaction()
    def test_public_contact_threshold_boundary(self):
        "Exactly as many sharers as the threshold is not yet public"
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        self.assertEqual(Configuration(1).public_contact_threshold, 5)

        self._share('+7 (8172) 72-00-00', 5)
        self.assertEqual(self._reviews('+78172720000'), [])
        self._share('8 8172 72-00-00', 1, start=5)
        review, = self._reviews('+78172720000')
        self.assertEqual(
            (review.type, review.status, review.party_count),
            ('phone', 'unconfirmed', 6))
        # The reviewer reads the phone as people write it
        self.assertEqual(review.rec_name, '+7 817 272-00-00')

        # E-mails count the same way, case and spaces aside
        self._share('dispatch@example.ru', 5, type_='email')
        self.assertEqual(self._reviews('dispatch@example.ru'), [])
        self._share(' Dispatch@Example.ru', 1, start=5, type_='email')
        review, = self._reviews('dispatch@example.ru')
        self.assertEqual(review.rec_name, 'dispatch@example.ru')

    @with_transaction()
    def test_public_contact_threshold_setting(self):
        "The threshold is the one of the settings"
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Configuration.write([Configuration(1)], {
                'public_contact_threshold': 2})

        self._share('+7 902 111-22-33', 2)
        self.assertEqual(self._reviews('+79021112233'), [])
        self._share('+7 902 111-22-33', 1, start=2)
        self.assertEqual(len(self._reviews('+79021112233')), 1)

        # Raised again, a contact of three applicants is not listed
        Configuration.write([Configuration(1)], {
                'public_contact_threshold': 3})
        self._share('+7 902 444-55-66', 3)
        self.assertEqual(self._reviews('+79024445566'), [])

    @with_transaction()
    def test_contact_mechanism_history(self):
        "An edited contact keeps its old value in history"
        pool = Pool()
        Mechanism = pool.get('party.contact_mechanism')
        party, = self._share('+7 902 007-79-98', 1)
        mechanism, = party.contact_mechanisms
        Mechanism.write([mechanism], {'value': '+7 902 007-00-01'})

        # One transaction shares one timestamp on PostgreSQL, so the
        # revisions are told apart by the order of the history rows
        self.assertEqual(self._history_values(mechanism),
            ['+7 902 007-79-98', '+7 902 007-00-01'])
        revisions = Mechanism.history_revisions([mechanism.id])
        self.assertTrue(revisions)

        # The deletion is a revision of its own (a row without values)
        Mechanism.delete([mechanism])
        self.assertEqual(self._history_values(mechanism),
            ['+7 902 007-79-98', '+7 902 007-00-01', None])

    def _history_values(self, mechanism):
        "Values the history holds for the contact, repeats collapsed"
        Mechanism = Pool().get('party.contact_mechanism')
        history = Mechanism.__table_history__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*history.select(
                history.value,
                where=history.id == mechanism.id,
                order_by=Column(history, '__id').asc))
        values = []
        for value, in cursor:
            if not values or values[-1] != value:
                values.append(value)
        return values


del _DBTestCase
