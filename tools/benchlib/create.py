"""(a) Creating appeals: N appeals through the ORM as operator1 (number
from the sequence, deadline from the reason × source table, history and
event log, access rights and record rules checked) versus a raw SQL INSERT
of the very same rows (and their account links) into the same table."""
import datetime as dt
import random
import time

from . import demogen
from .database import column_names, count, root_cursor, user_context
from .report import out, table

D = demogen.D
chunks = demogen.chunks

# The tables an appeal created through the ORM writes to
WRITTEN = [
    'crm_appeal', 'crm_appeal__history', 'crm_appeal_event',
    'crm_appeal-crm_account']


def appeal_rows(pool, database, n, seed):
    """Values of n appeals as operator1 registers them on line 1 of the
    first organisation: phone call, known applicant and account, reason of
    the line's topics, description."""
    from trytond.transaction import Transaction
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

    with root_cursor(database) as cursor:
        before = {t: count(cursor, t) for t in WRITTEN}

    # ORM, in requests of `batch` appeals each (a transaction per request)
    ids = []
    start = time.perf_counter()
    for chunk in chunks(rows, batch):
        with Transaction().start(database, user_id, context=context) as tr:
            ids += [a.id for a in Appeal.create(chunk)]
            tr.commit()
    orm_seconds = time.perf_counter() - start

    with root_cursor(database) as cursor:
        after = {t: count(cursor, t) for t in before}
        columns = [c for c in column_names(cursor, 'crm_appeal')
            if c != 'id']
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
    for chunk_ids, chunk in zip(chunks(ids, batch), chunks(same_rows, batch)):
        with root_cursor(database) as cursor:
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
    raw_seconds = time.perf_counter() - start

    extra = {t: after[t] - before[t] for t in before}
    return dict(n=len(rows), orm=orm_seconds, raw=raw_seconds, extra=extra,
        first=numbers[0] if numbers else None,
        last=numbers[-1] if numbers else None, sample=sample, batch=batch)


def report_create(a):
    "Print the figures of bench_create"
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
