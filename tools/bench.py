#!/usr/bin/env python3
"""First performance figures of the appeals CRM, measured on PostgreSQL.

    TRYTOND_DATABASE_URI=postgresql://postgres@127.0.0.1:55433/ \\
    BENCH_DB=crm_bench python tools/bench.py

Creates the database BENCH_DB (dropped first if it exists, dropped again at
the end unless --keep), activates crm_dispatch, loads a small demo catalogue
with tools/demo.py and measures, with the baseline in the same run:

(a) creating N appeals through the ORM as operator1 (number from the
    sequence, deadline from the reason × source table, history and event
    log, access rights and record rules checked) versus a raw SQL INSERT of
    the very same rows into the same table;
(b) the operator queue at Q appeals in the table (bulk-loaded with
    INSERT … SELECT generate_series): line + open states, ordered by
    deadline, 80 rows, read with the list's fields, as the ORM call under
    operator1's rights versus the equivalent SQL; p50/p95 over R runs.

Only figures are printed; nothing is asserted.
"""
import argparse
import datetime as dt
import logging
import os
import platform
import random
import statistics
import sys
import time
import urllib.parse

try:
    from . import demo
except ImportError:  # run as a script: tools/ is sys.path[0]
    import demo

# Fields an operator's list of appeals shows (read as the client does:
# stored values plus the display name of the related records).
LIST_FIELDS = [
    'number', 'received_date', 'source', 'applicant', 'contact_phone',
    'reason_group', 'reason', 'support_line', 'operator', 'deadline',
    'overdue', 'state']
OPEN_STATES = ['draft', 'in_work']

logger = logging.getLogger('crm.bench')


def out(text=''):
    print(text, flush=True)


# ---------------------------------------------------------------------------
# Database set-up

def admin_connection(uri):
    "Autocommit connection to the cluster's maintenance database"
    import psycopg
    parts = urllib.parse.urlparse(uri)
    kwargs = dict(dbname='postgres', autocommit=True)
    if parts.hostname:
        kwargs['host'] = parts.hostname
    if parts.port:
        kwargs['port'] = parts.port
    if parts.username:
        kwargs['user'] = urllib.parse.unquote(parts.username)
    if parts.password:
        kwargs['password'] = urllib.parse.unquote(parts.password)
    return psycopg.connect(**kwargs)


def create_database(uri, name):
    from psycopg import sql
    with admin_connection(uri) as conn:
        conn.execute(sql.SQL('DROP DATABASE IF EXISTS {}').format(
                sql.Identifier(name)))
        conn.execute(sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'"
                ).format(sql.Identifier(name)))
        version = conn.execute('SHOW server_version').fetchone()[0]
    return version


def drop_database(uri, name):
    from psycopg import sql
    from trytond.pool import Pool
    Pool.stop(name)
    from trytond import backend
    backend.Database(name).close()
    with admin_connection(uri) as conn:
        conn.execute(sql.SQL('DROP DATABASE IF EXISTS {}').format(
                sql.Identifier(name)))


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


# ---------------------------------------------------------------------------
# Helpers

def percentile(values, q):
    values = sorted(values)
    if not values:
        return float('nan')
    k = (len(values) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def table(headers, rows, aligns=None):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows))
        for i, h in enumerate(headers)]
    aligns = aligns or ['<'] + ['>'] * (len(headers) - 1)

    def line(cells):
        return '  '.join(f'{str(c):{a}{w}}'
            for c, a, w in zip(cells, aligns, widths))
    out('  ' + line(headers))
    out('  ' + '  '.join('-' * w for w in widths))
    for row in rows:
        out('  ' + line(row))


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


# ---------------------------------------------------------------------------
# (a) creating appeals

