"""Turnover statement (оборотно-сальдовая ведомость): per account of an
organisation or a building, over a range of months, the balance at the
start, charges, penalties, payments and the balance at the end; shown in
the back office and saved as XLSX."""
from decimal import Decimal

from sql import Literal
from sql.aggregate import Sum
from sql.conditionals import Case

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import Button, StateView, Wizard

from .account import AccountBuildingMixin
from .payment import in_max
from .period import month_label
from .xlsx_table import table_xlsx

AMOUNTS = ['opening', 'charged', 'penalty', 'paid', 'closing']
CENT = Decimal('0.01')


def _money(value):
    # SQLite sums decimals as floats
    return Decimal(str(value or 0)).quantize(CENT)


def turnover(company, start, end, building=None):
    """Lines (dicts: account, building, address and AMOUNTS) of the
    accounts of the organisation (and building) with a movement up to the
    month end, from the month start; and the totals (dict of AMOUNTS).
    Read from crm.account.balance so both speak of the same numbers."""
    pool = Pool()
    Balance = pool.get('crm.account.balance')
    Account = pool.get('crm.account')
    Premise = pool.get('crm.premise')
    start, end = start.replace(day=1), end.replace(day=1)
    if start > end:
        raise UserError(gettext('crm_billing.msg_payments_turnover_months',
                start=month_label(start), end=month_label(end)))
    balance = Balance.__table__()
    account = Account.__table__()
    premise = Premise.__table__()
    zero = Literal(0)
    before = balance.month < start
    where = ((balance.company == getattr(company, 'id', company))
        & (balance.month <= end))
    if building:
        where &= premise.building == getattr(building, 'id', building)
    query = balance.join(account, condition=balance.account == account.id
        ).join(premise, 'LEFT', condition=account.premise == premise.id
        ).select(
            balance.account,
            Sum(Case((before,
                        balance.charged + balance.penalty - balance.paid),
                    else_=zero)),
            Sum(Case((before, zero), else_=balance.charged)),
            Sum(Case((before, zero), else_=balance.penalty)),
            Sum(Case((before, zero), else_=balance.paid)),
            where=where,
            group_by=[balance.account])
    cursor = Transaction().connection.cursor()
    cursor.execute(*query)
    rows = {}
    for account_id, *amounts in cursor:
        opening, charged, penalty, paid = map(_money, amounts)
        rows[account_id] = {
            'opening': opening, 'charged': charged, 'penalty': penalty,
            'paid': paid, 'closing': opening + charged + penalty - paid,
            }
    lines = []
    with Transaction().set_context(active_test=False):
        for sub in grouped_slice(list(rows), in_max()):
            for record in Account.browse(sub):
                lines.append({
                        'account': record.id,
                        'number': record.number,
                        'building': (record.building.id
                            if record.building else None),
                        'address': (record.premise.rec_name
                            if record.premise else ''),
                        **rows[record.id],
                        })
    lines.sort(key=lambda l: (l['address'], l['number']))
    totals = {n: sum((l[n] for l in lines), Decimal(0)) for n in AMOUNTS}
    return lines, totals


def turnover_xlsx(title, lines, totals):
    "The statement as XLSX bytes; column titles in the user's language"
    Line = Pool().get('crm.turnover.line')
    names = ['number', 'address'] + AMOUNTS
    strings = Line.fields_get(names)
    return table_xlsx(gettext('crm_billing.msg_payments_turnover_sheet'),
        title, [strings[n]['string'] for n in names],
        [[line[n] for n in names] for line in lines],
        total=[gettext('crm_billing.msg_payments_turnover_total'), '']
        + [totals[n] for n in AMOUNTS],
        money=range(2, 2 + len(AMOUNTS)),
        widths=[14, 40, 16, 16, 12, 16, 16])


