"Meters (individual on an account, common on a building) and readings."
import datetime as dt
from decimal import Decimal, InvalidOperation

from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.crm_dispatch.address import default_company
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from . import readings_rules as rules
from .readings_check import (
    ReadingChecks, ReadingError, format_date, format_value)

SOURCES = [
    ('operator', "Operator"),
    ('portal', "Portal"),
    ('import', "Import"),
    ('robot', "Robot"),
    ]
# Fields the server computes: nobody sets them from outside
COMPUTED = {
    'company', 'state', 'previous_value', 'consumption', 'rollover',
    'outside_window', 'average'}
# Changing them on a reading checks it again as a new one
CHECKED = {'meter', 'date', 'value'}


class Meter(ModelSQL, ModelView):
    "Meter (Прибор учёта)"
    __name__ = 'crm.meter'
    __string__ = "Meter"
    _history = True
    _rec_name = 'serial'
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('individual', "Individual"),
            ('common', "Common (building)"),
            ], "Kind", required=True)
    account = fields.Many2One(
        'crm.account', "Account", ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))],
        states={
            'required': Eval('kind') == 'individual',
            'invisible': Eval('kind') != 'individual',
            })
    building = fields.Many2One(
        'crm.building', "Building", ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))],
        states={
            'required': Eval('kind') == 'common',
            'invisible': Eval('kind') != 'common',
            })
    service = fields.Many2One(
        'crm.service', "Service", required=True, ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ('method', '=', 'meter'),
            ])
    serial = fields.Char("Serial Number", required=True)
    model = fields.Char("Model")
    place = fields.Char("Place", help="Кухня, ванная, подвал…")
    digits = fields.Integer("Digits", required=True,
        domain=[('digits', '>=', 1), ('digits', '<=', 12)],
        help="Digits before the decimal point: a reading below the "
        "previous one is a rollover of the counter only through them.")
    initial_value = fields.Numeric("Initial Reading", digits=(16, 3),
        required=True)
    install_date = fields.Date("Installed On")
    verification_date = fields.Date("Verified On")
    verification_interval = fields.Integer("Verification Interval (years)",
        domain=['OR', ('verification_interval', '=', None),
            ('verification_interval', '>', 0)])
    state = fields.Selection([
            ('active', "In service"),
            ('removed', "Removed"),
            ], "State", required=True)
    readings = fields.One2Many('crm.meter.reading', 'meter', "Readings")
    verification_due = fields.Function(fields.Date("Verification Due",
            help="After this day the meter's readings are refused."),
        'on_change_with_verification_due')
    verification_expired = fields.Function(
        fields.Boolean("Verification Expired"),
        'get_verification_expired', searcher='search_verification_expired')
    last_date = fields.Function(
        fields.Date("Last Reading On"), 'get_last')
    last_value = fields.Function(
        fields.Numeric("Last Reading", digits=(16, 3)), 'get_last')
    unit = fields.Function(fields.Char("Unit"), 'on_change_with_unit')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.account, Index.Range())),
                Index(t, (t.building, Index.Range())),
                })

    default_company = staticmethod(default_company)

    @classmethod
    def default_kind(cls):
        return 'individual'

    @classmethod
    def default_digits(cls):
        return 5

    @classmethod
    def default_initial_value(cls):
        return 0

    @classmethod
    def default_state(cls):
        return 'active'

    def get_rec_name(self, name):
        "«ХВС № 123456»: operators tell meters by their service"
        service = self.service.name if self.service else ''
        return f'{service} № {self.serial}'.strip()

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('serial', operator, value),
            ('service.name', operator, value),
            ]

    @fields.depends('verification_date', 'verification_interval')
    def on_change_with_verification_due(self, name=None):
        if self.verification_date and self.verification_interval:
            return rules.add_years(
                self.verification_date, self.verification_interval)

    @fields.depends('service')
    def on_change_with_unit(self, name=None):
        return self.service.unit if self.service else None

    def expired_on(self, date):
        "Whether the verification is over on date (readings are refused)"
        due = self.verification_due
        return bool(due and due < date)

    @classmethod
    def get_verification_expired(cls, meters, name):
        today = Pool().get('ir.date').today()
        return {m.id: m.expired_on(today) for m in meters}

    @classmethod
    def search_verification_expired(cls, name, clause):
        # Intervals are few (4, 6, 10 years…): one date comparison each
        # instead of a database-specific date arithmetic
        _, operator, value = clause
        wanted = bool(value) if operator == '=' else not bool(value)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.verification_interval,
                where=table.verification_interval != Null,
                group_by=table.verification_interval))
        today = Pool().get('ir.date').today()
        cutoffs = [(i, rules.add_years(today, -i)) for i, in cursor]
        if wanted:
            return ['OR'] + [[
                    ('verification_interval', '=', interval),
                    ('verification_date', '<', cutoff),
                    ] for interval, cutoff in cutoffs]
        return ['OR',
            ('verification_date', '=', None),
            ('verification_interval', '=', None),
            [['OR',
                    ('verification_interval', '!=', interval),
                    ('verification_date', '>=', cutoff),
                    ] for interval, cutoff in cutoffs]]

    @classmethod
    def get_last(cls, meters, name):
        pool = Pool()
        Reading = pool.get('crm.meter.reading')
        result = {m.id: None for m in meters}
        for meter in meters:
            last = Reading.last_counted(meter)
            if last:
                result[meter.id] = last.date if name == 'last_date' else (
                    last.value)
            elif name == 'last_value':
                result[meter.id] = meter.initial_value
        return result

    @classmethod
    def write(cls, *args):
        # The chain of readings starts from these: changing them under
        # readings would change the consumption already charged
        Reading = Pool().get('crm.meter.reading')
        actions = iter(args)
        for meters, values in zip(actions, actions):
            frozen = {'company', 'digits', 'initial_value'} & values.keys()
            if not frozen:
                continue
            with without_check_access():
                used = Reading.search([('meter', 'in', [m.id for m in meters])],
                    limit=1)
            if used:
                raise ReadingError(gettext(
                        'crm_billing.msg_readings_meter_has_readings',
                        meter=used[0].meter.rec_name))
        super().write(*args)

    @classmethod
    def copy(cls, meters, default=None):
        "A copy is another meter: the readings stay with this one"
        default = default.copy() if default else {}
        default.setdefault('readings', None)
        return super().copy(meters, default=default)

    @classmethod
    def validate_fields(cls, meters, field_names):
        super().validate_fields(meters, field_names)
        if field_names & {'initial_value', 'digits'}:
            for meter in meters:
                Reading = Pool().get('crm.meter.reading')
                Reading.check_digits(meter, meter.initial_value)