def appeal_rows(pool, database, n, seed):
    """Values of n appeals as operator1 registers them on line 1 of the
    first organisation: phone call, known applicant and account, reason of
    the line's topics, description."""
    from trytond.transaction import Transaction
    D = demo.D
    rng = random.Random(seed)
    Line = pool.get('crm.support_line')
    Reason = pool.get('crm.appeal.reason')
    Source = pool.get('crm.appeal.source')
    Account = pool.get('crm.account')
    User = pool.get('res.user')
    with Transaction().start(database, 0, readonly=True):
        operator, = User.search([('login', '=', 'operator1')])
        company = operator.company.id
        line, = Line.search([('number', '=', 1)])
        tags = {t.id for t in line.tags}
        reasons = [(r.id, r.group.id) for r in Reason.search([])
            if {t.id for t in r.tags} & tags]
        sources = [s.id for s in Source.search([
                    ('code', 'in', ['phone', 'email', 'portal', 'visit'])])]
        accounts = []
        for account in Account.search([
                    ('company', '=', company),
                    ('parties', '!=', None),
                    ]):
            party = account.parties[0]
            phone = party.mobile or party.phone
            accounts.append((account.id, party.id, phone,
                    account.premise.id if account.premise else None,
                    account.premise.building.id if account.premise
                    else None))
        line_id = line.id
        operator_id = operator.id
    now = dt.datetime.now().replace(microsecond=0)
    rows = []
    for i in range(n):
        account, party, phone, premise, building = rng.choice(accounts)
        reason, group = rng.choice(reasons)
        code = rng.choice(list(D.DESCRIPTIONS))
        values = {
            'company': company,
            'source': rng.choice(sources),
            'received_date': now - dt.timedelta(
                minutes=rng.randint(1, 60 * 24 * 5)),
            'applicant': party,
            'reason': reason,
            'reason_group': group,
            'description': rng.choice(D.DESCRIPTIONS[code]).format(
                flat=12, entrance=2, floor=3, month="март", amount='1 250,00',
                days=14, street="ул. Ленина", house=5, cold='00123',
                hot='00077', power='04561', people=3),
            'accounts': [('add', [account])],
            'support_line': line_id,
            'operator': operator_id,
            }
        if phone:
            values['contact_phone'] = phone
        if premise:
            values['premise'] = premise
            values['building'] = building
        rows.append(values)
    return rows


def bench_create(pool, database, n, seed, batch):
    from trytond.transaction import Transaction
    Appeal = pool.get('crm.appeal')
    user_id, context, _ = user_context(pool, database, 'operator1')
    rows = appeal_rows(pool, database, n + 20, seed)
    warmup, rows = rows[:20], rows[20:]

    # Warm the caches of the pool, as a running server has them
    with Transaction().start(database, user_id, context=context) as tr:
        for values in warmup:
            Appeal.create([values])
        tr.commit()

    def count(cursor, table):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        return cursor.fetchone()[0]

    with Transaction().start(database, 0) as tr, \
            tr.connection.cursor() as cursor:
        before = {t: count(cursor, t) for t in [
                'crm_appeal', 'crm_appeal__history', 'crm_appeal_event',
                'crm_appeal-crm_account']}

    # ORM, in requests of `batch` appeals each (a transaction per request)
    ids = []
    start = time.perf_counter()
    for chunk in demo._chunks(rows, batch):
        with Transaction().start(database, user_id, context=context) as tr:
            ids += [a.id for a in Appeal.create(chunk)]
            tr.commit()
    orm_seconds = time.perf_counter() - start

    with Transaction().start(database, 0) as tr, \
            tr.connection.cursor() as cursor:
        after = {t: count(cursor, t) for t in before}
        columns = [c for c, in _columns(cursor, 'crm_appeal') if c != 'id']
        quoted = ', '.join(f'"{c}"' for c in columns)
        cursor.execute(
            f'SELECT {quoted} FROM crm_appeal WHERE id = ANY(%s) '
            'ORDER BY id', (ids,))
        same_rows = cursor.fetchall()
        cursor.execute(
            'SELECT appeal, account FROM "crm_appeal-crm_account" '
            'WHERE appeal = ANY(%s) ORDER BY id', (ids,))
        links = cursor.fetchall()
        numbers = sorted(r[columns.index('number')] for r in same_rows)
        sample = [
            (r[columns.index('number')], r[columns.index('received_date')],
                r[columns.index('deadline')]) for r in same_rows[:3]]

    # Raw SQL: the same rows (and their account links), same table,
    # in batches of `batch` rows per transaction
    link_of = {}
    for appeal, account in links:
        link_of.setdefault(appeal, []).append(account)
    placeholders = ', '.join(['%s'] * len(columns))
    insert = (f'INSERT INTO crm_appeal ({quoted}) VALUES ({placeholders}) '
        'RETURNING id')
    insert_link = ('INSERT INTO "crm_appeal-crm_account" '
        '(appeal, account, create_uid, create_date) '
        'VALUES (%s, %s, 0, CURRENT_TIMESTAMP)')
    start = time.perf_counter()
    for chunk_ids, chunk in zip(demo._chunks(ids, batch),
            demo._chunks(same_rows, batch)):
        with Transaction().start(database, 0) as tr, \
                tr.connection.cursor() as cursor:
            cursor.executemany(insert, chunk, returning=True)
            new_ids = []
            while True:
                new_ids.append(cursor.fetchone()[0])
                if not cursor.nextset():
                    break
            link_rows = [(new, account)
                for old, new in zip(chunk_ids, new_ids)
                for account in link_of.get(old, [])]
            if link_rows:
                cursor.executemany(insert_link, link_rows)
            tr.commit()
    raw_seconds = time.perf_counter() - start

    extra = {t: after[t] - before[t] for t in before}
    return dict(n=len(rows), orm=orm_seconds, raw=raw_seconds, extra=extra,
        first=numbers[0] if numbers else None,
        last=numbers[-1] if numbers else None, sample=sample, batch=batch)


