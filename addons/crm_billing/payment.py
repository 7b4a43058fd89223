"Payments: from bank registries, imports and entered by hand."
import datetime as dt
from decimal import Decimal

from sql.aggregate import Count, Sum

from trytond.backend import MAX_QUERY_PARAMS
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.crm_dispatch.address import default_company
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .account import AccountBuildingMixin
from .labels import (
    account_label, date_text, joined, money_text, month_label)


def in_max():
    "How many values one query of the database takes"
    return MAX_QUERY_PARAMS


def closed_months(company_months):
    """The months of the pairs (company id, first day of a month) whose
    billing period is closed, as a sorted list of dates"""
    Period = Pool().get('crm.billing.period')
    found = set()
    for company, months in _by_company(company_months).items():
        for sub in grouped_slice(sorted(months), in_max()):
            found.update(p.date for p in Period.search([
                        ('company', '=', company),
                        ('date', 'in', list(sub)),
                        ('state', '=', 'closed'),
                        ]))
    return sorted(found)


def posting_month(company, month):
    """The first month from month on whose billing period is not closed:
    where a late payment counts (its date stays the day it was paid)"""
    Period = Pool().get('crm.billing.period')
    closed = {p.date for p in Period.search([
                ('company', '=', getattr(company, 'id', company)),
                ('date', '>=', month),
                ('state', '=', 'closed'),
                ])}
    while month in closed:
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return month


def _by_company(pairs):
    result = {}
    for company, month in pairs:
        result.setdefault(company, set()).add(month)
    return result


class Registry(ModelSQL, ModelView):
    "Payment registry (Реестр платежей)"
    __name__ = 'crm.payment.registry'
    __string__ = "Payment registry"
    _history = True
    _rec_name = 'filename'
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    filename = fields.Char("File Name", readonly=True)
    digest = fields.Char("SHA-256", readonly=True,
        help="A registry with the same content is never imported twice.")
    date = fields.Date("Date", readonly=True,
        help="The day the registry was imported.")
    payments = fields.One2Many('crm.payment', 'registry', "Payments",
        readonly=True)
    format = fields.Many2One('crm.payment.registry.format', "Format",
        readonly=True, ondelete='SET NULL')
    count = fields.Function(fields.Integer("Payments Count"), 'get_totals')
    total = fields.Function(
        fields.Numeric("Total", digits=(16, 2)), 'get_totals')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('digest_unique', Unique(t, t.company, t.digest),
                'crm_billing.msg_registry_twice'),
            ]
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    default_company = staticmethod(default_company)

    @classmethod
    def get_totals(cls, registries, names):
        "Count and sum of the payments, one grouped query per slice"
        payment = Pool().get('crm.payment').__table__()
        cursor = Transaction().connection.cursor()
        count = {r.id: 0 for r in registries}
        total = {r.id: 0 for r in registries}
        for sub in grouped_slice([r.id for r in registries], in_max()):
            cursor.execute(*payment.select(
                    payment.registry, Count(payment.id), Sum(payment.amount),
                    where=fields.SQL_OPERATORS['in'](
                        payment.registry, sub),
                    group_by=[payment.registry]))
            for registry, n, amount in cursor:
                count[registry] = n
                # SQLite sums decimals as floats
                total[registry] = round(Decimal(str(amount or 0)), 2)
        return {'count': count, 'total': total}

    def get_rec_name(self, name):
        return f'{self.filename or ""} {date_text(self.date)}'.strip()

    @classmethod
    def find_twin(cls, company, digest):
        "The registry of the organisation imported with the same content"
        found = cls.search([
                ('company', '=', getattr(company, 'id', company)),
                ('digest', '=', digest),
                ], limit=1)
        return found[0] if found else None


