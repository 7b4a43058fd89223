"""Sessions of the back office checked once every few seconds.

Each JSON-RPC request of the web client checks its session: trytond opens a
transaction, searches the user's sessions through the ORM and deletes his
expired ones, 4–5 ms of a request whose own work may take less (opening a
list sends two or three requests at once).  A session found valid is taken
as valid for CHECK_SECONDS more by this process, without a transaction.
Deleting any session (signing out, a password changed, expiry) forgets every
answer kept in this process at once; the other processes of the server
forget theirs within CHECK_SECONDS: the longest a signed-out session may
still be accepted elsewhere.

After each call trytond also opens a transaction to note that the session
is in use (``security.reset``), which writes only once in a tenth of the
session's timeout: in between, this process does not open it."""
import hashlib
import threading
import time

import trytond.security as security
from trytond import config
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

CHECK_SECONDS = 5
# Kept answers beyond which the expired ones are dropped
KEPT_MAX = 10000


class Answers:
    "When this process last learned something of a session, by its key"

    def __init__(self):
        self._times = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(database, user, key, remote_addr):
        # The key itself is not kept in memory
        return (database, user, hashlib.sha256(key.encode()).hexdigest(),
            remote_addr)

    def within(self, key, seconds):
        noted = self._times.get(key)
        return noted is not None and time.monotonic() - noted < seconds

    def note(self, key, seconds):
        now = time.monotonic()
        with self._lock:
            if len(self._times) >= KEPT_MAX:
                self._times = {k: t for k, t in self._times.items()
                    if now - t < seconds}
            self._times[key] = now

    def clear(self):
        with self._lock:
            self._times = {}


valid = Answers()
reset_noted = Answers()


def _remote_addr(context):
    return ((context or {}).get('_request') or {}).get('remote_addr')


def _reset_seconds():
    # trytond's Session.reset writes once per tenth of the timeout
    return config.getint('session', 'timeout') / 10


def check(check, database, user, key, context=None):
    if valid.within(
            Answers.key(database, user, key, _remote_addr(context)),
            CHECK_SECONDS):
        return user
    return check(database, user, key, context=context)


def reset(reset, database, key, context):
    noted = Answers.key(database, None, key, None)
    if reset_noted.within(noted, _reset_seconds()):
        return
    result = reset(database, key, context)
    reset_noted.note(noted, _reset_seconds())
    return result


def patch_security():
    if getattr(security.check, 'crm_kept', False):
        return
    check_, reset_ = security.check, security.reset

    def kept_check(database, user, key, context=None):
        return check(check_, database, user, key, context=context)

    def kept_reset(database, key, context):
        return reset(reset_, database, key, context)
    kept_check.crm_kept = True
    security.check = kept_check
    security.reset = kept_reset


class Session(metaclass=PoolMeta):
    __name__ = 'ir.session'

    @classmethod
    def check(cls, user, key, domain=None):
        if domain:
            return super().check(user, key, domain=domain)
        transaction = Transaction()
        noted = Answers.key(transaction.database.name, user, key,
            _remote_addr(transaction.context))
        if valid.within(noted, CHECK_SECONDS):
            return True
        found = super().check(user, key)
        if found:
            valid.note(noted, CHECK_SECONDS)
        return found

    @classmethod
    def on_modification(cls, mode, sessions, field_names=None):
        super().on_modification(mode, sessions, field_names=field_names)
        # Not on every check: trytond's check deletes the user's expired
        # sessions, most often none
        if mode == 'delete' and sessions:
            valid.clear()
            reset_noted.clear()
