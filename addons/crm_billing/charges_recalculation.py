"A recalculation line (перерасчёт) added by an accountant to a month."
from decimal import ROUND_HALF_UP, Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import charges_sql

CENT = Decimal('0.01')


class RecalculationStart(ModelView):
    "Add a recalculation"
    __name__ = 'crm.charge.recalculation.start'
    __string__ = "Add a recalculation"
    period = fields.Many2One('crm.billing.period', "Period", readonly=True)
    company = fields.Many2One('company.company', "Organisation",
        readonly=True)
    account = fields.Many2One('crm.account', "Account", required=True,
        domain=[('company', '=', Eval('company', -1))])
    service = fields.Many2One('crm.service', "Service", required=True,
        domain=[('company', '=', Eval('company', -1))])
    quantity = fields.Numeric("Quantity", digits=(16, 4),
        states={'readonly': Bool(Eval('amount'))},
        help="Units to add (negative to take off): priced at the month's "
        "tariff. Leave empty to give the amount.")
    amount = fields.Numeric("Amount", digits=(16, 2),
        states={'readonly': Bool(Eval('quantity'))},
        help="Roubles to add (negative to take off).")
    reason = fields.Char("Reason", required=True,
        help="Printed on the receipt: e.g. «временное отсутствие, "
        "ПП РФ №354 п.86».")


class Recalculation(Wizard):
    "Add a recalculation"
    __name__ = 'crm.charge.recalculation'
    start = StateView('crm.charge.recalculation.start',
        'crm_billing.charges_recalculation_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Add", 'add', 'tryton-ok', default=True),
            ])
    add = StateTransition()

    def default_start(self, fields):
        period = self.record
        return {'period': period.id, 'company': period.company.id}

    def transition_add(self):
        pool = Pool()
        Charge = pool.get('crm.charge')
        period = self.record
        start = self.start
        quantity, amount, rate = start.quantity, start.amount, None
        if quantity is None and amount is None:
            raise UserError(gettext(
                    'crm_billing.msg_charges_recalculation_empty'))
        if amount is None:
            rate = self._rate(period, start.account, start.service)
            amount = (quantity * rate).quantize(CENT, ROUND_HALF_UP)
        Charge.create([{
                    'company': period.company.id, 'period': period.id,
                    'account': start.account.id,
                    'service': start.service.id, 'kind': 'recalculation',
                    'method': 'manual', 'quantity': quantity, 'rate': rate,
                    'amount': amount, 'reason': start.reason}])
        return 'end'

    @staticmethod
    def _rate(period, account, service):
        "The month's tariff of the account's building, as the run uses"
        pool = Pool()
        Tariff = pool.get('crm.tariff')
        tariff = Tariff.__table__()
        valid = charges_sql._valid(
            tariff, period.company.id, period.date, ['rate'])
        building = account.premise.building.id if account.premise else None
        cursor = Transaction().connection.cursor()
        cursor.execute(*valid.select(valid.rate,
                where=(valid.service == service.id)
                & ((valid.building == building)
                    | (valid.building == None)),  # noqa: E711
                order_by=[valid.building.asc.nulls_last], limit=1))
        row = cursor.fetchone()
        if not row:
            raise UserError(gettext('crm_billing.msg_charges_no_tariff',
                    service=service.rec_name, account=account.rec_name,
                    period=period.rec_name))
        return Decimal(str(row[0]))
