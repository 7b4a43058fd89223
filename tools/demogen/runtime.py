"""What the generator needs from trytond around the data: the pool, the
transaction (restarted on lock requests), acting as a user of an
organisation, mail that is never sent, a progress bar and chunks."""
import contextlib
import sys


def init_pool(database, config_file=None):
    "Load trytond's configuration and the pool of database (once)"
    from trytond import config
    if config_file:
        config.update_etc(config_file)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if database not in Pool.database_list():
        pool = Pool(database)
        with Transaction().start(database, 0, readonly=True):
            pool.init()
    return Pool(database)


def in_transaction(database, user, func, context=None, readonly=False,
        lock_tables=None):
    """Run func() in a transaction and commit, restarted with the table or
    record locks Tryton asks for (as trytond's own dispatcher does)."""
    from trytond.transaction import Transaction, TransactionError
    extras = {'_lock_tables': list(lock_tables)} if lock_tables else {}
    while True:
        with Transaction().start(database, user, readonly=readonly,
                context=context, **extras) as transaction:
            try:
                result = func()
            except TransactionError as exc:
                transaction.rollback()
                exc.fix(extras)
                continue
            if not readonly:
                transaction.commit()
            return result


@contextlib.contextmanager
def as_user(user_id, company_id):
    """Work for the organisation company_id, as user_id (0 or None: as the
    current user)"""
    from trytond.transaction import Transaction
    with contextlib.ExitStack() as stack:
        if user_id:
            stack.enter_context(Transaction().set_user(user_id))
        stack.enter_context(Transaction().set_context(
                company=company_id, companies=[company_id]))
        yield


def join_discarded_mail():
    "Join the transaction first so that the mail it sends is never sent"
    from trytond.sendmail import SMTPDataManager
    from trytond.transaction import Transaction

    class DiscardedMail(SMTPDataManager):
        "Joined first so that demo close notifications are never sent"

        def tpc_vote(self, trans):
            pass

        def tpc_finish(self, trans):
            self._finish()
    Transaction().join(DiscardedMail())


def chunks(items, size):
    "Consecutive slices of items of at most size elements"
    for i in range(0, len(items), size):
        yield items[i:i + size]


class Progress:
    "tqdm when asked for and available, else silent"

    def __init__(self, enabled, total):
        self.bar = None
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                tqdm = None
            if tqdm:
                self.bar = tqdm(
                    total=total, unit='step', dynamic_ncols=True,
                    desc="Демо-данные", file=sys.stderr)

    def step(self, what, n=1):
        if self.bar:
            self.bar.set_postfix_str(what, refresh=False)
            self.bar.update(n)

    def close(self):
        if self.bar:
            if self.bar.n < self.bar.total:  # estimated total
                self.bar.total = self.bar.n
                self.bar.refresh()
            self.bar.close()
