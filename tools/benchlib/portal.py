"""(f) The residents' website under load: crm_portal activated on the bench
database, R residents (default 50) made through the ORM with linked
accounts, appeals sent from the portal and a public conversation; K trytond
processes (default 4; trytond's server is threaded, its -n is for the
queue workers only) serve the database on their ports, and R resident
threads (portal_load.py) sign in, open their appeals list, an appeal's page
and post a message, with a pause between pages, the requests spread
round-robin over the processes.  Printed: p50, p95, errors and requests per
second per kind of page, and the hand-written SQL that reads the same rows
(one resident's list, one appeal with its public conversation and stage
history) in the same run, as ratios.  Target: p95 <= 150 ms, 0 errors."""
import collections
import datetime as dt
import random
import statistics
import threading
import time

from . import demogen
from .database import root_cursor
from .portal_load import Resident, run_load
from .report import out, percentile, table
from .rpcbench import PASSWORD, Server

TARGET_P95 = 150
# The pages the target is about (signing in hashes a password on purpose)
PAGES = ['appeals list', 'appeal', 'message']

# What the list shows of one resident's appeals, newest first
RAW_LIST = """
SELECT a.id, a.number, a.received_date, a.deadline, a.state,
    s.public_name, r.name, a.description
FROM web_user AS w
JOIN crm_appeal AS a ON a.applicant = w.party
LEFT JOIN crm_stage AS s ON s.id = a.stage
LEFT JOIN crm_appeal_reason AS r ON r.id = a.reason
WHERE w.id = %(web_user)s
ORDER BY a.received_date DESC, a.id DESC
LIMIT 50
"""
# One appeal of his, its address, public conversation and stage history
RAW_DETAIL = ["""
SELECT a.id, a.number, a.received_date, a.deadline, a.state,
    a.description, s.public_name, r.name, b.street, b.house, p.number
FROM crm_appeal AS a
JOIN web_user AS w ON w.party = a.applicant
LEFT JOIN crm_stage AS s ON s.id = a.stage
LEFT JOIN crm_appeal_reason AS r ON r.id = a.reason
LEFT JOIN crm_building AS b ON b.id = a.building
LEFT JOIN crm_premise AS p ON p.id = a.premise
WHERE a.id = %(appeal)s AND w.id = %(web_user)s
""", """
SELECT m.id, m.author_kind, m.date, m.text
FROM crm_appeal_message AS m
WHERE m.appeal = %(appeal)s AND m.public
ORDER BY m.date, m.id
""", """
SELECT e.id, e.date, e.kind, st.public_name
FROM crm_appeal_event AS e
LEFT JOIN crm_stage AS st ON st.id = e.to_stage
WHERE e.appeal = %(appeal)s
ORDER BY e.date, e.id
"""]

MESSAGES = ["Подскажите, когда придёт мастер?",
    "Проблема повторилась сегодня утром.",
    "Спасибо за ответ, буду ждать."]


def activate_portal(pool):
    "What `trytond-admin -u crm_portal --activate-dependencies` does"
    pool.init(update=['crm_portal'], lang=['ru'], activatedeps=True)


