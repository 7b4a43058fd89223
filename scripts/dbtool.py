#!/usr/bin/env python3
"""Small database chores for the shell scripts, on SQLite or PostgreSQL
(whichever [database] uri of the trytond configuration names).

    dbtool.py -c CONF backend            print sqlite or postgresql
    dbtool.py -c CONF exists NAME        exit 0 if the database exists
    dbtool.py -c CONF create NAME        create an empty database
    dbtool.py -c CONF drop NAME          drop it if it exists
    dbtool.py -c CONF rename OLD NEW     rename OLD to NEW, replacing NEW
"""
import argparse
import os
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('-c', '--config', required=True)
    parser.add_argument('action', choices=[
            'backend', 'exists', 'create', 'drop', 'rename'])
    parser.add_argument('names', nargs='*')
    args = parser.parse_args(argv)

    from trytond import config
    config.update_etc(args.config)
    from trytond import backend

    if args.action == 'backend':
        print(backend.name)
        return 0
    if backend.name == 'sqlite':
        return sqlite(args.action, *args.names, path=config.get(
                'database', 'path'))
    return postgresql(args.action, *args.names,
        uri=config.get('database', 'uri'))


def sqlite(action, *names, path):
    import sqlite3

    def file_(name):
        return os.path.join(path, name + '.sqlite')

    def remove(name):
        for suffix in ['', '-wal', '-shm', '-journal']:
            try:
                os.remove(file_(name) + suffix)
            except FileNotFoundError:
                pass

    if action == 'exists':
        return 0 if os.path.isfile(file_(names[0])) else 1
    elif action == 'create':
        os.makedirs(path, exist_ok=True)
        remove(names[0])
        open(file_(names[0]), 'wb').close()
    elif action == 'drop':
        remove(names[0])
    elif action == 'rename':
        old, new = names
        # Fold the write-ahead log into the file before moving it
        conn = sqlite3.connect(file_(old))
        conn.execute('PRAGMA wal_checkpoint(TRUNCATE)')
        conn.execute('PRAGMA journal_mode = DELETE')
        conn.close()
        remove(new)
        os.replace(file_(old), file_(new))
        remove(old)
    return 0


def postgresql(action, *names, uri):
    import psycopg
    from psycopg import sql

    conninfo = uri.rstrip('/') + '/postgres'
    with psycopg.connect(conninfo, autocommit=True) as conn:
        def exists(name):
            return conn.execute(
                'SELECT 1 FROM pg_database WHERE datname = %s',
                (name,)).fetchone() is not None

        def drop(name):
            conn.execute(sql.SQL('DROP DATABASE IF EXISTS {} WITH (FORCE)')
                .format(sql.Identifier(name)))

        if action == 'exists':
            return 0 if exists(names[0]) else 1
        elif action == 'create':
            drop(names[0])
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 "
                    "ENCODING 'unicode'").format(sql.Identifier(names[0])))
        elif action == 'drop':
            drop(names[0])
        elif action == 'rename':
            old, new = names
            drop(new)
            conn.execute(sql.SQL('ALTER DATABASE {} RENAME TO {}').format(
                    sql.Identifier(old), sql.Identifier(new)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
