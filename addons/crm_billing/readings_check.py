"""The checks of a meter reading (ПП РФ №354 and what an accountant
expects where it is silent), shared by every way a reading comes in: the
back-office form, Reading.submit (operator, appeal, portal, robot, import)
and the approval of a spike."""
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import without_check_access

from . import readings_rules as rules

# The states whose readings make the chain consumption is counted along
COUNTED = ['accepted', 'late']


class ReadingError(UserError):
    "A reading refused by the rules (nothing of it is saved)"


def _lang():
    return Pool().get('ir.lang').get()


def format_date(date):
    return _lang().strftime(date) if date else ''


def format_value(value):
    "1234.5 → «1 234,5»: as the meter shows it, without trailing zeros"
    value = Decimal(value).normalize()
    digits = max(0, -value.as_tuple().exponent)
    return _lang().format_number(value, digits)


class ReadingChecks:
    "The rules of crm.meter.reading"
    __slots__ = ()

    @classmethod
    def last_counted(cls, meter, before=None, exclude=()):
        "The latest counted reading of the meter (dated before a date)"
        domain = [
            ('meter', '=', meter.id),
            ('state', 'in', COUNTED),
            ('id', 'not in', list(exclude)),
            ]
        if before:
            domain.append(('date', '<', before))
        with without_check_access():
            found = cls.search(domain,
                order=[('date', 'DESC'), ('id', 'DESC')], limit=1)
        return found[0] if found else None

    @classmethod
    def check_digits(cls, meter, value):
        if value is not None and abs(value) >= rules.counter_range(
                meter.digits):
            raise ReadingError(gettext(
                    'crm_billing.msg_readings_too_many_digits',
                    value=format_value(value), meter=meter.rec_name,
                    digits=meter.digits))

    @classmethod
    def check_period_open(cls, company, date):
        "A closed billing month neither gets nor loses readings"
        Period = Pool().get('crm.billing.period')
        with without_check_access():
            closed = Period.search([
                    ('company', '=', company.id),
                    ('date', '=', date.replace(day=1)),
                    ('state', '=', 'closed'),
                    ], limit=1)
        if closed:
            raise ReadingError(gettext(
                    'crm_billing.msg_readings_period_closed',
                    period=closed[0].rec_name))

    @classmethod
    def _chain(cls, meter, before, exclude=()):
        """The counted readings before the date as (date, consumption),
        oldest first, after the meter's start (install date, None)"""
        with without_check_access():
            readings = cls.search([
                    ('meter', '=', meter.id),
                    ('state', 'in', COUNTED),
                    ('date', '<', before),
                    ('id', 'not in', list(exclude)),
                    ], order=[('date', 'ASC'), ('id', 'ASC')])
        return [(meter.install_date, None)] + [
            (r.date, r.consumption or 0) for r in readings]

    @classmethod
    def settle(cls, meter, date, value, source='operator', exclude=()):
        """Check a reading of the meter on the date and return what the
        server stores with it (state, consumption…); raise ReadingError
        with the reason of a refusal.  exclude: readings to leave out (the
        one being changed)."""
        pool = Pool()
        Date = pool.get('ir.date')
        Settings = pool.get('crm.billing.settings')
        name = meter.rec_name
        if meter.state == 'removed':
            raise ReadingError(gettext(
                    'crm_billing.msg_readings_meter_removed', meter=name))
        if value < 0:
            raise ReadingError(gettext(
                    'crm_billing.msg_readings_negative', meter=name))
        cls.check_digits(meter, value)
        if date > Date.today():
            raise ReadingError(gettext('crm_billing.msg_readings_future',
                    meter=name, date=format_date(date)))
        if meter.install_date and date < meter.install_date:
            raise ReadingError(gettext(
                    'crm_billing.msg_readings_before_install', meter=name,
                    date=format_date(date),
                    install=format_date(meter.install_date)))
        if meter.expired_on(date):
            raise ReadingError(gettext(
                    'crm_billing.msg_readings_verification_expired',
                    meter=name, expiry=format_date(meter.verification_due)))
        cls.check_period_open(meter.company, date)
        last = cls.last_counted(meter, exclude=exclude)
        if last and last.date > date:
            raise ReadingError(gettext(
                    'crm_billing.msg_readings_later_exists', meter=name,
                    later=format_date(last.date), date=format_date(date)))

        settings = Settings.get(meter.company)
        outside = not rules.in_window(
            date, settings.reading_day_from, settings.reading_day_to)
        # Readings imported from another system follow its rules
        outside &= source != 'import'
        if outside and settings.late_readings == 'refuse':
            raise ReadingError(gettext(
                    'crm_billing.msg_readings_outside_window',
                    day_from=settings.reading_day_from,
                    day_to=settings.reading_day_to, date=format_date(date)))

        previous = cls.last_counted(meter, before=date, exclude=exclude)
        previous_value = previous.value if previous else meter.initial_value
        consumption, rollover = rules.run(
            previous_value, value, meter.digits)
        if rollover and not rules.plausible_rollover(
                consumption, meter.digits):
            if previous:
                raise ReadingError(gettext(
                        'crm_billing.msg_readings_below_previous', meter=name,
                        value=format_value(value),
                        previous=format_value(previous_value),
                        previous_date=format_date(previous.date)))
            raise ReadingError(gettext(
                    'crm_billing.msg_readings_below_initial', meter=name,
                    value=format_value(value),
                    previous=format_value(previous_value)))

        average = rules.monthly_average(
            cls._chain(meter, date, exclude), date, settings.average_months)
        months = 1
        if previous or meter.install_date:
            months = max(1, rules.months_between(
                    previous.date if previous else meter.install_date, date))
        # No basis (no history, nothing consumed): no spike to speak of
        spike = bool(average) and (
            consumption > settings.spike_factor * average * months)
        if spike:
            state = 'approval'
        else:
            state = 'late' if outside else 'accepted'
        return {
            'company': meter.company.id,
            'state': state,
            'previous_value': previous_value,
            'consumption': consumption,
            'rollover': rollover,
            'outside_window': outside,
            'average': (average.quantize(Decimal('0.001'))
                if average is not None else None),
            }

    @classmethod
    def _settle_values(cls, values, exclude=()):
        "settle() for the values of a create or write"
        Meter = Pool().get('crm.meter')
        meter = Meter(values['meter'])
        value = values.get('value')
        if value is None:
            # the required field says it in the client's words
            return {'company': meter.company.id}
        return cls.settle(meter, values['date'], Decimal(value),
            source=values.get('source') or cls.default_source(),
            exclude=exclude)

    @classmethod
    def _same_day(cls, pairs, exclude=()):
        "The saved readings of these (meter, date) pairs"
        if not pairs:
            return []
        domain = ['OR'] + [
            [('meter', '=', meter), ('date', '=', date)]
            for meter, date in pairs]
        with without_check_access():
            return cls.search([domain, ('id', 'not in', list(exclude))])

    @classmethod
    def _replace(cls, readings):
        "Remove the readings a new one of the same day replaces"
        if readings:
            # removing is not the operator's right, replacing is
            with without_check_access():
                cls.delete(readings)

    @classmethod
    def _rechain(cls, meters):
        """Recompute the previous value and consumption of every reading of
        the meters along their counted readings, after one was added,
        changed, decided or removed in their middle"""
        to_write = []
        with without_check_access():
            for meter in set(meters):
                previous = meter.initial_value
                for reading in cls.search([('meter', '=', meter.id)],
                        order=[('date', 'ASC'), ('id', 'ASC')]):
                    consumption, rollover = rules.run(
                        previous, reading.value, meter.digits)
                    now = (previous, consumption, rollover)
                    if now != (reading.previous_value, reading.consumption,
                            bool(reading.rollover)):
                        to_write.extend(([reading], dict(zip(
                                        ('previous_value', 'consumption',
                                            'rollover'), now))))
                    if reading.state in COUNTED:
                        previous = reading.value
            if to_write:
                super().write(*to_write)
