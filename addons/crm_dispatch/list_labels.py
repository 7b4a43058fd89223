"""The names of the catalogues in the appeal list, kept in memory.

The list's name columns (appeal_list.py) were sub-queries of its read: a
look-up per row and column, eight of them into catalogues of a few dozen
rows (sources, reason groups, reasons, lines, operators, stages, routing
rules, organisations).  At a million appeals they took half the PostgreSQL
time of the operator's queue (1.1 of 2.0 ms) and much of building its
query.  The rows of such a small table are named whole instead, by the
same SQL as the sub-queries, and kept in a Tryton cache per language; the
read takes the many-to-one's id and looks its name up.

The cache is cleared when a catalogue row is created, changed or deleted
and when what its name is made of changes elsewhere: an organisation's
party renamed, a source's name translated.  The process that made the
change forgets at once; the other processes of a server learn it as they
learn of Tryton's own caches ([cache] clean_timeout), and in any case
forget what they keep after KEPT_SECONDS.  An id the cache does not know
yet (a row another process has just created) has its table named again."""
from sql.operators import In

from trytond.cache import Cache
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .appeal_list import COLUMNS, label_query
from .speedups import read_computed

# name column: its many-to-one, for the targets small enough to keep whole
# (the applicants and buildings of a million appeals are not)
CATALOGUES = {name: many2one for name, many2one in COLUMNS.items()
    if many2one not in {'applicant', 'building'}}

KEPT_SECONDS = 60
_labels = Cache('crm_dispatch.list_labels', duration=KEPT_SECONDS,
    context=False)


def labels(many2one, refresh=False):
    "{id: display name} of the rows of many2one's target"
    key = (many2one, Transaction().language)
    found = None if refresh else _labels.get(key)
    if found is None:
        from_, id_, label = label_query(many2one)
        cursor = Transaction().connection.cursor()
        cursor.execute(*from_.select(id_, label))
        found = _labels.set(key, dict(cursor))
    return found


def clear_labels():
    _labels.clear()


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    @classmethod
    def read(cls, ids, fields_names):
        named = [n for n in fields_names if n in CATALOGUES]
        if not named:
            return super().read(ids, fields_names)
        many2ones = sorted({CATALOGUES[n] for n in named})

        def name(rows):
            found = {}
            for many2one in many2ones:
                found[many2one] = labels(many2one)
                if any(r[many2one] is not None
                        and r[many2one] not in found[many2one] for r in rows):
                    found[many2one] = labels(many2one, refresh=True)
            for row in rows:
                for column in named:
                    many2one = CATALOGUES[column]
                    row[column] = found[many2one].get(row[many2one])
        return read_computed(super().read, ids, fields_names, set(named),
            many2ones, name)


class _Catalogue:
    "A target of the list's names: a change of its names clears the cache"
    __slots__ = ()
    # The fields its display name is made of
    _list_label_fields = {'name'}

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if (mode != 'write' or field_names is None
                or cls._list_label_fields & set(field_names)):
            clear_labels()


class Source(_Catalogue, metaclass=PoolMeta):
    __name__ = 'crm.appeal.source'


class ReasonGroup(_Catalogue, metaclass=PoolMeta):
    __name__ = 'crm.appeal.reason.group'


class Reason(_Catalogue, metaclass=PoolMeta):
    __name__ = 'crm.appeal.reason'


class SupportLine(_Catalogue, metaclass=PoolMeta):
    __name__ = 'crm.support_line'
    _list_label_fields = {'number', 'name'}


class Stage(_Catalogue, metaclass=PoolMeta):
    __name__ = 'crm.stage'


class RoutingRule(_Catalogue, metaclass=PoolMeta):
    __name__ = 'crm.routing.rule'


class User(_Catalogue, metaclass=PoolMeta):
    __name__ = 'res.user'
    _list_label_fields = {'name', 'login'}


class Company(_Catalogue, metaclass=PoolMeta):
    __name__ = 'company.company'
    _list_label_fields = {'party'}


class Party(metaclass=PoolMeta):
    "An organisation is named by its party"
    __name__ = 'party.party'

    @classmethod
    def on_modification(cls, mode, parties, field_names=None):
        super().on_modification(mode, parties, field_names=field_names)
        if mode != 'write' or (field_names is not None
                and not {'name', 'code'} & set(field_names)):
            return
        company = Pool().get('company.company').__table__()
        cursor = Transaction().connection.cursor()
        for sub_parties in grouped_slice(parties):
            cursor.execute(*company.select(company.id,
                    where=In(company.party, [p.id for p in sub_parties]),
                    limit=1))
            if cursor.fetchone():
                clear_labels()
                return


class Translation(metaclass=PoolMeta):
    "A source's name is read in the user's language"
    __name__ = 'ir.translation'

    @classmethod
    def _clear_cache_for(cls, types, models):
        super()._clear_cache_for(types, models)
        if 'model' in types and 'crm.appeal.source' in models:
            clear_labels()