class TurnoverStart(ModelView):
    "Turnover statement"
    __name__ = 'crm.turnover.start'
    __string__ = "Turnover statement"
    company = fields.Many2One('company.company', "Organisation",
        readonly=True)
    building = fields.Many2One('crm.building', "Building",
        domain=[('company', '=', Eval('company', -1))],
        help="Empty: every building of the organisation.")
    start = fields.Date("From Month", required=True,
        help="Any day of the first month.")
    end = fields.Date("To Month", required=True,
        help="Any day of the last month.")


class TurnoverLine(ModelView):
    "Line of a turnover statement"
    __name__ = 'crm.turnover.line'
    __string__ = "Line of a turnover statement"
    account = fields.Many2One('crm.account', "Account", readonly=True)
    number = fields.Char("Account", readonly=True)
    building = fields.Many2One('crm.building', "Building", readonly=True)
    address = fields.Char("Address", readonly=True)
    opening = fields.Numeric("Opening Balance", digits=(16, 2),
        readonly=True)
    charged = fields.Numeric("Charged", digits=(16, 2), readonly=True)
    penalty = fields.Numeric("Penalties", digits=(16, 2), readonly=True)
    paid = fields.Numeric("Paid", digits=(16, 2), readonly=True)
    closing = fields.Numeric("Closing Balance", digits=(16, 2),
        readonly=True, help="Positive is a debt, negative an advance.")


class TurnoverResult(ModelView):
    "Turnover statement"
    __name__ = 'crm.turnover.result'
    __string__ = "Turnover statement"
    title = fields.Char("Statement", readonly=True)
    lines = fields.One2Many('crm.turnover.line', None, "Accounts",
        readonly=True)
    opening = fields.Numeric("Opening Balance", digits=(16, 2),
        readonly=True)
    charged = fields.Numeric("Charged", digits=(16, 2), readonly=True)
    penalty = fields.Numeric("Penalties", digits=(16, 2), readonly=True)
    paid = fields.Numeric("Paid", digits=(16, 2), readonly=True)
    closing = fields.Numeric("Closing Balance", digits=(16, 2),
        readonly=True)
    file = fields.Binary("XLSX File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


class Turnover(Wizard):
    "Turnover statement"
    __name__ = 'crm.turnover'
    __string__ = "Turnover statement"
    start = StateView('crm.turnover.start',
        'crm_billing.turnover_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Show", 'result', 'tryton-ok', default=True),
            ])
    result = StateView('crm.turnover.result',
        'crm_billing.turnover_result_view_form', [
            Button("Change", 'start', 'tryton-back'),
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        today = Pool().get('ir.date').today()
        values = {
            'company': Transaction().context.get('company'),
            'start': today.replace(day=1),
            'end': today.replace(day=1),
            }
        if getattr(self.start, 'end', None):
            # Coming back from the result keeps what was asked
            for name in ['building', 'start', 'end']:
                value = getattr(self.start, name)
                values[name] = getattr(value, 'id', value)
        return values

    def default_result(self, fields):
        start = self.start
        company = Transaction().context['company']
        lines, totals = turnover(
            company, start.start, start.end, start.building)
        first, last = start.start.replace(day=1), start.end.replace(day=1)
        months = (month_label(first) if first == last
            else f'{month_label(first)} — {month_label(last)}')
        title = gettext('crm_billing.msg_payments_turnover_title',
            months=months, scope=(start.building.rec_name if start.building
                else Pool().get('company.company')(company).rec_name))
        filename = 'osv-%s-%s.xlsx' % (
            first.strftime('%Y-%m'), last.strftime('%Y-%m'))
        return {
            'title': title,
            'lines': [{n: l[n] for n in ['account', 'number', 'building',
                            'address'] + AMOUNTS} for l in lines],
            **totals,
            'file': turnover_xlsx(title, lines, totals),
            'filename': filename,
            }


class Balance(AccountBuildingMixin, metaclass=PoolMeta):
    __name__ = 'crm.account.balance'