def make_residents(pool, database, n, per_resident, seed):
    """n residents bench<i>@example.com with a linked account, per_resident
    appeals from the portal with a resident's and a staff message each;
    returns ({login: [appeal ids]}, {login: web user id})"""
    from trytond.transaction import Transaction
    rng = random.Random(seed)
    Account = pool.get('crm.account')
    Appeal = pool.get('crm.appeal')
    Configuration = pool.get('crm.configuration')
    Link = pool.get('crm.portal.account.link')
    Message = pool.get('crm.appeal.message')
    Party = pool.get('party.party')
    Reason = pool.get('crm.appeal.reason')
    Source = pool.get('crm.appeal.source')
    WebUser = pool.get('web.user')
    with Transaction().start(database, 0,
            context={'language': 'ru'}) as transaction:
        source, = Source.search([('code', '=', 'portal')])
        config = Configuration(1)
        config.portal_source = source
        config.save()
        accounts = Account.search([('premise.type', '=', 'flat')],
            order=[('id', 'ASC')])
        Field = pool.get('crm.appeal.extra_field')
        # Topics whose form a resident sends without extra values
        reasons = [r for r in Reason.search([('portal', '=', True)],
                order=[('id', 'ASC')])
            if not any(f.required for f in Field.of_reason(r))]
        now = dt.datetime.now().replace(microsecond=0)
        parties = Party.create([{
                    'name': f"Житель нагрузочного теста {i + 1}",
                    'crm_accounts': [('add', [accounts[i % len(accounts)].id])],
                    } for i in range(n)])
        # One hash for all: hashing is slow on purpose, and 50 of them
        # would only lengthen the set-up
        password_hash = WebUser.hash_password(PASSWORD)
        users = WebUser.create([{
                    'email': f'bench{i + 1}@example.com',
                    'email_valid': True,
                    'password_hash': password_hash,
                    'party': party.id,
                    'phone': '+7921%07d' % (5550000 + i),
                    } for i, party in enumerate(parties)])
        Link.create([{'web_user': user.id,
                    'account': accounts[i % len(accounts)].id,
                    'method': 'code', 'linked_date': now, 'active': True}
                for i, user in enumerate(users)])
        residents, ids = {}, {}
        for i, (user, party) in enumerate(zip(users, parties)):
            account = accounts[i % len(accounts)]
            company = account.company
            with demogen.runtime.as_user(0, company.id):
                appeals = Appeal.create([{
                            'company': company.id,
                            'source': source.id,
                            'received_date': now - dt.timedelta(
                                hours=rng.randint(1, 24 * 60)),
                            'reason': reason.id,
                            'reason_group': reason.group.id,
                            'applicant': party.id,
                            'contact_email': user.email,
                            'accounts': [('add', [account.id])],
                            'premise': account.premise.id,
                            'building': account.premise.building.id,
                            'description': "Нагрузочное обращение жителя",
                            } for reason in rng.sample(reasons,
                            min(per_resident, len(reasons)))])
            Message.create([{'appeal': a.id, 'author_kind': kind,
                        'web_user': user.id if kind == 'resident' else None,
                        'public': True, 'date': now, 'text': text}
                    for a in appeals for kind, text in [
                        ('resident', "Прошу ускорить."),
                        ('staff', "Заявка передана мастеру.")]])
            residents[user.email] = [a.id for a in appeals]
            ids[user.email] = user.id
        transaction.commit()
    with root_cursor(database) as cursor:
        for t in ['crm_appeal', 'crm_appeal_message', 'web_user',
                'crm_portal_account_link']:
            cursor.execute(f'ANALYZE {t}')
    return residents, ids