class Reading(ReadingChecks, ModelSQL, ModelView):
    "Meter reading (Показание)"
    __name__ = 'crm.meter.reading'
    __string__ = "Meter reading"
    _history = True
    meter = fields.Many2One(
        'crm.meter', "Meter", required=True, ondelete='CASCADE',
        domain=[If(Eval('company'), ('company', '=', Eval('company', -1)),
                ())])
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE',
        help="The meter's organisation (kept here for the access rule and "
        "the set-based charges run).")
    date = fields.Date("Date", required=True)
    value = fields.Numeric("Value", digits=(16, 3), required=True)
    consumption = fields.Numeric("Consumption", digits=(16, 3),
        readonly=True)
    source = fields.Selection(SOURCES, "Source", required=True)
    state = fields.Selection([
            ('accepted', "Accepted"),
            ('late', "Accepted late"),
            ('approval', "Waiting for approval"),
            ('rejected', "Rejected"),
            ], "State", required=True, readonly=True)
    photo = fields.Binary("Photo", file_id='photo_id')
    photo_id = fields.Char("Photo ID", readonly=True)
    appeal = fields.Many2One(
        'crm.appeal', "Appeal", ondelete='SET NULL',
        domain=[('company', '=', Eval('company', -1))])
    note = fields.Text("Note")
    previous_value = fields.Numeric("Previous Reading", digits=(16, 3),
        readonly=True,
        help="The last counted reading before this one (or the meter's "
        "initial reading): the consumption runs from it.")
    rollover = fields.Boolean("Through Zero", readonly=True,
        help="The counter turned over its last digit since the previous "
        "reading.")
    outside_window = fields.Boolean("Outside the Window", readonly=True,
        help="Taken outside the days of the month the organisation takes "
        "readings on.")
    average = fields.Numeric("Average a Month", digits=(16, 3),
        readonly=True,
        help="The average consumption a month the reading was checked "
        "against.")
    decided_by = fields.Many2One('res.user', "Decided By", readonly=True)
    decided_at = fields.DateTime("Decided At", readonly=True)
    account = fields.Function(fields.Many2One('crm.account', "Account"),
        'on_change_with_account', searcher='search_meter_field')
    service = fields.Function(fields.Many2One('crm.service', "Service"),
        'on_change_with_service', searcher='search_meter_field')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.meter, Index.Range()), (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'approval',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'approval',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_source(cls):
        return 'operator'

    @classmethod
    def default_state(cls):
        return 'accepted'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    default_company = staticmethod(default_company)

    @fields.depends('meter', '_parent_meter.company')
    def on_change_meter(self):
        if self.meter:
            self.company = self.meter.company

    @fields.depends('meter', '_parent_meter.account')
    def on_change_with_account(self, name=None):
        return self.meter.account if self.meter else None

    @fields.depends('meter', '_parent_meter.service')
    def on_change_with_service(self, name=None):
        return self.meter.service if self.meter else None

    @classmethod
    def search_meter_field(cls, name, clause):
        return [('meter.' + clause[0],) + tuple(clause[1:])]

    def get_rec_name(self, name):
        return f'{self.meter.rec_name}: {format_value(self.value)} ' \
            f'({format_date(self.date)})'

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'approval', 'warning',
                    If(Eval('state') == 'rejected', 'muted', ''))),
            ]

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Date = pool.get('ir.date')
        vlist = [{k: v for k, v in values.items() if k not in COMPUTED}
            for values in vlist]
        readings = []
        # A reading is checked against the ones saved before it: a batch
        # holds one reading a meter
        while vlist:
            batch, seen, rest = [], set(), []
            for values in vlist:
                (rest if values.get('meter') in seen else batch).append(
                    values)
                seen.add(values.get('meter'))
            vlist = rest
            for values in batch:
                values.setdefault('date', Date.today())
                if values.get('meter'):
                    values.update(cls._settle_values(values))
            cls._replace(cls._same_day(
                    [(v['meter'], v['date']) for v in batch
                        if v.get('meter')]))
            readings.extend(super().create(batch))
        cls._rechain(r.meter for r in readings)
        return readings

    @classmethod
    def write(cls, *args):
        if not Transaction().context.get('_crm_reading_decision'):
            for values in args[1::2]:
                if 'state' in values:
                    raise ReadingError(gettext(
                            'crm_billing.msg_readings_state_by_buttons'))
        actions = iter(args)
        checked_args, meters = [], set()
        for readings, values in zip(actions, actions):
            values = {k: v for k, v in values.items()
                if k not in COMPUTED or k == 'state'}
            meters.update(r.meter for r in readings)
            if not CHECKED & values.keys():
                checked_args.extend((readings, values))
                continue
            for reading in readings:
                # The reading leaves its day (and month) as if removed
                cls.check_period_open(reading.company, reading.date)
                merged = {
                    'meter': values.get('meter', reading.meter.id),
                    'date': values.get('date', reading.date),
                    'value': values.get('value', reading.value),
                    'source': values.get('source', reading.source),
                    }
                computed = cls._settle_values(merged, exclude=[reading.id])
                cls._replace(cls._same_day(
                        [(merged['meter'], merged['date'])],
                        exclude=[reading.id]))
                checked_args.extend(([reading], {**values, **computed}))
        super().write(*checked_args)
        # and the meters readings were moved to
        meters.update(Pool().get('crm.meter').browse(
                {v['meter'] for v in checked_args[1::2] if v.get('meter')}))
        cls._rechain(meters)

    @classmethod
    def delete(cls, readings):
        for reading in readings:
            cls.check_period_open(reading.company, reading.date)
        meters = {r.meter for r in readings}
        super().delete(readings)
        cls._rechain(meters)

    @classmethod
    def copy(cls, readings, default=None):
        # A copy would be a second reading of the same day: it replaces
        if readings:
            raise ReadingError(gettext('crm_billing.msg_readings_no_copy'))
        return []

    @classmethod
    def load_history(cls, vlist):
        """Save readings of the past as they were, state and consumption
        given (source 'import' and state 'accepted' by default), past the
        checks that guard what people and robots enter now: the demo,
        the benchmarks and the tests load history this way"""
        table = cls.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        names = ['meter', 'company', 'date', 'value', 'consumption',
            'source', 'state']
        columns = [getattr(table, n) for n in names] + [
            table.create_uid, table.create_date]
        now = dt.datetime.now()
        defaults = {'source': 'import', 'state': 'accepted'}
        rows = [[v.get(n, defaults.get(n)) for n in names]
            + [transaction.user, now] for v in vlist]
        ids = []
        if transaction.database.has_returning():
            for i in range(0, len(rows), 500):
                cursor.execute(*table.insert(columns, rows[i:i + 500],
                        returning=[table.id]))
                ids += [r[0] for r in cursor]
        else:
            for row in rows:
                cursor.execute(*table.insert(columns, [row]))
                ids.append(transaction.database.lastid(cursor))
        return cls.browse(ids)

    @classmethod
    def submit(cls, meter, value, date=None, source='operator', photo=None,
            appeal=None, note=None):
        """Take a reading of the meter from any entry point and return it
        saved: accepted, late or waiting for approval (a spike).  A refusal
        raises ReadingError with the reason in the user's language."""
        try:
            value = Decimal(str(value).strip().replace(',', '.').replace(
                    ' ', ''))
        except InvalidOperation:
            raise ReadingError(gettext(
                    'crm_billing.msg_readings_not_number',
                    meter=meter.rec_name, value=value))
        values = {
            'meter': meter.id,
            'value': value,
            'source': source,
            }
        if date:
            values['date'] = date
        if photo:
            values['photo'] = photo
        if appeal:
            values['appeal'] = appeal.id
        if note:
            values['note'] = note
        reading, = cls.create([values])
        return reading

    def outcome(self):
        """What the caller tells the one who gave the reading: accepted,
        accepted late, or sent for approval and why"""
        Settings = Pool().get('crm.billing.settings')
        values = {
            'meter': self.meter.rec_name,
            'value': format_value(self.value),
            'consumption': format_value(self.consumption or 0),
            'unit': self.meter.unit or '',
            }
        if self.state == 'approval':
            settings = Settings.get(self.company)
            return gettext('crm_billing.msg_readings_taken_approval',
                factor=format_value(settings.spike_factor),
                average=format_value(self.average or 0), **values)
        return gettext(f'crm_billing.msg_readings_taken_{self.state}',
            **values)

    # Approval of spikes ---------------------------------------------------

    @classmethod
    def _lock_waiting(cls, readings):
        "Lock the readings and re-read them: they must still wait"
        cls.lock(readings)
        fresh = cls.browse([r.id for r in readings])
        for reading in fresh:
            if reading.state != 'approval':
                raise ReadingError(gettext(
                        'crm_billing.msg_readings_not_waiting',
                        reading=reading.rec_name))
            cls.check_period_open(reading.company, reading.date)
        return fresh

    @classmethod
    def _decide(cls, readings, state_of):
        if not readings:
            return
        now = dt.datetime.now()
        states = {r: state_of(r) for r in readings}
        args = []
        for reading, state in states.items():
            args.extend(([reading], {
                        'state': state,
                        'decided_by': Transaction().user,
                        'decided_at': now,
                        }))
        with Transaction().set_context(_crm_reading_decision=True):
            cls.write(*args)
        # ir.model.log keeps who decided what, beside the _history rows
        for reading, state in states.items():
            cls.log([reading], 'transition', f'state:{state}')
        cls._rechain(r.meter for r in readings)

    @classmethod
    @ModelView.button
    def approve(cls, readings):
        "The spike is real: the reading counts (late if it was late)"
        readings = cls._lock_waiting(readings)
        for reading in readings:
            last = cls.last_counted(reading.meter, exclude=[reading.id])
            if last and last.date > reading.date:
                raise ReadingError(gettext(
                        'crm_billing.msg_readings_approve_later',
                        meter=reading.meter.rec_name,
                        later=format_date(last.date),
                        date=format_date(reading.date)))
        cls._decide(readings,
            lambda r: 'late' if r.outside_window else 'accepted')

    @classmethod
    @ModelView.button
    def reject(cls, readings):
        "The spike is a mistake: the reading never counts"
        cls._decide(cls._lock_waiting(readings), lambda r: 'rejected')