def _columns(cursor, table):
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s ORDER BY ordinal_position", (table,))
    return cursor.fetchall()


# ---------------------------------------------------------------------------
# (b) the operator queue

def bulk_load(pool, database, total, seed):
    """Fill crm_appeal up to `total` rows with INSERT … SELECT over
    generate_series: both organisations, lines 1/2/none, every state,
    deadlines around the received date, over the last 90 days."""
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as tr, \
            tr.connection.cursor() as cursor:
        cursor.execute('SELECT COUNT(*) FROM crm_appeal')
        present = cursor.fetchone()[0]
        missing = max(total - present, 0)
        cursor.execute('SELECT id FROM company_company ORDER BY id')
        companies = [r[0] for r in cursor.fetchall()]
        cursor.execute('SELECT id FROM crm_support_line ORDER BY number')
        lines = [r[0] for r in cursor.fetchall()]
        cursor.execute('SELECT id FROM crm_appeal_source ORDER BY id')
        sources = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            'SELECT id, "group", COALESCE(default_hours, 72) '
            'FROM crm_appeal_reason ORDER BY id')
        reasons = cursor.fetchall()
        cursor.execute('SELECT id FROM party_party ORDER BY id')
        parties = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT id FROM res_user WHERE login IN "
            "('operator1', 'operator2', 'supervisor') ORDER BY login")
        users = [r[0] for r in cursor.fetchall()]
        if missing:
            cursor.execute('SELECT setseed(%s)', (
                    (seed % 1000) / 1000,))
            line1 = lines[0]
            line2 = lines[1] if len(lines) > 1 else lines[0]
            cursor.execute(f"""
                INSERT INTO crm_appeal (
                    number, company, source, received_date, applicant,
                    reason_group, reason, description, support_line,
                    operator, deadline, state, closed_date, labour_minutes,
                    notify_on_close, create_uid, create_date)
                SELECT
                    'Б-' || g.i, c.company, c.source, c.received,
                    c.applicant, c.reason_group, c.reason,
                    'Нагрузочное обращение № ' || g.i,
                    c.line, c.operator,
                    c.received + make_interval(hours => c.hours),
                    c.state,
                    CASE WHEN c.state IN ('resolved', 'rejected')
                        THEN c.received + make_interval(
                            hours => (c.hours * random())::int)
                        END,
                    CASE WHEN c.state <> 'draft'
                        THEN (5 + random() * 40)::int END,
                    false, 0, CURRENT_TIMESTAMP
                FROM generate_series(1, %(n)s) AS g(i)
                CROSS JOIN LATERAL (
                    SELECT
                        CASE WHEN r.c < 0.7 THEN %(org1)s
                            ELSE %(org2)s END AS company,
                        (%(sources)s::int[])[1 + floor(random() *
                            %(n_sources)s)::int] AS source,
                        CURRENT_TIMESTAMP - make_interval(
                            secs => random() * 90 * 86400) AS received,
                        (%(parties)s::int[])[1 + floor(random() *
                            %(n_parties)s)::int] AS applicant,
                        rs.reason, rs.reason_group, rs.hours,
                        CASE WHEN r.l < 0.45 THEN %(line1)s
                            WHEN r.l < 0.85 THEN %(line2)s END AS line,
                        (%(users)s::int[])[1 + floor(random() *
                            %(n_users)s)::int] AS operator,
                        CASE WHEN r.s < 0.05 THEN 'draft'
                            WHEN r.s < 0.15 THEN 'in_work'
                            WHEN r.s < 0.93 THEN 'resolved'
                            ELSE 'rejected' END AS state
                    FROM (SELECT random() AS c, random() AS l,
                            random() AS s, g.i AS i) AS r
                    CROSS JOIN LATERAL (
                        SELECT (%(reasons)s::int[])[k] AS reason,
                            (%(groups)s::int[])[k] AS reason_group,
                            (%(hours)s::int[])[k] AS hours
                        FROM (SELECT 1 + floor(random() *
                                %(n_reasons)s)::int + 0 * r.i AS k) AS kk
                        ) AS rs
                    ) AS c
                """, dict(
                    n=missing, org1=companies[0], org2=companies[-1],
                    sources=sources, n_sources=len(sources),
                    parties=parties, n_parties=len(parties),
                    reasons=[r[0] for r in reasons],
                    groups=[r[1] for r in reasons],
                    hours=[r[2] for r in reasons], n_reasons=len(reasons),
                    line1=line1, line2=line2,
                    users=users, n_users=len(users)))
        tr.commit()
    with Transaction().start(database, 0) as tr, \
            tr.connection.cursor() as cursor:
        cursor.execute('ANALYZE crm_appeal')
        cursor.execute(
            'SELECT state, COUNT(*) FROM crm_appeal GROUP BY state '
            'ORDER BY state')
        states = dict(cursor.fetchall())
        cursor.execute(
            'SELECT COUNT(*) FROM crm_appeal WHERE support_line = %s '
            'AND state = ANY(%s)', (lines[0], OPEN_STATES))
        queue = cursor.fetchone()[0]
        tr.commit()
    return dict(loaded=missing, states=states, queue=queue, line=lines[0])


