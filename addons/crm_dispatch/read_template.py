"""The read of a list composed once and run many times.

Tryton composes the SQL of every ``read`` anew: python-sql builds each
column (the appeal list's are some 35, its names and flags computed by
SQL), the record rules are converted three times (reading, writing,
deleting), and the whole is written out as text with its parameters.  For
the operator queue at a million appeals that was half of Tryton's read
(about 5 of 11 ms, against 1.5 ms for PostgreSQL to run the query).

The text depends on the names read, the rules, the context, the user, the
backend and the model's classes, and the same list asks the same again and
again: it is kept under those, and each read runs it with its own ids and
moment.  What a column's SQL takes from anywhere else (the «due soon» hours
of the settings) is named by the model's ``_read_template_key``.  A moment a
column compares with comes from ``query_now``; it is the composing moment
while the text is composed and is moved to the reading moment each run, by
the same interval.  Any other date or time among the parameters (one a
column derived from now otherwise, say a day's start) makes the read
composed by Tryton each time.

Only reads whose every name is a column (stored, or a function field whose
value SQL computes) take this path; the rest, and a read of the past
(``_datetime``), are Tryton's own."""
import contextvars
import datetime as dt
import threading

from sql import Literal
from sql.conditionals import Coalesce
from sql.functions import Extract

from trytond import backend
from trytond.cache import LRUDict, freeze
from trytond.model import fields
from trytond.model.modelsql import convert_from
from trytond.pool import Pool
from trytond.transaction import Transaction

from .speedups import cursor_dict

SPECIAL = {'id', '_timestamp', '_write', '_delete'}
KEPT = 1024

_composing = contextvars.ContextVar('crm_read_composing', default=None)
_templates = LRUDict(KEPT)
_lock = threading.Lock()


class _Moment(dt.datetime):
    "The composing moment, and what a column adds to it, among parameters"


class _Id:
    "One id of a read (index None: all of them, in one array parameter)"
    __slots__ = ('index',)

    def __init__(self, index):
        self.index = index


def query_now():
    "Now (naive UTC) for a column's SQL"
    moment = _composing.get()
    return moment if moment is not None else _now()


def _column(cls, name):
    "Whether the read's value of name is its SQL column's as it is"
    if name in SPECIAL:
        return True
    field = cls._fields.get(name)
    if field is None or not field.sql_type():
        return False
    if isinstance(field, fields.Function):
        # without a getter: its column_ method or its field's column
        return not field.getter
    return (not hasattr(field, 'get')
        and not getattr(field, 'translate', False)
        and not getattr(field, 'datetime_field', None)
        and not field.context)


def _rule_column(cls, table, mode, domain, read_domain):
    "The column _write or _delete, as ModelSQL.read makes it"
    name = '_' + mode
    if not domain or domain == read_domain:
        return Literal(True).as_(name)
    rule_tables, expression = cls.search_domain(domain, active_test=False,
        tables={None: (table, None)})
    if len(rule_tables) > 1:
        # The expression uses another table
        rule_tables, expression = cls.search_domain(domain,
            active_test=False)
        rule_table, _ = rule_tables[None]
        expression = convert_from(None, rule_tables).select(expression,
            where=rule_table.id == table.id)
    return expression.as_(name)


def _compose(cls, names, domains, count):
    """(text, parameters) of the read of names, the parameters as
    ('ids',) ('id', index) ('moment', interval) or ('value', value); None
    when a parameter is a moment otherwise derived"""
    moment = _Moment.now()
    token = _composing.set(moment)
    try:
        table = cls.__table__()
        tables = {None: (table, None)}
        columns = []
        for name in names:
            if name in {'_write', '_delete'}:
                column = _rule_column(cls, table, name[1:],
                    domains[name[1:]], domains['read'])
            elif name == '_timestamp':
                column = Extract('EPOCH',
                    Coalesce(table.write_date, table.create_date)
                    ).cast(fields.Char('timestamp').sql_type().base
                    ).as_(name)
            else:
                field = cls._fields[name]
                column = field.sql_column(tables, cls).as_(name)
                if backend.name == 'sqlite':
                    column.output_name += ' [%s]' % field.sql_type().base
            columns.append(column)
        if domains['read']:
            tables, rule = cls.search_domain(domains['read'],
                active_test=False, tables=tables)
        # python-sql passes an array parameter on as a copy
        ids = [_Id(None)] if count is None else [
            _Id(i) for i in range(count)]
        where = fields.SQL_OPERATORS['in'](table.id, ids)
        if domains['read']:
            where &= rule
        text, params = tuple(convert_from(None, tables).select(
                *columns, where=where))
    finally:
        _composing.reset(token)
    spec = []
    for param in params:
        if (isinstance(param, (list, tuple)) and len(param) == 1
                and param[0] is ids[0]):
            spec.append(('ids',))
        elif isinstance(param, _Id):
            spec.append(('id', param.index))
        elif isinstance(param, _Moment):
            spec.append(('moment', param - moment))
        elif isinstance(param, (dt.date, dt.time)):
            return None
        else:
            spec.append(('value', param))
    return text, tuple(spec)


def _now():
    "The reading moment (naive UTC)"
    return dt.datetime.now()


def _params(spec, ids):
    now = _now()
    for kind, *value in spec:
        if kind == 'ids':
            yield ids
        elif kind == 'id':
            yield ids[value[0]]
        elif kind == 'moment':
            yield now + value[0]
        else:
            yield value[0]


def template_read(cls, read, ids, fields_names):
    """read(ids, fields_names) of the ModelSQL cls by a kept text when every
    name is a column, by read otherwise"""
    transaction = Transaction()
    if (not ids or transaction.context.get('_datetime')
            or cls._is_table_query()
            or not all(_column(cls, n) for n in fields_names)):
        return read(ids, fields_names)
    Rule = Pool().get('ir.rule')
    ids, fields_names = cls._before_read(list(ids), fields_names)
    names = sorted(set(fields_names) | {'id', 'write_date'})
    domains = {mode: Rule.domain_get(cls.__name__, mode=mode)
        for mode in ['read', 'write', 'delete']}
    count = None if backend.Database.has_array() else len(ids)
    # Where the request came from (_request) makes no SQL
    context = {k: v for k, v in transaction.context.items()
        if k != '_request'}
    key = (transaction.database.name, id(cls), tuple(names),
        transaction.user, freeze(domains), freeze(context), count,
        cls._read_template_key())
    with _lock:
        template = _templates.get(key, False)
    if template is False:
        template = _compose(cls, names, domains, count)
        with _lock:
            _templates[key] = template
    if template is None:
        return read(ids, fields_names)
    text, spec = template
    cursor = transaction.connection.cursor()
    cursor.execute(text, tuple(_params(spec, ids)))
    rows = list(cursor_dict(cursor))
    if len(rows) != len(set(ids)):
        cls._ModelSQL__check_domain_rule(ids, 'read')
        raise RuntimeError("Undetected access error")
    if 'write_date' not in fields_names:
        for row in rows:
            del row['write_date']
    return cls._after_read(rows)


class ReadTemplate:
    "A ModelSQL whose reads of columns run kept texts"
    __slots__ = ()

    @classmethod
    def _read_template_key(cls):
        """What the SQL of the model's columns takes from outside the
        context, the user and the rules (a setting, say), hashable"""
        return ()
