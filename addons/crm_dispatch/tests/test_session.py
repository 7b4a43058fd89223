"A back-office session is checked against the database once in a while."
import time
from unittest.mock import patch

import trytond.security as security
from trytond import config
from trytond.modules.company.tests import create_company
from trytond.modules.crm_dispatch import session as kept
from trytond.modules.crm_dispatch.tests.tools import create_staff
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction


class CrmDispatchSessionTestCase(_DBTestCase):
    "Kept valid for a few seconds, forgotten when a session is deleted"
    module = 'crm_dispatch'
    language = 'ru'

    def _session(self, user):
        Session = Pool().get('ir.session')
        with Transaction().set_user(user.id):
            session, = Session.create([{}])
        return session.id, session.key

    def _delete_by_sql(self, session_id):
        "Gone from the table without the ORM: no cache is told"
        Session = Pool().get('ir.session')
        table = Session.__table__()
        Transaction().connection.cursor().execute(
            *table.delete(where=table.id == session_id))

    @with_transaction()
    def test_valid_session_kept(self):
        "Checked once, a session is valid without a query for a while"
        Session = Pool().get('ir.session')
        user = create_staff('operator1', create_company())
        session_id, key = self._session(user)
        self.assertTrue(Session.check(user.id, key))
        self._delete_by_sql(session_id)
        self.assertTrue(Session.check(user.id, key))
        # The next request's transaction too (the check deleted no expired
        # session, and so forgot nothing)
        with Transaction().new_transaction():
            self.assertTrue(Pool().get('ir.session').check(user.id, key))
        # Another user, or another key, is not taken for it
        self.assertFalse(Session.check(user.id + 1, key))
        self.assertFalse(Session.check(user.id, key + 'x'))

    @with_transaction()
    def test_deleted_session_refused_at_once(self):
        "Signing out (the session deleted) ends it in this process at once"
        Session = Pool().get('ir.session')
        user = create_staff('operator1', create_company())
        session_id, key = self._session(user)
        self.assertTrue(Session.check(user.id, key))
        Session.delete([Session(session_id)])
        self.assertFalse(Session.check(user.id, key))

    @with_transaction()
    def test_kept_only_a_few_seconds(self):
        "Past the time kept, the table decides again"
        Session = Pool().get('ir.session')
        user = create_staff('operator1', create_company())
        session_id, key = self._session(user)
        self.assertEqual(kept.CHECK_SECONDS, 5)
        with patch.object(kept, 'CHECK_SECONDS', 0.001):
            self.assertTrue(Session.check(user.id, key))
            self._delete_by_sql(session_id)
            time.sleep(0.01)
            self.assertFalse(Session.check(user.id, key))

    @with_transaction()
    def test_request_checked_without_transaction(self):
        """A request whose session was found valid a moment ago is let in
        without a transaction; another session, user or address is not"""
        Session = Pool().get('ir.session')
        user = create_staff('operator1', create_company())
        database = Transaction().database.name
        request = {'_request': {'remote_addr': '10.0.0.7'}}
        with Transaction().set_context(**request):
            _, key = self._session(user)
            self.assertTrue(Session.check(user.id, key))

        def no_transaction(*args, **kwargs):
            raise AssertionError("a transaction was started")
        with patch.object(Transaction, 'start', no_transaction):
            self.assertEqual(
                security.check(database, user.id, key, context=request),
                user.id)
            for other in [
                    (user.id + 1, key, request),
                    (user.id, key + 'x', request),
                    (user.id, key, {'_request': {'remote_addr': '10.0.0.8'}}),
                    ]:
                with self.subTest(other=other[0::2]), \
                        self.assertRaises(AssertionError):
                    security.check(database, *other[:2], context=other[2])
        # Signing out anywhere in this process ends it at once
        Session.delete(Session.search([('key', '=', key)]))
        with patch.object(Transaction, 'start', no_transaction), \
                self.assertRaises(AssertionError):
            security.check(database, user.id, key, context=request)

    def test_reset_noted_once_in_a_while(self):
        """The session's use is noted by trytond's reset once per tenth of
        its timeout from this process, not after every call"""
        calls = []

        def reset(database, key, context):
            calls.append(key)
        kept.reset_noted.clear()
        timeout = config.getint('session', 'timeout')
        self.assertEqual(kept._reset_seconds(), timeout / 10)
        for _ in range(3):
            kept.reset(reset, 'crm', 'key1', {})
        kept.reset(reset, 'crm', 'key2', {})
        self.assertEqual(calls, ['key1', 'key2'])
        with patch.object(kept, '_reset_seconds', lambda: 0):
            kept.reset(reset, 'crm', 'key1', {})
        self.assertEqual(calls, ['key1', 'key2', 'key1'])
        kept.reset_noted.clear()
        kept.reset(reset, 'crm', 'key2', {})
        self.assertEqual(calls, ['key1', 'key2', 'key1', 'key2'])
