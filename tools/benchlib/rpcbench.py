"""(c) Through JSON-RPC, as operator1 in the web client: the operator
queue list (search + read of the list's columns) against the hand-written
SQL of (b), and the search box by phone and by applicant name against
hand-written SQL; a trytond server runs on the bench database."""
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from trytond.modules.crm_dispatch.search import search_phone_digits

from .database import root_cursor
from .processes import end, free_port
from .queue import RAW_QUEUE
from .report import out, percentile, table
from .rpc import Session, list_fields, queue_domain, read_queue

PASSWORD = 'demo1234'
ROOT = pathlib.Path(__file__).resolve().parents[2]

# What an operator types into the search box, as the numbers are stored
# ('{}' is the phone of one applicant: +7 9XX XXX-XX-XX)
PHONE_FORMS = [
    ('phone as 8XXXXXXXXXX', lambda d: '8' + d[1:]),
    ('phone as +7 9XX XXX-XX-XX', lambda d: (
            f'+7 {d[1:4]} {d[4:7]}-{d[7:9]}-{d[9:11]}')),
    ('phone, 10 digits', lambda d: d[1:]),
    ('phone, part «XXX-XX»', lambda d: f'{d[4:7]}-{d[7:9]}'),
    ]
NAMES = ['Иванова Анна', 'петров']

RAW_SEARCH = """
SELECT a.id, a.number, a.received_date, a.contact_phone, p.name, a.state
FROM crm_appeal AS a
LEFT JOIN party_party AS p ON p.id = a.applicant
WHERE ({where})
    AND a.company = ANY(%(companies)s)
    AND (a.support_line IS NULL OR a.support_line = ANY(%(lines)s))
ORDER BY a.received_date DESC, a.id DESC
LIMIT 80
"""
RAW_PHONE = "COALESCE(a.contact_phone_digits, '') LIKE %(pattern)s"
# The applicants by the trigram index of their names, then their appeals:
# as a sub-query or as an array the planner sees the size of only at run
# time; neither plan suits every name (a sub-query of a common surname
# runs ~25 ms as an array ~120 ms, «Иванова Анна» the other way round,
# ~300 ms against ~25), so the faster of the two on a few trial runs is
# the baseline, as the person writing it would choose
_APPLICANTS = """SELECT id FROM party_party
    WHERE COALESCE(crm_search_name, '') LIKE %(pattern)s"""
RAW_NAME = [f"a.applicant IN ({_APPLICANTS})",
    f"a.applicant = ANY(ARRAY({_APPLICANTS}))"]
TRIAL_RUNS = 5


class Server:
    "trytond serving database on a free loopback port"

    def __init__(self, uri, database):
        self.tmp = tempfile.TemporaryDirectory(prefix='crm-bench-')
        port = free_port()
        conf = pathlib.Path(self.tmp.name) / 'trytond.conf'
        conf.write_text(
            f'[database]\nuri = {uri}\nlanguage = ru\n'
            f'[web]\nlisten = 127.0.0.1:{port}\n'
            '[session]\ntimeout = 3600\n'
            # As the shipped configurations run the server
            '[crm]\ngc_freeze = True\n', encoding='utf-8')
        # The bench's own settings, but the models materialized as in the
        # process that activated the modules (make bench's MATERIALIZED)
        env = {k: v for k, v in os.environ.items()
            if not k.startswith('TRYTOND_')
            or k.startswith('TRYTOND_TABLE_QUERY_MATERIALIZED__')}
        self.log = open(pathlib.Path(self.tmp.name) / 'trytond.log', 'w')
        self.process = subprocess.Popen(
            [str(pathlib.Path(sys.executable).parent / 'trytond'),
                '-c', str(conf),
                '--logconf', str(ROOT / 'config' / 'logging.conf'),
                '-d', database],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f'http://127.0.0.1:{port}/'
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f'trytond exited: see {self.log.name}')
            try:
                with urllib.request.urlopen(self.url, timeout=5):
                    break
            except urllib.error.HTTPError:
                break  # it answers (no web client is served)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def stop(self):
        end(self.process)
        self.log.close()
        self.tmp.cleanup()


# Calls before the timed ones: psycopg prepares a statement on its fifth
# run on a connection, and the server's pool has a few connections
WARM_UP = 20


def _time(func, repeat, warm_up=WARM_UP):
    for _ in range(warm_up):
        func()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _fastest(queries):
    "The index in queries (functions) of the least median of trial runs"
    if len(queries) == 1:
        return 0
    return min(range(len(queries)), key=lambda i: statistics.median(
            _time(queries[i], TRIAL_RUNS, warm_up=1)))


