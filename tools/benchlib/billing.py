"""(g) The month's charges for N accounts × 6 services (crm_billing
activated at that point): accounts, subscriptions, meters and 6 months of
readings bulk-loaded with INSERT … SELECT generate_series, then
`crm.billing.period.compute_charges` (the queued run's body) for the 6th month (first run and a re-run
that replaces the lines) versus a hand-written PostgreSQL INSERT … SELECT
of the same rows into a scratch table; the two sets of rows are compared
row by row (EXCEPT both ways)."""
import datetime as dt
import time
from decimal import Decimal

from .database import root_cursor
from .report import out, table

STREET = 'ул. Нагрузочная'
MONTH = dt.date(2026, 6, 1)  # the month computed: the 6th with readings
PER_BUILDING = 200
# code: (name, unit, method, tariff, norm per resident)
SERVICES = {
    'b_cold': ("Холодное водоснабжение", 'м³', 'meter', '52.30', '4.85'),
    'b_hot': ("Горячее водоснабжение", 'м³', 'meter', '245.10', '3.60'),
    'b_elec': ("Электроснабжение", 'кВт·ч', 'meter', '5.92', '90'),
    'b_upkeep': ("Содержание жилого помещения", 'м²', 'area', '32.50', None),
    'b_waste': ("Обращение с ТКО", 'чел.', 'norm', '120.00', '1'),
    'b_intercom': ("Домофон", 'мес.', 'fixed', '60.00', None),
    }

LOAD = [
    ('buildings', """
INSERT INTO crm_building (company, city, street, house, active,
    create_uid, create_date)
SELECT %(company)s, 'Пермь', %(street)s, g::text, true, 0, now()
FROM generate_series(1, %(buildings)s) AS g"""),
    ('premises', """
INSERT INTO crm_premise (building, number, type, area, create_uid,
    create_date)
SELECT b.ids[(g - 1) / %(per_building)s + 1],
    ((g - 1) %% %(per_building)s + 1)::text, 'flat',
    30 + (g %% 70) + 0.25, 0, now()
FROM generate_series(1, %(accounts)s) AS g,
    (SELECT array_agg(id ORDER BY id) AS ids FROM crm_building
        WHERE company = %(company)s AND street = %(street)s) AS b"""),
    # 1–4 residents; one in 10 cannot have a meter; one in 7 has its own
    # area
    ('accounts', """
INSERT INTO crm_account (company, number, premise, residents, area,
    meter_possible, active, create_uid, create_date)
SELECT %(company)s, 'Б' || lpad(p.id::text, 8, '0'), p.id, 1 + p.id %% 4,
    CASE WHEN p.id %% 7 = 0 THEN 45.50 END, p.id %% 10 <> 0, true, 0, now()
FROM crm_premise AS p JOIN crm_building AS b ON b.id = p.building
WHERE b.company = %(company)s AND b.street = %(street)s"""),
    ('subscriptions', """
INSERT INTO crm_account_service (account, service, start_date, create_uid,
    create_date)
SELECT a.id, s.id, DATE '2025-01-01', 0, now()
FROM crm_account AS a CROSS JOIN unnest(%(services)s::int[]) AS s(id)
WHERE a.company = %(company)s AND a.number LIKE 'Б%%'"""),
    # Meters of the 3 metered services, but one account in 12 has none
    ('meters', """
INSERT INTO crm_meter (company, kind, account, service, serial, digits,
    initial_value, state, verification_date, verification_interval,
    create_uid, create_date)
SELECT %(company)s, 'individual', a.id, s.id, 'Б-' || a.id || '-' || s.id,
    6, 0, 'active', DATE '2024-06-01', 6, 0, now()
FROM crm_account AS a CROSS JOIN unnest(%(metered)s::int[]) AS s(id)
WHERE a.company = %(company)s AND a.number LIKE 'Б%%' AND a.id %% 12 <> 0"""),
    # Readings on the 24th of months 1…6; one in 20 missing (June's gaps
    # give the average), one meter in 25 silent after February (the norm)
    ('readings', """
INSERT INTO crm_meter_reading (meter, company, date, value, consumption,
    source, state, create_uid, create_date)
SELECT r.meter, %(company)s, r.date,
    SUM(r.c) OVER (PARTITION BY r.meter ORDER BY r.date), r.c,
    'import', 'accepted', 0, now()
FROM (
    SELECT m.id AS meter,
        (DATE '2026-01-24' + make_interval(months => k - 1))::date AS date,
        (((m.id * 7 + k * 13) %% 200) / 10.0 + 0.125)::numeric(16, 3) AS c
    FROM crm_meter AS m CROSS JOIN generate_series(1, 6) AS k
    WHERE m.company = %(company)s AND m.serial LIKE 'Б-%%'
        AND (m.id + k) %% 20 <> 0 AND NOT (m.id %% 25 = 0 AND k > 2)
    ) AS r"""),
    ]

