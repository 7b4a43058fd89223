"""Receipts (ЕПД) and certificates printed from personal accounts.

Tryton reports that return a PDF drawn in Python (receipt_pdf and
receipt_certificate_pdf) instead of filling a template: Report.execute
still checks the report's groups and that the user may read the accounts
(an organisation never prints another's), _execute draws.  Wizards ask
what the report needs: the period, a building, the dates."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.wizard import (
    Button, StateReport, StateTransition, StateView, Wizard)

from . import receipt_certificate_pdf, receipt_data, receipt_pdf


def _accounts(records):
    "The real records of the report's ids, all of one organisation"
    Account = Pool().get('crm.account')
    accounts = Account.browse([r.id for r in records])
    if len({a.company for a in accounts}) > 1:
        raise UserError(gettext('crm_billing.msg_receipt_companies'))
    return accounts


def last_period(company):
    "The organisation's latest billing period (receipts default to it)"
    Period = Pool().get('crm.billing.period')
    periods = Period.search([('company', '=', company.id)],
        order=[('date', 'DESC')], limit=1)
    if not periods:
        raise UserError(gettext('crm_billing.msg_receipt_no_period',
                company=company.rec_name))
    return periods[0]


def check_no_debt(accounts, date):
    """Refuse the no-debt certificate of an account with a debt on date
    (its balance, Balance.debt, above zero)"""
    Balance = Pool().get('crm.account.balance')
    balances = {}
    for account in accounts:
        debt = Balance.debt(account, date)
        if debt > 0:
            raise UserError(gettext('crm_billing.msg_receipt_in_debt',
                    account=account.number, date=receipt_pdf.date_text(date),
                    amount=receipt_pdf.money(debt)))
        balances[account.id] = debt
    return balances


class _PDFReport(Report):
    "A report whose PDF is drawn in Python from the accounts"

    @classmethod
    def _execute(cls, records, header, data, action):
        accounts = _accounts(records) if records else []
        return 'pdf', cls.pdf(accounts, data)

    @classmethod
    def pdf(cls, accounts, data):
        raise NotImplementedError


class ReceiptReport(_PDFReport):
    "Receipts (ЕПД) of accounts for a period, one PDF"
    __name__ = 'crm_billing.receipt'

    @classmethod
    def pdf(cls, accounts, data):
        Period = Pool().get('crm.billing.period')
        if not accounts:
            return receipt_pdf.receipts_pdf([])
        company = accounts[0].company
        if data.get('period'):
            period = Period(data['period'])
            if period.company != company:
                raise UserError(gettext('crm_billing.msg_receipt_companies'))
        else:
            period = last_period(company)
        return receipt_pdf.receipts_pdf(
            receipt_data.gather(accounts, period))


class NoDebtReport(_PDFReport):
    "Certificate of no debt (Справка об отсутствии задолженности)"
    __name__ = 'crm_billing.certificate_no_debt'

    @classmethod
    def pdf(cls, accounts, data):
        today = dt.date.today()
        date = _date(data.get('date')) or today
        balances = check_no_debt(accounts, date)
        return receipt_certificate_pdf.no_debt_pdf([{
                    'header': receipt_data.account_header(a),
                    'date': date, 'issued': today,
                    'balance': balances[a.id],
                    } for a in accounts])


class StatementReport(_PDFReport):
    "Statement of an account (Выписка по лицевому счёту)"
    __name__ = 'crm_billing.account_statement'

    @classmethod
    def pdf(cls, accounts, data):
        today = dt.date.today()
        end = _date(data.get('end_date')) or today
        start = _date(data.get('start_date')) or end.replace(
            year=end.year - 1, day=1)
        if start > end:
            raise UserError(gettext('crm_billing.msg_receipt_dates'))
        return receipt_certificate_pdf.statement_pdf([{
                    'header': receipt_data.account_header(a),
                    'start': start, 'end': end, 'issued': today,
                    'lines': receipt_data.statement(a, start, end),
                    } for a in accounts])


def _date(value):
    "Dates come over RPC as date or as ISO text"
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _company(records):
    companies = {r.company for r in records}
    if len(companies) != 1:
        raise UserError(gettext('crm_billing.msg_receipt_companies'))
    return companies.pop()


class PrintStart(ModelView):
    "Print receipts"
    __name__ = 'crm_billing.receipt.print.start'
    __string__ = "Print receipts"
    company = fields.Many2One('company.company', "Organisation",
        readonly=True)
    period = fields.Many2One('crm.billing.period', "Period", required=True,
        domain=[('company', '=', Eval('company', -1))])


class Print(Wizard):
    "Print the receipts of the chosen accounts for a period"
    __name__ = 'crm_billing.receipt.print'
    start = StateView('crm_billing.receipt.print.start',
        'crm_billing.receipt_print_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateReport('crm_billing.receipt')

    def default_start(self, fields):
        company = _company(self.records)
        return {
            'company': company.id,
            'period': last_period(company).id,
            }

    def do_print_(self, action):
        ids = [r.id for r in self.records]
        return action, {
            'model': 'crm.account', 'id': ids[0], 'ids': ids,
            'period': self.start.period.id,
            }


class BatchStart(ModelView):
    "Receipts of a building"
    __name__ = 'crm_billing.receipt.batch.start'
    __string__ = "Receipts of a building"
    building = fields.Many2One('crm.building', "Building", required=True)
    company = fields.Function(
        fields.Many2One('company.company', "Organisation"),
        'on_change_with_company')
    period = fields.Many2One('crm.billing.period', "Period", required=True,
        domain=[('company', '=', Eval('company', -1))])

    @fields.depends('building')
    def on_change_with_company(self, name=None):
        return self.building.company if self.building else None

    @fields.depends('building', 'period')
    def on_change_building(self):
        if self.building and (not self.period
                or self.period.company != self.building.company):
            Period = Pool().get('crm.billing.period')
            periods = Period.search([
                    ('company', '=', self.building.company.id)],
                order=[('date', 'DESC')], limit=1)
            self.period = periods[0] if periods else None


class Batch(Wizard):
    "Receipts of every account of a building for a period, one PDF"
    __name__ = 'crm_billing.receipt.batch'
    start = StateView('crm_billing.receipt.batch.start',
        'crm_billing.receipt_batch_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateReport('crm_billing.receipt')

    def default_start(self, fields):
        if self.model and self.model.__name__ == 'crm.building' and \
                len(self.records) == 1:
            building, = self.records
            return {
                'building': building.id,
                'company': building.company.id,
                'period': last_period(building.company).id,
                }
        return {}

    def do_print_(self, action):
        accounts = receipt_data.building_accounts(self.start.building)
        if not accounts:
            raise UserError(gettext('crm_billing.msg_receipt_building_empty',
                    building=self.start.building.rec_name))
        ids = [a.id for a in accounts]
        return action, {
            'model': 'crm.account', 'id': ids[0], 'ids': ids,
            'period': self.start.period.id,
            }


class CertificateStart(ModelView):
    "Certificate of an account"
    __name__ = 'crm_billing.certificate.print.start'
    __string__ = "Certificate of an account"
    kind = fields.Selection([
            ('no_debt', "Certificate of no debt"),
            ('statement', "Account statement"),
            ], "Certificate", required=True)
    date = fields.Date("On Date",
        states={
            'required': Eval('kind') == 'no_debt',
            'invisible': Eval('kind') != 'no_debt',
            })
    start_date = fields.Date("From",
        states={
            'required': Eval('kind') == 'statement',
            'invisible': Eval('kind') != 'statement',
            })
    end_date = fields.Date("To",
        domain=['OR', ('end_date', '=', None),
            ('end_date', '>=', Eval('start_date', None))],
        states={
            'required': Eval('kind') == 'statement',
            'invisible': Eval('kind') != 'statement',
            })


class Certificate(Wizard):
    "Print a certificate of no debt or a statement of an account"
    __name__ = 'crm_billing.certificate.print'
    start = StateView('crm_billing.certificate.print.start',
        'crm_billing.certificate_print_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'choose', 'tryton-print', default=True),
            ])
    choose = StateTransition()
    no_debt = StateReport('crm_billing.certificate_no_debt')
    statement = StateReport('crm_billing.account_statement')

    def default_start(self, fields):
        today = dt.date.today()
        return {
            'kind': 'statement',
            'date': today,
            'start_date': today.replace(year=today.year - 1, day=1),
            'end_date': today,
            }

    def transition_choose(self):
        if self.start.kind == 'no_debt':
            # Refused here already, so that nothing is downloaded
            check_no_debt(self.records, self.start.date)
        return self.start.kind

    def _data(self):
        ids = [r.id for r in self.records]
        return {'model': 'crm.account', 'id': ids[0], 'ids': ids}

    def do_no_debt(self, action):
        return action, dict(self._data(), date=self.start.date)

    def do_statement(self, action):
        return action, dict(self._data(), start_date=self.start.start_date,
            end_date=self.start.end_date)

