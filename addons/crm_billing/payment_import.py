"""Import of a bank registry: every line is checked before anything is
written, so a file is either imported whole or refused with the lines at
fault; the same file is never imported twice."""
import hashlib

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .labels import date_text
from .payment import closed_months, in_max, posting_month
from .payment_format import COLUMNS, REQUIRED

# The refusal lists this many faulty lines, then how many more there are
SHOWN_ERRORS = 20


def _refuse(filename, errors):
    shown = [
        gettext('crm_billing.msg_payments_registry_line', line=n, reason=r)
        for n, r in errors[:SHOWN_ERRORS]]
    if len(errors) > SHOWN_ERRORS:
        shown.append(gettext('crm_billing.msg_payments_registry_more',
                count=len(errors) - SHOWN_ERRORS))
    raise UserError(gettext('crm_billing.msg_payments_registry_invalid',
            filename=filename or '', errors='\n'.join(shown)))


def _parse(format_, data):
    """[(line number, values or None, [reasons])] of the file's payment
    lines; UserError when the file cannot be read at all"""
    result = []
    indexes = None
    try:
        for row, header in format_.rows(data):
            if indexes is None:
                indexes = {}
                for name in COLUMNS:
                    try:
                        indexes[name] = format_.position_of(name, header)
                    except ValueError:
                        raise UserError(gettext(
                                'crm_billing.msg_payments_registry_no_column',
                                column=getattr(format_, f'{name}_column')))
            result.append(_parse_row(format_, row, indexes))
    except (UnicodeDecodeError, ValueError, KeyError, OSError) as exception:
        raise UserError(gettext('crm_billing.msg_payments_registry_unreadable',
                encoding=format_.encoding, error=str(exception)))
    return result


def _parse_row(format_, row, indexes):
    needed = max(i for n, i in indexes.items()
        if i is not None and n in REQUIRED) + 1
    if len(row.cells) < needed:
        return row.number, None, [gettext(
                'crm_billing.msg_payments_registry_columns_missing',
                found=len(row.cells), needed=needed)]
    cell = lambda name: (  # noqa: E731
        row.cells[indexes[name]]
        if indexes[name] is not None and indexes[name] < len(row.cells)
        else None)
    reasons = []
    values = {
        'account': format_.cell_text(cell('account')),
        'amount': format_.parse_amount(cell('amount')),
        'date': format_.parse_date(cell('date')),
        }
    for name in ['payer', 'document', 'address']:
        values[name] = format_.cell_text(cell(name)) or None
    if not values['account']:
        reasons.append(gettext('crm_billing.msg_payments_registry_no_account'))
    if values['amount'] is None:
        reasons.append(gettext('crm_billing.msg_payments_registry_bad_amount',
                value=format_.cell_text(cell('amount'))))
    if values['date'] is None:
        reasons.append(gettext('crm_billing.msg_payments_registry_bad_date',
                value=format_.cell_text(cell('date')),
                format=format_.date_format))
    return row.number, values, reasons


