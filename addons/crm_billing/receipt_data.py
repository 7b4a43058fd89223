"""What receipts and certificates print, read from the database for many
accounts at once: a handful of queries per batch, not per account.

Everything is read with the rights of the user printing (the report runs
with access checked), so an organisation prints only its own accounts."""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sql.aggregate import Max

from trytond.backend import MAX_QUERY_PARAMS
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from . import receipt_qr
from .period import month_label
from .readings_check import COUNTED

ZERO = Decimal(0)
# Requisites of the QR read from a field: name → (model, field)
QR_FIELDS = {
    'Name': ('crm.billing.settings', 'payee_name'),
    'PersonalAcc': ('crm.billing.settings', 'bank_account'),
    'BankName': ('crm.billing.settings', 'bank_name'),
    'BIC': ('crm.billing.settings', 'bank_bic'),
    'CorrespAcc': ('crm.billing.settings', 'bank_corr_account'),
    'PayeeINN': ('crm.billing.settings', 'payee_inn'),
    'KPP': ('crm.billing.settings', 'payee_kpp'),
    'LastName': ('crm.account', 'holder'),
    'PayerAddress': ('crm.account', 'premise'),
    'persAcc': ('crm.account', 'number'),
    }


def next_month(date):
    return (date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def add_years(date, years):
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


def _label(requisite):
    model, field = QR_FIELDS[requisite]
    return Pool().get(model).fields_get([field])[field]['string']


def payee(company):
    """The organisation's requisites from its billing settings: printed
    for whoever may print its accounts (operators too, who may not open
    the settings themselves)"""
    with without_check_access():
        settings = Pool().get('crm.billing.settings').get(company)
    return {
        'name': settings.payee_name or company.rec_name,
        'inn': settings.payee_inn,
        'kpp': settings.payee_kpp,
        'bank_name': settings.bank_name,
        'bic': settings.bank_bic,
        'account': settings.bank_account,
        'corr_account': settings.bank_corr_account,
        'settings': settings,
        }


def check_requisites(company):
    """Refuse (UserError) before anything is drawn when the organisation
    lacks a requisite the QR cannot do without"""
    settings = payee(company)['settings']
    missing = [n for n in receipt_qr.REQUIRED
        if not getattr(settings, QR_FIELDS[n][1])]
    if missing:
        raise UserError(gettext('crm_billing.msg_receipt_requisites_missing',
                company=company.rec_name,
                fields=', '.join(f'«{_label(n)}»' for n in missing)))


def qr_payload(requisites, receipt):
    """The ГОСТ Р 56042-2014 payload of a receipt; a value the QR cannot
    carry is refused with the Russian message naming it"""
    settings = requisites['settings']
    values = {n: getattr(settings, f) for n, (m, f) in QR_FIELDS.items()
        if m == 'crm.billing.settings'}
    values.update({
            'LastName': receipt['holder'],
            'PayerAddress': receipt['address'],
            'persAcc': receipt['account'],
            # No Purpose: banks build it from persAcc and paymPeriod, and
            # every byte makes the printed code denser
            'paymPeriod': receipt_qr.period(receipt['period']),
            })
    if receipt['to_pay'] > 0:
        values['Sum'] = receipt_qr.kopecks(receipt['to_pay'])
    try:
        return receipt_qr.payload(values)
    except receipt_qr.QRError as error:
        field = error.fields[0]
        if error.key == 'missing':
            raise UserError(gettext(
                    'crm_billing.msg_receipt_requisites_missing',
                    company=settings.company.rec_name,
                    fields=', '.join(f'«{_label(n)}»'
                        for n in error.fields)))
        message = {
            'separator': 'crm_billing.msg_receipt_qr_separator',
            'format': 'crm_billing.msg_receipt_qr_format',
            }[error.key]
        label = _label(field) if field in QR_FIELDS else field
        raise UserError(gettext(message, field=label,
                value=values.get(field), account=receipt['account']))


def _party_name(account):
    if account.holder:
        return account.holder.rec_name
    if account.parties:
        return account.parties[0].rec_name
    return ''


def _natural(text):
    "Flat «10» after «9»: numbers compared as numbers"
    digits = ''.join(c for c in text if c.isdigit())
    return (int(digits) if digits else 0, text)


def building_accounts(building):
    """The active accounts of a building in the order the postman walks:
    by flat number, then account number"""
    Account = Pool().get('crm.account')
    accounts = Account.search([('premise.building', '=', building.id)])
    return sorted(accounts, key=lambda a: (
            _natural(a.premise.number if a.premise else ''),
            _natural(a.number)))


def _meters(accounts, start, end):
    """{account id: [meter rows]}: individual meters in service (or with a
    reading this month), the month's last counted reading and the one
    before the month"""
    pool = Pool()
    Meter = pool.get('crm.meter')
    Reading = pool.get('crm.meter.reading')
    meters = Meter.search([
            ('account', 'in', [a.id for a in accounts]),
            ('kind', '=', 'individual'),
            ], order=[('account', 'ASC'), ('service', 'ASC'), ('id', 'ASC')])
    if not meters:
        return {}
    meter_ids = [m.id for m in meters]
    current, previous = {}, {}
    for reading in Reading.search([
                ('meter', 'in', meter_ids),
                ('date', '>=', start), ('date', '<', end),
                ('state', 'in', COUNTED),
                ], order=[('date', 'ASC'), ('id', 'ASC')]):
        current[reading.meter.id] = reading
    # The last counted reading before the month: one query a slice of
    # meters
    table, reading = Reading.__table__(), Reading.__table__()
    counted = list(COUNTED)
    cursor = Transaction().connection.cursor()
    for sub in grouped_slice(meter_ids, MAX_QUERY_PARAMS):
        last = table.select(table.meter, Max(table.date).as_('date'),
            where=table.meter.in_(list(sub)) & (table.date < start)
            & table.state.in_(counted),
            group_by=[table.meter])
        cursor.execute(*reading.join(last,
                condition=(reading.meter == last.meter)
                & (reading.date == last.date)
                ).select(reading.meter, reading.value,
                where=reading.state.in_(counted),
                order_by=[reading.id.asc]))
        for meter, value in cursor:
            # SQLite may hand a Numeric back as float or text
            previous[meter] = Decimal(str(value))
    result = defaultdict(list)
    meters = sorted(meters, key=lambda m: (
            m.account.id, _sequence(m.service), m.serial))
    for meter in meters:
        reading = current.get(meter.id)
        if meter.state != 'active' and not reading:
            continue
        due = None
        if meter.verification_date and meter.verification_interval:
            due = add_years(
                meter.verification_date, meter.verification_interval)
        result[meter.account.id].append({
                'meter': ' '.join(filter(None, [
                            f'№ {meter.serial}', meter.model,
                            f'({meter.place})' if meter.place else None])),
                'service': meter.service.name,
                'verification_due': due,
                'previous': previous.get(meter.id, meter.initial_value),
                'current': reading.value if reading else None,
                'consumption': reading.consumption if reading else None,
                })
    return result


def _sequence(service):
    "Services in their order: by sequence (empty last), then by name"
    return (service.sequence is None, service.sequence or 0, service.name)


def _services(charges):
    "Charge lines of an account grouped by service, in the services' order"
    by_service = {}
    for charge in charges:
        service = charge.service
        line = by_service.setdefault(service.id, {
                'name': service.name, 'unit': service.unit,
                'sequence': _sequence(service),
                'quantity': None, 'rate': None, 'reasons': [],
                'charged': ZERO, 'recalculation': ZERO})
        if charge.kind == 'recalculation':
            line['recalculation'] += charge.amount
            if charge.reason:
                line['reasons'].append((charge.amount, charge.reason))
        else:
            line['charged'] += charge.amount
            if charge.quantity is not None:
                line['quantity'] = (line['quantity'] or ZERO) + charge.quantity
            if charge.rate is not None:
                line['rate'] = charge.rate
    lines = sorted(by_service.values(), key=lambda l: l['sequence'])
    for line in lines:
        line['total'] = line['charged'] + line['recalculation']
    return lines


def gather(accounts, period):
    """The receipts of accounts (of the period's organisation) for the
    period, as plain data for receipt_pdf, in the order of accounts"""
    pool = Pool()
    Charge = pool.get('crm.charge')
    Balance = pool.get('crm.account.balance')
    Payment = pool.get('crm.payment')
    company = period.company
    check_requisites(company)
    requisites = payee(company)
    settings = requisites['settings']
    start, end = period.date, next_month(period.date)
    ids = [a.id for a in accounts]

    charges = defaultdict(list)
    for charge in Charge.search([
                ('account', 'in', ids), ('period', '=', period.id)],
            order=[('account', 'ASC'), ('id', 'ASC')]):
        charges[charge.account.id].append(charge)
    # The month's row, or the last one before it (a month without any
    # movement has no row: its opening is that closing)
    balances = {}
    for row in Balance.search([
                ('account', 'in', ids), ('month', '<=', start)],
            order=[('month', 'ASC')]):
        balances[row.account.id] = row
    payments = defaultdict(list)
    for payment in Payment.search([
                ('account', 'in', ids),
                ('date', '>=', start), ('date', '<', end)],
            order=[('date', 'ASC'), ('id', 'ASC')]):
        payments[payment.account.id].append((payment.date, payment.amount))
    meters = _meters(accounts, start, end)
    due = next_month(start).replace(day=settings.payment_day)

    receipts = []
    for account in accounts:
        row = balances.get(account.id)
        if row and row.month == start:
            opening, charged = row.opening, row.charged
            penalty, paid, closing = row.penalty, row.paid, row.closing
        else:
            opening = closing = row.closing if row else ZERO
            charged = penalty = paid = ZERO
        premise = account.premise
        receipt = {
            'organisation': company.rec_name,
            'payee': requisites,
            'period': start,
            'period_label': month_label(start),
            'due_date': due,
            'account': account.number,
            'holder': _party_name(account),
            'address': premise.rec_name if premise else '',
            'area': account.area or (premise.area if premise else None),
            'residents': account.residents,
            'services': _services(charges[account.id]),
            'meters': meters.get(account.id, []),
            'opening': opening, 'charged': charged, 'penalty': penalty,
            'paid': paid, 'closing': closing,
            'payments': payments[account.id],
            'to_pay': max(closing, ZERO),
            }
        receipt['qr'] = qr_payload(requisites, receipt)
        receipts.append(receipt)
    return receipts


def months(start, end):
    "First days of the months from start's to end's"
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = next_month(month)


def statement(account, start, end):
    """Balances of the account month by month from start to end; a month
    without movement carries the balance over"""
    Balance = Pool().get('crm.account.balance')
    rows = {r.month: r for r in Balance.search([
                ('account', '=', account.id),
                ('month', '<=', end)], order=[('month', 'ASC')])}
    before = [m for m in rows if m < start.replace(day=1)]
    carried = rows[max(before)].closing if before else ZERO
    lines = []
    for month in months(start, end):
        row = rows.get(month)
        if row:
            line = (month, row.opening, row.charged, row.penalty, row.paid,
                row.closing)
        else:
            line = (month, carried, ZERO, ZERO, ZERO, carried)
        carried = line[-1]
        lines.append(line)
    return lines


def account_header(account):
    "Who and where, as the certificates print them"
    premise = account.premise
    return {
        'organisation': account.company.rec_name,
        'payee': payee(account.company),
        'account': account.number,
        'holder': _party_name(account),
        'address': premise.rec_name if premise else '',
        'area': account.area or (premise.area if premise else None),
        'residents': account.residents,
        }

