"The speed-ups of Tryton internals change no result."
import datetime as dt
import json
import os
import sqlite3
import tempfile
import unittest
import zlib
from decimal import Decimal
from unittest.mock import patch

from werkzeug.test import EnvironBuilder

import trytond.protocols.jsonrpc as jsonrpc
from trytond import backend, config
from trytond.backend.sqlite import database as sqlite_database

from .. import speedups


class CrmDispatchSpeedupsTestCase(unittest.TestCase):
    "What the speed-ups replace and what they give are the same"

    def test_json_encoder_same_text(self):
        "The one-piece answer is the text trytond streams"
        value = {'result': [{
                    'id': 1, 'number': 'СК-2026-000001', 'rating': 4.5,
                    'date': dt.date(2026, 12, 1),
                    'received': dt.datetime(2026, 12, 1, 9, 30, 5, 123),
                    'amount': Decimal('1234.50'), 'none': None,
                    'list': [1, 'два', True], 'bytes': b'\x00\x01',
                    } for _ in range(200)]}
        streamed = ''.join(jsonrpc.JSONEncoder(
                separators=(',', ':')).iterencode(value))
        chunks = list(jsonrpc.encoder.iterencode(value))
        self.assertEqual(len(chunks), 1)
        self.assertIsInstance(jsonrpc.encoder, speedups.OneShotJSONEncoder)
        # What a JSON reader reads of trytond's text, the letters unescaped
        self.assertEqual(json.loads(chunks[0]), json.loads(streamed))
        self.assertIn('"number":"СК-2026-000001"', chunks[0])
        self.assertNotIn('\\u', chunks[0])
        self.assertLess(len(chunks[0].encode('utf-8')),
            len(streamed.encode('utf-8')))

    def test_json_answer_encoded_once(self):
        """A long answer is encoded once, and sent as trytond would stream
        it; a short one keeps trytond's short path"""
        value = [{'id': i, 'number': f'СК-{i}', 'received': dt.datetime(
                    2026, 12, 3, 10, 0, i % 60)} for i in range(300)]
        streamed = ''.join(jsonrpc.JSONEncoder(separators=(',', ':'),
                ensure_ascii=False).iterencode({'id': 7, 'result': value}))
        request = jsonrpc.JSONRequest(EnvironBuilder(
                method='POST', json={'id': 7, 'method': 'model.x.read',
                    'params': []},
                headers={'Accept-Encoding': 'gzip'}).get_environ())
        encode = speedups.OneShotJSONEncoder.encode
        calls = []

        def counted(encoder, obj):
            calls.append(obj)
            return encode(encoder, obj)
        with patch.object(speedups.OneShotJSONEncoder, 'encode', counted):
            response = jsonrpc.JSONProtocol.response(value, request)
            body = b''.join(response.response)
        self.assertEqual(len(calls), 1)
        self.assertEqual(response.headers['Content-Encoding'], 'gzip')
        self.assertEqual(
            zlib.decompress(body, wbits=31).decode('utf-8'), streamed)
        # What is kept serves that answer only
        other = {'id': 8, 'result': value[:200]}
        with self.assertRaises(OverflowError):
            jsonrpc.dumps({'id': 7, 'result': value})
        self.assertEqual(''.join(jsonrpc.encoder.iterencode(other)),
            ''.join(jsonrpc.JSONEncoder(separators=(',', ':'),
                    ensure_ascii=False).iterencode(other)))
        short = jsonrpc.JSONProtocol.response([1, 'два'], request)
        self.assertNotIn('Content-Encoding', short.headers)
        self.assertEqual(b''.join(short.response),
            '{"id":7,"result":[1,"два"]}'.encode('utf-8'))

    def test_json_what_orjson_refuses(self):
        """An integer beyond 64 bits or a key not a string is written as
        trytond writes it; a subclass of str or int as its value"""
        standard = jsonrpc.JSONEncoder(separators=(',', ':'),
            ensure_ascii=False)

        class Code(str):
            pass
        for value in [{'big': 2 ** 70, 'list': [1, 'два']},
                {1: 'один', 'two': dt.time(10, 30)},
                {'code': Code('СК-1'), 'flag': True, 'set': {3}},
                {'delta': dt.timedelta(hours=2), 'none': None}]:
            with self.subTest(value=value):
                self.assertEqual(jsonrpc.encoder.encode(value),
                    standard.encode(value))
        with self.assertRaises(TypeError):
            jsonrpc.encoder.encode({'object': object()})

    def test_cursor_dict_same_rows(self):
        "The rows come as trytond's own cursor_dict gives them"
        connection = sqlite3.connect(':memory:')
        connection.execute('CREATE TABLE t (id INTEGER, name TEXT)')
        connection.executemany('INSERT INTO t VALUES (?, ?)',
            [(i, f'имя {i}') for i in range(2500)])
        cursor = connection.cursor()
        cursor.execute('SELECT id, name FROM t ORDER BY id')
        rows = list(speedups.cursor_dict(cursor, size=1000))
        self.assertEqual(len(rows), 2500)
        self.assertEqual(rows[0], {'id': 0, 'name': 'имя 0'})
        self.assertEqual(rows[-1], {'id': 2499, 'name': 'имя 2499'})
        cursor.execute('SELECT id FROM t WHERE id < 0')
        self.assertEqual(list(speedups.cursor_dict(cursor)), [])

    def test_sqlite_connection_kept_and_forgotten(self):
        """A connection is kept for the next transaction on the same file,
        never served for another file, nor after the file is dropped"""
        if backend.name != 'sqlite':
            self.skipTest("SQLite only")
        path = config.get('database', 'path')
        with tempfile.TemporaryDirectory() as folder:
            config.set('database', 'path', folder)
            try:
                Database = sqlite_database.Database
                for name in ['kept_a', 'kept_b']:
                    Database.create(None, name)
                first = Database('kept_a').connect()
                connection = first.get_connection()
                connection.execute('CREATE TABLE t (v TEXT)')
                connection.execute("INSERT INTO t VALUES ('a')")
                connection.commit()
                first.put_connection(connection)

                again = Database('kept_a').connect()
                self.assertIs(again.get_connection(), connection)
                again.put_connection(connection)

                other = Database('kept_b').connect()
                self.assertIsNot(other.get_connection(), connection)

                Database.drop(None, 'kept_a')
                Database.create(None, 'kept_a')
                fresh = Database('kept_a').connect()
                new = fresh.get_connection()
                self.assertIsNot(new, connection)
                self.assertEqual(new.execute(
                        "SELECT name FROM sqlite_master WHERE name = 't'"
                        ).fetchall(), [])
                self.assertTrue(os.path.exists(
                        os.path.join(folder, 'kept_a.sqlite')))
            finally:
                config.set('database', 'path', path)
