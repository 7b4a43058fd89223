"""Costs of Tryton 8 that the operator's lists pay on every read.

- ``trytond.tools.cursor_dict`` asks the cursor for its description once per
  row; psycopg 3 builds that description anew on each access (a Column
  object per column), so reading 80 appeals with their 40 columns built
  3,200 of them in a search and again in the read.  The names are the same
  for every row of a result: they are taken once, from the result itself,
  and the rows are fetched a thousand at a time, not one by one.
- A selection's label (``state:string``) is looked up through
  ``fields_get`` once per row read; ``TranslatedSelection`` looks the
  labels up in the translation cache instead, and ``read_with_labels``
  sets them without the instances trytond builds for them.
- A JSON-RPC answer longer than 1,400 characters is streamed token by
  token through the pure-Python JSON encoder and, for a client that takes
  gzip (every browser), compressed token by token: some 15,000 tokens for
  a list of 80 appeals.  The same text is encoded in one piece and
  compressed once.  The answer is held in memory whole, as the
  short answers already are, and encoded once: trytond encodes an answer
  to learn whether it is short, then again to send it (2 ms of a list).
  The text keeps Cyrillic letters as they are (UTF-8, as JSON is sent),
  not as \\uXXXX escapes: a queue of 80 appeals is 105 KB instead of 166
  KB, encoded, compressed and read back by the client in 2.5 ms less.
  The text is written by orjson (0.5 ms for that queue, the standard
  library's C encoder 2.2 ms), with trytond's own conversions of dates,
  times, decimals and bytes; what orjson refuses (an integer beyond 64
  bits, a key that is not a string) is written by the standard library as
  before.  One difference: a float NaN or infinity, which JSON has not,
  is written null instead of NaN (which no JSON reader takes).
- A ``search`` reads every eager column of the rows it finds into the
  transaction's cache, for the records it returns.  Over RPC only their
  ids go back and the cache ends with the request: for the 80 appeals of
  a queue that is some 30 columns read and cached for nothing (7–12 ms of
  the 11–17 ms of the call at a million appeals).  ``ids_only_search``
  gives a model's RPC ``search`` the ids alone, from the same query
  (domain, record rules, order, limit), access checked the same way.
- On SQLite every transaction opens a new connection to the file, and
  opening one registers some fifty SQL functions and runs ``PRAGMA
  optimize``: about 2 ms, two or three times per request.  The connection
  a transaction leaves is kept for the next one instead (a few per file,
  forgotten when the file is dropped or replaced).

And one harmonisation the computed columns need: SQLite answers a boolean
as 0 or 1, PostgreSQL as False or True.  A boolean computed by SQL in a
read (``overdue``) has no getter left to convert it, so SQLite's BOOLEAN
columns are converted to Python booleans, stored ones too, as on
PostgreSQL.
"""
import copy
import functools
import os
import threading
import types

import orjson

import trytond.backend.sqlite.database as sqlite_database
import trytond.ir.model
import trytond.ir.translation
import trytond.model.modelsql
import trytond.protocols.jsonrpc as jsonrpc
import trytond.tools
from trytond import config
from trytond.model import fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .search import execute_for_values, has_pattern

FETCH_ROWS = 1000


def _names(cursor):
    "The names of cursor's columns"
    result = getattr(cursor, 'pgresult', None)
    if result is not None:
        # psycopg's description builds a Column for each (50 µs for the
        # 40 of a list); trytond's connections are in UTF-8
        return [result.fname(i).decode('utf-8')
            for i in range(result.nfields)]
    return [d[0] for d in cursor.description]


def cursor_dict(cursor, size=None):
    "The rows of cursor as dictionaries, as trytond.tools.cursor_dict"
    # Fetched FETCH_ROWS at a time, not by the cursor's arraysize (1)
    size = size or FETCH_ROWS
    names = None
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            break
        if names is None:
            names = _names(cursor)
        for row in rows:
            yield dict(zip(names, row))