# The operator queue in plain SQL, the way one would write it by hand:
# pick the 80 rows first (index on line, state, deadline), then join the
# names the list shows. Same filters as the ORM gets from the domain and
# operator1's record rules (organisation; own line or none).
RAW_QUEUE = """
WITH q AS (
    SELECT a.id, a.number, a.received_date, a.source, a.applicant,
        a.contact_phone, a.reason_group, a.reason, a.support_line,
        a.operator, a.deadline, a.state
    FROM crm_appeal AS a
    WHERE a.support_line = %(line)s
        AND a.state = ANY(%(states)s)
        AND a.company = ANY(%(companies)s)
    ORDER BY a.deadline ASC, a.id ASC
    LIMIT 80)
SELECT q.id, q.number, q.received_date, src.name AS source,
    p.name AS applicant, q.contact_phone, g.name AS reason_group,
    r.name AS reason, l.number || '. ' || l.name AS support_line,
    u.name AS operator, q.deadline,
    (q.deadline IS NOT NULL AND q.deadline < CURRENT_TIMESTAMP) AS overdue,
    q.state
FROM q
LEFT JOIN crm_appeal_source AS src ON src.id = q.source
LEFT JOIN party_party AS p ON p.id = q.applicant
LEFT JOIN crm_appeal_reason_group AS g ON g.id = q.reason_group
LEFT JOIN crm_appeal_reason AS r ON r.id = q.reason
LEFT JOIN crm_support_line AS l ON l.id = q.support_line
LEFT JOIN res_user AS u ON u.id = q.operator
ORDER BY q.deadline ASC, q.id ASC
"""

# The same written naively: joins first, LIMIT last (shown for scale)
RAW_QUEUE_NAIVE = """
SELECT a.id, a.number, a.received_date, src.name AS source,
    p.name AS applicant, a.contact_phone, g.name AS reason_group,
    r.name AS reason, l.number || '. ' || l.name AS support_line,
    u.name AS operator, a.deadline,
    (a.deadline IS NOT NULL AND a.deadline < CURRENT_TIMESTAMP) AS overdue,
    a.state
FROM crm_appeal AS a
LEFT JOIN crm_appeal_source AS src ON src.id = a.source
LEFT JOIN party_party AS p ON p.id = a.applicant
LEFT JOIN crm_appeal_reason_group AS g ON g.id = a.reason_group
LEFT JOIN crm_appeal_reason AS r ON r.id = a.reason
LEFT JOIN crm_support_line AS l ON l.id = a.support_line
LEFT JOIN res_user AS u ON u.id = a.operator
WHERE a.support_line = %(line)s
    AND a.state = ANY(%(states)s)
    AND a.company = ANY(%(companies)s)
ORDER BY a.deadline ASC, a.id ASC
LIMIT 80
"""


