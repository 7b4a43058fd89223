"""(p) The managers' pivot at Q appeals (the rows of (b)): crm_analytics
activated, a trytond server on the bench database, the pivot page's call
— `crm.analytics.fact.aggregate` by reason group × month with its sums
(count, overdue, hours to close, rating, labour) through JSON-RPC under
the user's record rules — as the supervisor (his organisations) and as
operator1 (his line or none), against the hand-written GROUP BY of the
same rows; and the load of the managers' dashboard (its actions' searches
and reads as sao sends them, when crm_analytics has boards).  The facts
are counted ahead by day first, as the scheduled task does (timed), and
the newest days then marked changed, as a working day's changes mark
them: the figures are those between two counts, the marked days and the
open appeals not yet due counted live."""
import statistics

from sql import Literal
from sql.aggregate import Count

from .database import root_cursor, user_context, vacuum
from .report import out, percentile, table
from .rpc import Session
from .rpcbench import PASSWORD, Server, _time

DIMENSIONS = ['reason_group', 'month']

# The same rows and sums as the ORM's query: the user's organisations
# (and for an operator his lines or none), grouped by reason group and
# month of the local day of receipt stored with the appeal (Moscow time)
RAW_PIVOT = """
SELECT a.reason_group,
    date_trunc('month', a.received_day::timestamp) AS month,
    COUNT(*),
    SUM(CASE WHEN a.deadline IS NULL THEN 0
        WHEN a.state IN ('draft', 'in_work') AND a.deadline < %(now)s THEN 1
        WHEN a.state = 'resolved' AND a.closed_date IS NOT NULL
            AND a.closed_date > a.deadline THEN 1
        ELSE 0 END),
    SUM(CASE WHEN a.closed_date IS NOT NULL THEN 1 ELSE 0 END),
    EXTRACT(EPOCH FROM SUM(CASE WHEN a.closed_date IS NOT NULL THEN
        a.closed_date - a.received_date END)) / 3600,
    SUM(CASE WHEN a.rating IS NOT NULL THEN 1 ELSE 0 END),
    SUM(a.rating),
    SUM(a.labour_minutes)
FROM crm_appeal AS a
WHERE a.company = ANY(%(companies)s) {lines}
GROUP BY 1, 2
ORDER BY 1, 2
"""
RAW_LINES = "AND (a.support_line IS NULL OR a.support_line = ANY(%(lines)s))"


BOARDS = ['act_board_supervisor', 'act_board_manager']


def board_panes(pool, database, board):
    """The panes of a board action (crm_analytics XML id) as sao loads
    them: (name, model, PYSON domain, limit, view fields) of each action"""
    import xml.etree.ElementTree as ET
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=True,
            context={'language': 'ru'}):
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action.act_window')
        View = pool.get('ir.ui.view')
        board = Action(ModelData.get_id('crm_analytics', board))
        arch = ET.fromstring(View(board.act_window_views[0].view.id).arch)
        panes = []
        for element in arch.iter('action'):
            module, xml_id = element.get('name').split('.')
            action = Action(ModelData.get_id(module, xml_id))
            view = action.act_window_views[0].view
            fields = sorted({f.get('name') for f in
                    ET.fromstring(View(view.id).arch).iter('field')})
            panes.append((action.name, action.res_model,
                    action.pyson_domain, action.limit, view.type, fields))
        return board.name, panes


def _load_board(session, panes):
    "Each pane's search and read, as the client sends them"
    from trytond.pyson import PYSONDecoder
    context = dict(session.context, _user=session.user_id)
    rows = 0
    for _, model, domain, limit, _, fields in panes:
        domain = PYSONDecoder(context).decode(domain)
        ids = session.model(model, 'search', domain, 0, limit or None, None)
        rows += len(session.model(model, 'read', ids, fields))
    return rows


def _activate(pool):
    pool.init(update=['crm_analytics'], lang=['ru'], activatedeps=True)