# The same rows as the ORM run for average_months = 6 and
# average_limit = 3, written by hand for PostgreSQL only
BASELINE = """
INSERT INTO crm_charge (company, period, kind, account, service, method,
    quantity, rate, amount, create_uid, create_date)
WITH subs AS (
    SELECT DISTINCT s.account, s.service
    FROM crm_account_service AS s
    JOIN crm_account AS a ON a.id = s.account
    JOIN crm_service AS v ON v.id = s.service
    WHERE a.company = %(company)s AND a.active AND v.company = %(company)s
        AND v.active AND s.start_date < %(end)s
        AND (s.end_date IS NULL OR s.end_date >= %(month)s)),
tariff AS (
    SELECT DISTINCT ON (service, building) service, building, rate
    FROM crm_tariff
    WHERE company = %(company)s AND start_date <= %(month)s
        AND (end_date IS NULL OR end_date >= %(month)s)
    ORDER BY service, building, start_date DESC, id DESC),
norm AS (
    SELECT DISTINCT ON (service, building) service, building, quantity,
        coefficient
    FROM crm_norm
    WHERE company = %(company)s AND start_date <= %(month)s
        AND (end_date IS NULL OR end_date >= %(month)s)
    ORDER BY service, building, start_date DESC, id DESC),
rd AS (
    SELECT m.account, m.service,
        count(*) FILTER (WHERE r.date >= %(month)s) AS cur_n,
        coalesce(sum(r.consumption) FILTER (WHERE r.date >= %(month)s), 0)
            AS cur_q,
        max(r.date) FILTER (WHERE r.date < %(month)s) AS last_date,
        coalesce(sum(r.consumption) FILTER (WHERE r.date >= %(m6)s
            AND r.date < %(month)s), 0) AS avg1,
        coalesce(sum(r.consumption) FILTER (WHERE r.date >= %(m7)s
            AND r.date < %(m1)s), 0) AS avg2,
        coalesce(sum(r.consumption) FILTER (WHERE r.date >= %(m8)s
            AND r.date < %(m2)s), 0) AS avg3
    FROM crm_meter_reading AS r JOIN crm_meter AS m ON m.id = r.meter
    WHERE r.company = %(company)s AND r.state IN ('accepted', 'late')
        AND m.kind = 'individual' AND r.date >= %(m8)s AND r.date < %(end)s
    GROUP BY m.account, m.service),
mt AS (
    SELECT DISTINCT account, service FROM crm_meter
    WHERE company = %(company)s AND kind = 'individual'
        AND state = 'active'),
x AS (
    SELECT s.account, s.service,
        CASE WHEN v.method <> 'meter' THEN v.method
            WHEN rd.cur_n > 0 THEN 'meter'
            WHEN rd.last_date >= %(m3)s THEN 'average'
            WHEN mt.account IS NOT NULL OR rd.account IS NOT NULL
                THEN 'norm'
            WHEN a.meter_possible THEN 'norm_coefficient'
            ELSE 'norm' END AS method,
        rd.cur_q,
        CASE WHEN rd.last_date >= %(m1)s THEN rd.avg1
            WHEN rd.last_date >= %(m2)s THEN rd.avg2
            WHEN rd.last_date >= %(m3)s THEN rd.avg3 END AS avg_q,
        coalesce(nb.quantity, no.quantity) * coalesce(a.residents, 0)
            AS norm_q,
        coalesce(nb.coefficient, no.coefficient) AS coefficient,
        coalesce(a.area, p.area) AS area,
        coalesce(tb.rate, t.rate) AS rate
    FROM subs AS s
    JOIN crm_account AS a ON a.id = s.account
    LEFT JOIN crm_premise AS p ON p.id = a.premise
    JOIN crm_service AS v ON v.id = s.service
    LEFT JOIN rd ON rd.account = s.account AND rd.service = s.service
    LEFT JOIN mt ON mt.account = s.account AND mt.service = s.service
    LEFT JOIN tariff AS tb ON tb.service = s.service
        AND tb.building = p.building
    LEFT JOIN tariff AS t ON t.service = s.service AND t.building IS NULL
    LEFT JOIN norm AS nb ON nb.service = s.service
        AND nb.building = p.building
    LEFT JOIN norm AS no ON no.service = s.service AND no.building IS NULL),
q AS (
    SELECT account, service, method, rate,
        CASE method
            WHEN 'meter' THEN round(cur_q, 4)
            WHEN 'average' THEN round(avg_q / 6, 4)
            WHEN 'norm' THEN round(norm_q, 4)
            WHEN 'norm_coefficient' THEN round(norm_q * coefficient, 4)
            WHEN 'area' THEN area
            ELSE 1 END AS quantity
    FROM x)
SELECT %(company)s, %(period)s, 'charge', account, service, method,
    quantity, rate, round(quantity * rate, 2), 0, now()
FROM q WHERE quantity IS NOT NULL AND rate IS NOT NULL"""

