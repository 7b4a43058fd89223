"""The debtors report as XLSX: the selected debtor cases (printer icon of
the cases list, «Должники (Excel)») with their debt, age, penalties,
claim, state duty and court costs, and the totals."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.report import Report

from .xlsx_table import table_xlsx

COLUMNS = ['account', 'party', 'building', 'stage', 'status', 'debt', 'age',
    'penalty', 'claim', 'state_duty', 'court_costs', 'date', 'responsible']
MONEY = ['debt', 'penalty', 'claim', 'state_duty', 'court_costs']
WIDTHS = [14, 30, 36, 18, 16, 14, 10, 14, 14, 14, 14, 12, 22]


def _cell(case, name):
    value = getattr(case, name)
    if hasattr(value, 'rec_name'):
        # The account's number: its rec_name carries the address too
        return value.number if name == 'account' else value.rec_name
    if value is None and name in MONEY:
        return Decimal(0)
    return value


def debtors_xlsx(cases, date):
    "XLSX bytes of the cases, in the order given, with a total line"
    Case = Pool().get('crm.debtor.case')
    strings = Case.fields_get(COLUMNS)
    rows = [[_cell(c, n) for n in COLUMNS] for c in cases]
    total = [gettext('crm_billing.msg_payments_turnover_total')] + [
        sum((r[i] for r in rows), Decimal(0)) if n in MONEY else None
        for i, n in enumerate(COLUMNS)][1:]
    title = gettext('crm_billing.msg_debtor_report_title',
        date=date.strftime('%d.%m.%Y'), count=len(cases))
    return table_xlsx(gettext('crm_billing.msg_debtor_report_sheet'), title,
        [strings[n]['string'] for n in COLUMNS], rows, total=total,
        money=[COLUMNS.index(n) for n in MONEY], widths=WIDTHS)


class DebtorsReport(Report):
    "Debtors report (Excel)"
    __name__ = 'crm.debtor.case.xlsx'

    @classmethod
    def execute(cls, ids, data):
        oext, content, _, _ = super().execute(ids, data)
        # Not the default name, which lists every case's account
        today = Pool().get('ir.date').today()
        return oext, content, False, '%s %s' % (
            gettext('crm_billing.msg_debtor_report_sheet'),
            today.strftime('%Y-%m-%d'))

    @classmethod
    def _execute(cls, records, header, data, action):
        today = Pool().get('ir.date').today()
        records = sorted(records, key=lambda c: (
                c.building.rec_name if c.building else '',
                c.account.number))
        return 'xlsx', debtors_xlsx(records, today)
