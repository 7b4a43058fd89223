"""Billing (crm_billing), when it is activated: a year of it for every demo
account.

    settings     readings window 23rd–25th, payee and bank requisites
    services     cold and hot water, electricity by meter; upkeep by area;
                 waste by norm × residents; intercom fixed; tariffs indexed
                 on the 1st of July and of October as in Russia
    meters       water meters in most flats (a few with an expired
                 verification), an electricity meter in every premise
    readings     taken on the 23rd–25th of each month; some flats skip
                 months (the charges use the average, then the norm)
    periods      the 12 months before the current one, computed (charges,
                 penalties); all but the last two closed
    debtors      cases for debts of 3 000 roubles and 3 months or more
    payments     a bank registry a month; most pay on time, some partly,
                 some not at all for months: the debtors
    accountant1  the accountant of the first organisation

Readings and payments are written set-based (they are history, not entered
by hand); the charges are computed by the module itself.
"""
import datetime as dt
import hashlib
import os
from decimal import Decimal

from . import data as D
from .runtime import chunks

# code: (name, unit, method, [(since, rate)], norm per resident)
SERVICES = [
    ('cold', "Холодное водоснабжение", 'м³', 'meter',
        [(dt.date(2024, 7, 1), '48.90'), (dt.date(2025, 7, 1), '54.30'),
            (dt.date(2026, 10, 1), '61.40')], '4.85'),
    ('hot', "Горячее водоснабжение", 'м³', 'meter',
        [(dt.date(2024, 7, 1), '231.70'), (dt.date(2025, 7, 1), '257.20'),
            (dt.date(2026, 10, 1), '290.60')], '3.60'),
    ('power', "Электроснабжение", 'кВт·ч', 'meter',
        [(dt.date(2024, 7, 1), '6.12'), (dt.date(2025, 7, 1), '6.79'),
            (dt.date(2026, 10, 1), '7.68')], '75'),
    ('upkeep', "Содержание жилого помещения", 'м²', 'area',
        [(dt.date(2024, 7, 1), '31.60'), (dt.date(2025, 7, 1), '34.10')],
        None),
    ('waste', "Обращение с ТКО", 'чел.', 'norm',
        [(dt.date(2024, 7, 1), '118.40'), (dt.date(2025, 7, 1), '131.40'),
            (dt.date(2026, 10, 1), '148.50')], '1'),
    ('intercom', "Домофон", 'мес.', 'fixed',
        [(dt.date(2024, 7, 1), '55.00')], None),
    ]
# Monthly consumption by meter: (low, high)
CONSUMPTION = {'cold': (3.0, 7.5), 'hot': (1.8, 4.5), 'power': (90, 260)}
# Water meters: verified every 6 years; electricity: every 16
INTERVAL = {'cold': 6, 'hot': 6, 'power': 16}
MONTHS = 12
ACCOUNTANT = ('accountant1', "Бухгалтер Смирнова Е. А.")

REQUISITES = [
    dict(payee_inn='3525401234', payee_kpp='352501001',
        bank_name='ПАО Сбербанк', bank_bic='041909644',
        bank_account='40702810312000012345',
        bank_corr_account='30101810900000000644'),
    dict(payee_inn='3528201456', payee_kpp='352801001',
        bank_name='ПАО Сбербанк', bank_bic='041909644',
        bank_account='40702810312000067890',
        bank_corr_account='30101810900000000644'),
    ]


