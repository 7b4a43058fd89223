"Counting attempts at signing in and resetting passwords."
import datetime as dt

from sql.aggregate import Count

from trytond.model import Index, ModelSQL, fields
from trytond.transaction import Transaction

WINDOW = dt.timedelta(minutes=1)
LIMIT = 5


class Attempt(ModelSQL):
    "Portal Attempt"
    __name__ = 'crm.portal.attempt'

    kind = fields.Char("Kind", required=True)
    key = fields.Char("Key", required=True,
        help="The login or the network address that tried.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.kind, Index.Equality()), (t.key, Index.Equality()),
                (t.create_date, Index.Range())))

    @classmethod
    def blocked(cls, kind, keys, limit=LIMIT, window=WINDOW):
        """Whether one of keys has made limit attempts of kind within the
        last window: the next one is refused"""
        t = cls.__table__()
        cursor = Transaction().connection.cursor()
        since = dt.datetime.now() - window
        keys = [k for k in keys if k]
        if not keys:
            return False
        cursor.execute(*t.select(t.key, Count(t.id),
                where=(t.kind == kind) & t.key.in_(keys)
                & (t.create_date >= since),
                group_by=[t.key]))
        return any(count >= limit for _, count in cursor)

    @classmethod
    def add(cls, kind, keys):
        cls.create([{'kind': kind, 'key': k} for k in keys if k])

    @classmethod
    def clear(cls, kind, keys):
        cls.delete(cls.search([('kind', '=', kind), ('key', 'in', keys)]))
