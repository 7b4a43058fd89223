"""What each kind of an external billing's file does to the database.

Every importer first checks all lines and collects the errors with their
line numbers; only a file without errors is written, so that a broken
line leaves nothing half-imported.  Lookups are set-based (one search per
kind of record), writes go in batches."""
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import Pool

from .external_file import CENT, LineError, error_text, parse_line
from .period import month_label

# crm.service.method → crm.charge.method of an imported charge
CHARGE_METHOD = {
    'meter': 'meter', 'norm': 'norm', 'area': 'area', 'fixed': 'fixed'}


class Check:
    "The lines of a file parsed, with the errors found so far"

    def __init__(self, kind, lines):
        self.kind = kind
        self.errors = []
        self.rows = []
        for number, values in lines:
            try:
                self.rows.append((number, parse_line(kind, values)))
            except LineError as error:
                self.errors.append((number, str(error)))

    def error(self, number, message, **params):
        self.errors.append((number, gettext(
                    'crm_billing.msg_external_' + message, **params)))

    def done(self):
        "Refuse the whole file when any line is wrong"
        if self.errors:
            raise UserError(gettext('crm_billing.msg_external_errors',
                    count=len(self.errors),
                    errors=error_text(self.errors)))
        if not self.rows:
            raise UserError(gettext('crm_billing.msg_external_no_lines'))

    def accounts(self, company):
        "{number: crm.account} of the numbers in the lines"
        Account = Pool().get('crm.account')
        numbers = {r['account'] for _, r in self.rows}
        found = {}
        for sub in _chunks(sorted(numbers)):
            for account in Account.search([
                        ('company', '=', company),
                        ('number', 'in', sub),
                        ], order=[]):
                found[account.number] = account
        for number, row in self.rows:
            if row['account'] not in found:
                self.error(number, 'account_unknown', account=row['account'])
        return found

    def services(self, company, method=None):
        "{code: crm.service} of the codes in the lines"
        Service = Pool().get('crm.service')
        services = {s.code: s for s in Service.search([
                    ('company', '=', company),
                    ('code', 'in', list({r['service'] for _, r in self.rows})),
                    ('active', 'in', [True, False]),
                    ])}
        for number, row in self.rows:
            service = services.get(row['service'])
            if not service:
                self.error(number, 'service_unknown', service=row['service'])
            elif method and service.method != method:
                self.error(number, 'service_not_meter',
                    service=row['service'])
        return services

    def unique(self, key, message):
        "Refuse a line that repeats an earlier one by key(row)"
        seen = {}
        for number, row in self.rows:
            value = key(row)
            if value in seen:
                self.error(number, message, line=seen[value])
            else:
                seen[value] = number


def _chunks(values, size=500):
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i:i + size]


