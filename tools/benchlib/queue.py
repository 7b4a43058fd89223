"""(b) The operator queue at Q appeals in the table (bulk-loaded with
INSERT … SELECT generate_series): line + open states, ordered by deadline,
80 rows, read with the list's fields, as the ORM call under operator1's
rights versus the equivalent SQL; p50/p95 over R runs."""
import statistics
import time

from .database import count, root_cursor, user_context
from .report import out, percentile, table

# Fields an operator's list of appeals shows (read as the client does:
# stored values plus the display name of the related records).
LIST_FIELDS = [
    'number', 'received_date', 'source', 'applicant', 'contact_phone',
    'reason_group', 'reason', 'support_line', 'operator', 'deadline',
    'overdue', 'state']
OPEN_STATES = ['draft', 'in_work']

# Synthetic appeals: both organisations, lines 1/2/none, every state,
# deadlines around the received date, over the last 90 days
BULK_INSERT = """
INSERT INTO crm_appeal (
    number, company, source, received_date, applicant,
    reason_group, reason, description, support_line,
    operator, deadline, state, closed_date, labour_minutes,
    notify_on_close, create_uid, create_date,
    contact_phone, contact_phone_digits, priority, routing_manual,
    direction, rating)
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
    false, 0, CURRENT_TIMESTAMP,
    '+7 ' || substr(ph.d, 2, 3) || ' ' || substr(ph.d, 5, 3) || '-'
        || substr(ph.d, 8, 2) || '-' || substr(ph.d, 10, 2),
    ph.d, 'normal', false, 'incoming',
    CASE WHEN c.state = 'resolved' AND random() < 0.4
        THEN 1 + floor(random() * 5)::int END
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
CROSS JOIN LATERAL (SELECT party_phone(c.applicant) AS d) AS ph
"""

# One mobile phone per applicant (digits as the addon stores them)
PARTY_PHONE = """
CREATE OR REPLACE FUNCTION party_phone(integer) RETURNS text
LANGUAGE sql IMMUTABLE AS
$$ SELECT '79' || lpad((($1::bigint * 7919) % 1000000000)::text, 9, '0') $$
"""

# Applicants: one for about five appeals, Russian full names
SURNAMES = ['Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев',
    'Петров', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров', 'Морозов',
    'Волков', 'Алексеев', 'Лебедев', 'Семёнов', 'Егоров', 'Павлов',
    'Козлов', 'Степанов', 'Николаев', 'Орлов', 'Андреев', 'Макаров',
    'Никитин', 'Захаров', 'Зайцев', 'Соловьёв', 'Борисов', 'Яковлев',
    'Григорьев']
FIRST_NAMES = [('Александр', 'Анна'), ('Сергей', 'Елена'),
    ('Дмитрий', 'Ольга'), ('Андрей', 'Татьяна'), ('Алексей', 'Наталья'),
    ('Иван', 'Мария'), ('Михаил', 'Ирина'), ('Пётр', 'Алёна')]
BULK_PARTIES = """
INSERT INTO party_party (name, code, active, crm_search_name,
    create_uid, create_date)
SELECT n.name, 'БП-' || g.i, true,
    replace(lower(n.name), 'ё', 'е'), 0, CURRENT_TIMESTAMP
FROM generate_series(1, %(n)s) AS g(i)
CROSS JOIN LATERAL (
    SELECT (%(surnames)s::text[])[1 + (g.i * 7) %% %(n_surnames)s]
        || CASE WHEN g.i %% 2 = 0 THEN 'а' ELSE '' END || ' '
        || (%(first)s::text[])[
            1 + (1 - g.i %% 2) * %(n_male)s + (g.i / 30) %% %(n_male)s]
        AS name
    ) AS n
"""

# Applicants are seen by the organisations they are linked to (scope.py)
LINK_PARTIES = """
INSERT INTO "crm_party-company_company" (party, company, create_uid,
    create_date)
SELECT DISTINCT a.applicant, a.company, 0, CURRENT_TIMESTAMP
FROM crm_appeal AS a
WHERE a.applicant IS NOT NULL
ON CONFLICT DO NOTHING
"""


def _ids(cursor, query):
    cursor.execute(query)
    return [r[0] for r in cursor.fetchall()]


