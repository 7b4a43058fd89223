"One owner: lock rows in the writing transaction before a state change."
from sql import For

from trytond import backend
from trytond.tools import grouped_slice
from trytond.transaction import Transaction


def lock_rows(Model, records, columns):
    """Lock the rows of records for the rest of the transaction and return
    their committed values of columns (names) by id; what was read of them
    before is dropped from the caches"""
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    table = Model.__table__()
    ids = sorted({r.id for r in records if r.id is not None and r.id >= 0})
    selected = [table.id] + [getattr(table, c) for c in columns]
    rows = {}
    for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
        where = table.id.in_(list(sub_ids))
        if backend.name == 'sqlite':
            # SQLite takes its write lock with the first write of the
            # transaction (BEGIN IMMEDIATE): write first so that the
            # state read next can no longer change under us
            cursor.execute(*table.update(
                    [table.state], [table.state], where=where))
            query = table.select(*selected, where=where)
        else:
            # Wait for the holder rather than fail (Tryton's lock() is
            # NOWAIT): once he commits, REPEATABLE READ makes this
            # transaction retry and the state read is his
            query = table.select(*selected, where=where,
                order_by=[table.id.asc], for_=For('UPDATE'))
        cursor.execute(*query)
        rows.update((r[0], r[1:]) for r in cursor)
    # What was read of them before the lock may be stale
    transaction.counter += 1
    for cache in transaction.cache.values():
        if Model.__name__ in cache:
            for id_ in ids:
                cache[Model.__name__].pop(id_, None)
    return rows