def import_accounts(company, lines):
    """Create or update accounts by number; the address finds or creates
    the building and the premise, the holder's name the party"""
    pool = Pool()
    Account = pool.get('crm.account')
    Building = pool.get('crm.building')
    Premise = pool.get('crm.premise')
    Party = pool.get('party.party')
    check = Check('accounts', lines)
    check.unique(lambda r: r['number'], 'duplicate')
    for number, row in check.rows:
        parts = [row['city'], row['street'], row['house']]
        if any(parts) and not all(parts):
            check.error(number, 'address_incomplete')
        elif (any(parts) or row['block']) and not row['premise']:
            check.error(number, 'premise_missing')
        elif row['premise'] and not all(parts):
            check.error(number, 'address_incomplete')
    check.done()

    existing = {}
    for sub in _chunks(sorted({r['number'] for _, r in check.rows})):
        for account in Account.search([
                    ('company', '=', company), ('number', 'in', sub),
                    ('active', 'in', [True, False])], order=[]):
            existing[account.number] = account

    def address(row):
        return tuple((v or '').strip().lower() for v in (
                row['city'], row['street'], row['house'], row['block']))
    buildings = {address({'city': b.city, 'street': b.street,
                'house': b.house, 'block': b.block}): b
        for b in Building.search([('company', '=', company)], order=[])}
    new_buildings = {}
    for _, row in check.rows:
        key = address(row)
        if row['premise'] and key not in buildings:
            new_buildings.setdefault(key, {
                    'company': company, 'city': row['city'],
                    'street': row['street'], 'house': row['house'],
                    'block': row['block']})
    if new_buildings:
        for key, building in zip(new_buildings,
                Building.create(list(new_buildings.values()))):
            buildings[key] = building

    wanted = {(buildings[address(r)].id, r['premise'])
        for _, r in check.rows if r['premise']}
    premises = {}
    for sub in _chunks(sorted({b for b, _ in wanted})):
        for premise in Premise.search([('building', 'in', sub)], order=[]):
            premises[(premise.building.id, premise.number)] = premise
    missing = sorted(wanted - set(premises))
    for (building, number), premise in zip(missing, Premise.create([
                {'building': b, 'number': n} for b, n in missing])):
        premises[(building, number)] = premise

    holders = {}
    names = sorted({r['holder'] for _, r in check.rows if r['holder']
            and not (r['number'] in existing and existing[r['number']].holder
                and existing[r['number']].holder.name == r['holder'])})
    for name, party in zip(names, Party.create([{'name': n} for n in names])):
        holders[name] = party

    to_create, to_write = [], []
    for _, row in check.rows:
        values = {}
        if row['premise']:
            values['premise'] = premises[
                (buildings[address(row)].id, row['premise'])].id
        if row['holder'] in holders:
            values['holder'] = holders[row['holder']].id
        for field in ['residents', 'area', 'external_id']:
            if row[field] is not None:
                values[field] = row[field]
        account = existing.get(row['number'])
        if account:
            if values:
                to_write.extend(([account], values))
        else:
            to_create.append(dict(values, company=company,
                    number=row['number']))
    if to_create:
        Account.create(to_create)
    if to_write:
        Account.write(*to_write)
    return {'lines': len(check.rows), 'created': len(to_create),
        'updated': len(to_write) // 2}


def import_charges(company, lines):
    """Charges of months: the (month, account) pairs of the file get
    exactly the file's lines, whatever they had (a re-import of the same
    month replaces, it does not add); closed months are refused"""
    pool = Pool()
    Period = pool.get('crm.billing.period')
    Charge = pool.get('crm.charge')
    check = Check('charges', lines)
    accounts = check.accounts(company)
    services = check.services(company)
    periods = {p.date: p for p in Period.search([
                ('company', '=', company),
                ('date', 'in', list({r['month'] for _, r in check.rows})),
                ])}
    for number, row in check.rows:
        period = periods.get(row['month'])
        if period and period.state == 'closed':
            check.error(number, 'period_closed',
                month=month_label(row['month']))
        if row['amount'] is None:
            if row['quantity'] is None or row['rate'] is None:
                check.error(number, 'amount_missing')
            else:
                row['amount'] = (row['quantity'] * row['rate']).quantize(
                    CENT, rounding=ROUND_HALF_UP)
    check.done()

    new_months = sorted({r['month'] for _, r in check.rows} - set(periods))
    for period in Period.create([
                {'company': company, 'date': m} for m in new_months]):
        periods[period.date] = period
    pairs = defaultdict(set)
    for _, row in check.rows:
        pairs[periods[row['month']].id].add(accounts[row['account']].id)
    old = []
    for period, account_ids in pairs.items():
        for sub in _chunks(sorted(account_ids)):
            old.extend(Charge.search([
                        ('period', '=', period), ('account', 'in', sub)],
                    order=[]))
    Charge.delete(old)
    vlist = []
    for _, row in check.rows:
        service = services[row['service']]
        vlist.append({
                'company': company,
                'period': periods[row['month']].id,
                'account': accounts[row['account']].id,
                'service': service.id,
                'kind': 'recalculation' if row['reason'] else 'charge',
                'reason': row['reason'],
                'method': CHARGE_METHOD.get(service.method, 'manual'),
                'quantity': row['quantity'],
                'rate': row['rate'],
                'amount': row['amount'],
                })
    Charge.create(vlist)
    return {'lines': len(check.rows), 'created': len(vlist),
        'deleted': len(old)}


def import_payments(company, lines):
    """Payments; a payment already loaded (same account, date, document
    and amount) is skipped, so a file sent twice is not paid twice"""
    pool = Pool()
    Payment = pool.get('crm.payment')
    check = Check('payments', lines)
    accounts = check.accounts(company)
    for number, row in check.rows:
        if not row['amount']:
            check.error(number, 'amount_zero')
    check.done()

    def key(account, date, document, amount):
        return (account, date, document or '', amount)
    have = Counter()
    account_ids = sorted({a.id for a in accounts.values()})
    dates = list({r['date'] for _, r in check.rows})
    for sub in _chunks(account_ids):
        for payment in Payment.search([
                    ('company', '=', company), ('account', 'in', sub),
                    ('date', 'in', dates), ('source', '=', 'import'),
                    ], order=[]):
            have[key(payment.account.id, payment.date, payment.document,
                    payment.amount)] += 1
    vlist = []
    for _, row in check.rows:
        k = key(accounts[row['account']].id, row['date'], row['document'],
            row['amount'])
        if have[k]:
            have[k] -= 1
            continue
        vlist.append({
                'company': company, 'account': k[0], 'date': row['date'],
                'amount': row['amount'], 'document': row['document'],
                'payer': row['payer'], 'source': 'import'})
    Payment.create(vlist)
    return {'lines': len(check.rows), 'created': len(vlist),
        'skipped': len(check.rows) - len(vlist)}


def import_balances(company, lines):
    "Opening balances by account and month: set, or replaced"
    Opening = Pool().get('crm.account.opening')
    check = Check('balances', lines)
    accounts = check.accounts(company)
    check.unique(lambda r: (r['account'], r['month']), 'duplicate')
    check.done()
    existing = {}
    for sub in _chunks(sorted({a.id for a in accounts.values()})):
        for opening in Opening.search([('account', 'in', sub)], order=[]):
            existing[(opening.account.id, opening.month)] = opening
    to_create, to_write = [], []
    for _, row in check.rows:
        account = accounts[row['account']]
        opening = existing.get((account.id, row['month']))
        if opening:
            if opening.amount != row['opening']:
                to_write.extend(([opening], {'amount': row['opening']}))
        else:
            to_create.append({'company': company, 'account': account.id,
                    'month': row['month'], 'amount': row['opening']})
    Opening.create(to_create)
    if to_write:
        Opening.write(*to_write)
    return {'lines': len(check.rows), 'created': len(to_create),
        'updated': len(to_write) // 2,
        'skipped': len(check.rows) - len(to_create) - len(to_write) // 2}


METER_FIELDS = {
    'model': 'model', 'place': 'place', 'digits': 'digits',
    'initial': 'initial_value', 'install_date': 'install_date',
    'verification_date': 'verification_date',
    'verification_interval': 'verification_interval',
    }


def import_meters(company, lines):
    "Individual meters by account and serial number: created or updated"
    Meter = Pool().get('crm.meter')
    check = Check('meters', lines)
    accounts = check.accounts(company)
    services = check.services(company, method='meter')
    check.unique(lambda r: (r['account'], r['serial']), 'duplicate')
    for number, row in check.rows:
        if row['digits'] is not None and not 1 <= row['digits'] <= 12:
            check.error(number, 'digits', digits=row['digits'])
        if row['verification_interval'] == 0:
            check.error(number, 'interval')
    check.done()
    existing = {}
    for sub in _chunks(sorted({a.id for a in accounts.values()})):
        for meter in Meter.search([('account', 'in', sub)], order=[]):
            existing[(meter.account.id, meter.serial)] = meter
    to_create, to_write = [], []
    for _, row in check.rows:
        account = accounts[row['account']]
        values = {'service': services[row['service']].id}
        values.update({field: row[key] for key, field in METER_FIELDS.items()
                if row[key] is not None})
        meter = existing.get((account.id, row['serial']))
        if meter:
            to_write.extend(([meter], values))
        else:
            values.setdefault('initial_value', Decimal(0))
            to_create.append(dict(values, company=company,
                    kind='individual', account=account.id,
                    serial=row['serial']))
    Meter.create(to_create)
    if to_write:
        Meter.write(*to_write)
    return {'lines': len(check.rows), 'created': len(to_create),
        'updated': len(to_write) // 2}


IMPORTERS = {
    'accounts': import_accounts,
    'charges': import_charges,
    'payments': import_payments,
    'balances': import_balances,
    'meters': import_meters,
    }
# What only an organisation in the external-billing mode may load: its
# own charges would be mixed with another system's
EXTERNAL_ONLY = {'charges', 'payments', 'balances'}