def bench_queue(pool, database, repeat, line_id):
    from trytond.transaction import Transaction
    Appeal = pool.get('crm.appeal')
    user_id, context, companies = user_context(pool, database, 'operator1')

    domain = [
        ('support_line', '=', line_id),
        ('state', 'in', OPEN_STATES),
        ]
    with Transaction().start(database, 0, readonly=True):
        fields = [f for f in LIST_FIELDS if f in Appeal._fields]
    read_fields = list(fields)
    for name in fields:
        if Appeal._fields[name]._type == 'many2one':
            read_fields.append(name + '.rec_name')

    def orm():
        with Transaction().start(
                database, user_id, readonly=True, context=context):
            appeals = Appeal.search(
                domain, order=[('deadline', 'ASC')], limit=80)
            ids = [a.id for a in appeals]
            rows = Appeal.read(ids, read_fields)
        return ids, rows

    params = dict(line=line_id, states=OPEN_STATES, companies=companies)

    def raw_query(sql):
        def raw():
            with Transaction().start(database, 0, readonly=True) as tr, \
                    tr.connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        return raw
    raw, naive = raw_query(RAW_QUEUE), raw_query(RAW_QUEUE_NAIVE)

    (orm_ids, orm_rows), raw_rows = orm(), raw()
    for _ in range(5):  # warm-up
        orm()
        raw()
        naive()
    timings = {'orm': [], 'raw': [], 'naive': []}
    for _ in range(repeat):
        for name, func in [('orm', orm), ('raw', raw), ('naive', naive)]:
            start = time.perf_counter()
            func()
            timings[name].append((time.perf_counter() - start) * 1000)

    # The plans: raw query, and the query the ORM builds (rules included)
    with Transaction().start(database, 0, readonly=True) as tr, \
            tr.connection.cursor() as cursor:
        cursor.execute('EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ' + RAW_QUEUE,
            params)
        raw_plan = [r[0] for r in cursor.fetchall()]
    with Transaction().start(
            database, user_id, readonly=True, context=context) as tr:
        query = Appeal.search(
            domain, order=[('deadline', 'ASC')], limit=80, query=True)
        sql, sql_params = tuple(query)
        with tr.connection.cursor() as cursor:
            cursor.execute('EXPLAIN (ANALYZE, COSTS OFF) ' + sql, sql_params)
            orm_plan = [r[0] for r in cursor.fetchall()]
    same = orm_ids == [r[0] for r in raw_rows]
    return dict(timings=timings, orm_rows=len(orm_rows),
        raw_rows=len(raw_rows), same=same, raw_plan=raw_plan,
        orm_plan=orm_plan, orm_sql=sql, fields=read_fields,
        companies=companies)


