"""Working calendars of the organisations: weekly hours, holidays, working
weekends and shortened days, from which deadlines are counted in working
time (worktime.py does the counting)."""
import datetime as dt
from zoneinfo import available_timezones

from trytond.cache import Cache
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import worktime

WEEKDAYS = [
    ('0', "Monday"), ('1', "Tuesday"), ('2', "Wednesday"),
    ('3', "Thursday"), ('4', "Friday"), ('5', "Saturday"), ('6', "Sunday"),
    ]
DAY_KINDS = [
    (worktime.HOLIDAY, "Holiday or day off"),
    (worktime.WORKING, "Working day"),
    (worktime.SHORTENED, "Shortened day"),
    ]


# Russia's zones are among Europe/ and Asia/
TIMEZONES = [(z, z) for z in sorted(available_timezones())
    if z.startswith(('Europe/', 'Asia/')) or z == 'UTC']


class Calendar(DeactivableMixin, ModelSQL, ModelView):
    "Working calendar (Рабочий календарь)"
    __name__ = 'crm.calendar'
    __string__ = "Working calendar"
    _history = True
    name = fields.Char("Name", required=True)
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    timezone = fields.Selection(TIMEZONES, "Time Zone", required=True,
        help="Working hours are the local time of this zone.")
    hours = fields.One2Many('crm.calendar.hours', 'calendar', "Working Hours")
    days = fields.One2Many('crm.calendar.day', 'calendar', "Special Days",
        help="Holidays and days off, working weekends, shortened days.")
    # company id: (calendar id, its Schedule), or (None, None) without one
    _schedules = Cache('crm_calendar.schedule', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('company', 'ASC'))
        cls._buttons.update({
                'load_holidays': {},
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_timezone(cls):
        Company = Pool().get('company.company')
        company = cls.default_company()
        if company and (zone := Company(company).timezone):
            return zone
        return 'Europe/Moscow'

    @classmethod
    def default_hours(cls):
        # Five days 09:00–18:00 with a lunch hour: what most offices work
        return [{'weekday': str(d), 'start': start, 'end': end}
            for d in range(5) for start, end in [
                (dt.time(9), dt.time(13)), (dt.time(14), dt.time(18))]]

    def schedule(self):
        "The pure schedule of worktime for this calendar"
        week = {}
        for line in self.hours:
            week.setdefault(int(line.weekday), []).append(
                (line.start, line.end))
        for intervals in week.values():
            intervals.sort()
        days = {day.date: day.kind for day in self.days}
        return worktime.Schedule(week, days, self.timezone)

    @classmethod
    def for_company(cls, company):
        "The calendar deadlines of company's appeals are counted by"
        if not company:
            return None
        calendars = cls.search([('company', '=', int(company))], limit=1)
        return calendars[0] if calendars else None

    @classmethod
    def schedule_of(cls, company):
        """(calendar, Schedule) of company, (None, None) without one; built
        once and kept until a calendar, its hours or days change: every
        deadline of every appeal is counted by it"""
        if not company:
            return None, None
        key = int(company)
        cached = cls._schedules.get(key)
        if cached is None:
            with without_check_access():
                calendar = cls.for_company(key)
                cached = cls._schedules.set(key, (
                        calendar.id if calendar else None,
                        calendar.schedule() if calendar else None))
        calendar_id, schedule = cached
        return (cls(calendar_id) if calendar_id else None), schedule

    @classmethod
    def on_modification(cls, mode, calendars, field_names=None):
        super().on_modification(mode, calendars, field_names=field_names)
        cls._schedules.clear()

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_calendar_holidays')
    def load_holidays(cls, calendars):
        pass


class ScheduleDependencyMixin:
    "A change of the hours or days of a calendar changes its schedule"
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('crm.calendar')._schedules.clear()


class CalendarHours(ScheduleDependencyMixin, ModelSQL, ModelView):
    "Working hours of a weekday (Часы работы)"
    __name__ = 'crm.calendar.hours'
    __string__ = "Working hours"
    _history = True
    calendar = fields.Many2One(
        'crm.calendar', "Calendar", required=True, ondelete='CASCADE')
    weekday = fields.Selection(WEEKDAYS, "Weekday", required=True,
        sort=False)
    weekday_string = weekday.translated('weekday')
    start = fields.Time("From", required=True, format='%H:%M')
    end = fields.Time("To", required=True, format='%H:%M',
        help="00:00 is the midnight that ends the day.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('calendar')
        cls._order = [('weekday', 'ASC'), ('start', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        hours = '–'.join(
            t.strftime('%H:%M') for t in [self.start, self.end] if t)
        return ' '.join(filter(None, [self.weekday_string, hours]))

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        for line in lines:
            if line.end != dt.time(0) and line.end <= line.start:
                raise ValidationError(gettext(
                        'crm_dispatch.msg_calendar_hours_order',
                        weekday=line.weekday_string,
                        start=line.start.strftime('%H:%M'),
                        end=line.end.strftime('%H:%M')))

    @classmethod
    def validate(cls, lines):
        super().validate(lines)
        calendars = {line.calendar for line in lines}
        for calendar in calendars:
            by_day = {}
            for line in calendar.hours:
                end = line.end if line.end != dt.time(0) else dt.time.max
                by_day.setdefault(line.weekday, []).append(
                    (line.start, end, line))
            for intervals in by_day.values():
                intervals.sort(key=lambda i: (i[0], i[1]))
                for (_, end, _), (start, _, line) in zip(
                        intervals, intervals[1:]):
                    if start < end:
                        raise ValidationError(gettext(
                                'crm_dispatch.msg_calendar_hours_overlap',
                                weekday=line.weekday_string,
                                calendar=calendar.rec_name))


class CalendarDay(ScheduleDependencyMixin, ModelSQL, ModelView):
    "Special day of a calendar (Особый день)"
    __name__ = 'crm.calendar.day'
    __string__ = "Special day"
    _history = True
    calendar = fields.Many2One(
        'crm.calendar', "Calendar", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    kind = fields.Selection(DAY_KINDS, "Kind", required=True)
    name = fields.Char("Name")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('calendar')
        t = cls.__table__()
        cls._sql_constraints = [
            ('calendar_date_unique', Unique(t, t.calendar, t.date),
                'crm_dispatch.msg_calendar_day_unique'),
            ]
        cls._order = [('date', 'ASC'), ('id', 'ASC')]


class LoadHolidaysStart(ModelView):
    "Load the production calendar"
    __name__ = 'crm.calendar.holidays.start'
    __string__ = "Load the production calendar"
    year = fields.Integer("Year", required=True,
        domain=[('year', '>=', 2000), ('year', '<=', 2100)])

    @classmethod
    def default_year(cls):
        return dt.date.today().year


class LoadHolidays(Wizard):
    """Add the holidays, days off, working weekends and shortened days of
    Russia for a year; a date the administrator already set stays his"""
    __name__ = 'crm.calendar.holidays'
    start = StateView('crm.calendar.holidays.start',
        'crm_dispatch.calendar_holidays_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Load", 'load', 'tryton-ok', default=True),
            ])
    load = StateTransition()

    def transition_load(self):
        Day = Pool().get('crm.calendar.day')
        try:
            days = worktime.russian_days(self.start.year)
        except (ImportError, NotImplementedError) as exc:
            raise UserError(gettext(
                    'crm_dispatch.msg_calendar_holidays_unavailable',
                    error=str(exc))) from exc
        calendar = self.record
        taken = {day.date for day in calendar.days}
        Day.create([{
                    'calendar': calendar.id, 'date': date, 'kind': kind,
                    'name': name}
                for date, (kind, name) in sorted(days.items())
                if date not in taken])
        return 'end'


def deadline(company, start, duration, working_time, stops=()):
    """The moment duration after start counted in the working time of
    company's calendar (any time without one, or when working_time is
    False), None while a stop runs; refuses in Russian when the calendar
    never works"""
    Calendar = Pool().get('crm.calendar')
    calendar, schedule = (Calendar.schedule_of(company) if working_time
        else (None, None))
    try:
        return worktime.add(start, duration, schedule, stops)
    except worktime.NoWorkingTime:
        if any(end is None for _, end in stops):
            return None  # the clock stands: no deadline until it runs
        raise UserError(gettext('crm_dispatch.msg_calendar_no_working_time',
                calendar=calendar.rec_name if calendar else '')) from None

