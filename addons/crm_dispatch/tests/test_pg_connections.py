"""PostgreSQL connections: fewer round trips, the same settings; the search
box's queries planned for what was typed."""
import time
import unittest
from unittest.mock import patch

import psycopg._queries

from trytond import backend
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_dispatch import pg_connections
from trytond.modules.crm_dispatch.tests.tools import create_staff
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction


def _show(connection, name):
    with connection.cursor() as cursor:
        cursor.execute(f'SHOW {name}')
        return cursor.fetchone()[0]


@unittest.skipUnless(backend.name == 'postgresql', "PostgreSQL only")
class CrmDispatchPgConnectionsTestCase(_DBTestCase):
    "Set once and checked when idle a while, as trytond would have them"
    module = 'crm_dispatch'
    language = 'ru'

    def _database(self):
        return Transaction().database

    @with_transaction()
    def test_statement_timeout_set_outside_transactions(self):
        """The timeout asked is in force, survives a rollback, and a new
        one replaces it"""
        database = self._database()
        connection = database.get_connection(statement_timeout=60)
        try:
            self.assertEqual(_show(connection, 'statement_timeout'), '1min')
            self.assertEqual(connection.read_only, False)
            connection.rollback()
            self.assertEqual(_show(connection, 'statement_timeout'), '1min')
        finally:
            connection.rollback()
            database.put_connection(connection)
        connection = database.get_connection(
            statement_timeout=5, readonly=True)
        try:
            self.assertEqual(_show(connection, 'statement_timeout'), '5s')
            self.assertEqual(connection.read_only, True)
            self.assertEqual(_show(connection, 'transaction_isolation'),
                'repeatable read')
        finally:
            connection.rollback()
            database.put_connection(connection)

    @with_transaction()
    def test_connection_checked_when_idle(self):
        """A connection given back a moment ago is not checked; one idle
        longer is, and a dead one is replaced"""
        database = self._database()
        pool = database._connpool
        connection = database.get_connection()
        connection.rollback()
        database.put_connection(connection)
        self.assertTrue(getattr(pool._check, 'crm_recent', False))
        checked = []
        real = pool._check

        def counting(connection):
            checked.append(connection)
            return real.crm_check(connection)
        pool._check = pg_connections._checked_unless_recent(counting)

        def returned(seconds_ago):
            # The pool hands out its longest idle connection first
            for kept in list(pool._pool):
                kept._crm_returned = time.monotonic() - seconds_ago
        try:
            returned(0)
            connection = database.get_connection()
            connection.rollback()
            database.put_connection(connection)
            self.assertEqual(checked, [])
            # Idle longer than CHECK_AFTER: checked
            returned(pg_connections.CHECK_AFTER + 0.1)
            connection = database.get_connection()
            self.assertEqual(len(checked), 1)
            pid = connection.info.backend_pid
            # Another connection ends its server process while it is idle
            other = database.get_connection(autocommit=True)
            connection.rollback()
            database.put_connection(connection)
            try:
                with other.cursor() as cursor:
                    cursor.execute(
                        'SELECT pg_terminate_backend(%s)', (pid,))
            finally:
                database.put_connection(other)
            returned(60)
            connection = database.get_connection()
            try:
                self.assertNotEqual(connection.info.backend_pid, pid)
                self.assertEqual(_show(connection, 'server_encoding'),
                    'UTF8')
            finally:
                connection.rollback()
                database.put_connection(connection)
        finally:
            pool._check = real

    @with_transaction()
    def test_typed_search_not_prepared(self):
        """The search box's query is planned for its own text each time:
        psycopg prepares a query run five times, and a prepared plan of
        one name served the others"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Party = pool.get('party.party')
        Source = pool.get('crm.appeal.source')
        company = create_company()
        create_staff('operator1', company)
        source, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        with set_company(company):
            Appeal.create([{'source': source.id, 'applicant': party.id}
                    for party in Party.create([{'name': 'Иванова Анна'},
                            {'name': 'Петров Олег'}])])
        cursor = Transaction().connection.cursor()
        search = Appeal.__rpc__['search'].decorate(Appeal.search)
        count = Appeal.__rpc__['search_count'].decorate(Appeal.search_count)
        counts = []
        with set_company(company):
            for text in ['Иванова', 'Петров', 'Сидоров', 'Анна', 'Олег',
                    'Мария', 'Иван']:
                domain = [('rec_name', 'ilike', f'%{text}%')]
                found = search(domain, 0, None, None)
                self.assertEqual(count(domain, 0, 1000), len(found))
                self.assertEqual(search(domain, count=True), len(found))
                counts.append(len(found))
                # The queue's own query keeps its prepared plan
                search([('state', 'in', ['draft', 'in_work'])], 0, 80,
                    [('deadline', 'ASC')])
        self.assertEqual(counts, [1, 1, 0, 1, 1, 0, 1])
        cursor.execute('SELECT statement FROM pg_prepared_statements')
        statements = [s for s, in cursor]
        self.assertFalse([s for s in statements
                if 'ILIKE' in s.upper() or 'crm_search_name' in s])
        self.assertTrue([s for s in statements
                if '"deadline" ASC' in s and 'ILIKE' not in s.upper()])

    @with_transaction()
    def test_long_query_converted_once(self):
        """A query longer or with more values than psycopg keeps converted
        (a read of many columns, a search with long lists) is converted
        from its %s marks once: the next run takes the conversion from
        psycopg's cache"""
        from sql import Literal, Select
        query, params = tuple(Select([Literal(f'значение {i}').as_(f'c{i}')
                    for i in range(60)]))
        self.assertGreater(len(params), 50)
        cursor = Transaction().connection.cursor()
        cursor.execute(query, params)
        self.assertEqual(len(cursor.fetchone()), 60)
        converted = []
        real_convert = psycopg._queries._query2pg_nocache

        def convert(*args):
            converted.append(args)
            return real_convert(*args)
        with patch.object(psycopg._queries, '_query2pg_nocache', convert):
            cursor.execute(query, params)
            self.assertEqual(cursor.fetchone()[59], 'значение 59')
        self.assertEqual(converted, [])