def patch_cursor_dict():
    for module in [trytond.tools, trytond.model.modelsql, trytond.ir.model,
            trytond.ir.translation]:
        module.cursor_dict = cursor_dict


def _execute(select, planned):
    "A cursor that ran select, planned for its values when planned"
    cursor = Transaction().connection.cursor()
    if planned:
        execute_for_values(cursor, select)
    else:
        cursor.execute(*select)
    return cursor


def ids_only_search(cls):
    """Make the RPC search of cls answer the ids without caching the rows,
    and its searches by a typed text (search and count) planned for it"""
    rpc = copy.copy(cls.__rpc__['search'])
    decorator = rpc.decorator

    def ids_only(func):
        @functools.wraps(func)
        def search(domain, offset=0, limit=None, order=None, count=False,
                query=False):
            planned = has_pattern(domain)
            if query or (count and not planned):
                return func(domain, offset, limit, order, count, query)
            cursor = _execute(
                func(domain, offset, limit, order, count, query=True),
                planned)
            if count:
                return cursor.fetchone()[0]
            return [row[0] for row in cursor]
        return decorator(search) if decorator else search
    rpc.decorator = ids_only
    cls.__rpc__['search'] = rpc

    # The web client counts what a search box found when a page is full
    rpc = copy.copy(cls.__rpc__['search_count'])
    count_decorator = rpc.decorator

    def planned_count(func):
        @functools.wraps(func)
        def search_count(domain, offset=0, limit=None):
            if not has_pattern(domain):
                return func(domain, offset, limit)
            select = func.__self__.search(domain, offset=offset,
                limit=limit, order=[], count=True, query=True)
            return _execute(select, True).fetchone()[0]
        return count_decorator(search_count) if count_decorator else (
            search_count)
    rpc.decorator = planned_count
    cls.__rpc__['search_count'] = rpc


# The text of the last answer too long for trytond's short path, encoded
# in the thread that answers it
_encoded = threading.local()


class OneShotJSONEncoder(jsonrpc.JSONEncoder):
    "trytond's JSON encoder whose stream is one chunk made by orjson"

    def encode(self, o):
        try:
            return orjson.dumps(o, default=self.default,
                option=orjson.OPT_PASSTHROUGH_DATETIME).decode('utf-8')
        except orjson.JSONEncodeError:
            return super().encode(o)

    def iterencode(self, o, _one_shot=False):
        if _one_shot:
            return super().iterencode(o, _one_shot=True)
        kept, _encoded.last = getattr(_encoded, 'last', None), None
        if kept is not None and kept[0] is o:
            return iter([kept[1]])
        return iter([self.encode(o)])


def dumps(obj, limit=1400):
    """trytond's short answer, or OverflowError for a longer one whose text
    the stream that follows takes instead of encoding it again"""
    text = jsonrpc.encoder.encode(obj)
    if len(text) > limit:
        _encoded.last = (obj, text)
        raise OverflowError()
    return text


def patch_json_encoder():
    jsonrpc.encoder = OneShotJSONEncoder(
        separators=(',', ':'), ensure_ascii=False)
    jsonrpc.dumps = dumps


_idle = {}  # file of a database: [(its inode, an idle connection)]
_idle_lock = threading.Lock()
IDLE_MAX = 4


def _file(database_name):
    "The file of a database, None in memory"
    if database_name == ':memory:':
        return None
    return os.path.realpath(os.path.join(
            config.get('database', 'path'), database_name + '.sqlite'))


def _inode(path):
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def _forget(path):
    with _idle_lock:
        connections = _idle.pop(path, [])
    for _, connection in connections:
        connection.close()


