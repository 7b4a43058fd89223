"""Time arithmetic in SQL that costs the same on both backends.

trytond's SQLite EXTRACT is a Python function that parses each timestamp
text (a date, then a time, then a datetime are tried) on every call: a
column that called it some 25 times a row took 12 ms for 80 rows of the
demo.  SQLite's own JULIANDAY is native."""
from sql.functions import Function


class JulianDay(Function):
    "SQLite's days since noon of 24 November 4714 BC, fractional"
    __slots__ = ()
    _function = 'JULIANDAY'
