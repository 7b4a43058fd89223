#!/usr/bin/env python3
"""Demo data of the appeals CRM (CRM обращений), generated through Tryton.

    python tools/demo.py -c var/trytond.conf -d crm            # full size
    python tools/demo.py -c var/trytond.conf -d crm --small    # quick

Runs inside trytond (no server needed), on SQLite or PostgreSQL. It creates,
through the ORM, so that numbers, deadlines, history and the event log are
real: two organisations, districts, buildings, premises, personal accounts,
applicants with phones and e-mails, the reason catalogue, two support lines
with tags, the demo users (password ``demo1234``) and appeals received over
the last 90 days in every state. The same seed gives the same data.
If demo data is already there, it says so and changes nothing.

``generate()`` is the reusable entry point (tools/bench.py uses it).
"""
import argparse
import datetime as dt
import logging
import os
import random
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal

try:
    from . import demo_data as D
except ImportError:  # run as a script: tools/ is sys.path[0]
    import demo_data as D

__all__ = ['generate', 'in_transaction', 'SIZES', 'SMALL', 'DemoDataExists']

# Sizes of the issue (point 5) and of --small
SIZES = dict(
    organisations=2, districts=3, buildings=20, premises=800,
    applicants=300, appeals=2000, days=90)
SMALL = dict(SIZES, buildings=10, premises=200, applicants=80, appeals=300)

logger = logging.getLogger('crm.demo')


class DemoDataExists(Exception):
    "The database already holds the demo data"


def _init_pool(database, config_file=None):
    "Load trytond's configuration and the pool of database (once)"
    from trytond import config
    if config_file:
        config.update_etc(config_file)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if database not in Pool.database_list():
        pool = Pool(database)
        with Transaction().start(database, 0, readonly=True):
            pool.init()
    return Pool(database)


class _Progress:
    "tqdm when asked for and available, else silent"

    def __init__(self, enabled, total):
        self.bar = None
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                tqdm = None
            if tqdm:
                self.bar = tqdm(
                    total=total, unit='step', dynamic_ncols=True,
                    desc="Демо-данные", file=sys.stderr)

    def step(self, what, n=1):
        if self.bar:
            self.bar.set_postfix_str(what, refresh=False)
            self.bar.update(n)

    def close(self):
        if self.bar:
            if self.bar.n < self.bar.total:  # estimated total
                self.bar.total = self.bar.n
                self.bar.refresh()
            self.bar.close()


def generate(database, config_file=None, sizes=None, seed=42, progress=True,
        users=True, now=None):
    """Fill database with demo data and return a summary dict.

    sizes: a dict like SIZES (missing keys taken from SIZES).
    users: create the demo users (admin gets the demo password too).
    now: the «current» moment the 90 days count back from (default: now).
    Raises DemoDataExists when the demo data is already there.
    """
    pool = _init_pool(database, config_file)
    sizes = dict(SIZES, **(sizes or {}))
    now = (now or dt.datetime.now()).replace(microsecond=0)

    def run():
        generator = _Generator(
            pool, sizes, seed, progress=progress, users=users, now=now)
        return generator.run()
    # The configuration singleton is created under a table lock
    # Russian context: texts the workflow writes (event log) are Russian
    return in_transaction(database, 0, run, context={'language': 'ru'},
        lock_tables=['crm_configuration'])


def in_transaction(database, user, func, context=None, readonly=False,
        lock_tables=None):
    """Run func() in a transaction and commit, restarted with the table or
    record locks Tryton asks for (as trytond's own dispatcher does)."""
    from trytond.transaction import Transaction, TransactionError
    extras = {'_lock_tables': list(lock_tables)} if lock_tables else {}
    while True:
        with Transaction().start(database, user, readonly=readonly,
                context=context, **extras) as transaction:
            try:
                result = func()
            except TransactionError as exc:
                transaction.rollback()
                exc.fix(extras)
                continue
            if not readonly:
                transaction.commit()
            return result