class Payment(AccountBuildingMixin, ModelSQL, ModelView):
    "Payment (Оплата)"
    __name__ = 'crm.payment'
    __string__ = "Payment"
    _history = True
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE',
        states={'readonly': Bool(Eval('registry'))})
    account = fields.Many2One(
        'crm.account', "Account", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': Bool(Eval('registry'))})
    date = fields.Date("Date", required=True,
        states={'readonly': Bool(Eval('registry'))})
    month = fields.Date("Month", readonly=True,
        help="The first day of the month the balance counts the payment in: "
        "the payment's month, or for a late registry the first open month "
        "after it.")
    amount = fields.Numeric("Amount", digits=(16, 2), required=True,
        states={'readonly': Bool(Eval('registry'))},
        help="Positive; a refund to the payer is negative.")
    source = fields.Selection([
            ('bank', "Bank registry"),
            ('manual', "By hand"),
            ('import', "External billing"),
            ('portal', "Portal"),
            ], "Source", required=True,
        states={'readonly': Bool(Eval('registry'))})
    # Tryton deletes a registry's payments through Payment.delete, so a
    # registry with a payment of a closed month stays
    registry = fields.Many2One(
        'crm.payment.registry', "Registry", ondelete='CASCADE', readonly=True)
    document = fields.Char("Document", help="Bank's payment number.")
    payer = fields.Char("Payer")
    refund = fields.Boolean("Refund",
        states={'readonly': Bool(Eval('registry'))},
        help="Money returned to the payer: the amount is negative.")
    address = fields.Char("Payer's Address",
        help="As the bank received it.")
    reversal_of = fields.Many2One('crm.payment', "Reverses", readonly=True,
        ondelete='SET NULL',
        domain=[('account', '=', Eval('account', -1))],
        help="The payment this one takes back (a bank's reversal line).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.account, Index.Range()), (t.date, Index.Range())),
                Index(t, (t.registry, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    default_company = staticmethod(default_company)

    def get_rec_name(self, name):
        # «21.11.2026, 1 234,56 ₽, л/с 3500010070»
        return joined(date_text(self.date),
            f'{money_text(self.amount)} ₽' if self.amount is not None
            else '', account_label(self.account))

    @classmethod
    def default_source(cls):
        return 'manual'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_refund(cls):
        return False

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        # A registry's late payment comes with the open month it counts in
        if values.get('date') and not (mode == 'create'
                and values.get('month')):
            values['month'] = values['date'].replace(day=1)
        return values

    @classmethod
    def amount_error(cls, amount, refund, date, today=None):
        """The Russian reason a payment of amount on date is refused, or
        None; the manual form and the registry import share it"""
        today = today or Pool().get('ir.date').today()
        if refund and amount >= 0:
            return gettext('crm_billing.msg_payments_refund_negative')
        if not refund and amount <= 0:
            return gettext('crm_billing.msg_payments_amount_positive')
        if date > today:
            return gettext('crm_billing.msg_payments_future',
                date=date_text(date))
        return None

    @classmethod
    def validate_fields(cls, payments, field_names):
        super().validate_fields(payments, field_names)
        if field_names & {'amount', 'refund', 'date'}:
            today = Pool().get('ir.date').today()
            for payment in payments:
                error = cls.amount_error(payment.amount, payment.refund,
                    payment.date, today)
                if error:
                    raise UserError(error)

    @classmethod
    def check_open(cls, pairs):
        """Refuse when a month of the pairs (company id, month) is closed:
        its balances have been reported"""
        months = closed_months(pairs)
        if months:
            raise UserError(gettext('crm_billing.msg_payments_month_closed',
                    months=', '.join(month_label(m) for m in months)))

    @classmethod
    def check_modification(cls, mode, payments, values=None, external=False):
        super().check_modification(
            mode, payments, values=values, external=external)
        if mode in {'write', 'delete'}:
            cls.check_open(
                (p.company.id, p.month) for p in payments if p.month)
        if mode == 'write' and values and values.get('date'):
            cls.check_open(
                (p.company.id, values['date'].replace(day=1))
                for p in payments)

    @classmethod
    def on_modification(cls, mode, payments, field_names=None):
        super().on_modification(mode, payments, field_names=field_names)
        if mode == 'create':
            cls.check_open(
                (p.company.id, p.month) for p in payments if p.month)