def add_months(date, months):
    month = date.month - 1 + months
    return date.replace(
        year=date.year + month // 12, month=month % 12 + 1, day=1)


class Billing:
    "Mixed into the Generator (generator.py)"

    def make_billing(self):
        # DEMO_BILLING=0: the browser tests' server, whose billing tests
        # enter their own months, figures and closed periods
        if (not self.activated('crm.service')
                or os.environ.get('DEMO_BILLING', '1') == '0'):
            return
        this_month = self.now.date().replace(day=1)
        self.billing_months = [
            add_months(this_month, -n) for n in range(MONTHS, 0, -1)]
        for index, company in enumerate(self.companies):
            with self.company_context(company):
                self.make_billing_settings(index, company)
                services = self.make_services(company)
                accounts = [a for a in self.accounts
                    if self.account_company[a.id] == company]
                meters = self.make_account_billing(accounts, services)
                self.make_readings(meters)
                periods = self.make_periods(company)
                self.make_months(company, accounts, periods)
                self.make_debtors(company)
        self.make_accountant()
        self.bar.step("расчёты")

    def make_billing_settings(self, index, company):
        Settings = self.get('crm.billing.settings')
        org = D.ORGANISATIONS[index]
        Settings.create([dict(REQUISITES[index % len(REQUISITES)],
                    company=company.id, payee_name=org['name'])])

    def make_services(self, company):
        Service = self.get('crm.service')
        Tariff = self.get('crm.tariff')
        Norm = self.get('crm.norm')
        services = {}
        for sequence, (code, name, unit, method, rates, norm) in enumerate(
                SERVICES):
            service, = Service.create([{
                        'company': company.id, 'code': code, 'name': name,
                        'unit': unit, 'method': method,
                        'sequence': sequence}])
            tariffs = []
            for i, (since, rate) in enumerate(rates):
                end = rates[i + 1][0] - dt.timedelta(days=1) \
                    if i + 1 < len(rates) else None
                tariffs.append({
                        'company': company.id, 'service': service.id,
                        'start_date': since, 'end_date': end,
                        'rate': Decimal(rate)})
            Tariff.create(tariffs)
            if norm:
                Norm.create([{
                            'company': company.id, 'service': service.id,
                            'start_date': rates[0][0],
                            'quantity': Decimal(norm),
                            'coefficient': Decimal('1.5')}])
            services[code] = service
        self.summary['services'] = self.summary.get('services', 0) + len(
            services)
        return services

    def make_account_billing(self, accounts, services):
        """Residents, subscriptions and meters of the accounts; return
        [(meter id, service code, initial value)]"""
        pool = self.pool
        Account = pool.get('crm.account')
        AccountService = pool.get('crm.account.service')
        Meter = pool.get('crm.meter')
        rng = self.rng
        start = self.billing_months[0]
        subscriptions, meters, by_residents = [], [], {}
        for account in accounts:
            premise = self.account_premise[account.id]
            flat = premise.type == 'flat'
            residents = rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5]) if flat else 0
            by_residents.setdefault(residents, []).append(account)
            codes = [s[0] for s in SERVICES] if flat else ['upkeep', 'power']
            subscriptions += [{
                    'account': account.id, 'service': services[c].id,
                    'start_date': start} for c in codes]
            water = flat and rng.random() < 0.85
            for code in (['cold', 'hot'] if water else []) + ['power']:
                interval = INTERVAL[code]
                verified = dt.date(rng.randint(2021, 2025),
                    rng.randint(1, 12), rng.randint(1, 28))
                if code != 'power' and rng.random() < 0.04:
                    # Overdue: expired during the demo year
                    verified = add_months(start, 2 - 12 * interval)
                meters.append({
                        'company': account.company.id,
                        'kind': 'individual', 'account': account.id,
                        'service': services[code].id,
                        'serial': '%s-%07d' % (code[0].upper(),
                            rng.randint(1, 9999999)),
                        'model': {'cold': 'СВК-15Х', 'hot': 'СВК-15Г',
                            'power': 'Меркурий 201.8'}[code],
                        'place': {'cold': "ванная", 'hot': "ванная",
                            'power': "лестничная площадка"}[code],
                        'digits': 5 if code != 'power' else 6,
                        'initial_value': Decimal(rng.randint(0, 900)),
                        'install_date': verified,
                        'verification_date': verified,
                        'verification_interval': interval,
                        })
        for residents, group in by_residents.items():
            for chunk in chunks(group, 400):
                Account.write(chunk, {'residents': residents})
        for chunk in chunks(subscriptions, 1000):
            AccountService.create(chunk)
        created = []
        for chunk in chunks(meters, 500):
            created += Meter.create(chunk)
        code_of = {s.id: c for c, s in services.items()}
        self.summary['meters'] = self.summary.get('meters', 0) + len(created)
        return [(m.id, code_of[m.service.id], m.initial_value,
                m.verification_date, m.verification_interval, m.company.id)
            for m in created]

    def make_readings(self, meters):
        """A reading on the 23rd–25th of every month, from the meter's
        initial value on; some meters skip one to four months in a row
        (loaded as history: Reading.load_history)"""
        Reading = self.pool.get('crm.meter.reading')
        rng = self.rng
        rows = []
        for meter, code, value, verified, interval, company in meters:
            low, high = CONSUMPTION[code]
            gap = set()
            if rng.random() < 0.12:
                first = rng.randint(2, MONTHS - 1)
                gap = set(range(first, first + rng.randint(1, 4)))
            expires = verified.replace(year=verified.year + interval)
            previous = value
            for n, month in enumerate(self.billing_months):
                date = month.replace(day=rng.randint(23, 25))
                value += Decimal(str(round(rng.uniform(low, high),
                                3 if code != 'power' else 0)))
                if n in gap or date > expires:
                    # Not reported: consumption counts at the next reading
                    continue
                rows.append({'meter': meter, 'company': company,
                        'date': date, 'value': value,
                        'consumption': value - previous,
                        'source': rng.choice(
                            ['portal', 'portal', 'operator', 'robot'])})
                previous = value
        Reading.load_history(rows)
        self.summary['readings'] = self.summary.get('readings', 0) + len(
            rows)

    def make_periods(self, company):
        Period = self.get('crm.billing.period')
        return Period.create([
                {'company': company.id, 'date': month}
                for month in self.billing_months])

    def make_months(self, company, accounts, periods):
        """Month after month: the charges computed, then the bank registry
        of the month paying the month before, then the penalties.  Most
        accounts pay what was charged; about one in ten pays part, one in
        twenty stops paying for the last months (the debtors)"""
        Period = self.get('crm.billing.period')
        rng = self.rng
        habits = {}
        for account in accounts:
            r = rng.random()
            habits[account.id] = ('stops' if r < 0.05
                else 'partly' if r < 0.15 else 'pays')
        stop_at = {a: rng.randint(MONTHS - 8, MONTHS - 3)
            for a, h in habits.items() if h == 'stops'}
        due = {}
        for n, period in enumerate(periods):
            if hasattr(Period, 'compute_charges'):
                Period.compute_charges([period])
            if n:
                paying = []
                for account in accounts:
                    habit = habits[account.id]
                    if habit == 'stops' and n >= stop_at[account.id]:
                        continue
                    amount = due.get(account.id, 0)
                    if habit == 'partly':
                        amount *= Decimal(rng.choice(['0.3', '0.5', '0.7']))
                    if amount > 0:
                        paying.append((account, amount))
                self.make_registry(company, period.date, paying)
            due = self.charged(period)
            if hasattr(Period, 'compute_penalties'):
                Period.compute_penalties([period])
        if hasattr(Period, 'close'):
            Period.close(periods[:-2])
        self.summary['periods'] = self.summary.get('periods', 0) + len(
            periods)

    def charged(self, period):
        "{account id: amount charged in the period}"
        Charge = self.get('crm.charge')
        totals = {}
        for charge in Charge.search([('period', '=', period.id)]):
            totals[charge.account.id] = totals.get(
                charge.account.id, 0) + charge.amount
        return totals

    def make_registry(self, company, month, paying):
        "The bank registry of the month with its payments"
        Registry = self.get('crm.payment.registry')
        Payment = self.get('crm.payment')
        rng = self.rng
        if not paying:
            return
        payments = [{
                'company': company.id, 'account': account.id,
                'date': month.replace(day=rng.randint(3, 20)),
                'amount': Decimal(amount).quantize(Decimal('0.01')),
                'source': 'bank',
                'payer': account.holder.name if account.holder else None,
                'document': str(rng.randint(10 ** 8, 10 ** 9)),
                } for account, amount in paying]
        content = '\n'.join(
            f"{company.id};{p['date']};{p['account']};{p['amount']}"
            for p in payments)
        registry, = Registry.create([{
                    'company': company.id,
                    'filename': f'sber_{month:%Y%m}.csv',
                    'digest': hashlib.sha256(content.encode()).hexdigest(),
                    'date': month.replace(day=21)}])
        for payment in payments:
            payment['registry'] = registry.id
        for chunk in chunks(payments, 1000):
            Payment.create(chunk)
        self.summary['payments'] = self.summary.get(
            'payments', 0) + len(payments)

    def make_debtors(self, company):
        """Debtor cases for the accounts owing 3 000 roubles or more for 3
        months or more (the accountant's usual selection)"""
        if not self.activated('crm.debtor.case'):
            return
        from trytond.modules.crm_billing.penalty_debtor import select_debtors
        cases = select_debtors(company, Decimal(3000), 3, self.now.date())
        self.summary['debtor_cases'] = self.summary.get(
            'debtor_cases', 0) + len(cases)

    def make_accountant(self):
        if not self.with_users:
            return
        User = self.get('res.user')
        Group = self.get('res.group')
        ModelData = self.get('ir.model.data')
        org1 = self.companies[0]
        login, name = ACCOUNTANT
        groups = ['group_crm_operator']
        user, = User.create([dict(login=login, name=name,
                    **self.user_access(name, groups, [org1.id], 'one',
                        self.russian()))])
        User.write([user], {'groups': [('add', [Group(ModelData.get_id(
                                    'crm_billing',
                                    'group_crm_accountant')).id])]})
        self.users[login] = user