def patch_sqlite_connections():
    if hasattr(sqlite_database, 'sqlite3_connect'):
        return
    Database = sqlite_database.Database
    connect, put_connection = Database.connect, Database.put_connection
    drop = Database.drop.__func__

    def connect_idle(self):
        if self._conn is None and (path := _file(self.name)):
            inode = _inode(path)
            with _idle_lock:
                connections = _idle.get(path, [])
                while connections:
                    kept_inode, connection = connections.pop()
                    if kept_inode == inode:
                        self._conn = connection
                        return self
                    connection.close()
        return connect(self)

    def put_connection_idle(self, connection=None):
        put_connection(self, connection)
        path = _file(self.name)
        if (path and connection is not None and connection is self._conn
                and not connection.in_transaction):
            inode = _inode(path)
            with _idle_lock:
                connections = _idle.setdefault(path, [])
                if inode is not None and len(connections) < IDLE_MAX:
                    connections.append((inode, connection))
                    self._conn = None

    def drop_idle(cls, connection, database_name):
        if path := _file(database_name):
            _forget(path)
        return drop(cls, connection, database_name)

    # A kept connection serves the next transaction, whatever its thread
    # (the server runs a thread per request); one transaction at a time
    # uses it.
    sqlite_module = types.SimpleNamespace(**{
            name: getattr(sqlite_database.sqlite, name)
            for name in dir(sqlite_database.sqlite)
            if not name.startswith('__')})
    sqlite_module.connect = (
        lambda *args, **kwargs: sqlite_database.sqlite3_connect(
            *args, check_same_thread=False, **kwargs))
    sqlite_database.sqlite3_connect = sqlite_database.sqlite.connect
    sqlite_database.sqlite = sqlite_module
    Database.connect = connect_idle
    Database.put_connection = put_connection_idle
    Database.drop = classmethod(drop_idle)


def patch_sqlite_booleans():
    # A converter receives the stored text of non-NULL values: b'0', b'1'
    sqlite_database.sqlite.register_converter(
        'BOOLEAN', lambda value: value not in {b'0', b'', b'False'})


class TranslatedSelection(fields.Selection):
    "A static selection whose labels come from the translation cache"

    @classmethod
    def get_selection(cls, model, name, inst):
        field = model._fields[name]
        if not isinstance(field.selection, (list, tuple)):
            return super().get_selection(model, name, inst)
        Translation = Pool().get('ir.translation')
        transaction = Transaction()
        key = (f'{model.__name__},{name}', transaction.language)
        # Asked once per row of a list's read: looked up once a request
        labels = transaction.__dict__.setdefault('crm_selection_labels', {})
        if key not in labels:
            source, language = key
            labels[key] = {
                value: Translation.get_source(
                    source, 'selection', language, label) or label
                for value, label in field.selection}
        return labels[key]


def read_with_labels(read, model, ids, fields_names):
    """read(ids, fields_names) of model with the labels of its static
    TranslatedSelection fields (``state:string``) added from their values.

    trytond gets a selection's labels through an instance of each row read:
    it builds the instances of all rows for each such field, and each
    instance checks it is among the ids, then that they all are integers,
    some 13,000 checks for the 80 rows of a list and its two labels (15 %
    of the read's time)."""
    labelled, names = [], []
    for name in fields_names:
        field = model._fields.get(name[:-len(':string')])
        if (name.endswith(':string') and isinstance(field, TranslatedSelection)
                and isinstance(field.selection, (list, tuple))):
            labelled.append(field)
        else:
            names.append(name)
    if not labelled:
        return read(ids, fields_names)

    def label(rows):
        for field in labelled:
            selection = field.get_selection(model, field.name, None)
            for row in rows:
                row[field.name + ':string'] = field.get_selection_string(
                    selection, row[field.name])
    return read_computed(read, ids, fields_names,
        {f.name + ':string' for f in labelled}, [f.name for f in labelled],
        label)


def read_computed(read, ids, fields_names, computed, columns, compute):
    """read(ids, fields_names) with the names computed set by
    compute(rows) from the columns, which are read for it and dropped from
    the rows unless asked for"""
    extra = [c for c in columns if c not in fields_names]
    rows = read(ids, [n for n in fields_names if n not in computed] + extra)
    compute(rows)
    for row in rows:
        for name in extra:
            del row[name]
    return rows