def bench_pivot(pool, uri, database, repeat):
    import datetime as dt
    _activate(pool)
    # The activation stored each bulk-loaded appeal's local day: a million
    # rows rewritten, which autovacuum would otherwise clean up while the
    # figures are measured
    vacuum(uri, database, 'crm_appeal')
    results = {'timings': {}, 'rows': {}, 'totals': {}}
    results['rollup'] = _count_ahead(pool, database)
    vacuum(uri, database, 'crm_analytics_rollup')
    server = Server(uri, database)
    try:
        for login in ['supervisor', 'operator1']:
            session = Session(server.url, database, login, PASSWORD)
            _, _, companies = user_context(pool, database, login)
            lines = session.model('res.user', 'read', [session.user_id],
                ['crm_lines'])[0]['crm_lines']
            operator = login.startswith('operator')

            def rpc():
                return session.model('crm.analytics.fact', 'aggregate',
                    DIMENSIONS, [], None, None)

            params = dict(companies=companies, lines=lines,
                now=dt.datetime.now())
            sql = RAW_PIVOT.format(lines=RAW_LINES if operator else '')

            def raw():
                with root_cursor(database, readonly=True) as cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchall()
            runs = max(repeat // 4, 20)
            results['timings'][login] = _time(rpc, runs)
            results['timings'][login + ' raw'] = _time(raw, runs)
            got, expected = rpc()['rows'], raw()
            results['rows'][login] = (len(got), len(expected))
            results['totals'][login] = (
                sum(r['count'] for r in got), sum(r[2] for r in expected),
                sum(r['overdue_count'] for r in got),
                sum(r[3] for r in expected))
        session = Session(server.url, database, 'supervisor', PASSWORD)
        results['boards'] = {}
        for board in BOARDS:
            name, panes = board_panes(pool, database, board)
            rows = _load_board(session, panes)
            timings = _time(lambda: _load_board(session, panes),
                max(repeat // 4, 20))
            results['boards'][name] = (len(panes), rows, timings)
        results['refresh'] = _refresh(pool, database)
    finally:
        server.stop()
    return results


# Days of each organisation marked as changed since the count, as a
# working day's changes mark them: the newest ones
MARKED_DAYS = 2


def _count_ahead(pool, database):
    """Count the facts by day as the scheduled task does, then mark the
    newest days changed: (seconds, rows, marked days, appeals counted live
    as open and not yet due)"""
    import time
    from trytond.modules.crm_analytics.rollup import pending
    from trytond.transaction import Transaction
    Clock = pool.get('crm.analytics.rollup.clock')
    # As the scheduler starts it: holding the lock a count takes
    with Transaction().start(database, 0,
            _lock_tables=[Clock._table]) as transaction:
        Rollup = pool.get('crm.analytics.rollup')
        Appeal = pool.get('crm.appeal')
        t0 = time.perf_counter()
        Rollup.refresh()
        seconds = time.perf_counter() - t0
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT COUNT(*) FROM crm_analytics_rollup')
        rows, = cursor.fetchone()
        cursor.execute(
            'INSERT INTO crm_analytics_rollup_dirty (company, day) '
            'SELECT company, day FROM (SELECT DISTINCT company, '
            'received_day AS day, DENSE_RANK() OVER (PARTITION BY company '
            'ORDER BY received_day DESC) AS k FROM crm_appeal) AS d '
            'WHERE k <= %s', (MARKED_DAYS,))
        marked = cursor.rowcount
        appeal = Appeal.__table__()
        cursor.execute(*appeal.select(Count(Literal(1)),
                where=pending(appeal, Clock.as_of())))
        live, = cursor.fetchone()
        transaction.commit()
    return seconds, rows, marked, live


def _refresh(pool, database):
    """{model: seconds} of refreshing each materialized board view as the
    scheduled task does (concurrently); empty when none is materialized"""
    import time
    from trytond.modules.crm_analytics.board import MATERIALIZABLE
    from trytond.transaction import Transaction
    seconds = {}
    with Transaction().start(database, 0) as transaction:
        for name in MATERIALIZABLE:
            Model = pool.get(name)
            if not Model._table_query_materialized():
                continue
            t0 = time.perf_counter()
            Model._table_query_refresh(force=True)
            seconds[name] = time.perf_counter() - t0
        transaction.commit()
    return seconds


def report_pivot(r):
    out("(p) Pivot page: crm.analytics.fact.aggregate by reason group × "
        "month with its sums, JSON-RPC under the user's rules, against "
        "the hand-written GROUP BY")
    t = r['timings']
    rows = []
    for login in ['supervisor', 'operator1']:
        for key, label in [(login, f'{login}, JSON-RPC (target <= 500 ms, '
                    '<= 2× SQL)'), (login + ' raw', '  hand-written SQL')]:
            values = t[key]
            rows.append([label, len(values),
                f"{percentile(values, 50):.1f}",
                f"{percentile(values, 95):.1f}",
                f"{statistics.mean(values):.1f}"])
    table(['what', 'runs', 'p50 ms', 'p95 ms', 'mean ms'], rows)
    for login in ['supervisor', 'operator1']:
        ratio50 = percentile(t[login], 50) / percentile(t[login + ' raw'], 50)
        ratio95 = percentile(t[login], 95) / percentile(t[login + ' raw'], 95)
        got, expected = r['rows'][login]
        count, raw_count, overdue, raw_overdue = r['totals'][login]
        out(f"  {login}: ratio p50 {ratio50:.2f}×, p95 {ratio95:.2f}×; "
            f"groups {got}/{expected}; appeals {count}/{raw_count}; "
            f"overdue {overdue}/{raw_overdue} (JSON-RPC/SQL)")
    seconds, rows, marked, live = r['rollup']
    out(f"  the facts counted ahead by day: {rows:,} rows, counted in "
        f"{seconds:.1f} s (every 5 minutes, the days changed since); "
        f"measured with {marked} days marked changed (counted live) and "
        f"{live:,} open appeals not yet due (counted live)")
    out("  Dashboards as the supervisor: every pane's search and read "
        "through JSON-RPC, one after the other")
    rows = []
    for name, (panes, records, timings) in r['boards'].items():
        rows.append([name, panes, records, len(timings),
                f"{percentile(timings, 50):.1f}",
                f"{percentile(timings, 95):.1f}"])
    table(['board', 'panes', 'rows', 'runs', 'p50 ms', 'p95 ms'], rows)
    if r['refresh']:
        out("  the manager's panel reads materialized views (make bench's "
            "MATERIALIZED), refreshed every 5 minutes; a refresh takes "
            + ', '.join(f"{s:.1f} s ({name})"
                for name, s in r['refresh'].items()))
    else:
        out("  the manager's panel is computed live (no "
            "[table_query_materialized] configured)")