def bench_rpc(uri, database, repeat, line_id, companies):
    server = Server(uri, database)
    try:
        session = Session(server.url, database, 'operator1', PASSWORD)
        eager, lazy = list_fields(session)
        lines = session.model('res.user', 'read', [session.user_id],
            ['crm_lines'])[0]['crm_lines']
        domain = queue_domain(line_id)
        results = {'fields': eager, 'lazy': lazy, 'rows': {}, 'forms': {}}
        params = dict(line=line_id, states=['draft', 'in_work'],
            companies=companies)

        def raw(sql, params):
            def run():
                with root_cursor(database, readonly=True) as cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchall()
            return run

        timings = {}
        timings['queue'] = _time(
            lambda: read_queue(session, domain, eager, lazy), repeat)
        timings['queue raw'] = _time(raw(RAW_QUEUE, params), repeat)
        results['rows']['queue'] = len(
            read_queue(session, domain, eager, lazy))

        # A phone and a name an operator of the organisation may find
        with root_cursor(database, readonly=True) as cursor:
            cursor.execute(
                'SELECT contact_phone_digits FROM crm_appeal '
                'WHERE company = ANY(%s) AND support_line = %s '
                'AND contact_phone_digits IS NOT NULL '
                'ORDER BY id DESC LIMIT 1', (companies, line_id))
            digits, = cursor.fetchone()
        searches = [(label, form(digits), [RAW_PHONE],
                f'%{search_phone_digits(form(digits))}%')
            for label, form in PHONE_FORMS]
        searches += [(f'name «{n}»', n, RAW_NAME,
                '%' + n.lower().replace('ё', 'е') + '%') for n in NAMES]
        for label, text, wheres, pattern in searches:
            search_domain = [('rec_name', 'ilike', f'%{text}%')]
            timings[label] = _time(
                lambda: read_queue(session, search_domain, eager, [],
                    order=None), repeat)
            sql_params = dict(pattern=pattern, companies=companies,
                lines=lines)
            forms = [raw(RAW_SEARCH.format(where=where), sql_params)
                for where in wheres]
            best = _fastest(forms)
            baseline = forms[best]
            if len(forms) > 1:
                results['forms'][label] = ['sub-query', 'array'][best]
            timings[label + ' raw'] = _time(baseline, repeat)
            results['rows'][label] = (
                len(read_queue(session, search_domain, eager, [],
                        order=None)),
                len(baseline()))
        results['timings'] = timings
        results['searches'] = [(l, t) for l, t, _, _ in searches]
    finally:
        server.stop()
    return results


def report_rpc(r):
    out("(c) Through JSON-RPC as operator1 (search + read of the list "
        "columns as sao sends them, gzip, a connection per call as "
        "trytond's server closes each) against hand-written SQL")
    rows = []
    t = r['timings']

    def row(label, key):
        values = t[key]
        rows.append([label, len(values),
                f"{percentile(values, 50):.2f}",
                f"{percentile(values, 95):.2f}",
                f"{statistics.mean(values):.2f}"])

    def ratio(key):
        return (f"p50 {percentile(t[key], 50) / percentile(t[key + ' raw'], 50):.1f}×, "
            f"p95 {percentile(t[key], 95) / percentile(t[key + ' raw'], 95):.1f}×")
    row('queue list, JSON-RPC (target p95 <= 25 ms)', 'queue')
    row('queue, hand-written SQL (baseline)', 'queue raw')
    for label, text in r['searches']:
        row(f'search {label} «{text}», JSON-RPC (target p95 <= 100)',
            label)
        form = r.get('forms', {}).get(label)
        row('  hand-written SQL' + (f' ({form}, the faster)' if form else ''),
            label + ' raw')
    table(['what', 'runs', 'p50 ms', 'p95 ms', 'mean ms'], rows)
    out(f"  ratio queue JSON-RPC/SQL: {ratio('queue')}")
    for label, _ in r['searches']:
        out(f"  ratio {label}: {ratio(label)}; rows JSON-RPC/SQL "
            f"{r['rows'][label][0]}/{r['rows'][label][1]}")
    out(f"  queue rows {r['rows']['queue']}; read fields: "
        + ', '.join(r['fields'])
        + (f"; lazy, read per row: {', '.join(r['lazy'])}"
            if r['lazy'] else ''))