def import_registry(company, format_, data, filename):
    """Check every line of the file (bytes) by the format and create the
    registry of the organisation with its payments; UserError listing the
    faulty lines when one is, and nothing written"""
    pool = Pool()
    Registry = pool.get('crm.payment.registry')
    Payment = pool.get('crm.payment')
    Account = pool.get('crm.account')
    Date = pool.get('ir.date')
    if not data:
        raise UserError(gettext('crm_billing.msg_payments_registry_empty',
                filename=filename or ''))
    digest = hashlib.sha256(data).hexdigest()
    twin = Registry.find_twin(company, digest)
    if twin:
        raise UserError(gettext(
                'crm_billing.msg_payments_registry_twice_detail',
                filename=twin.filename or '', number=twin.id,
                date=date_text(twin.date),
                count=twin.count,
                total=format(twin.total, '.2f').replace('.', ',')))

    lines = _parse(format_, data)
    if not lines:
        raise UserError(gettext('crm_billing.msg_payments_registry_empty',
                filename=filename or ''))
    numbers = {v['account'] for _, v, _ in lines if v and v['account']}
    accounts = {}
    # Payments to a closed account are still money received
    with Transaction().set_context(active_test=False):
        for sub in grouped_slice(sorted(numbers), in_max()):
            for account in Account.search([
                        ('company', '=', company.id),
                        ('number', 'in', list(sub)),
                        ]):
                accounts[account.number] = account
    months = closed_months((company.id, v['date'].replace(day=1))
        for _, v, _ in lines if v and v['date'])
    # A late registry: money received in a closed month counts in the
    # first open one, with the day it was paid
    posting = {m: posting_month(company, m) for m in months}
    today = Date.today()
    errors = []
    to_create = []
    for number, values, reasons in lines:
        if values:
            if values['account'] and values['account'] not in accounts:
                reasons.append(gettext(
                        'crm_billing.msg_payments_registry_unknown_account',
                        account=values['account']))
            # A negative line is the bank's reversal: a refund
            refund = values['amount'] is not None and values['amount'] < 0
            if values['amount'] is not None and values['date']:
                error = Payment.amount_error(
                    values['amount'], refund, values['date'], today)
                if error:
                    reasons.append(error)
        errors.extend((number, r) for r in reasons)
        if not reasons:
            month = values['date'].replace(day=1)
            to_create.append({
                    'company': company.id,
                    'account': accounts[values['account']].id,
                    'date': values['date'],
                    'month': posting.get(month, month),
                    'amount': values['amount'],
                    'refund': refund,
                    'source': 'bank',
                    'payer': values['payer'],
                    'document': values['document'],
                    'address': values['address'],
                    })
    if errors:
        _refuse(filename, errors)

    registry, = Registry.create([{
                'company': company.id,
                'filename': filename,
                'digest': digest,
                'date': today,
                'format': format_.id,
                }])
    for values in to_create:
        values['registry'] = registry.id
    link_reversals([p for p in Payment.create(to_create) if p.refund])
    return registry


def link_reversals(reversals):
    """Link each reversal to the payment it takes back: the latest bank
    payment of the account of the same amount, paid on or before it and
    not reversed yet. None found (paid before the CRM, or by hand): the
    reversal stays a refund of its own, the balance counts it anyway"""
    Payment = Pool().get('crm.payment')
    for reversal in sorted(reversals, key=lambda p: (p.date, p.id)):
        taken = {p.reversal_of.id for p in Payment.search([
                    ('account', '=', reversal.account.id),
                    ('reversal_of', '!=', None)])}
        for original in Payment.search([
                    ('account', '=', reversal.account.id),
                    ('amount', '=', -reversal.amount),
                    ('refund', '=', False),
                    ('source', '=', 'bank'),
                    ('date', '<=', reversal.date),
                    ], order=[('date', 'DESC'), ('id', 'DESC')]):
            if original.id not in taken:
                Payment.write([reversal], {'reversal_of': original.id})
                break


class ImportStart(ModelView):
    "Import a payment registry"
    __name__ = 'crm.payment.registry.import.start'
    __string__ = "Import a payment registry"
    company = fields.Many2One('company.company', "Organisation",
        readonly=True)
    format = fields.Many2One('crm.payment.registry.format', "Format",
        required=True,
        domain=['OR',
            ('company', '=', Eval('company', -1)),
            ('company', '=', None),
            ])
    file = fields.Binary("File", required=True, filename='filename',
        help="The bank's registry: a text file (CSV) or Excel (XLSX).")
    filename = fields.Char("File Name")
    format_description = fields.Text("About the Format", readonly=True)

    @fields.depends('format')
    def on_change_format(self):
        self.format_description = (
            self.format.description if self.format else None)


class Import(Wizard):
    "Import a payment registry"
    __name__ = 'crm.payment.registry.import'
    __string__ = "Import a payment registry"
    start = StateView('crm.payment.registry.import.start',
        'crm_billing.payment_registry_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    open_ = StateAction('crm_billing.act_payment_registry_form')

    def default_start(self, fields):
        pool = Pool()
        Format = pool.get('crm.payment.registry.format')
        company = Transaction().context.get('company')
        formats = Format.search(['OR',
                ('company', '=', company), ('company', '=', None)], limit=1)
        values = {'company': company}
        if formats:
            values['format'] = formats[0].id
            values['format_description'] = formats[0].description
        return values

    def transition_import_(self):
        Company = Pool().get('company.company')
        company = Company(Transaction().context['company'])
        self.registry = import_registry(company, self.start.format,
            bytes(self.start.file), self.start.filename)
        return 'open_'

    def do_open_(self, action):
        action['res_id'] = [self.registry.id]
        action['views'].reverse()
        return action, {}