def _start_servers(uri, database, k):
    "k trytond processes, started side by side"
    servers, errors = [None] * k, []

    def start(i):
        try:
            servers[i] = Server(uri, database)
        except Exception as exc:
            errors.append(exc)
    threads = [threading.Thread(target=start, args=(i,)) for i in range(k)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    servers = [s for s in servers if s]
    if errors:
        for server in servers:
            server.stop()
        raise errors[0]
    return servers


def _warm_up(ports, database, residents):
    "Each process compiles its templates and fills its caches first"
    login, appeals = next(iter(residents.items()))
    for port in ports:
        client = Resident(iter([port] * 20), database, login, PASSWORD,
            lambda *args: None)
        client.sign_in()
        client.request('', 'GET', '/appeals')
        client.request('', 'GET', f'/appeals/{appeals[0]}')


def _raw_baseline(database, residents, ids, repeat, seed):
    "p50/p95 of the hand-written SQL of the list and of an appeal's page"
    rng = random.Random(seed)
    timings = {'appeals list': [], 'appeal': []}
    logins = sorted(residents)
    with root_cursor(database, readonly=True) as cursor:
        for i in range(repeat + 5):
            login = logins[i % len(logins)]
            params = dict(web_user=ids[login],
                appeal=rng.choice(residents[login]))
            start = time.perf_counter()
            cursor.execute(RAW_LIST, params)
            cursor.fetchall()
            list_ms = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            for sql in RAW_DETAIL:
                cursor.execute(sql, params)
                cursor.fetchall()
            detail_ms = (time.perf_counter() - start) * 1000
            if i >= 5:  # after the warm-up
                timings['appeals list'].append(list_ms)
                timings['appeal'].append(detail_ms)
    return timings


def bench_portal(pool, uri, database, options):
    t0 = time.perf_counter()
    activate_portal(pool)
    activated = time.perf_counter() - t0
    t0 = time.perf_counter()
    residents, ids = make_residents(pool, database, options.residents,
        options.resident_appeals, options.seed)
    made = time.perf_counter() - t0
    raw = _raw_baseline(database, residents, ids, options.repeat,
        options.seed)
    servers = _start_servers(uri, database, options.processes)
    try:
        ports = [int(s.url.rstrip('/').rsplit(':', 1)[1]) for s in servers]
        _warm_up(ports, database, residents)
        samples, wall, total = run_load(ports, database, residents, PASSWORD,
            options.portal_seconds, options.think, options.spawn_rate)
    finally:
        for server in servers:
            server.stop()
    return dict(samples=samples, wall=wall, total=total, raw=raw, activated=activated,
        made=made, residents=len(residents), processes=len(servers),
        appeals=sum(len(a) for a in residents.values()),
        seconds=options.portal_seconds, think=options.think,
        spawn_rate=options.spawn_rate)


def report_portal(r):
    out(f"(f) Residents' portal: {r['residents']} residents at once "
        f"({r['appeals']} appeals of theirs, set up in {r['made']:.1f} s; "
        f"crm_portal activated in {r['activated']:.1f} s), "
        f"{r['processes']} trytond processes round-robin, "
        f"{r['seconds']} s, arriving {r['spawn_rate']:g} a second, pause "
        f"{r['think'][0]}–{r['think'][1]} s between pages; thread load "
        "client")
    # Signing in counts whenever it happened; the pages once everybody
    # is in (the password hashes of the arrivals load the processes)
    by_kind = collections.defaultdict(list)
    errors = collections.Counter()
    ramp = []
    for kind, ms, error, steady in r['samples']:
        if kind in PAGES and not steady:
            ramp.append(ms)
            kind = 'ramp-up'
        by_kind[kind].append(ms)
        if error:
            errors[(kind, error)] += 1
    steady_count = len(r['samples']) - len(ramp) - len(
        by_kind['login page']) - len(by_kind['login'])
    rows = []
    for kind in ['login page', 'login'] + PAGES:
        values = by_kind.get(kind, [])
        n_errors = sum(v for (k, _), v in errors.items() if k == kind)
        rows.append([kind, len(values), n_errors,
                f"{percentile(values, 50):.1f}",
                f"{percentile(values, 95):.1f}",
                f"{max(values):.1f}" if values else 'nan',
                f"{statistics.mean(values):.1f}" if values else 'nan'])
    pages = [ms for kind in PAGES for ms in by_kind.get(kind, [])]
    page_errors = sum(v for (k, _), v in errors.items() if k in PAGES)
    rows.append(['all pages (list, appeal, message)', len(pages),
            page_errors, f"{percentile(pages, 50):.1f}",
            f"{percentile(pages, 95):.1f}",
            f"{max(pages):.1f}" if pages else 'nan',
            f"{statistics.mean(pages):.1f}" if pages else 'nan'])
    for kind in ['appeals list', 'appeal']:
        values = r['raw'][kind]
        rows.append([f'{kind}: hand-written SQL (baseline)', len(values), 0,
                f"{percentile(values, 50):.2f}",
                f"{percentile(values, 95):.2f}", f"{max(values):.2f}",
                f"{statistics.mean(values):.2f}"])
    table(['request', 'count', 'errors', 'p50 ms', 'p95 ms', 'max ms',
            'mean ms'], rows)
    out(f"  pages while residents were still signing in (not in the "
        f"figures above): {len(ramp)}, p95 {percentile(ramp, 95):.1f} ms; "
        f"everybody signed in after {r['total'] - r['wall']:.0f} s")
    out(f"  requests/s once everybody was in: "
        f"{steady_count / max(r['wall'], 1e-9):.1f} over {r['wall']:.0f} s "
        f"({steady_count} page requests, {page_errors} errors); "
        f"{sum(errors.values())} errors in all")
    for kind in ['appeals list', 'appeal']:
        http, raw = by_kind.get(kind, []), r['raw'][kind]
        if http:
            out(f"  ratio {kind} page over HTTP / SQL: p50 "
                f"{percentile(http, 50) / percentile(raw, 50):.0f}×, p95 "
                f"{percentile(http, 95) / percentile(raw, 95):.0f}×")
    p95 = percentile(pages, 95)
    met = pages and p95 <= TARGET_P95 and not page_errors
    out(f"  target p95 <= {TARGET_P95} ms with 0 errors on the pages: "
        + ("met" if met else f"NOT met (p95 {p95:.1f} ms, "
            f"{page_errors} errors)"))
    for (kind, error), count in errors.most_common(6):
        out(f"  error: {kind}: {error} × {count}")