DIFFERENCE = """
SELECT
    (SELECT count(*) FROM (
        SELECT account, service, method, quantity, rate, amount
        FROM bench_charge_orm
        EXCEPT ALL
        SELECT account, service, method, quantity, rate, amount
        FROM crm_charge WHERE period = %(period)s AND kind = 'charge') AS d),
    (SELECT count(*) FROM (
        SELECT account, service, method, quantity, rate, amount
        FROM crm_charge WHERE period = %(period)s AND kind = 'charge'
        EXCEPT ALL
        SELECT account, service, method, quantity, rate, amount
        FROM bench_charge_orm) AS d)
"""


def _months(month, n):
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def setup(pool, database):
    """crm_billing activated; the services of SERVICES with tariffs and
    norms in the first organisation, a building tariff for cold water in
    every 10th bench building; return the ids"""
    from trytond.transaction import Transaction
    t0 = time.perf_counter()
    pool.init(update=['crm_billing'], lang=['ru'], activatedeps=True)
    activated = time.perf_counter() - t0
    with Transaction().start(database, 0) as transaction:
        Company = pool.get('company.company')
        Service = pool.get('crm.service')
        Tariff = pool.get('crm.tariff')
        Norm = pool.get('crm.norm')
        company = Company.search([], order=[('id', 'ASC')], limit=1)[0]
        start = dt.date(2025, 1, 1)
        services = {}
        for sequence, (code, (name, unit, method, rate, norm)) in enumerate(
                SERVICES.items()):
            service, = Service.create([{
                        'company': company.id, 'code': code, 'name': name,
                        'unit': unit, 'method': method,
                        'sequence': sequence}])
            Tariff.create([{'company': company.id, 'service': service.id,
                        'start_date': start, 'rate': Decimal(rate)}])
            if norm:
                Norm.create([{'company': company.id, 'service': service.id,
                            'start_date': start, 'quantity': Decimal(norm),
                            'coefficient': Decimal('1.5')}])
            services[code] = service.id
        transaction.commit()
    return dict(company=company.id, services=services, activated=activated)


