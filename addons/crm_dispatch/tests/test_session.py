"A back-office session is checked against the database once in a while."
import datetime as dt
import time

from trytond.modules.company.tests import create_company
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
        duration = Session._crm_valid.duration
        self.assertEqual(duration, dt.timedelta(seconds=5))
        Session._crm_valid.duration = dt.timedelta(milliseconds=1)
        try:
            self.assertTrue(Session.check(user.id, key))
            self._delete_by_sql(session_id)
            time.sleep(0.01)
            self.assertFalse(Session.check(user.id, key))
        finally:
            Session._crm_valid.duration = duration