# ---------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--database', default=os.environ.get(
            'BENCH_DB', 'crm_bench'))
    parser.add_argument('-n', '--appeals', type=int, default=int(
            os.environ.get('BENCH_APPEALS', 2000)),
        help="appeals created in (a) (default 2000)")
    parser.add_argument('--batch', type=int, default=int(
            os.environ.get('BENCH_BATCH', 50)),
        help="appeals per request/transaction in (a) (default 50)")
    parser.add_argument('--queue-rows', type=int, default=int(
            os.environ.get('BENCH_QUEUE_ROWS', 100000)),
        help="appeals in the table for (b) (default 100000)")
    parser.add_argument('--repeat', type=int, default=int(
            os.environ.get('BENCH_REPEAT', 100)),
        help="timed runs of each query in (b) (default 100, at least 50)")
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--keep', action='store_true',
        help="keep the database afterwards")
    options = parser.parse_args(argv)
    options.repeat = max(options.repeat, 50)

    uri = os.environ.get('TRYTOND_DATABASE_URI', '')
    if not uri.startswith(('postgresql', 'postgres')):
        sys.exit("bench: set TRYTOND_DATABASE_URI=postgresql://… "
            "(figures are measured on PostgreSQL only)")
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger('trytond').setLevel(logging.WARNING)

    from trytond import __version__ as trytond_version
    started = time.perf_counter()
    name = options.database
    server = create_database(uri, name)
    out(f"CRM обращений — benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}")
    out(f"  PostgreSQL {server}, trytond {trytond_version}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPU, "
        f"database {name}")
    try:
        t0 = time.perf_counter()
        pool = activate(name)
        out(f"  crm_dispatch activated in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        summary = demo.generate(name, None, dict(demo.SMALL,
                buildings=6, premises=120, applicants=40, appeals=100),
            seed=options.seed, progress=False)
        out(f"  demo catalogue loaded in {time.perf_counter() - t0:.1f} s "
            f"({summary['reasons']} reasons, {summary['accounts']} accounts, "
            f"{summary['appeals']} appeals)")
        out()

        # (a)
        a = bench_create(pool, name, options.appeals, options.seed,
            options.batch)
        out(f"(a) Creating {a['n']} appeals as operator1, "
            f"{a['batch']} per transaction")
        orm_rate, raw_rate = a['n'] / a['orm'], a['n'] / a['raw']
        table(['method', 'rows', 'seconds', 'rows/s', 'ms/row'], [
                ['ORM: number, deadline, history, event log, access',
                    a['n'], f"{a['orm']:.2f}", f"{orm_rate:,.0f}",
                    f"{a['orm'] * 1000 / a['n']:.2f}"],
                ['raw SQL INSERT of the same rows (+ account links)',
                    a['n'], f"{a['raw']:.2f}", f"{raw_rate:,.0f}",
                    f"{a['raw'] * 1000 / a['n']:.2f}"],
                ])
        out(f"  ratio ORM/raw (time per row): {a['orm'] / a['raw']:.1f}×")
        extra = a['extra']
        out(f"  rows the ORM wrote: {extra['crm_appeal']} appeals, "
            f"{extra['crm_appeal__history']} history, "
            f"{extra['crm_appeal_event']} events, "
            f"{extra['crm_appeal-crm_account']} account links; "
            f"numbers {a['first']} … {a['last']}")
        for number, received, deadline in a['sample']:
            out(f"    e.g. {number}: received {received:%d.%m %H:%M}, "
                f"deadline {deadline:%d.%m %H:%M}" if deadline else
                f"    e.g. {number}: no deadline")
        out()

        # (b)
        t0 = time.perf_counter()
        load = bulk_load(pool, name, options.queue_rows, options.seed)
        total = sum(load['states'].values())
        out(f"(b) Operator queue at {total:,} appeals "
            f"(bulk-loaded {load['loaded']:,} rows in "
            f"{time.perf_counter() - t0:.1f} s; states "
            + ', '.join(f'{k} {v:,}' for k, v in load['states'].items())
            + ")")
        out(f"    line 1, state draft/in work: {load['queue']:,} appeals; "
            "order by deadline, first 80 rows with the list fields")
        q = bench_queue(pool, name, options.repeat, load['line'])
        rows = []
        for key, label in [
                ('orm', 'ORM search + read as operator1 (record rules)'),
                ('raw', 'raw SQL: LIMIT 80, then joins (baseline)'),
                ('naive', 'raw SQL: joins, then LIMIT 80')]:
            values = q['timings'][key]
            rows.append([label, len(values),
                    f"{percentile(values, 50):.2f}",
                    f"{percentile(values, 95):.2f}",
                    f"{statistics.mean(values):.2f}",
                    f"{min(values):.2f}"])
        table(['method', 'runs', 'p50 ms', 'p95 ms', 'mean ms', 'min ms'],
            rows)
        orm_t, raw_t = q['timings']['orm'], q['timings']['raw']
        out(f"  ratio ORM/raw: p50 "
            f"{percentile(orm_t, 50) / percentile(raw_t, 50):.1f}×, p95 "
            f"{percentile(orm_t, 95) / percentile(raw_t, 95):.1f}×")
        out(f"  rows: ORM {q['orm_rows']}, raw {q['raw_rows']}; same ids "
            f"in the same order: {'yes' if q['same'] else 'no'}")
        out(f"  read fields: {', '.join(q['fields'])}")
        out(f"  ORM query: {q['orm_sql']}")
        out()
        out("EXPLAIN ANALYZE of the raw queue query:")
        for line in q['raw_plan']:
            out('    ' + line)
        out()
        out("EXPLAIN ANALYZE of the query the ORM built (record rules "
            "included):")
        for line in q['orm_plan']:
            out('    ' + line)
        out()
        out(f"Total bench time {time.perf_counter() - started:.0f} s.")
    finally:
        if not options.keep:
            try:
                drop_database(uri, name)
            except Exception as exc:
                out(f"(could not drop database {name}: {exc})")
    return 0


if __name__ == '__main__':
    sys.exit(main())