def bulk_load(database, ids, accounts):
    "The accounts, subscriptions, meters and readings; seconds per table"
    params = dict(company=ids['company'], street=STREET,
        accounts=accounts, per_building=PER_BUILDING,
        buildings=-(-accounts // PER_BUILDING),
        services=list(ids['services'].values()),
        metered=[v for k, v in ids['services'].items()
            if SERVICES[k][2] == 'meter'])
    timings = []
    with root_cursor(database) as cursor:
        for name, sql in LOAD:
            t0 = time.perf_counter()
            cursor.execute(sql, params)
            timings.append((name, cursor.rowcount, time.perf_counter() - t0))
        # A building's own tariff for every 10th building
        cursor.execute("""
            INSERT INTO crm_tariff (company, service, building, start_date,
                rate, create_uid, create_date)
            SELECT %(company)s, %(cold)s, b.id, DATE '2026-01-01', 48.75, 0,
                now()
            FROM crm_building AS b
            WHERE b.company = %(company)s AND b.street = %(street)s
                AND b.id %% 10 = 0""", dict(params, cold=ids['services'][
                    'b_cold']))
        for name in ['crm_building', 'crm_premise', 'crm_account',
                'crm_account_service', 'crm_meter', 'crm_meter_reading',
                'crm_tariff', 'crm_norm']:
            cursor.execute(f'ANALYZE {name}')
    return timings


def _serial(cursor):
    """One process per run (no parallel workers) so that its CPU time, read
    from /proc, is the run's cost whatever the machine's load; return the
    server process id"""
    cursor.execute('SET max_parallel_workers_per_gather = 0')
    cursor.execute('SELECT pg_backend_pid()')
    return cursor.fetchone()[0]


def _cpu(pid):
    "CPU seconds of a local server process (None if not readable)"
    import os
    try:
        with open(f'/proc/{pid}/stat') as stat:
            fields = stat.read().rsplit(')', 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def compute(database, Period, period_id):
    """As an RPC call runs it (restarted once with the period's row lock);
    return (wall, server CPU) seconds"""
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    while True:
        with Transaction().start(database, 0, **extras) as transaction:
            pid = _serial(transaction.connection.cursor())
            cpu, t0 = _cpu(pid), time.perf_counter()
            try:
                Period.compute_charges([Period(period_id)])
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.commit()
            end = _cpu(pid)
            return (time.perf_counter() - t0,
                end - cpu if cpu is not None else None)


def _without_foreign_keys(database, params):
    """The baseline's INSERT … SELECT into a copy of crm_charge with the
    same indexes but none of its 4 foreign keys, rolled back: what
    PostgreSQL's per-row key checks (a lookup and a row lock each) cost of
    the baseline; return its wall seconds"""
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        cursor = transaction.connection.cursor()
        _serial(cursor)
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute('CREATE TABLE bench_charge_unchecked (LIKE crm_charge '
            'INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)')
        t0 = time.perf_counter()
        cursor.execute(BASELINE.replace('INSERT INTO crm_charge',
                'INSERT INTO bench_charge_unchecked', 1), params)
        seconds = time.perf_counter() - t0
        transaction.rollback()
    return seconds


def bench_billing(pool, database, accounts):
    from trytond.transaction import Transaction
    ids = setup(pool, database)
    t0 = time.perf_counter()
    load = bulk_load(database, ids, accounts)
    loaded = time.perf_counter() - t0
    with Transaction().start(database, 0) as transaction:
        Period = pool.get('crm.billing.period')
        period, = Period.create([{'company': ids['company'], 'date': MONTH}])
        period_id = period.id
        transaction.commit()

    # the first run, then a re-run replacing the lines
    runs = [compute(database, Period, period_id) for _ in range(2)]

    params = dict(company=ids['company'], month=MONTH,
        end=_months(MONTH, 1), period=period_id,
        **{f'm{j}': _months(MONTH, -j) for j in range(1, 9)})
    # compute's rows aside, then the baseline replaces them in the same
    # table (same indexes) with the same settings
    with root_cursor(database) as cursor:
        cursor.execute('DROP TABLE IF EXISTS bench_charge_orm')
        cursor.execute('CREATE TABLE bench_charge_orm AS SELECT * '
            'FROM crm_charge WHERE period = %(period)s', params)
    with root_cursor(database) as cursor:
        pid = _serial(cursor)
        cpu, t0 = _cpu(pid), time.perf_counter()
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("DELETE FROM crm_charge WHERE period = %(period)s "
            "AND kind = 'charge'", params)
        cursor.execute(BASELINE, params)
        baseline_rows = cursor.rowcount
    end = _cpu(pid)
    baseline = (time.perf_counter() - t0,
        end - cpu if cpu is not None else None)
    unchecked = _without_foreign_keys(database, params)
    with root_cursor(database) as cursor:
        cursor.execute(DIFFERENCE, params)
        only_orm, only_baseline = cursor.fetchone()
        cursor.execute("""SELECT method, count(*), sum(amount)
            FROM crm_charge WHERE period = %(period)s GROUP BY method
            ORDER BY method""", params)
        methods = cursor.fetchall()
        cursor.execute('SELECT count(*) FROM crm_meter_reading '
            'WHERE company = %(company)s', params)
        readings, = cursor.fetchone()
        cursor.execute('DROP TABLE bench_charge_orm')
    with Transaction().start(database, 0, readonly=True):
        period = Period(period_id)
        run = (period.run_accounts, period.run_lines, period.run_seconds)
    import os
    load_average = ' '.join(f'{x:.1f}' for x in os.getloadavg())
    return dict(load=load_average, accounts=accounts,
        activated=ids['activated'], load_rows=load,
        loaded=loaded, readings=readings, runs=runs, baseline=baseline,
        baseline_rows=baseline_rows, unchecked=unchecked,
        only_orm=only_orm,
        only_baseline=only_baseline, methods=methods, run=run)


def report_billing(r):
    out(f"(g) Charges of a month for {r['accounts']:,} accounts × "
        f"{len(SERVICES)} services (crm_billing activated in "
        f"{r['activated']:.1f} s; bulk-loaded in {r['loaded']:.1f} s)")
    table(['table', 'rows', 's', 'rows/s'],
        [(name, f'{rows:,}', f'{s:.1f}', f'{rows / s:,.0f}' if s else '-')
            for name, rows, s in r['load_rows']])
    accounts, lines, _ = r['run']
    base_wall, base_cpu = r['baseline']

    def row(label, wall, cpu):
        return (label, f'{wall:.2f}', f'{wall / base_wall:.2f}×',
            f'{cpu:.2f}' if cpu is not None else '-',
            f'{cpu / base_cpu:.2f}×' if cpu and base_cpu else '-')
    (first, first_cpu), (rerun, rerun_cpu) = r['runs']
    table(['June 2026', 'wall s', 'vs baseline', 'server CPU s',
            'vs baseline'], [
            row("Period.compute_charges, first run", first, first_cpu),
            row("Period.compute_charges, re-run", rerun,
                rerun_cpu),
            row("baseline: DELETE + hand-written INSERT … SELECT",
                base_wall, base_cpu)])
    unchecked = r['unchecked']
    out(f"    the baseline without foreign keys (the same rows into a copy "
        f"of crm_charge with its indexes only): {unchecked:.2f} s, so "
        f"PostgreSQL's per-row checks of the 4 foreign keys (account, "
        f"service, period, organisation) take {base_wall - unchecked:.1f} s "
        f"({(base_wall - unchecked) / base_wall:.0%}) of the baseline")
    out(f"    load average {r['load']}: wall seconds grow with the other "
        "processes on the machine, the server process's CPU seconds "
        "(no parallel workers) do not")
    same = (lines == r['baseline_rows'] and not r['only_orm']
        and not r['only_baseline'])
    out(f"    lines: compute {lines:,} for {accounts:,} accounts, baseline "
        f"{r['baseline_rows']:,}; rows differing: {r['only_orm']} only in "
        f"compute, {r['only_baseline']} only in the baseline → "
        + ("SAME ROWS" if same else "DIFFERENT"))
    out("    by method: " + ', '.join(
            f"{m} {n:,} ({amount:,.2f} ₽)" for m, n, amount in r['methods'])
        + f"; {r['readings']:,} readings in the table")
    target = max(first, rerun)
    out(f"    target ≤ 30 s and ≤ 3× baseline: {target:.1f} s wall, "
        f"{target / base_wall:.2f}× → "
        + ("met" if target <= 30 and target <= 3 * base_wall
            else "MISSED"))
