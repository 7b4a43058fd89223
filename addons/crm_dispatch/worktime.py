"""Deadlines counted in working time, free of Tryton.

A Schedule knows when an organisation works: the working intervals of
each weekday in its local time, and the dates that differ from the week
(a holiday or day off, a working weekend, a shortened pre-holiday day).
Appeal times are naive UTC datetimes, as Tryton stores them; the schedule
converts them to local time and back.

A clock may be stopped (waiting for the resident or a supplier): the
stopped spans, in UTC, are taken out of the working time.  Without a
schedule time runs round the clock (emergencies: 24/7), stops still
count."""
import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
HOLIDAY, WORKING, SHORTENED = 'holiday', 'working', 'shortened'
# How much a shortened pre-holiday day is shorter (Labour Code, art. 95)
SHORTENED_BY = dt.timedelta(hours=1)
# A schedule that never works would make a deadline search run for ever
HORIZON = 3 * 366


class NoWorkingTime(ValueError):
    "The schedule has no working time within the horizon"


@dataclass
class Schedule:
    # weekday (Monday 0) → [(start, end)] as datetime.time, sorted
    week: dict
    # date → HOLIDAY | WORKING | SHORTENED
    days: dict = field(default_factory=dict)
    timezone: str = 'UTC'

    def __post_init__(self):
        self.zone = ZoneInfo(self.timezone)
        # The hours of a working weekend: those of the first working
        # weekday (Monday in an ordinary week)
        self.workday = next(
            (self.week[d] for d in range(7) if self.week.get(d)), [])

    def intervals(self, day):
        "The working intervals of day as naive local datetimes"
        kind = self.days.get(day)
        if kind == HOLIDAY:
            return []
        hours = self.week.get(day.weekday()) or []
        if kind in {WORKING, SHORTENED} and not hours:
            hours = self.workday
        spans = [(dt.datetime.combine(day, start), dt.datetime.combine(
                    day, end) if end != dt.time(0) else dt.datetime.combine(
                    day + dt.timedelta(days=1), end))
            for start, end in hours]
        if kind == SHORTENED and spans:
            start, end = spans[-1]
            spans[-1] = (start, max(start, end - SHORTENED_BY))
        return [(s, e) for s, e in spans if e > s]

    def local(self, moment):
        "naive UTC → naive local"
        return moment.replace(tzinfo=UTC).astimezone(self.zone).replace(
            tzinfo=None)

    def utc(self, moment):
        "naive local → naive UTC"
        return moment.replace(tzinfo=self.zone).astimezone(UTC).replace(
            tzinfo=None)

    def spans(self, start):
        "The working spans in UTC from start (naive UTC) onwards"
        day = self.local(start).date()
        for _ in range(HORIZON):
            for begin, end in self.intervals(day):
                begin, end = self.utc(begin), self.utc(end)
                if end > start:
                    yield max(begin, start), end
            day += dt.timedelta(days=1)
        raise NoWorkingTime(start)


def _round_the_clock(start):
    yield start, dt.datetime.max


def _running(spans, stops):
    "spans without the stopped spans (both in UTC, sorted)"
    stops = sorted(stops)
    for begin, end in spans:
        for stop_begin, stop_end in stops:
            if stop_end <= begin or stop_begin >= end:
                continue
            if stop_begin > begin:
                yield begin, stop_begin
            begin = max(begin, stop_end)
            if begin >= end:
                break
        if begin < end:
            yield begin, end


def _stops(stops, until=None):
    "Stops as closed spans: one still running ends at until (or never)"
    return [(begin, end or until or dt.datetime.max) for begin, end in stops]


def add(start, duration, schedule=None, stops=()):
    """The moment (naive UTC) when duration of running time has passed
    since start: working time when schedule is given, else any time; the
    stopped spans (begin, end or None) do not count"""
    spans = schedule.spans(start) if schedule else _round_the_clock(start)
    left = duration
    for begin, end in _running(spans, _stops(stops)):
        if end - begin >= left:
            return begin + left
        left -= end - begin
    raise NoWorkingTime(start)


def elapsed(start, until, schedule=None, stops=()):
    "The running time between start and until (naive UTC)"
    if until <= start:
        return dt.timedelta(0)
    spans = schedule.spans(start) if schedule else _round_the_clock(start)
    total = dt.timedelta(0)
    for begin, end in _running(spans, _stops(stops, until)):
        if begin >= until:
            break
        total += min(end, until) - begin
    return total


def russian_days(years, holidays_module=None):
    """The production calendar of Russia for years: {date: (kind, name)}
    from the `holidays` package: holidays and days off, working weekends,
    and the working day before an official holiday shortened"""
    if holidays_module is None:
        import holidays as holidays_module
    country = holidays_module.Russia(years=years, language='ru')
    days = {day: (HOLIDAY, name) for day, name in country.items()}
    for day in getattr(country, 'weekend_workdays', ()):
        days[day] = (WORKING, 'Рабочий день (перенос выходного)')
    for day, name in country.items():
        # A substituted day off is not a holiday of art. 112: the day before
        # it keeps its hours
        if name.startswith('Выходной') or '(выходной)' in name:
            continue
        before = day - dt.timedelta(days=1)
        kind = days.get(before, (None,))[0]
        if kind == HOLIDAY:
            continue
        if before.weekday() < 5 or kind == WORKING:
            days[before] = (SHORTENED, 'Предпраздничный день')
    return days
