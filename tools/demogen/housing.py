"""Organisations (companies with their appeal numbering), districts,
buildings, premises and one personal account per premise."""
from collections import Counter
from decimal import Decimal

from . import data as D
from .runtime import chunks


class HousingStock:
    """Sets companies, org_data (company → its entry of D.ORGANISATIONS),
    districts, buildings, premises, accounts, account_company and
    account_premise (account id → company, premise)."""

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
        self.make_calendars()
        self.make_templates()
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

    def make_calendars(self):
        """A working calendar per organisation: the office week and the
        production calendar of this year and the next"""
        import datetime as dt

        from trytond.modules.crm_dispatch.worktime import russian_days
        try:
            Calendar = self.pool.get('crm.calendar')
        except KeyError:
            return
        year = dt.date.today().year
        days = russian_days([year, year + 1])
        for company in self.companies:
            with self.company_context(company):
                Calendar.create([{
                            'name': "Рабочий календарь "
                            f"{self.org_data[company]['short']}",
                            'timezone': 'Europe/Moscow',
                            'days': [('create', [{
                                            'date': date, 'kind': kind,
                                            'name': name}
                                        for date, (kind, name)
                                        in sorted(days.items())])],
                            }])

    def make_templates(self):
        """A common close notification and observer letter, and a reply of
        each organisation"""
        try:
            Template = self.pool.get('crm.message.template')
        except KeyError:
            return
        Template.create([{
                    'name': "Уведомление о закрытии",
                    'kind': 'close', 'company': None,
                    'subject': "Обращение {number} закрыто",
                    'body': "Здравствуйте, {applicant}!\n\n"
                    "Ваше обращение {number} ({reason}) закрыто.\n"
                    "Выполнено: {work_done}\n\n{organisation}",
                    }, {
                    'name': "Наблюдателю: смена этапа",
                    'kind': 'observer', 'company': None,
                    'subject': "{number}: {stage}",
                    'body': "Обращение {number} ({reason}) перешло на этап "
                    "«{stage}».\nАдрес: {address}\nОператор: {operator}\n"
                    "Срок: {deadline}",
                    }] + [{
                    'name': f"Ответ заявителю ({self.org_data[c]['short']})",
                    'kind': 'reply', 'company': c.id,
                    'subject': "Ответ на обращение {number}",
                    'body': "Здравствуйте, {applicant}!\n\n"
                    "Ваше обращение {number} от {received} принято. "
                    "Срок исполнения: {deadline}.\n\n{organisation}",
                    } for c in self.companies])

    def make_housing(self):
        self.make_districts()
        building_types = self.make_buildings()
        self.make_premises(building_types)
        self.summary['districts'] = len(self.districts)
        self.summary['buildings'] = len(self.buildings)
        self.summary['premises'] = len(self.premises)
        self.make_accounts()

    def make_districts(self):
        "Districts: spread over organisations, the first gets the rest"
        District = self.pool.get('crm.district')
        n_districts = max(self.sizes['districts'], len(self.companies))
        per_org = [0] * len(self.companies)
        for i in range(n_districts):
            per_org[i if i < len(self.companies) else 0] += 1
        districts = []
        for company, count in zip(self.companies, per_org):
            names = self.org_data[company]['districts']
            for j in range(count):
                name = names[j] if j < len(names) else f"Микрорайон № {j}"
                districts.append({'name': name, 'company': company.id})
        self.districts = District.create(districts)

    def make_buildings(self):
        """Buildings: share per organisation, round robin over its
        districts. Returns the type of each building (D.BUILDING_TYPES)."""
        Building = self.pool.get('crm.building')
        rng = self.rng
        n_buildings = self.sizes['buildings']
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
        return building_types

    def make_premises(self, building_types):
        "Premises: split the total over buildings by their capacity"
        Premise = self.pool.get('crm.premise')
        rng = self.rng
        capacity = [f * e * p for f, e, p, _ in building_types]
        total = self.sizes['premises']
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
        for chunk in chunks(premises, 200):
            self.premises += Premise.create(chunk)
            self.bar.step("помещения", len(chunk))

    def make_accounts(self):
        "One personal account per premise, numbered per organisation"
        Account = self.pool.get('crm.account')
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
        for chunk in chunks(accounts, 400):
            self.accounts += Account.create(chunk)
        self.account_company = {
            a.id: building_company[p.building.id]
            for a, p in zip(self.accounts, self.premises)}
        self.account_premise = dict(zip(
                [a.id for a in self.accounts], self.premises))
        self.summary['accounts'] = len(self.accounts)
        self.bar.step("лицевые счета", len(self.accounts))
