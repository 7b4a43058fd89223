"""How the databases compare text typed in a search: Russian case and ё.

Tryton compiles a Char field's ``ilike`` to ``ILIKE`` on PostgreSQL and
to ``UPPER(column) LIKE UPPER(value)`` on SQLite, both wrapped in the
database's ``unaccent`` when the field is ``search_unaccented`` (the
default).  Left as they are:

- SQLite's own ``UPPER`` (and ``LIKE``) fold ASCII letters only: «новикова»
  does not find «Новикова».  Every SQLite connection gets ``upper`` and
  ``lower`` of Python instead, which know every alphabet.
- Neither database reads «ё» as «е»: SQLite has no ``unaccent`` at all, and
  on PostgreSQL Tryton uses the ``unaccent`` extension only when a superuser
  created it (its rules do map ё to е).  That function is only STABLE, so
  Tryton cannot index it and every ``ilike`` would lose its trigram index.
  Where the extension is missing, both databases fold ё by
  ``REPLACE(REPLACE(x, 'ё', 'е'), 'Ё', 'Е')``: built in on both and
  IMMUTABLE on PostgreSQL, so Tryton builds its trigram indexes of names
  over the same expression the searches use.

PostgreSQL folds Cyrillic case by the database's character type: it must
be a UTF-8 locale (C.UTF-8, ru_RU.UTF-8), never plain C.
"""
import trytond.backend.sqlite.database as sqlite_database
from sql import Expression
from sql.functions import Function

YO = (('ё', 'е'), ('Ё', 'Е'))


class Replace(Function):
    __slots__ = ()
    _function = 'REPLACE'


def fold_yo(value):
    "value (a text or an SQL expression) with ё read as е"
    if isinstance(value, str):
        for yo, ye in YO:
            value = value.replace(yo, ye)
        return value
    if isinstance(value, Expression):
        for yo, ye in YO:
            value = Replace(value, yo, ye)
    return value


def _upper(value):
    return value.upper() if isinstance(value, str) else value


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _fold_case(connection):
    "Give connection UPPER and LOWER that know every alphabet, once"
    if connection is not None and not getattr(
            connection, 'crm_folds_case', False):
        for name, function in [('upper', _upper), ('lower', _lower)]:
            connection.create_function(name, 1, function, deterministic=True)
        connection.crm_folds_case = True


def patch_text_folding():
    SQLite = sqlite_database.Database
    if getattr(SQLite.connect, 'crm_folds_case', False):
        return
    # Also the connections opened before this module was imported (the pool
    # reads the list of modules through one) and kept for reuse since
    connect = SQLite.connect

    def connect_folding(self):
        result = connect(self)
        _fold_case(self._conn)
        return result
    connect_folding.crm_folds_case = True
    SQLite.connect = connect_folding

    SQLite.has_unaccent = lambda self: True
    SQLite.unaccent = lambda self, value: fold_yo(value)

    try:
        from trytond.backend.postgresql.database import (
            Database as PostgreSQL)
    except ImportError:  # no psycopg: an SQLite-only installation
        return
    has_unaccent = PostgreSQL.has_unaccent
    has_unaccent_indexable = PostgreSQL.has_unaccent_indexable
    unaccent = PostgreSQL.unaccent

    def pg_unaccent(self, value):
        if has_unaccent(self):
            return unaccent(self, value)
        return fold_yo(value)

    def pg_unaccent_indexable(self):
        return has_unaccent_indexable(self) if has_unaccent(self) else True

    PostgreSQL.has_unaccent = lambda self: True
    PostgreSQL.unaccent = pg_unaccent
    PostgreSQL.has_unaccent_indexable = pg_unaccent_indexable
