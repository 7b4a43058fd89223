#!/usr/bin/env python3
"""The operator queue of the SQLite demo through JSON-RPC, against a
running `make run` server:

    make run                      # in another terminal
    make bench-demo               # or: python tools/bench_demo.py

Logs in as operator1 and reads the queue (his first line, data entry and
in work, by deadline, 80 rows) as the web client does: `search`, then one
`read` of the list view's columns with the names of the related records
(tools/benchlib/rpc.py).  The baseline reads the same rows with their
names by hand-written SQL straight from the SQLite file.  Prints p50/p95;
asserts nothing.
"""
import argparse
import os
import sqlite3
import statistics
import sys
import time

try:
    from .benchlib.report import out, percentile, table
    from .benchlib.rpc import (
        QUEUE_LIMIT, QUEUE_STATES, Session, list_fields, operator_line,
        queue_domain, read_queue)
except ImportError:  # run as a script: tools/ is sys.path[0]
    from benchlib.report import out, percentile, table
    from benchlib.rpc import (
        QUEUE_LIMIT, QUEUE_STATES, Session, list_fields, operator_line,
        queue_domain, read_queue)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RAW_QUEUE = f"""
WITH q AS (
    SELECT a.* FROM crm_appeal AS a
    WHERE a.support_line = :line
        AND a.state IN ({', '.join(f"'{s}'" for s in QUEUE_STATES)})
        AND a.company IN (SELECT value FROM json_each(:companies))
    ORDER BY a.deadline ASC, a.id ASC
    LIMIT {QUEUE_LIMIT})
SELECT q.id, q.number, q.received_date, src.name, p.name,
    q.contact_phone, g.name, r.name,
    'г. ' || b.city || ', ' || b.street || ', д. ' || b.house
        || COALESCE(', корп. ' || b.block, ''),
    l.number || '. ' || l.name, u.name, q.deadline,
    q.deadline IS NOT NULL AND q.deadline < :now, q.state, cp.name,
    q.description
FROM q
LEFT JOIN crm_appeal_source AS src ON src.id = q.source
LEFT JOIN party_party AS p ON p.id = q.applicant
LEFT JOIN crm_appeal_reason_group AS g ON g.id = q.reason_group
LEFT JOIN crm_appeal_reason AS r ON r.id = q.reason
LEFT JOIN crm_building AS b ON b.id = q.building
LEFT JOIN crm_support_line AS l ON l.id = q.support_line
LEFT JOIN res_user AS u ON u.id = q.operator
LEFT JOIN company_company AS c ON c.id = q.company
LEFT JOIN party_party AS cp ON cp.id = c.party
ORDER BY q.deadline ASC, q.id ASC
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--url', default=os.environ.get(
            'BENCH_URL', 'http://127.0.0.1:8000/'))
    parser.add_argument('--database', default=os.environ.get(
            'BENCH_DB', 'crm'))
    parser.add_argument('--sqlite', default=os.environ.get(
            'BENCH_SQLITE'),
        help="the database file (default var/db/DATABASE.sqlite)")
    parser.add_argument('--login', default='operator1')
    parser.add_argument('--password', default='demo1234')
    parser.add_argument('--repeat', type=int, default=int(
            os.environ.get('BENCH_REPEAT', 100)))
    options = parser.parse_args(argv)
    path = options.sqlite or os.path.join(
        ROOT, 'var', 'db', options.database + '.sqlite')

    try:
        session = Session(
            options.url, options.database, options.login, options.password)
    except OSError as exc:
        sys.exit(f"bench-demo: no server on {options.url} ({exc}); "
            "start it with `make run`")
    eager, lazy = list_fields(session)
    line = operator_line(session)
    domain = queue_domain(line)
    companies = session.context.get('companies') or [
        session.context['company']]

    import datetime as dt
    import json
    db = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    raw_params = dict(line=line, companies=json.dumps(companies))

    def raw():
        raw_params['now'] = dt.datetime.now().isoformat(' ')
        return db.execute(RAW_QUEUE, raw_params).fetchall()

    def rpc():
        return read_queue(session, domain, eager, lazy)

    def search_only():
        session.model('crm.appeal', 'search', domain, 0, QUEUE_LIMIT,
            [['deadline', 'ASC']])

    rows_rpc, rows_raw = rpc(), raw()
    timings = {}
    for name, func in [('rpc', rpc), ('search', search_only),
            ('raw', raw)]:
        for _ in range(5):
            func()
        values = []
        for _ in range(options.repeat):
            start = time.perf_counter()
            func()
            values.append((time.perf_counter() - start) * 1000)
        timings[name] = values

    out(f"Operator queue of the demo ({options.url}, database "
        f"{options.database}, {options.login}, line {line}): "
        f"{len(rows_rpc)} rows via JSON-RPC, {len(rows_raw)} by SQL; same "
        f"ids: {'yes' if [r['id'] for r in rows_rpc] == [r[0] for r in rows_raw] else 'no'}")
    rows = []
    for key, label in [
            ('rpc', 'JSON-RPC search + read (target p95 <= 50 ms)'),
            ('search', '  of which JSON-RPC search alone'),
            ('raw', 'SQL on the SQLite file (baseline)')]:
        values = timings[key]
        rows.append([label, len(values), f"{percentile(values, 50):.2f}",
                f"{percentile(values, 95):.2f}",
                f"{statistics.mean(values):.2f}"])
    table(['what', 'runs', 'p50 ms', 'p95 ms', 'mean ms'], rows)
    out(f"  ratio JSON-RPC/SQL: p50 "
        f"{percentile(timings['rpc'], 50) / percentile(timings['raw'], 50):.1f}×"
        f", p95 "
        f"{percentile(timings['rpc'], 95) / percentile(timings['raw'], 95):.1f}×")
    out(f"  read fields: {', '.join(eager)}"
        + (f"; lazy, read per row: {', '.join(lazy)}" if lazy else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
