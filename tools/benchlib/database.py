"""The throw-away benchmark database: created and dropped on the cluster,
crm_dispatch activated; the context of a user's requests and a cursor of
the root user."""
import contextlib
import urllib.parse


def admin_connection(uri, dbname='postgres'):
    "Autocommit connection to the cluster (its maintenance database)"
    import psycopg
    parts = urllib.parse.urlparse(uri)
    kwargs = dict(dbname=dbname, autocommit=True)
    if parts.hostname:
        kwargs['host'] = parts.hostname
    if parts.port:
        kwargs['port'] = parts.port
    if parts.username:
        kwargs['user'] = urllib.parse.unquote(parts.username)
    if parts.password:
        kwargs['password'] = urllib.parse.unquote(parts.password)
    return psycopg.connect(**kwargs)


def vacuum(uri, database, *tables):
    """VACUUM (ANALYZE) tables just bulk-loaded: autovacuum would do it
    soon after; until then the first reads of every page write its hint
    bits and the figures measure that, not the steady state.  Then a
    CHECKPOINT: the gigabyte just written would otherwise be flushed
    while the first figures are taken"""
    from psycopg import errors, sql
    with admin_connection(uri, database) as conn:
        conn.execute(sql.SQL('VACUUM (ANALYZE) {}').format(
                sql.SQL(', ').join(map(sql.Identifier, tables))))
        try:
            conn.execute('CHECKPOINT')
        except errors.InsufficientPrivilege:
            pass  # a role that may not: the flush runs in the background


def _drop(conn, name):
    from psycopg import sql
    conn.execute(sql.SQL('DROP DATABASE IF EXISTS {}').format(
            sql.Identifier(name)))


def create_database(uri, name):
    "Create name afresh (dropped first); returns the server's version"
    from psycopg import sql
    with admin_connection(uri) as conn:
        _drop(conn, name)
        conn.execute(sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'"
                ).format(sql.Identifier(name)))
        version = conn.execute('SHOW server_version').fetchone()[0]
    # Trigram indexes (Index.Similarity) of the search columns need pg_trgm
    # before the modules are activated
    with admin_connection(uri, name) as conn:
        conn.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    return version


def drop_database(uri, name):
    from trytond.pool import Pool
    Pool.stop(name)
    from trytond import backend
    backend.Database(name).close()
    with admin_connection(uri) as conn:
        _drop(conn, name)


def activate(name):
    "What `trytond-admin -d NAME -u crm_dispatch --activate-dependencies` does"
    from trytond import backend
    from trytond.pool import Pool
    database = backend.Database(name)
    database.connect()
    if not database.test():
        database.init()
    pool = Pool(name)
    pool.init(update=['crm_dispatch'], lang=['ru'], activatedeps=True)
    return pool


def user_context(pool, database, login):
    "The context an RPC request of login runs with"
    from trytond.transaction import Transaction
    User = pool.get('res.user')
    with Transaction().start(database, 0, readonly=True):
        user, = User.search([('login', '=', login)])
        user_id = user.id
    with Transaction().start(database, user_id, readonly=True):
        context = User.get_preferences(context_only=True)
        companies = list(User.get_companies())
    context['_check_access'] = True
    return user_id, context, companies


@contextlib.contextmanager
def root_cursor(database, readonly=False):
    """A cursor in a transaction of the root user, committed at the end
    unless readonly"""
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=readonly) as tr, \
            tr.connection.cursor() as cursor:
        yield cursor
        if not readonly:
            tr.commit()


def column_names(cursor, table):
    "The columns of table, in their order"
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s ORDER BY ordinal_position", (table,))
    return [c for c, in cursor.fetchall()]


def count(cursor, table):
    cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
    return cursor.fetchone()[0]
