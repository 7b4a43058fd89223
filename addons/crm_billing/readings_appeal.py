"""Readings an operator takes on the phone from a readings-topic appeal
(seed 000 §2.2.3 A: every meter of the appeal's accounts, a new reading
each, then the result of each)."""
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.crm_dispatch.appeal_lifecycle import OPEN_STATES
from trytond.modules.crm_dispatch.appeal_wizard import AppealWizardMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .readings_check import ReadingError


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'
    readings_topic = fields.Function(
        fields.Boolean("Meter Readings Topic"),
        'on_change_with_readings_topic')
    readings = fields.One2Many(
        'crm.meter.reading', 'appeal', "Meter Readings", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'take_readings': {
                    'invisible': (~Eval('readings_topic', False)
                        | ~Eval('state').in_(OPEN_STATES)
                        | (Eval('id', -1) < 0)),
                    'depends': ['readings_topic', 'state'],
                    },
                })

    @fields.depends('reason')
    def on_change_with_readings_topic(self, name=None):
        return bool(self.reason and self.reason.readings_topic)

    @classmethod
    @ModelView.button_action('crm_billing.wizard_take_readings')
    def take_readings(cls, appeals):
        pass


class TakeReadingsLine(ModelView):
    "A meter and its new reading"
    __name__ = 'crm.meter.reading.take.line'
    __string__ = "A meter and its new reading"
    meter = fields.Many2One('crm.meter', "Meter", readonly=True)
    account = fields.Many2One('crm.account', "Account", readonly=True)
    place = fields.Char("Place", readonly=True)
    unit = fields.Char("Unit", readonly=True)
    last_date = fields.Date("Last Reading On", readonly=True)
    last_value = fields.Numeric("Last Reading", digits=(16, 3),
        readonly=True)
    verification_due = fields.Date("Verification Due", readonly=True)
    value = fields.Numeric("New Reading", digits=(16, 3),
        help="Leave empty for a meter the applicant gave no reading of.")


class TakeReadingsStart(ModelView):
    "Take meter readings"
    __name__ = 'crm.meter.reading.take.start'
    __string__ = "Take meter readings"
    appeal = fields.Many2One('crm.appeal', "Appeal", readonly=True)
    date = fields.Date("Date", readonly=True)
    lines = fields.One2Many(
        'crm.meter.reading.take.line', None, "Meters")


class TakeReadingsDone(ModelView):
    "Readings taken"
    __name__ = 'crm.meter.reading.take.done'
    __string__ = "Readings taken"
    message = fields.Text("Result", readonly=True)
    readings = fields.Many2Many(
        'crm.meter.reading', None, None, "Readings", readonly=True)


class TakeReadings(AppealWizardMixin, Wizard):
    "Take the meter readings of the appeal's accounts"
    __name__ = 'crm.meter.reading.take'
    __string__ = "Take meter readings"
    start = StateView('crm.meter.reading.take.start',
        'crm_billing.readings_take_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Send Readings", 'take', 'tryton-ok', default=True),
            ])
    take = StateTransition()
    done = StateView('crm.meter.reading.take.done',
        'crm_billing.readings_take_done_view_form', [
            Button("Take More", 'start', 'tryton-back'),
            Button("OK", 'end', 'tryton-ok', default=True),
            ])

    def _appeal(self):
        self.check_records()
        if len(self.records) != 1:
            raise UserError(gettext('crm_billing.msg_readings_appeal_single'))
        return self.records[0]

    def default_start(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        Meter = pool.get('crm.meter')
        appeal = self._appeal()
        if not appeal.accounts:
            raise UserError(gettext(
                    'crm_billing.msg_readings_appeal_no_accounts'))
        meters = Meter.search([
                ('account', 'in', [a.id for a in appeal.accounts]),
                ('state', '=', 'active'),
                ], order=[('account.number', 'ASC'),
                ('service.sequence', 'ASC NULLS LAST'), ('serial', 'ASC')])
        if not meters:
            raise UserError(gettext(
                    'crm_billing.msg_readings_appeal_no_meters'))
        return {
            'appeal': appeal.id,
            'date': Date.today(),
            'lines': [{
                    'meter': m.id,
                    'account': m.account.id,
                    'place': m.place,
                    'unit': m.unit,
                    'last_date': m.last_date,
                    'last_value': m.last_value,
                    'verification_due': m.verification_due,
                    } for m in meters],
            }

    def transition_take(self):
        Reading = Pool().get('crm.meter.reading')
        appeal = self._appeal()
        lines = [l for l in self.start.lines if l.value is not None]
        if not lines:
            raise UserError(gettext('crm_billing.msg_readings_take_none'))
        results, readings = [], []
        for line in lines:
            # Each meter on its own: a refused one (its checks run before
            # anything is saved) does not lose the others
            try:
                reading = Reading.submit(line.meter, line.value,
                    source='operator', appeal=appeal)
            except ReadingError as error:
                results.append(gettext(
                        'crm_billing.msg_readings_taken_refused',
                        meter=line.meter.rec_name, reason=error.message))
                continue
            readings.append(reading)
            results.append(reading.outcome())
        self.done.message = '\n'.join(results)
        self.done.readings = readings
        return 'done'

    def default_done(self, fields):
        return {
            'message': self.done.message,
            'readings': [r.id for r in self.done.readings],
            }
