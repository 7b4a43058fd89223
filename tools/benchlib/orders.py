"""(e) Work-order queues at W orders in the table (bulk-loaded with
INSERT … SELECT generate_series): the unallocated queue of a team
(«Нераспределённые»: the team's waiting orders without an executor) and
an executor's «Мои» (his created, redirected and in-progress orders), by
planned start, 80 rows read with the list's fields, as the ORM call under
executor1's rights (record rules included) versus hand-written SQL over
the same indexes; p50/p95 over R runs."""
import statistics
import time

from .database import count, root_cursor, user_context
from .report import out, percentile, table

WAITING = ['created', 'redirected']
MINE = ['created', 'redirected', 'in_progress']
# What the list of work orders shows (view/work_order_list.xml)
LIST_FIELDS = ['number', 'priority', 'planned_start', 'description', 'team',
    'employee', 'appeal', 'state']

# Synthetic orders of the first organisation: every team, mostly done;
# waiting ones without an executor form the teams' unallocated queues;
# planned over 60 days around now
BULK_INSERT = """
INSERT INTO crm_work_order (
    number, company, appeal, team, employee, dispatcher, priority,
    planned_start, planned_end, description, state, create_uid,
    create_date)
SELECT
    'БЗ-' || g.i, %(company)s, c.appeal, c.team,
    CASE WHEN c.state IN ('created', 'redirected') AND r.u < 0.35
        THEN NULL ELSE c.employee END,
    %(dispatcher)s, 'normal', c.start, c.start + interval '2 hours',
    'Нагрузочная заявка № ' || g.i, c.state, 0, CURRENT_TIMESTAMP
FROM generate_series(1, %(n)s) AS g(i)
CROSS JOIN LATERAL (SELECT random() AS s, random() AS u, random() AS m,
        g.i AS i) AS r
CROSS JOIN LATERAL (
    SELECT
        (%(members)s::int[])[k] AS employee,
        (%(member_teams)s::int[])[k] AS team,
        (%(appeals)s::int[])[1 + floor(random() * %(n_appeals)s)::int
            + 0 * r.i] AS appeal,
        CURRENT_TIMESTAMP + make_interval(
            secs => (random() - 0.5) * 120 * 86400) AS start,
        CASE WHEN r.s < 0.06 THEN 'created'
            WHEN r.s < 0.08 THEN 'redirected'
            WHEN r.s < 0.14 THEN 'in_progress'
            WHEN r.s < 0.17 THEN 'postponed'
            WHEN r.s < 0.95 THEN 'done'
            ELSE 'cancelled' END AS state
    FROM (SELECT 1 + floor(r.m * %(n_members)s)::int AS k) AS kk
    ) AS c
"""


def bulk_load(pool, database, total):
    "Fill crm_work_order up to total rows; return what the queues hold"
    with root_cursor(database) as cursor:
        missing = max(total - count(cursor, 'crm_work_order'), 0)
        cursor.execute(
            'SELECT m.employee, m.team FROM '
            '"crm_executor_team-company_employee" AS m ORDER BY m.id')
        members = cursor.fetchall()
        cursor.execute('SELECT company FROM crm_executor_team LIMIT 1')
        company, = cursor.fetchone()
        cursor.execute('SELECT id FROM crm_appeal WHERE company = %s '
            'ORDER BY id LIMIT 5000', (company,))
        appeals = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT id FROM res_user WHERE login = 'operator1'")
        dispatcher, = cursor.fetchone()
        if missing:
            cursor.execute('SELECT setseed(0.42)')
            cursor.execute(BULK_INSERT, dict(n=missing, company=company,
                    members=[m[0] for m in members],
                    member_teams=[m[1] for m in members],
                    n_members=len(members), appeals=appeals,
                    n_appeals=len(appeals), dispatcher=dispatcher))
    with root_cursor(database) as cursor:
        cursor.execute('ANALYZE crm_work_order')
        cursor.execute('SELECT state, COUNT(*) FROM crm_work_order '
            'GROUP BY state ORDER BY state')
        states = dict(cursor.fetchall())
        cursor.execute("""SELECT u.id, e.id, m.team
            FROM res_user AS u
            JOIN "res_user-company_employee" AS ue ON ue."user" = u.id
            JOIN company_employee AS e ON e.id = ue.employee
            JOIN "crm_executor_team-company_employee" AS m
                ON m.employee = e.id
            WHERE u.login = 'executor1'""")
        _, employee, team = cursor.fetchone()
        cursor.execute('SELECT COUNT(*) FROM crm_work_order WHERE team = %s '
            'AND employee IS NULL AND state = ANY(%s)', (team, WAITING))
        unallocated = cursor.fetchone()[0]
        cursor.execute('SELECT COUNT(*) FROM crm_work_order '
            'WHERE employee = %s AND state = ANY(%s)', (employee, MINE))
        mine = cursor.fetchone()[0]
    return dict(loaded=missing, states=states, team=team,
        employee=employee, unallocated=unallocated, mine=mine)