def bulk_load(pool, database, total, seed):
    """Fill crm_appeal up to `total` rows with INSERT … SELECT over
    generate_series: both organisations, lines 1/2/none, every state,
    deadlines around the received date, over the last 90 days."""
    with root_cursor(database) as cursor:
        missing = max(total - count(cursor, 'crm_appeal'), 0)
        companies = _ids(cursor, 'SELECT id FROM company_company ORDER BY id')
        lines = _ids(cursor,
            'SELECT id FROM crm_support_line ORDER BY number')
        sources = _ids(cursor,
            'SELECT id FROM crm_appeal_source ORDER BY id')
        cursor.execute(
            'SELECT id, "group", COALESCE(default_hours, 72) '
            'FROM crm_appeal_reason ORDER BY id')
        reasons = cursor.fetchall()
        cursor.execute(PARTY_PHONE)
        n_parties = total // 5 - count(cursor, 'party_party')
        if missing and n_parties > 0:
            first = [m for m, _ in FIRST_NAMES] + [f for _, f in FIRST_NAMES]
            cursor.execute(BULK_PARTIES, dict(n=n_parties,
                    surnames=SURNAMES, n_surnames=len(SURNAMES),
                    first=first, n_male=len(FIRST_NAMES)))
            # The appeals' foreign-key checks on the applicant are planned
            # on this connection's statistics: planned while the table was
            # tiny they scan it whole for each of the million rows.  Fresh
            # statistics invalidate that plan.
            cursor.execute('ANALYZE party_party')
        parties = _ids(cursor, 'SELECT id FROM party_party ORDER BY id')
        users = _ids(cursor,
            "SELECT id FROM res_user WHERE login IN "
            "('operator1', 'operator2', 'supervisor') ORDER BY login")
        if missing:
            cursor.execute('SELECT setseed(%s)', (
                    (seed % 1000) / 1000,))
            line1 = lines[0]
            line2 = lines[1] if len(lines) > 1 else lines[0]
            cursor.execute(BULK_INSERT, dict(
                    n=missing, org1=companies[0], org2=companies[-1],
                    sources=sources, n_sources=len(sources),
                    parties=parties, n_parties=len(parties),
                    reasons=[r[0] for r in reasons],
                    groups=[r[1] for r in reasons],
                    hours=[r[2] for r in reasons], n_reasons=len(reasons),
                    line1=line1, line2=line2,
                    users=users, n_users=len(users)))
            cursor.execute(
                "SELECT to_regclass('\"crm_party-company_company\"')")
            if cursor.fetchone()[0]:
                cursor.execute(LINK_PARTIES)
    with root_cursor(database) as cursor:
        cursor.execute(
            'SELECT state, COUNT(*) FROM crm_appeal GROUP BY state '
            'ORDER BY state')
        states = dict(cursor.fetchall())
        cursor.execute(
            'SELECT COUNT(*) FROM crm_appeal WHERE support_line = %s '
            'AND state = ANY(%s)', (lines[0], OPEN_STATES))
        queue = cursor.fetchone()[0]
    return dict(loaded=missing, states=states, queue=queue, line=lines[0])


# The queue in SQL: the rows of the operator's line in an open state of
# the operator's organisations (the filters the ORM gets from the domain
# and operator1's record rules: organisation; own line or none), by
# deadline, and the names the list shows for the rows of table alias t.
_QUEUE_WHERE = """a.support_line = %(line)s
    AND a.state = ANY(%(states)s)
    AND a.company = ANY(%(companies)s)"""


def _queue_order(t):
    return f"ORDER BY {t}.deadline ASC, {t}.id ASC"


def _list_names(t):
    return f"""{t}.id, {t}.number, {t}.received_date, src.name AS source,
    p.name AS applicant, {t}.contact_phone, g.name AS reason_group,
    r.name AS reason, l.number || '. ' || l.name AS support_line,
    u.name AS operator, {t}.deadline,
    ({t}.deadline IS NOT NULL AND {t}.deadline < CURRENT_TIMESTAMP) AS overdue,
    {t}.state"""


def _list_joins(t):
    return f"""LEFT JOIN crm_appeal_source AS src ON src.id = {t}.source
LEFT JOIN party_party AS p ON p.id = {t}.applicant
LEFT JOIN crm_appeal_reason_group AS g ON g.id = {t}.reason_group
LEFT JOIN crm_appeal_reason AS r ON r.id = {t}.reason
LEFT JOIN crm_support_line AS l ON l.id = {t}.support_line
LEFT JOIN res_user AS u ON u.id = {t}.operator"""


# The way one would write it by hand: pick the 80 rows first (index on
# line, state, deadline), then join the names the list shows.
RAW_QUEUE = f"""
WITH q AS (
    SELECT a.id, a.number, a.received_date, a.source, a.applicant,
        a.contact_phone, a.reason_group, a.reason, a.support_line,
        a.operator, a.deadline, a.state
    FROM crm_appeal AS a
    WHERE {_QUEUE_WHERE}
    {_queue_order('a')}
    LIMIT 80)
SELECT {_list_names('q')}
FROM q
{_list_joins('q')}
{_queue_order('q')}
"""

# The same written naively: joins first, LIMIT last (shown for scale)
RAW_QUEUE_NAIVE = f"""
SELECT {_list_names('a')}
FROM crm_appeal AS a
{_list_joins('a')}
WHERE {_QUEUE_WHERE}
{_queue_order('a')}
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
            with root_cursor(database, readonly=True) as cursor:
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
    with root_cursor(database, readonly=True) as cursor:
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


def report_load(load, seconds):
    "Print what bulk_load (done in seconds) left in the table"
    total = sum(load['states'].values())
    out(f"(b) Operator queue at {total:,} appeals "
        f"(bulk-loaded {load['loaded']:,} rows and vacuumed in "
        f"{seconds:.1f} s; states "
        + ', '.join(f'{k} {v:,}' for k, v in load['states'].items())
        + ")")
    out(f"    line 1, state draft/in work: {load['queue']:,} appeals; "
        "order by deadline, first 80 rows with the list fields")


def report_queue(q):
    "Print the figures of bench_queue"
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
