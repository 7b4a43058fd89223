"""(d) Intake through JSON-RPC as operator1: creating one appeal per call
with the organisation's configuration (10 routing rules, the one that fires
last, and deadlines counted in working time) against the same calls with
no rule and deadlines round the clock; one trytond process, the baseline in
the same run.  The configured run also fills three extra fields of the
reasons (configure_extra below)."""
from .create import appeal_rows
from .report import out, percentile, table
from .rpc import Session
from .rpcbench import PASSWORD, Server, _time

# Appeals created before the timed ones, each from a row of its own
WARM_UP = 5

RULES = 10


def _ids(session, model, domain):
    return session.model(model, 'search', domain, 0, None, None)


def _time_basis(admin, reasons, basis):
    "Count the deadlines of reasons (and their rows per source) on basis"
    admin.model('crm.appeal.reason', 'write', reasons, {'time_basis': basis})
    rows = _ids(admin, 'crm.appeal.reason.deadline', [
            ('reason', 'in', reasons)])
    if rows:
        admin.model('crm.appeal.reason.deadline', 'write', rows,
            {'time_basis': basis})


def _rules(admin, company, line):
    """Nine rules that do not fire on operator1's appeals (other topics,
    sources, districts, days), then the one that does"""
    def codes(model, values):
        return _ids(admin, model, [('code', 'in', values)])
    emergency = codes('crm.tag', ['emergency'])
    planned = codes('crm.appeal.source', ['planned'])
    district = _ids(admin, 'crm.district', [('company', '=', company)])[:1]
    building = _ids(admin, 'crm.building', [('company', '=', company)])[:1]
    supervisor = _ids(admin, 'res.user', [('login', '=', 'supervisor')])
    add = lambda ids: [('add', ids)]  # noqa: E731
    conditions = [
        {'tags': add(emergency)},
        {'tags': add(emergency), 'time_from': '20:00', 'time_to': '08:00'},
        {'sources': add(planned)},
        {'reason_groups': add(codes('crm.appeal.reason.group',
                        ['emergency']))},
        {'districts': add(district), 'sources': add(planned)},
        {'buildings': add(building), 'tags': add(codes(
                        'crm.tag', ['waste']))},
        {'reasons': add(codes('crm.appeal.reason', ['waste_missed'])),
            'weekdays': ['5', '6']},
        {'tags': add(codes('crm.tag', ['maintenance']))},
        {'reasons': add(codes('crm.appeal.reason', ['meter_readings'])),
            'sources': add(planned)},
        {},
        ]
    vlist = []
    for i, values in enumerate(conditions[:RULES], 1):
        for field in ['time_from', 'time_to']:
            if field in values:
                hour, minute = map(int, values[field].split(':'))
                values[field] = {'__class__': 'time', 'hour': hour,
                    'minute': minute, 'second': 0, 'microsecond': 0}
        vlist.append(dict(values, name=f'Правило {i}', company=company,
                sequence=i, priority='high', support_line=line,
                deadline_hours=40, time_basis='working',
                observers=add(supervisor)))
    return admin.model('crm.routing.rule', 'create', vlist)


# (code, label, type, choices, required, the value each appeal gets)
EXTRA = [
    ('bench_floor', "Этаж", 'integer', None, True, 5),
    ('bench_access', "Доступ в квартиру", 'selection',
        "any:В любое время\nevening:Вечером", True, 'evening'),
    ('bench_note', "Примечание мастеру", 'char', None, False,
        "Код домофона 15"),
    ]


def configure_extra(admin, reasons, rows):
    """Three extra fields (two required, checked on every create) on the
    reasons, and their values in rows; the number of fields"""
    have = {r['name']: r['id'] for r in admin.model(
            'crm.appeal.extra_field', 'search_read',
            [('name', 'in', [e[0] for e in EXTRA])], 0, None, None,
            ['name'])}
    values = {'reasons': [('add', reasons)]}
    for code, label, type_, choices, required, _ in EXTRA:
        if code in have:
            admin.model('crm.appeal.extra_field', 'write', [have[code]],
                dict(values, active=True))
        else:
            admin.model('crm.appeal.extra_field', 'create', [dict(values,
                        name=code, string=label, type_=type_,
                        selection=choices, required=required)])
    for row in rows:
        row['extra_fields'] = {e[0]: e[-1] for e in EXTRA}
    return len(EXTRA)


def bench_intake(pool, uri, database, repeat, seed):
    rows = appeal_rows(pool, database, 2 * (repeat + WARM_UP), seed)
    for values in rows:
        # JSON-RPC takes the server's «now»; routing picks line and operator
        for name in ['received_date', 'support_line', 'operator']:
            values.pop(name, None)
    company = rows[0]['company']
    reasons = sorted({values['reason'] for values in rows})
    server = Server(uri, database)
    try:
        admin = Session(server.url, database, 'admin', PASSWORD)
        operator = Session(server.url, database, 'operator1', PASSWORD)
        line, = admin.model('res.user', 'read', [operator.user_id],
            ['crm_lines'])[0]['crm_lines'][:1]

        def create(values):
            return lambda: created.extend(operator.model(
                    'crm.appeal', 'create', [values]))

        def run(vlist):
            calls = iter(vlist)
            return _time(lambda: create(next(calls))(), repeat,
                warm_up=WARM_UP)

        # Baseline: no rule, deadlines round the clock
        active = _ids(admin, 'crm.routing.rule', [('company', '=', company)])
        if active:
            admin.model('crm.routing.rule', 'write', active,
                {'active': False})
        _time_basis(admin, reasons, 'calendar')
        created = []
        baseline = run(rows[:repeat + WARM_UP])
        base_ids = list(created)

        rules = _rules(admin, company, line)
        _time_basis(admin, reasons, 'working')
        fields = configure_extra(admin, reasons, rows[repeat + WARM_UP:])
        created = []
        configured = run(rows[repeat + WARM_UP:])
        routed = admin.model('crm.appeal', 'read', created,
            ['routing_rule', 'deadline', 'received_date'])
        base = admin.model('crm.appeal', 'read', base_ids, ['routing_rule'])
    finally:
        server.stop()
    return {
        'baseline': baseline, 'configured': configured,
        'rules': len(rules), 'fields': fields,
        'routed': sum(1 for r in routed if r['routing_rule']),
        'last': sum(1 for r in routed if r['routing_rule'] == rules[-1]),
        'calls': len(routed),
        'base_routed': sum(1 for r in base if r['routing_rule']),
        }


def report_intake(r):
    out("(d) Intake through JSON-RPC as operator1: one appeal per "
        "create call, one trytond process")
    rows = []
    for label, key in [
            (f"with {r['rules']} routing rules, working-time deadline"
                + (f", {r['fields']} extra fields" if r['fields'] else '')
                + " (target p95 <= 50 ms)", 'configured'),
            ("no rules, round-the-clock deadline (baseline)", 'baseline')]:
        values = r[key]
        rows.append([label, len(values), f"{percentile(values, 50):.2f}",
                f"{percentile(values, 95):.2f}"])
    table(['what', 'calls', 'p50 ms', 'p95 ms'], rows)
    for q in [50, 95]:
        overhead = (percentile(r['configured'], q)
            / percentile(r['baseline'], q) - 1) * 100
        out(f"  overhead of the configuration at p{q}: {overhead:+.0f} % "
            "(target <= 30 %)")
    out(f"  appeals routed: {r['routed']}/{r['calls']} (by the last rule "
        f"{r['last']}); baseline appeals routed: {r['base_routed']}")