def _names(t):
    return f"""{t}.id, {t}.number, {t}.priority, {t}.planned_start,
    {t}.description, tm.name AS team,
    p.name AS employee, a.number AS appeal, {t}.state"""


def _joins(t):
    return f"""LEFT JOIN crm_executor_team AS tm ON tm.id = {t}.team
LEFT JOIN company_employee AS e ON e.id = {t}.employee
LEFT JOIN party_party AS p ON p.id = e.party
LEFT JOIN crm_appeal AS a ON a.id = {t}.appeal"""


def _raw(where):
    "The 80 rows first (the partial index gives them in order), then names"
    return f"""
WITH q AS (
    SELECT o.* FROM crm_work_order AS o
    WHERE {where} AND o.company = ANY(%(companies)s)
    ORDER BY o.planned_start ASC, o.id ASC
    LIMIT 80)
SELECT {_names('q')}
FROM q
{_joins('q')}
ORDER BY q.planned_start ASC, q.id ASC
"""


QUEUES = {
    'unallocated': (
        lambda load: [('team', '=', load['team']), ('employee', '=', None),
            ('state', 'in', WAITING)],
        _raw("o.team = %(team)s AND o.employee IS NULL "
            "AND o.state = ANY(%(waiting)s)")),
    'mine': (
        lambda load: [('mine', '=', True), ('state', 'in', MINE)],
        _raw("o.employee = %(employee)s AND o.state = ANY(%(mine)s)")),
    }


def bench_orders(pool, database, repeat, load):
    from trytond.transaction import Transaction
    WorkOrder = pool.get('crm.work_order')
    user_id, context, companies = user_context(pool, database, 'executor1')
    read_fields = list(LIST_FIELDS) + [
        f'{n}.rec_name' for n in ['team', 'employee', 'appeal']]
    order = [('planned_start', 'ASC'), ('id', 'ASC')]
    params = dict(team=load['team'], employee=load['employee'],
        waiting=WAITING, mine=MINE, companies=companies)
    results = {}
    for name, (domain_of, sql) in QUEUES.items():
        domain = domain_of(load)

        def orm():
            with Transaction().start(
                    database, user_id, readonly=True, context=context):
                ids = [o.id for o in WorkOrder.search(
                        domain, order=order, limit=80)]
                WorkOrder.read(ids, read_fields)
            return ids

        def raw():
            with root_cursor(database, readonly=True) as cursor:
                cursor.execute(sql, params)
                return [r[0] for r in cursor.fetchall()]
        same = orm() == raw()
        for _ in range(5):  # warm-up
            orm()
            raw()
        timings = {'orm': [], 'raw': []}
        for _ in range(repeat):
            for key, func in [('orm', orm), ('raw', raw)]:
                start = time.perf_counter()
                func()
                timings[key].append((time.perf_counter() - start) * 1000)
        with Transaction().start(database, user_id, readonly=True,
                context=context) as tr:
            query = WorkOrder.search(domain, order=order, limit=80,
                query=True)
            orm_sql, orm_params = tuple(query)
            with tr.connection.cursor() as cursor:
                cursor.execute('EXPLAIN (ANALYZE, COSTS OFF) ' + orm_sql,
                    orm_params)
                plan = [r[0] for r in cursor.fetchall()]
        results[name] = dict(timings=timings, same=same, plan=plan,
            sql=orm_sql)
    return results


def report_orders(load, seconds, results):
    total = sum(load['states'].values())
    out(f"(e) Work-order queues at {total:,} work orders (bulk-loaded "
        f"{load['loaded']:,} rows in {seconds:.1f} s; states "
        + ', '.join(f'{k} {v:,}' for k, v in load['states'].items()) + ")")
    out(f"    unallocated queue of executor1's team: {load['unallocated']:,}"
        f" orders; executor1's «Мои»: {load['mine']:,} orders; by planned "
        "start, first 80 rows with the list fields")
    rows = []
    for name, label in [('unallocated', "«Нераспределённые» of the team"),
            ('mine', "«Мои» of executor1")]:
        r = results[name]
        for key, method in [('orm', 'ORM search + read as executor1 '
                    '(record rules)'), ('raw', 'raw SQL (baseline)')]:
            values = r['timings'][key]
            rows.append([label, method, len(values),
                    f"{percentile(values, 50):.2f}",
                    f"{percentile(values, 95):.2f}",
                    f"{statistics.mean(values):.2f}"])
    table(['queue', 'method', 'runs', 'p50 ms', 'p95 ms', 'mean ms'], rows,
        aligns=['<', '<', '>', '>', '>', '>'])
    for name in ['unallocated', 'mine']:
        r = results[name]
        out(f"  {name}: same ids in the same order: "
            f"{'yes' if r['same'] else 'no'}")
        out(f"  ORM query: {r['sql']}")
        out("  EXPLAIN ANALYZE of the query the ORM built:")
        for line in r['plan']:
            out('      ' + line)
