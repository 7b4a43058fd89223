"""First performance figures of the appeals CRM, measured on PostgreSQL.

The command line and the run of tools/bench.py (described there).
"""
import argparse
import datetime as dt
import logging
import os
import platform
import sys
import time

from . import demogen
from .create import bench_create, report_create
from .database import activate, create_database, drop_database, vacuum
from .billing import bench_billing, report_billing
from .intake import bench_intake, report_intake
from .orders import bench_orders, report_orders
from .orders import bulk_load as bulk_load_orders
from .pivot import bench_pivot, report_pivot
from .portal import bench_portal, report_portal
from .queue import bench_queue, bulk_load, report_load, report_queue
from .receipts import bench_receipts, report_receipts
from .rpcbench import bench_rpc, report_rpc
from .report import out


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
            os.environ.get('BENCH_QUEUE_ROWS', 1000000)),
        help="appeals in the table for (b) and (c) (default 1000000)")
    parser.add_argument('--repeat', type=int, default=int(
            os.environ.get('BENCH_REPEAT', 100)),
        help="timed runs of each query in (b) (default 100, at least 50)")
    parser.add_argument('--orders', type=int, default=int(
            os.environ.get('BENCH_ORDERS', 200000)),
        help="work orders in the table for (e) (default 200000)")
    parser.add_argument('--residents', type=int, default=int(
            os.environ.get('BENCH_RESIDENTS', 50)),
        help="residents browsing the portal at once in (f) (default 50)")
    parser.add_argument('--resident-appeals', type=int, default=5,
        help="appeals of each resident in (f) (default 5)")
    parser.add_argument('--processes', type=int, default=int(
            os.environ.get('BENCH_PROCESSES', 4)),
        help="trytond processes serving the portal in (f) (default 4)")
    parser.add_argument('--portal-seconds', type=int, default=int(
            os.environ.get('BENCH_PORTAL_SECONDS', 60)),
        help="how long the residents browse in (f) (default 60)")
    parser.add_argument('--spawn-rate', type=float, default=float(
            os.environ.get('BENCH_SPAWN_RATE', 5)),
        help="residents arriving a second in (f) (default 5)")
    parser.add_argument('--think', default=os.environ.get(
            'BENCH_THINK', '0.5-1.5'),
        help="pause of a resident between pages, seconds MIN-MAX "
        "(default 0.5-1.5)")
    parser.add_argument('--billing-accounts', type=int, default=int(
            os.environ.get('BENCH_BILLING_ACCOUNTS', 100000)),
        help="accounts charged in (g), 6 services each (default 100000)")
    parser.add_argument('--receipt-accounts', type=int, default=int(
            os.environ.get('BENCH_RECEIPT_ACCOUNTS', 500)),
        help="accounts of the building whose receipts (r) prints "
        "(default 500; 20 is enough while developing)")
    parser.add_argument('--only', default=os.environ.get('BENCH_ONLY', ''),
        help="run only these sections, e.g. 'f' or 'portal' or 'a,e' "
        "((c) and (p) need (b) and run it too)")
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--keep', action='store_true',
        help="keep the database afterwards")
    options = parser.parse_args(argv)
    options.repeat = max(options.repeat, 50)
    options.think = tuple(float(x) for x in options.think.split('-', 1))
    aliases = {'portal': 'f', 'create': 'a', 'queue': 'b', 'rpc': 'c',
        'intake': 'd', 'orders': 'e', 'billing': 'g', 'receipts': 'r',
        'pivot': 'p'}
    only = {aliases.get(x.strip(), x.strip())
        for x in options.only.split(',') if x.strip()} or set('abcdefgpr')
    if only & {'c', 'p'}:
        only.add('b')

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
        summary = demogen.generate(name, None, dict(demogen.SMALL,
                buildings=6, premises=120, applicants=40, appeals=100),
            seed=options.seed, progress=False)
        out(f"  demo catalogue loaded in {time.perf_counter() - t0:.1f} s "
            f"({summary['reasons']} reasons, {summary['accounts']} accounts, "
            f"{summary['appeals']} appeals)")
        out()

        if 'a' in only:
            report_create(bench_create(pool, name, options.appeals,
                    options.seed, options.batch))
            out()
        if 'd' in only:
            report_intake(bench_intake(pool, uri, name, options.repeat,
                    options.seed))
            out()
        if 'b' in only:
            t0 = time.perf_counter()
            load = bulk_load(pool, name, options.queue_rows, options.seed)
            vacuum(uri, name, 'crm_appeal', 'party_party')
            report_load(load, time.perf_counter() - t0)
            queue = bench_queue(pool, name, options.repeat, load['line'])
            report_queue(queue)
            out()
        if 'c' in only:
            report_rpc(bench_rpc(uri, name, options.repeat, load['line'],
                    queue['companies']))
            out()
        if 'p' in only:
            report_pivot(bench_pivot(pool, uri, name, options.repeat))
            out()
        if 'e' in only:
            t0 = time.perf_counter()
            orders = bulk_load_orders(pool, name, options.orders)
            report_orders(orders, time.perf_counter() - t0,
                bench_orders(pool, name, options.repeat, orders))
            out()
        # It activates crm_billing on the database
        if 'g' in only:
            report_billing(bench_billing(pool, name,
                    options.billing_accounts))
            out()
        if 'r' in only:
            report_receipts(bench_receipts(pool, name,
                    options.receipt_accounts))
            out()
        # Last: it activates crm_portal on the database
        if 'f' in only:
            report_portal(bench_portal(pool, uri, name, options))
            out()
        out(f"Total bench time {time.perf_counter() - started:.0f} s.")
    finally:
        if not options.keep:
            try:
                drop_database(uri, name)
            except Exception as exc:
                out(f"(could not drop database {name}: {exc})")
    return 0
