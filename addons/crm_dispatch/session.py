"""Sessions of the back office checked once every few seconds.

Each JSON-RPC request of the web client checks its session: trytond
searches the user's sessions through the ORM and deletes his expired ones,
4–5 ms of a request whose own work may take less (opening a list sends two
or three requests at once).  A session found valid is taken as valid for
CHECK_SECONDS more in this process.  Deleting any session (signing out, a
password changed, expiry) forgets every answer kept in this process at
once; the other processes of the server forget theirs at their next
transaction when PostgreSQL notifies them, else within CHECK_SECONDS: the
longest a signed-out session may still be accepted elsewhere."""
import hashlib

from trytond.cache import Cache
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

CHECK_SECONDS = 5


class Session(metaclass=PoolMeta):
    __name__ = 'ir.session'
    _crm_valid = Cache(
        'ir_session.crm_valid', duration=CHECK_SECONDS, context=False)

    @classmethod
    def check(cls, user, key, domain=None):
        if domain:
            return super().check(user, key, domain=domain)
        ip_address, _ = Transaction().remote_address()
        # The key itself is not kept in memory
        cache_key = (user, hashlib.sha256(key.encode()).hexdigest(),
            str(ip_address) if ip_address else None)
        if cls._crm_valid.get(cache_key):
            return True
        valid = super().check(user, key)
        if valid:
            cls._crm_valid.set(cache_key, True)
        return valid

    @classmethod
    def on_modification(cls, mode, sessions, field_names=None):
        super().on_modification(mode, sessions, field_names=field_names)
        # Not on every check: trytond's check deletes the user's expired
        # sessions, most often none
        if mode == 'delete' and sessions:
            cls._crm_valid.clear()
