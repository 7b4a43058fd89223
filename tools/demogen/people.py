"""People: applicants (residents with phones, e-mails, consent and their
personal accounts) and the demo users with their employees."""
import datetime as dt
from collections import defaultdict

from . import data as D
from .runtime import chunks


class People:
    """Sets applicants, applicant_accounts (party id → its accounts) and
    users (login → user; empty without the demo users)."""

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

    def contact_mechanisms(self, surname, first, shared, used_phones,
            used_emails):
        """A unique mobile, often an e-mail, sometimes a landline (shared:
        the landline several applicants give)"""
        rng = self.rng
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
        if shared:
            mechanisms.append({'type': 'phone', 'value': D.SHARED_PHONE})
        elif rng.random() < 0.15:
            org = self.org_data[self.companies[0]]
            code, length = D.LANDLINE_CODES[org['city']]
            mechanisms.append({'type': 'phone', 'value': '+7%s%s' % (
                        code, ''.join(rng.choice('23456789')
                            for _ in range(length)))})
        return mechanisms

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
            mechanisms = self.contact_mechanisms(
                surname, first, i < shared, used_phones, used_emails)
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
        for chunk in chunks(parties, 20):
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
        # An applicant without an account was registered by one of the
        # organisations (created there): only its users see him
        pool.get('crm.party-company.company').link(
            (party.id, self.companies[i % len(self.companies)].id)
            for i, (party, accounts) in enumerate(zip(self.applicants, links))
            if not accounts)
        self.applicant_accounts = dict(
            zip([p.id for p in self.applicants], links))
        self.summary['applicants'] = len(self.applicants)
        self.summary['linked_accounts'] = sum(len(x) for x in links)

    # -- users -----------------------------------------------------------
    def make_users(self):
        User = self.get('res.user')
        Line = self.get('crm.support_line')
        self.users = {}
        if not self.with_users:
            self.bar.step("пользователи")
            return
        from trytond.transaction import inactive_records
        lang = self.russian()
        org1 = self.companies[0]
        all_orgs = [c.id for c in self.companies]
        roles = {
            'operator': ['group_crm_operator'],
            'supervisor': ['group_crm_operator', 'group_crm_supervisor'],
            'executor': ['group_crm_executor'],
            }
        for login, name, role, lines in D.STAFF:
            companies = all_orgs if role == 'supervisor' else [org1.id]
            user, = User.create([dict(
                        login=login, name=name,
                        **self.user_access(name, roles[role], companies,
                            'all' if role == 'supervisor' else 'one',
                            lang))])
            if lines:
                Line.write([self.lines[n] for n in lines], {
                        'members': [('add', [user.id])]})
            self.users[login] = user
        # The Tryton administrator becomes the CRM administrator of both
        with inactive_records():
            admin, = User.search([('login', '=', 'admin')])
        # Named in Russian: the top bar of the web client shows the name
        User.write([admin], dict(self.user_access("Администратор CRM", [
                        'group_crm_admin', 'group_crm_supervisor',
                        'group_crm_operator'], all_orgs, 'all', lang),
                name="Администратор CRM"))
        self.users['admin'] = admin
        self.summary['users'] = len(self.users)
        self.bar.step("пользователи")

    def russian(self):
        "The Russian language (made translatable), if there is one"
        Lang = self.get('ir.lang')
        langs = Lang.search([('code', '=', 'ru')], limit=1)
        lang = langs[0] if langs else None
        if lang and not lang.translatable:
            Lang.write([lang], {'translatable': True})
        return lang

    def user_access(self, name, groups, companies, company_filter, lang):
        """Values of a user with the demo password, groups (XML ids of
        crm_dispatch) and an employee named name in each of companies (the
        first company current)"""
        Employee = self.get('company.employee')
        Party = self.get('party.party')
        ModelData = self.get('ir.model.data')
        employees = Employee.create([{
                    'party': party.id,
                    'company': company,
                    } for party in Party.create([{'name': name}])
                for company in companies])
        return {
            'password': D.DEMO_PASSWORD,
            'company_filter': company_filter,
            'groups': [('add', [ModelData.get_id('crm_dispatch', g)
                        for g in groups])],
            'companies': [('add', companies)],
            'company': self.companies[0].id,
            'employees': [('add', [e.id for e in employees])],
            'employee': employees[0].id,
            'language': lang.id if lang else None,
            }
