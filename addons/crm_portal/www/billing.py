"""A resident's bills: the debt of each linked account, its charges by
month and service for three years, the balance history, the payments and
the receipts (PDF).

Only where crm_billing is activated (the routes require its models, the
menu shows them only then).  Everything is found through the portal's
record rules (billing_portal.xml binds charges, payments, balances,
meters and readings to the accounts linked to the resident); what the
found records point to (service names, months) is then read without the
rules, as the appeal pages do."""
import datetime as dt
from collections import OrderedDict
from decimal import Decimal

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from trytond.transaction import Transaction, without_check_access

from .appeals import _unchecked
from .core import MONTHS as MONTHS_GENITIVE, _env, route

BILLING = ('crm.charge', 'crm.account.balance', 'crm.payment')
YEARS = 3
RECEIPT = 'crm_billing.receipt'
MONTHS = [
    'январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август',
    'сентябрь', 'октябрь', 'ноябрь', 'декабрь']


def money(value):
    "«12 345,67 ₽»: groups of digits apart, a comma, the rouble sign"
    value = Decimal(value or 0).quantize(Decimal('0.01'))
    sign = '−' if value < 0 else ''
    whole, cents = f'{abs(value):.2f}'.split('.')
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f'{sign}{chr(0x202f).join(groups)},{cents}\u00a0₽'


def quantity(value):
    "A quantity without trailing zeros: 4,85"
    if value is None:
        return ''
    text = f'{Decimal(value):f}'
    if '.' in text:
        text = text.rstrip('0').rstrip('.')
    return text.replace('.', ',')


def month_name(date):
    return f'{MONTHS[date.month - 1]} {date.year}' if date else ''


_env.filters['money'] = money
_env.filters['quantity'] = quantity
_env.filters['month'] = month_name
# «с декабря 2023 г.»
_env.filters['since_month'] = lambda d: (
    f'{MONTHS_GENITIVE[d.month - 1]} {d.year} г.' if d else '')


def since(today=None):
    "The first month shown: three years back"
    today = today or dt.date.today()
    return today.replace(year=today.year - YEARS, day=1)


def own_account(page, account_id):
    "The linked account of the id (the rules decide), or 404"
    Account = page.pool.get('crm.account')
    found = Account.search([('id', '=', account_id)], limit=1)
    if not found:
        raise NotFound()
    account, = _unchecked(Account, found)
    return account


def _address(account):
    return account.premise.rec_name if account.premise else ''


def receipt_report(pool):
    """The receipt report when billing prints receipts (the pool makes up
    a report for any name: its action is what tells)"""
    ActionReport = pool.get('ir.action.report')
    with without_check_access():
        if not ActionReport.search([('report_name', '=', RECEIPT)],
                limit=1):
            return None
    return pool.get(RECEIPT, type='report')


@route('/billing', requires=BILLING)
def accounts(page):
    pool = page.pool
    Account = pool.get('crm.account')
    Balance = pool.get('crm.account.balance')
    rows = []
    for account in _unchecked(Account, Account.search([])):
        rows.append({'id': account.id, 'number': account.number,
                'address': _address(account),
                'company': account.company.rec_name,
                'debt': Balance.debt(account.id, dt.date.today())})
    return page.render('billing/list.html', title="Начисления и оплаты",
        accounts=rows)


def _charges(pool, account, start):
    """[{month, period, lines, total, penalty}] newest first; lines are the
    month's charges by service, recalculations after them"""
    Charge = pool.get('crm.charge')
    Penalty = pool.get('crm.penalty')
    charges = _unchecked(Charge, Charge.search([
                ('account', '=', account.id),
                ('period.date', '>=', start),
                ]))
    months = OrderedDict()
    for charge in sorted(charges, key=lambda c: (
                -c.period.date.toordinal(), c.kind != 'charge',
                c.service.sequence or 0, c.service.name, c.id)):
        month = months.setdefault(charge.period.date, {
                'month': charge.period.date, 'period': charge.period.id,
                'lines': [], 'total': Decimal(0), 'penalty': Decimal(0)})
        month['lines'].append({
                'service': charge.service.name,
                'unit': charge.service.unit,
                'quantity': charge.quantity, 'rate': charge.rate,
                'amount': charge.amount,
                'reason': (charge.reason or "Перерасчёт")
                if charge.kind == 'recalculation' else None})
        month['total'] += charge.amount
    for penalty in _unchecked(Penalty, Penalty.search([
                    ('account', '=', account.id),
                    ('period.date', '>=', start)])):
        month = months.get(penalty.period.date)
        if month is None:
            month = months[penalty.period.date] = {
                'month': penalty.period.date, 'period': penalty.period.id,
                'lines': [], 'total': Decimal(0), 'penalty': Decimal(0)}
        month['penalty'] += penalty.amount
        month['total'] += penalty.amount
    return sorted(months.values(), key=lambda m: m['month'], reverse=True)


@route('/billing/<int:account_id>', requires=BILLING)
def account(page, account_id):
    pool = page.pool
    Balance = pool.get('crm.account.balance')
    Payment = pool.get('crm.payment')
    record = own_account(page, account_id)
    start = since()
    balances = Balance.search([
            ('account', '=', record.id), ('month', '>=', start)],
        order=[('month', 'DESC')])
    payments = _unchecked(Payment, Payment.search([
                ('account', '=', record.id), ('date', '>=', start)],
            order=[('date', 'DESC'), ('id', 'DESC')]))
    months = _charges(pool, record, start)
    receipts = receipt_report(pool) is not None
    return page.render('billing/account.html',
        title=f"Лицевой счёт № {record.number}",
        account={'id': record.id, 'number': record.number,
            'address': _address(record),
            'company': record.company.rec_name},
        debt=Balance.debt(record.id, dt.date.today()),
        months=months, receipts=receipts,
        balances=[{'month': b.month, 'opening': b.opening,
                'charged': (b.charged or 0) + (b.penalty or 0),
                'paid': b.paid, 'closing': b.closing} for b in balances],
        payments=[{'date': p.date, 'amount': p.amount,
                'document': p.document} for p in payments],
        since=start)


@route('/billing/<int:account_id>/receipt/<int:period_id>',
    requires=BILLING)
def receipt(page, account_id, period_id):
    pool = page.pool
    Charge = pool.get('crm.charge')
    Report = receipt_report(pool)
    record = own_account(page, account_id)
    # A receipt of a month the account was charged in, nothing else
    charged = Charge.search([
            ('account', '=', record.id), ('period', '=', period_id)],
        limit=1)
    if Report is None or not charged:
        raise NotFound()
    period = _unchecked(Charge, charged)[0].period
    # The report checks the back office's groups; the resident's right
    # to this account and month is checked above through the rules
    with Transaction().set_user(0), without_check_access():
        _, content, _, _ = Report.execute(
            [record.id], {'period': period.id})
    response = Response(bytes(content), mimetype='application/pdf')
    name = f'receipt-{record.number}-{period.date:%Y-%m}.pdf'
    response.headers['Content-Disposition'] = f'inline; filename="{name}"'
    return response