class _Generator:

    def __init__(self, pool, sizes, seed, progress=True, users=True,
            now=None):
        self.pool = pool
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.with_users = users
        self.now = (now or dt.datetime.now()).replace(microsecond=0)
        self.progress_enabled = progress
        self.summary = {}

    # -- helpers ---------------------------------------------------------
    def get(self, name):
        return self.pool.get(name)

    def choice_weighted(self, items, weights):
        return self.rng.choices(items, weights=weights, k=1)[0]

    def company_context(self, company):
        from trytond.transaction import Transaction
        return Transaction().set_context(
            company=company.id, companies=[company.id])

    def check_absent(self):
        User = self.get('res.user')
        Company = self.get('company.company')
        from trytond.transaction import inactive_records
        with inactive_records():
            names = [o['name'] for o in D.ORGANISATIONS]
            if Company.search([('party.name', 'in', names)], limit=1):
                raise DemoDataExists(
                    "демо-организации уже есть")
            if self.with_users and User.search(
                    [('login', 'in', [s[0] for s in D.STAFF])], limit=1):
                raise DemoDataExists("демо-пользователи уже есть")

    # -- steps -----------------------------------------------------------
    def run(self):
        self.check_absent()
        n_appeals = self.sizes['appeals']
        total = 8 + 2 * self.sizes['premises'] + \
            self.sizes['applicants'] + int(n_appeals * 3.3)
        self.bar = _Progress(self.progress_enabled, total)
        t0 = time.monotonic()
        try:
            self.make_companies()
            self.make_catalogue()
            self.make_housing()
            self.make_applicants()
            self.make_lines()
            self.make_users()
            self.make_appeals()
        finally:
            self.bar.close()
        self.summary['seconds'] = round(time.monotonic() - t0, 1)
        return self.summary

    def make_companies(self):
        pool = self.pool
        Currency = pool.get('currency.currency')
        Party = pool.get('party.party')
        Company = pool.get('company.company')
        currencies = Currency.search([('code', '=', 'RUB')], limit=1)
        if currencies:
            rub, = currencies
        else:
            rub, = Currency.create([{
                        'name': "Российский рубль",
                        'code': 'RUB',
                        'numeric_code': '643',
                        'symbol': '₽',
                        'rounding': Decimal('0.01'),
                        'digits': 2,
                        }])
        orgs = D.ORGANISATIONS[:self.sizes['organisations']]
        parties = Party.create([{
                    'name': o['name'],
                    'contact_mechanisms': [('create', [
                                {'type': 'phone', 'value': o['phone']},
                                {'type': 'email', 'value': o['email']},
                                ])],
                    } for o in orgs])
        self.companies = Company.create([{
                    'party': p.id,
                    'currency': rub.id,
                    'timezone': 'Europe/Moscow',
                    } for p in parties])
        self.org_data = dict(zip(self.companies, orgs))
        self.make_sequences()
        self.summary['organisations'] = len(self.companies)
        self.bar.step("организации")

    def make_sequences(self):
        "One appeal number sequence per organisation"
        pool = self.pool
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        Configuration = pool.get('crm.configuration')
        try:
            sequence_type = ModelData.get_id(
                'crm_dispatch', 'sequence_type_appeal')
        except KeyError:
            return
        prefixes = ['СК-', 'ШК-', 'ОР-']
        for i, company in enumerate(self.companies):
            sequence, = Sequence.create([{
                        'name': f"Обращения {self.org_data[company]['short']}",
                        'sequence_type': sequence_type,
                        'company': company.id,
                        'prefix': prefixes[i % len(prefixes)] + '${year}-',
                        'padding': 6,
                        }])
            with self.company_context(company):
                configuration = Configuration(1)
                configuration.appeal_sequence = sequence
                configuration.save()

    def make_catalogue(self):
        pool = self.pool
        Source = pool.get('crm.appeal.source')
        Tag = pool.get('crm.tag')
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        Deadline = pool.get('crm.appeal.reason.deadline')
        Result = pool.get('crm.appeal.result')
        from trytond.transaction import inactive_records

        def existing(Model, codes):
            with inactive_records():
                return {r.code: r for r in Model.search(
                        [('code', 'in', list(codes))])}

        # Sources and tags may come with the module's data: reuse them
        sources = existing(Source, [s[0] for s in D.SOURCES])
        to_create = [{'code': code, 'name': name, 'schedulable': sched,
                'sequence': i}
            for i, (code, name, sched, _) in enumerate(D.SOURCES)
            if code not in sources]
        for source in Source.create(to_create):
            sources[source.code] = source
        self.sources = sources
        self.source_weights = {s[0]: s[3] for s in D.SOURCES}

        tags = existing(Tag, [t[0] for t in D.TAGS])
        for tag in Tag.create([{'code': c, 'name': n}
                    for c, n in D.TAGS if c not in tags]):
            tags[tag.code] = tag
        self.tags = tags

        groups = existing(Group, [g[0] for g in D.REASON_GROUPS])
        for group in Group.create([{'code': c, 'name': n}
                    for c, n, _ in D.REASON_GROUPS if c not in groups]):
            groups[group.code] = group
        self.groups = groups
        all_codes = [r['code'] for _, _, rs in D.REASON_GROUPS for r in rs]
        reasons = existing(Reason, all_codes)
        to_create = []
        for gcode, _, rs in D.REASON_GROUPS:
            for r in rs:
                if r['code'] in reasons:
                    continue
                to_create.append({
                        'group': groups[gcode].id,
                        'code': r['code'],
                        'name': r['name'],
                        'tags': [('add', [tags[t].id for t in r['tags']])],
                        'default_hours': r['hours'],
                        'readings_topic': r.get('readings', False),
                        'portal': r.get('portal', False),
                        })
        created = Reason.create(to_create)
        Deadline.create([{
                    'reason': reason.id,
                    'source': sources[scode].id,
                    'hours': hours,
                    }
                for reason in created
                for r in [self._reason_data(reason.code)]
                for scode, hours in sorted(r.get('deadlines', {}).items())])
        for reason in created:
            reasons[reason.code] = reason
        self.reasons = reasons
        self.reason_info = {}
        for gcode, _, rs in D.REASON_GROUPS:
            for r in rs:
                self.reason_info[r['code']] = dict(r, group=gcode)

        self.results = Result.create([{
                    'name': name, 'text': text, 'sequence': i}
                for i, (name, text) in enumerate(D.RESULTS)])
        self.summary.update(
            sources=len(sources), tags=len(tags), reason_groups=len(groups),
            reasons=len(reasons), results=len(self.results))
        self.bar.step("справочники")

    @staticmethod
    def _reason_data(code):
        for _, _, rs in D.REASON_GROUPS:
            for r in rs:
                if r['code'] == code:
                    return r
        return {}

    # -- housing stock ---------------------------------------------------
    def make_housing(self):
        pool = self.pool
        District = pool.get('crm.district')
        Building = pool.get('crm.building')
        Premise = pool.get('crm.premise')
        Account = pool.get('crm.account')
        rng = self.rng
        sizes = self.sizes

        # Districts: spread over organisations, the first gets the rest
        n_districts = max(sizes['districts'], len(self.companies))
        district_orgs = []
        per_org = [0] * len(self.companies)
        for i in range(n_districts):
            per_org[i if i < len(self.companies) else 0] += 1
        districts = []
        for company, count in zip(self.companies, per_org):
            names = self.org_data[company]['districts']
            for j in range(count):
                name = names[j] if j < len(names) else f"Микрорайон № {j}"
                districts.append({'name': name, 'company': company.id})
                district_orgs.append(company)
        self.districts = District.create(districts)

        # Buildings: share per organisation, round robin over its districts
        n_buildings = sizes['buildings']
        counts = [round(n_buildings * s) for s in D.ORGANISATION_SHARE[
                :len(self.companies)]]
        counts[0] += n_buildings - sum(counts)
        buildings = []
        building_types = []
        for company, count in zip(self.companies, counts):
            org = self.org_data[company]
            org_districts = [d for d in self.districts
                if d.company == company]
            streets = list(org['streets'])
            rng.shuffle(streets)
            used = set()
            for k in range(count):
                street = streets[k % len(streets)]
                while True:
                    house = str(rng.randint(1, 120))
                    block = rng.choice(['', '', '', '', '1', '2', '3'])
                    if (street, house, block) not in used:
                        used.add((street, house, block))
                        break
                btype = self.choice_weighted(
                    D.BUILDING_TYPES, [t[3] for t in D.BUILDING_TYPES])
                building_types.append(btype)
                buildings.append({
                        'company': company.id,
                        'district': org_districts[k % len(org_districts)].id,
                        'city': org['city'],
                        'street': street,
                        'house': house,
                        'block': block or None,
                        'postal_code': org['postal'] + '%02d' % rng.randint(
                            1, 99),
                        })
        self.buildings = Building.create(buildings)
        self.bar.step("дома")

        # Premises: split the total over buildings by their capacity
        capacity = [f * e * p for f, e, p, _ in building_types]
        total = sizes['premises']
        shares = [max(1, round(total * c / sum(capacity))) for c in capacity]
        shares[shares.index(max(shares))] += total - sum(shares)
        premises = []
        for building, btype, n in zip(self.buildings, building_types, shares):
            floors, entrances, per_floor, _ = btype
            per_entrance = floors * per_floor
            n_shops = 1 if n >= 20 and rng.random() < 0.6 else 0
            for i in range(n - n_shops):
                entrance = min(i // per_entrance + 1, entrances)
                in_entrance = i % per_entrance
                premises.append({
                        'building': building.id,
                        'number': str(i + 1),
                        'entrance': entrance,
                        'floor': in_entrance // per_floor + 1,
                        'riser': str(in_entrance % per_floor + 1),
                        'type': 'flat',
                        'area': Decimal(rng.randint(280, 960)) / 10,
                        })
            for j in range(n_shops):
                premises.append({
                        'building': building.id,
                        'number': f"Н{j + 1}",
                        'entrance': 1,
                        'floor': 1,
                        'type': 'non_residential',
                        'area': Decimal(rng.randint(400, 2400)) / 10,
                        })
        self.premises = []
        for chunk in _chunks(premises, 200):
            self.premises += Premise.create(chunk)
            self.bar.step("помещения", len(chunk))
        self.summary['districts'] = len(self.districts)
        self.summary['buildings'] = len(self.buildings)
        self.summary['premises'] = len(self.premises)

        # One personal account per premise, numbered per organisation
        building_company = {b.id: b.company for b in self.buildings}
        serial = Counter()
        accounts = []
        for premise in self.premises:
            company = building_company[premise.building.id]
            serial[company.id] += 1
            prefix = self.org_data[company]['account_prefix']
            number = '%s%08d' % (prefix, 10000 + serial[company.id] * 7)
            accounts.append({
                    'number': number,
                    'company': company.id,
                    'premise': premise.id,
                    'external_id': 'SN-%s' % number,
                    })
        self.accounts = []
        for chunk in _chunks(accounts, 400):
            self.accounts += Account.create(chunk)
        self.account_company = {
            a.id: building_company[p.building.id]
            for a, p in zip(self.accounts, self.premises)}
        self.account_premise = dict(zip(
                [a.id for a in self.accounts], self.premises))
        self.summary['accounts'] = len(self.accounts)
        self.bar.step("лицевые счета", len(self.accounts))

    # -- applicants ------------------------------------------------------
    def person_name(self):
        rng = self.rng
        female = rng.random() < 0.58
        surname = rng.choice(D.SURNAMES)
        pat = rng.choice(D.PATRONYMICS)
        if female:
            return (female, D.female_surname(surname),
                rng.choice(D.FEMALE_NAMES), pat[1])
        return (female, surname, rng.choice(D.MALE_NAMES), pat[0])

    def make_applicants(self):
        pool = self.pool
        Party = pool.get('party.party')
        Account = pool.get('crm.account')
        rng = self.rng
        n = self.sizes['applicants']
        used_phones = set()
        used_emails = set()
        free_accounts = list(self.accounts)
        rng.shuffle(free_accounts)
        parties = []
        links = []  # per applicant: list of account records
        shared = min(D.SHARED_PHONE_USERS, n // 10)
        for i in range(n):
            female, surname, first, patronymic = self.person_name()
            name = f"{surname} {first} {patronymic}"
            mechanisms = []
            while True:
                phone = '+7%s%07d' % (
                    rng.choice(D.MOBILE_CODES), rng.randint(0, 9999999))
                if phone not in used_phones:
                    used_phones.add(phone)
                    break
            mechanisms.append({'type': 'mobile', 'value': phone})
            if rng.random() < 0.55:
                login = (D.translit(surname) + rng.choice(
                        ['', '.', '_']) + D.translit(first)[:rng.randint(1, 4)]
                    + rng.choice(['', str(rng.randint(1, 99)),
                            str(rng.randint(1950, 2005))]))
                domain = self.choice_weighted(
                    [d for d, _ in D.EMAIL_DOMAINS],
                    [w for _, w in D.EMAIL_DOMAINS])
                email = f"{login}@{domain}"
                if email not in used_emails:
                    used_emails.add(email)
                    mechanisms.append({'type': 'email', 'value': email})
            if i < shared:
                mechanisms.append({'type': 'phone', 'value': D.SHARED_PHONE})
            elif rng.random() < 0.15:
                org = self.org_data[self.companies[0]]
                code, length = D.LANDLINE_CODES[org['city']]
                mechanisms.append({'type': 'phone', 'value': '+7%s%s' % (
                            code, ''.join(rng.choice('23456789')
                                for _ in range(length)))})
            consent = rng.random() < 0.85
            # Accounts: most applicants have one, some two, a few none
            k = self.choice_weighted([0, 1, 2], [6, 78, 16])
            mine = [free_accounts.pop() for _ in range(min(k,
                        len(free_accounts)))]
            if len(mine) == 2 and (self.account_company[mine[0].id]
                    != self.account_company[mine[1].id]):
                mine = mine[:1]
            links.append(mine)
            values = {
                'name': name,
                'contact_mechanisms': [('create', mechanisms)],
                'pd_consent': consent,
                }
            if consent:
                values['pd_consent_date'] = (self.now - dt.timedelta(
                        days=rng.randint(100, 1500))).date()
            if mine:
                values['crm_accounts'] = [('add', [a.id for a in mine])]
            parties.append(values)
        self.applicants = []
        for chunk in _chunks(parties, 20):
            self.applicants += Party.create(chunk)
            self.bar.step("заявители", len(chunk))
        # The applicant is the holder of the first linked account
        holders = defaultdict(list)
        for party, accounts in zip(self.applicants, links):
            if accounts:
                holders[party.id].append(accounts[0])
        to_write = []
        for party_id, accounts in holders.items():
            to_write += [accounts, {'holder': party_id}]
        if to_write:
            Account.write(*to_write)
        self.applicant_accounts = dict(
            zip([p.id for p in self.applicants], links))
        self.summary['applicants'] = len(self.applicants)
        self.summary['linked_accounts'] = sum(len(x) for x in links)

    # -- lines and users ---------------------------------------------------
    def make_lines(self):
        Line = self.get('crm.support_line')
        from trytond.transaction import inactive_records
        with inactive_records():
            existing = {l.number: l for l in Line.search(
                    [('number', 'in', [n for n, _, _ in D.LINES])])}
        lines = {}
        to_create = []
        for number, name, tags in D.LINES:
            if number in existing:
                lines[number] = existing[number]
                Line.write([existing[number]], {
                        'appeal_access': 'own',
                        'topic_access': 'tags',
                        'tags': [('add', [self.tags[t].id for t in tags])],
                        })
                continue
            to_create.append({
                    'number': number,
                    'name': name,
                    'appeal_access': 'own',
                    'topic_access': 'tags',
                    'tags': [('add', [self.tags[t].id for t in tags])],
                    })
        for line in Line.create(to_create):
            lines[line.number] = line
        self.lines = lines
        self.line_tags = {n: set(tags) for n, _, tags in D.LINES}
        self.summary['lines'] = len(lines)
        self.bar.step("линии")

    def make_users(self):
        pool = self.pool
        User = pool.get('res.user')
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        ModelData = pool.get('ir.model.data')
        Lang = pool.get('ir.lang')
        Line = pool.get('crm.support_line')
        self.users = {}
        if not self.with_users:
            self.bar.step("пользователи")
            return
        from trytond.transaction import inactive_records

        def group(xml_id):
            module, name = xml_id.split('.') if '.' in xml_id else (
                'crm_dispatch', xml_id)
            return ModelData.get_id(module, name)

        langs = Lang.search([('code', '=', 'ru')], limit=1)
        lang = langs[0] if langs else None
        if lang and not lang.translatable:
            Lang.write([lang], {'translatable': True})
        org1 = self.companies[0]
        all_orgs = [c.id for c in self.companies]
        roles = {
            'operator': ['group_crm_operator'],
            'supervisor': ['group_crm_operator', 'group_crm_supervisor'],
            'executor': ['group_crm_executor'],
            }
        for login, name, role, line in D.STAFF:
            companies = all_orgs if role == 'supervisor' else [org1.id]
            employees = Employee.create([{
                        'party': party.id,
                        'company': company,
                        } for party in Party.create([{'name': name}])
                    for company in companies])
            user, = User.create([{
                        'login': login,
                        'company_filter': (
                            'all' if role == 'supervisor' else 'one'),
                        'name': name,
                        'password': D.DEMO_PASSWORD,
                        'groups': [('add', [group(g) for g in roles[role]])],
                        'companies': [('add', companies)],
                        'company': org1.id,
                        'employees': [('add', [e.id for e in employees])],
                        'employee': employees[0].id,
                        'language': lang.id if lang else None,
                        }])
            if line:
                Line.write([self.lines[line]], {
                        'members': [('add', [user.id])]})
            self.users[login] = user
        # The Tryton administrator becomes the CRM administrator of both
        with inactive_records():
            admin, = User.search([('login', '=', 'admin')])
        employees = Employee.create([{
                    'party': party.id, 'company': company,
                    } for party in Party.create([{
                            'name': "Администратор CRM"}])
                for company in all_orgs])
        User.write([admin], {
                'password': D.DEMO_PASSWORD,
                'company_filter': 'all',
                'groups': [('add', [group('group_crm_admin'),
                            group('group_crm_supervisor'),
                            group('group_crm_operator')])],
                'companies': [('add', all_orgs)],
                'company': org1.id,
                'employees': [('add', [e.id for e in employees])],
                'employee': employees[0].id,
                'language': lang.id if lang else None,
                })
        self.users['admin'] = admin
        self.summary['users'] = len(self.users)
        self.bar.step("пользователи")

    # -- appeals -----------------------------------------------------------
    # Each appeal is planned first (who, what, when, final state), then
    # created and moved through the module's own workflow methods as the
    # user who would do it, so numbers, deadlines, operators, the event log
    # and the history are the module's. Afterwards the moments of the
    # simulated timeline (received, taken, closed …) are written back over
    # the «now» the workflow stamped.

    def sample_received(self):
        rng = self.rng
        days = self.sizes['days']
        while True:
            day = rng.randint(0, days - 1)
            date = (self.now - dt.timedelta(days=day)).date()
            if date.weekday() >= 5 and rng.random() < 0.45:
                continue  # fewer appeals at weekends
            hour = self.choice_weighted(range(24), HOUR_WEIGHTS)
            received = dt.datetime.combine(date, dt.time(hour)) + \
                dt.timedelta(seconds=rng.randint(0, 3599))
            if received < self.now - dt.timedelta(minutes=10):
                return received

    def final_state(self, age_hours):
        if age_hours < 24:
            weights = [35, 40, 22, 3]
        elif age_hours < 24 * 7:
            weights = [8, 25, 60, 7]
        else:
            weights = [2, 6, 85, 7]
        return self.choice_weighted(
            ['draft', 'in_work', 'resolved', 'rejected'], weights)

    def describe(self, code, premise, building):
        rng = self.rng
        text = rng.choice(D.DESCRIPTIONS.get(code) or D.DESCRIPTIONS['other'])
        month = D.MONTHS[(self.now.month - 2) % 12]
        return text.format(
            flat=premise.number if premise else rng.randint(1, 80),
            entrance=premise.entrance if premise and premise.entrance
            else rng.randint(1, 4),
            floor=premise.floor if premise and premise.floor
            else rng.randint(1, 9),
            month=month,
            amount='%d,%02d' % (rng.randint(300, 9800), rng.randint(0, 99)),
            days=rng.randint(7, 45),
            street=building.street if building else "ул. Ленина",
            house=building.house if building else rng.randint(1, 50),
            cold='%05d' % rng.randint(100, 2500),
            hot='%05d' % rng.randint(50, 1500),
            power='%05d' % rng.randint(1000, 40000),
            people=rng.randint(2, 5))

    def plan_appeals(self):
        rng = self.rng
        reasons = [self.reasons[c] for c in self.reason_info
            if c in self.reasons]
        reason_weights = [self.reason_info[r.code]['weight'] for r in reasons]
        source_codes = [c for c in self.source_weights if c in self.sources]
        source_weights = [self.source_weights[c] for c in source_codes]
        planned_groups = {'meters', 'common'}
        org1 = self.companies[0]
        with_accounts = [p for p in self.applicants
            if self.applicant_accounts[p.id]]
        plans = []
        for i in range(self.sizes['appeals']):
            received = self.sample_received()
            age = (self.now - received).total_seconds() / 3600
            source = rng.choices(source_codes, source_weights)[0]
            reason = rng.choices(reasons, reason_weights)[0]
            info = self.reason_info[reason.code]
            if source == 'planned':
                while info['group'] not in planned_groups:
                    reason = rng.choices(reasons, reason_weights)[0]
                    info = self.reason_info[reason.code]
            if info['group'] == 'emergency' and rng.random() < 0.7:
                source = 'phone'  # emergencies are phoned in
            # Applicant and the place the appeal is about
            applicant = None
            accounts = []
            if source == 'planned' or rng.random() < 0.05:
                pass  # anonymous call or a planned round
            elif rng.random() < 0.9 and with_accounts:
                applicant = rng.choice(with_accounts)
                accounts = list(self.applicant_accounts[applicant.id])
            else:
                applicant = rng.choice(self.applicants)
                accounts = list(self.applicant_accounts[applicant.id])
            if accounts:
                company = self.account_company[accounts[0].id]
                premise = self.account_premise[accounts[0].id]
                building = premise.building
            else:
                building = rng.choice(self.buildings)
                company = building.company
                premise = None
                if info['group'] not in {'emergency', 'common', 'waste'}:
                    building = None
            if building is not None:
                company = building.company
            elif not accounts:
                company = org1 if rng.random() < 0.7 else \
                    self.companies[-1]
            lines = [n for n, tags in self.line_tags.items()
                if tags & set(info['tags']) and n in self.lines]
            line = rng.choice(lines) if lines else None
            state = self.final_state(age)
            if source not in {'phone', 'visit'} and state == 'draft' \
                    and rng.random() < 0.3:
                line = None  # arrived by itself, not yet routed
            no_reason = (source in {'email', 'messenger', 'portal'}
                and state == 'draft' and line is None
                and rng.random() < 0.5)
            plans.append(dict(
                    index=i, received=received, age=age, source=source,
                    reason=None if no_reason else reason, info=info,
                    applicant=applicant, accounts=accounts,
                    company=company, building=building, premise=premise,
                    line=line, state=state))
        plans.sort(key=lambda p: p['received'])
        return plans

    def actor(self, plan, line=None):
        "The user who works the appeal (0: the system itself)"
        line = line if line is not None else plan['line']
        if not self.users:
            return 0
        if plan['company'] != self.companies[0]:
            return self.users['supervisor'].id
        if line == 1:
            return self.users['operator1'].id
        if line == 2:
            return self.users['operator2'].id
        return self.users['supervisor'].id

    def appeal_values(self, plan):
        rng = self.rng
        applicant = plan['applicant']
        values = {
            'company': plan['company'].id,
            'source': self.sources[plan['source']].id,
            'received_date': plan['received'],
            'description': self.describe(
                plan['info']['code'], plan['premise'], plan['building']),
            }
        if plan['reason']:
            values['reason'] = plan['reason'].id
            values['reason_group'] = plan['reason'].group.id
        if plan['line'] and plan['line'] in self.lines:
            values['support_line'] = self.lines[plan['line']].id
        if applicant:
            values['applicant'] = applicant.id
            mechanisms = {m.type: m.value
                for m in applicant.contact_mechanisms}
            if plan['source'] in {'phone', 'visit', 'messenger'}:
                values['contact_phone'] = mechanisms.get('mobile') \
                    or mechanisms.get('phone')
            if mechanisms.get('email') and (
                    plan['source'] in {'email', 'portal'}
                    or rng.random() < 0.3):
                values['contact_email'] = mechanisms['email']
        elif plan['source'] != 'planned':
            values['contact_phone'] = '+7%s%07d' % (
                rng.choice(D.MOBILE_CODES), rng.randint(0, 9999999))
        if plan['accounts']:
            values['accounts'] = [('add', [a.id for a in plan['accounts']])]
        if plan['premise']:
            values['premise'] = plan['premise'].id
        if plan['building']:
            values['building'] = plan['building'].id
        if rng.random() < 0.15:
            values['operator_comment'] = rng.choice(
                D.OPERATOR_COMMENTS).format(flat=rng.randint(1, 80))
        if applicant and rng.random() < 0.3:
            values['notify_on_close'] = True
            values['notify_channel'] = 'email' if values.get(
                'contact_email') else rng.choice(['phone', 'sms'])
        return values

    def make_appeals(self):
        pool = self.pool
        Appeal = pool.get('crm.appeal')
        Event = pool.get('crm.appeal.event')
        rng = self.rng
        plans = self.plan_appeals()
        self.event_dates = {}
        # Close notifications by e-mail are recorded, never sent
        from trytond.transaction import Transaction
        Transaction().join(_DiscardedMail())

        # 1. Registration, in the order appeals were received so that the
        # numbers of an organisation follow the dates. Phone calls, visits
        # and planned appeals are registered by an operator (the event log
        # says who), the rest by the intake (the system user).
        self.event_users = {}
        ordered = sorted(plans, key=lambda p: (
                p['company'].id, p['received']))
        for plan in ordered:
            plan['creator'] = self.actor(plan) if plan['source'] in {
                'phone', 'visit', 'planned'} else 0
        runs = []
        for plan in ordered:
            if runs and runs[-1][0] == plan['company'].id \
                    and len(runs[-1][1]) < 50:
                runs[-1][1].append(plan)
            else:
                runs.append((plan['company'].id, [plan]))
        for company, chunk in runs:
            vlist = []
            for plan in chunk:
                values = self.appeal_values(plan)
                if plan['creator']:
                    values['operator'] = plan['creator']
                vlist.append(values)
            with self.as_user(0, company):
                appeals = self.tracked(
                    lambda: Appeal.create(vlist),
                    {None: [p['received'] for p in chunk]}, chunk,
                    users=[p['creator'] or None for p in chunk])
            for plan, appeal in zip(chunk, appeals):
                plan['id'] = appeal.id
            self.bar.step("обращения", len(chunk))

        # 2. Timeline of each appeal
        for plan in plans:
            received, state = plan['received'], plan['state']
            limit = self.now - dt.timedelta(minutes=1)
            hours = plan['reason'].deadline_hours(
                self.sources[plan['source']]) if plan['reason'] else 72
            plan['hours'] = hours
            if state == 'rejected' and rng.random() < 0.5:
                plan['reject_from_draft'] = True
            if state in {'in_work', 'resolved'} or (
                    state == 'rejected' and not plan.get(
                        'reject_from_draft')):
                delay = dt.timedelta(minutes=rng.randint(
                        1, 20 if plan['source'] == 'phone' else 240))
                if received + delay < limit:
                    plan['taken'] = received + delay
                elif state == 'rejected':
                    plan['reject_from_draft'] = True
                else:  # too recent to be taken yet
                    state = plan['state'] = 'draft'
            if state in {'resolved', 'rejected'}:
                start = plan.get('taken', received)
                if state == 'resolved' and rng.random() < 0.14:
                    span = hours * rng.uniform(1.05, 2.5)  # late
                else:
                    span = hours * rng.uniform(0.03, 0.9)
                closed = received + dt.timedelta(hours=span)
                closed = max(closed, start + dt.timedelta(minutes=3))
                if closed < limit:
                    plan['closed'] = closed
                elif state == 'resolved':  # still being worked on
                    state = plan['state'] = 'in_work'
                else:
                    plan['closed'] = limit
            if plan.get('taken') and plan['info']['group'] == 'general' \
                    and 2 in self.lines and 1 in self.lines \
                    and plan['line'] and rng.random() < 0.3 \
                    and plan['state'] != 'rejected':
                end = plan.get('closed', limit)
                plan['transfer'] = plan['taken'] + (end - plan['taken']) / 3
            if state == 'resolved' and plan['age'] > 72 \
                    and rng.random() < 0.04:
                plan['reopen'] = min(
                    plan['closed'] + dt.timedelta(hours=rng.randint(2, 48)),
                    limit)
                if rng.random() < 0.5:
                    plan['reclose'] = min(
                        plan['reopen'] + dt.timedelta(
                            hours=rng.randint(1, 24)), limit)
            if state == 'resolved' and plan['applicant'] \
                    and rng.random() < 0.45:
                plan['rating'] = rng.choices(
                    [5, 4, 3, 2, 1], [50, 25, 12, 8, 5])[0]

        def grouped(selected, key):
            groups = defaultdict(list)
            for plan in selected:
                groups[key(plan)].append(plan)
            return sorted(groups.items(), key=lambda kv: str(kv[0]))

        def run(selected, key, method, when, label):
            for k, group in grouped(selected, key):
                user, company = k[0], k[1]
                for chunk in _chunks(group, 100):
                    records = Appeal.browse([p['id'] for p in chunk])
                    with self.as_user(user, company):
                        self.tracked(
                            lambda: method(records, *k[2:]),
                            {None: [when(p) for p in chunk]}, chunk)
                    self.bar.step(label, len(chunk))

        # 3. Take into work
        run([p for p in plans if p.get('taken')],
            lambda p: (self.actor(p), p['company'].id),
            Appeal.take, lambda p: p['taken'], "в работу")

        # 4. Transfers from one line to the other
        def do_transfer(records, line, comment):
            Appeal.do_transfer(
                records, support_line=self.lines[line], comment=comment)
        for plan in plans:
            if plan.get('transfer'):
                plan['to_line'] = 2 if plan['line'] == 1 else 1
                plan['transfer_comment'] = rng.choice(D.TRANSFER_COMMENTS)
        run([p for p in plans if p.get('transfer')],
            lambda p: (self.actor(p), p['company'].id, p['to_line'],
                p['transfer_comment']),
            do_transfer, lambda p: p['transfer'], "передачи")

        # 5. Close with the work done and a result template
        results = {r.name: r for r in self.results}

        def close_key(plan):
            info = plan['info']
            text, index = rng.choice(D.RESOLUTIONS.get(info['code'])
                or D.RESOLUTIONS[info['group']])
            result = results.get(D.RESULTS[index][0]) \
                if index is not None and rng.random() < 0.75 else None
            return (self.actor(plan, plan.get('to_line')),
                plan['company'].id, text, result)

        def do_close(records, text, result):
            Appeal.do_close(records, text, result=result)
        for plan in plans:
            if plan.get('closed') and plan['state'] == 'resolved':
                plan['close_key'] = close_key(plan)
        run([p for p in plans if p.get('close_key')],
            lambda p: p['close_key'], do_close,
            lambda p: p['closed'], "закрытие")

        # 6. Reject
        def do_reject(records, reason):
            Appeal.do_reject(records, reason)
        for plan in plans:
            if plan['state'] == 'rejected':
                plan['closed'] = plan.get('closed') or min(
                    plan['received'] + dt.timedelta(minutes=rng.randint(
                            5, 600)), self.now - dt.timedelta(minutes=1))
                plan['reject_reason'] = rng.choice(D.REJECT_REASONS)
        run([p for p in plans if p['state'] == 'rejected'],
            lambda p: (self.actor(p), p['company'].id, p['reject_reason']),
            do_reject, lambda p: p['closed'], "отклонение")

        # 7. Reopen some closed appeals; half of them are closed again
        run([p for p in plans if p.get('reopen')],
            lambda p: (self.actor(p, p.get('to_line')), p['company'].id),
            Appeal.reopen, lambda p: p['reopen'], "возобновление")
        run([p for p in plans if p.get('reclose')],
            lambda p: p['close_key'], do_close,
            lambda p: p['reclose'], "закрытие")
        for plan in plans:
            if plan.get('reopen') and not plan.get('reclose'):
                plan['state'] = 'in_work'

        # 8. Rate the applicant of resolved appeals
        def do_rate(records, rating, comment):
            Appeal.do_rate(records, rating, comment or None)
        for plan in plans:
            if plan.get('rating') and plan['state'] == 'resolved':
                plan['rating_comment'] = rng.choice(
                    D.RATING_COMMENTS[plan['rating']])
        run([p for p in plans if p.get('rating_comment') is not None],
            lambda p: (self.actor(p, p.get('to_line')), p['company'].id,
                p['rating'], p['rating_comment']),
            do_rate, lambda p: (p.get('reclose') or p['closed'])
            + dt.timedelta(minutes=1), "оценки")

        # 9. Write the simulated moments over the workflow's «now»
        self.write_timeline(plans)

        counts = Counter(p['state'] for p in plans)
        self.summary['appeals'] = len(plans)
        self.summary['appeal_states'] = dict(sorted(counts.items()))
        self.summary['rated'] = sum(
            1 for p in plans if p.get('rating_comment') is not None)
        self.summary['transferred'] = sum(
            1 for p in plans if p.get('transfer'))
        self.summary['reopened'] = sum(1 for p in plans if p.get('reopen'))

    def as_user(self, user_id, company_id):
        from trytond.transaction import Transaction
        if user_id:
            return _Both(
                Transaction().set_user(user_id),
                Transaction().set_context(
                    company=company_id, companies=[company_id]))
        return Transaction().set_context(
            company=company_id, companies=[company_id])

    def tracked(self, func, when, plans, users=None):
        """Run func and date the appeal events it wrote with the planned
        moment of each appeal (plans give the appeal ids); users: who the
        event log should name (when the system user did the step)"""
        Event = self.pool.get('crm.appeal.event')
        last = Event.search([], order=[('id', 'DESC')], limit=1)
        mark = last[0].id if last else 0
        result = func()
        if plans and 'id' not in plans[0]:  # created just now
            ids = [a.id for a in result]
        else:
            ids = [p['id'] for p in plans]
        moments = dict(zip(ids, when[None]))
        if users is not None:
            users = dict(zip(ids, users))
        seen = Counter()
        for event in Event.search([('id', '>', mark)], order=[('id', 'ASC')]):
            appeal = event.appeal.id
            if appeal in moments:
                # events of one step follow each other by a few seconds
                self.event_dates[event.id] = moments[appeal] + dt.timedelta(
                    seconds=20 * seen[appeal])
                if users is not None and users.get(appeal):
                    self.event_users[event.id] = users[appeal]
                seen[appeal] += 1
        return result

    def write_timeline(self, plans):
        pool = self.pool
        Appeal = pool.get('crm.appeal')
        Event = pool.get('crm.appeal.event')
        rng = self.rng
        args = []
        for plan in plans:
            values = {}
            state = plan['state']
            if plan.get('taken') and state == 'in_work':
                values['work_started'] = plan.get('reopen') or plan['taken']
            if state in {'resolved', 'rejected'}:
                values['closed_date'] = plan.get('reclose') or plan['closed']
            if state == 'resolved':
                group = plan['info']['group']
                top = 120 if group in {'emergency', 'common'} else 40
                values['labour_minutes'] = rng.randint(3, top)
            elif state == 'rejected':
                values['labour_minutes'] = rng.randint(1, 10)
            elif state == 'in_work':
                values['labour_minutes'] = rng.choice([None, 5, 10, 15])
            if values:
                args += [[Appeal(plan['id'])], values]
        for chunk in _chunks(args, 400):
            Appeal.write(*chunk)
        self.bar.step("даты")
        by_date = defaultdict(list)
        for event_id, date in self.event_dates.items():
            by_date[(date, self.event_users.get(event_id))].append(event_id)
        args = []
        for (date, user), ids in by_date.items():
            values = {'date': date}
            if user:
                values['user'] = user
            args += [Event.browse(ids), values]
        for chunk in _chunks(args, 400):
            Event.write(*chunk)
        self.bar.step("журнал")


class _Both:
    "Enter two context managers as one"

    def __init__(self, first, second):
        self.first, self.second = first, second

    def __enter__(self):
        self.first.__enter__()
        self.second.__enter__()

    def __exit__(self, *exc):
        self.second.__exit__(*exc)
        return self.first.__exit__(*exc)


def _discarded_mail_class():
    from trytond.sendmail import SMTPDataManager

    class DiscardedMail(SMTPDataManager):
        "Joined first so that demo close notifications are never sent"

        def tpc_vote(self, trans):
            pass

        def tpc_finish(self, trans):
            self._finish()
    return DiscardedMail


def _DiscardedMail():
    return _discarded_mail_class()()


# Relative number of appeals per hour of the day
HOUR_WEIGHTS = [
    1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 16, 15, 13, 14, 15, 14, 13, 12, 10, 8, 6,
    4, 2, 1]


def _chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Generate the demo data of the appeals CRM")
    parser.add_argument('-c', '--config', dest='config',
        default=os.environ.get('TRYTOND_CONFIG'),
        help="trytond configuration file")
    parser.add_argument('-d', '--database', dest='database', required=True)
    parser.add_argument('--small', action='store_true',
        help="about 200 premises, 80 applicants, 300 appeals")
    parser.add_argument('--appeals', type=int)
    parser.add_argument('--premises', type=int)
    parser.add_argument('--applicants', type=int)
    parser.add_argument('--buildings', type=int)
    parser.add_argument('--days', type=int,
        help="spread appeals over this many past days (default 90)")
    parser.add_argument('--seed', type=int, default=42)
    parser.add_argument('--no-users', dest='users', action='store_false',
        help="do not create the demo users")
    parser.add_argument('--no-progress', dest='progress',
        action='store_false')
    options = parser.parse_args(argv)

    logging.basicConfig(level=logging.WARNING)
    sizes = dict(SMALL if options.small else SIZES)
    for key in ['appeals', 'premises', 'applicants', 'buildings', 'days']:
        if getattr(options, key) is not None:
            sizes[key] = getattr(options, key)
    try:
        summary = generate(options.database, options.config, sizes,
            seed=options.seed, progress=options.progress,
            users=options.users)
    except DemoDataExists as exc:
        print(f"Демо-данные уже загружены в базу «{options.database}» "
            f"({exc}); ничего не изменено.")
        return 0
    print(f"Демо-данные загружены в базу «{options.database}» "
        f"за {summary.pop('seconds')} с:")
    for key, value in summary.items():
        if isinstance(value, dict):
            value = ', '.join(f'{k}: {v}' for k, v in value.items())
        print(f"  {key}: {value}")
    if options.users:
        print("Логины: admin, supervisor, operator1, operator2, executor1; "
            f"пароль {D.DEMO_PASSWORD}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
