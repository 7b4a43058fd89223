"Deadlines in working time: worked examples on Russia's calendar of 2027"
import datetime as dt
import unittest

from ..worktime import (
    HOLIDAY, SHORTENED, WORKING, NoWorkingTime, Schedule, add, elapsed,
    russian_days)

H = dt.timedelta(hours=1)
# 09:00–18:00 with lunch 13:00–14:00, Monday to Friday: 8 hours a day
OFFICE = [(dt.time(9), dt.time(13)), (dt.time(14), dt.time(18))]


def msk(*args):
    "A Moscow wall-clock time as the naive UTC the database stores"
    return dt.datetime(*args) - 3 * H


def office():
    days = {day: kind for day, (kind, _) in russian_days(2027).items()}
    return Schedule({d: OFFICE for d in range(5)}, days, 'Europe/Moscow')


class WorktimeTestCase(unittest.TestCase):

    def assertDeadline(self, start, hours, expected, schedule, stops=()):
        deadline = add(start, hours * H, schedule, stops)
        self.assertEqual(deadline, expected)
        # and back: the running time up to the deadline is what was given
        self.assertEqual(elapsed(start, deadline, schedule, stops),
            hours * H)

    def test_production_calendar(self):
        "Holidays, a working Saturday, a shortened day from `holidays`"
        days = russian_days(2027)
        self.assertEqual(days[dt.date(2027, 11, 4)][0], HOLIDAY)
        self.assertEqual(days[dt.date(2027, 11, 5)][0], HOLIDAY)
        self.assertEqual(days[dt.date(2027, 2, 20)][0], WORKING)
        # The Wednesday before Unity Day is an hour shorter
        self.assertEqual(days[dt.date(2027, 11, 3)][0], SHORTENED)
        # 8 March 2027 is a Monday: the Sunday before is no working day,
        # so no day is shortened
        self.assertNotIn(dt.date(2027, 3, 7), days)
        self.assertNotIn(dt.date(2027, 3, 5), days)
        # Substituted days off shorten nothing: 22.02 precedes 23.02
        self.assertEqual(days[dt.date(2027, 2, 22)][0], HOLIDAY)
        self.assertNotIn(dt.date(2027, 2, 19), days)

    def test_across_weekend(self):
        "Friday 16:00 + 4 h: two hours on Friday, two on Monday"
        self.assertDeadline(msk(2027, 3, 12, 16), 4, msk(2027, 3, 15, 11),
            office())

    def test_received_after_hours(self):
        "Received Friday evening: the clock starts on Monday morning"
        self.assertDeadline(msk(2027, 3, 12, 18), 1, msk(2027, 3, 15, 10),
            office())
        self.assertDeadline(msk(2027, 3, 13, 12), 1, msk(2027, 3, 15, 10),
            office())

    def test_lunch_break(self):
        "Ending exactly at lunch: 13:00, not 14:00"
        self.assertDeadline(msk(2027, 3, 15, 9), 4, msk(2027, 3, 15, 13),
            office())
        self.assertDeadline(msk(2027, 3, 15, 12), 2, msk(2027, 3, 15, 15),
            office())

    def test_holidays_and_shortened_day(self):
        """Wednesday 3.11 is shortened (ends 17:00), Thursday 4.11 a
        holiday, Friday 5.11 a day off, then the weekend"""
        self.assertDeadline(msk(2027, 11, 3, 9), 8, msk(2027, 11, 8, 10),
            office())
        # After 17:00 on the shortened day nothing counts until Monday
        self.assertDeadline(msk(2027, 11, 3, 17), 8, msk(2027, 11, 8, 18),
            office())

    def test_working_saturday(self):
        "Saturday 20.02.2027 is worked with a weekday's hours"
        self.assertDeadline(msk(2027, 2, 19, 17), 2, msk(2027, 2, 20, 10),
            office())

    def test_clock_stop(self):
        """Stopped 10:00–15:00 on Monday: four working hours do not
        count, and the deadline is Tuesday 13:00 instead of Monday 17:00"""
        stops = [(msk(2027, 3, 15, 10), msk(2027, 3, 15, 15))]
        self.assertDeadline(msk(2027, 3, 15, 9), 8, msk(2027, 3, 16, 13),
            office(), stops)
        self.assertEqual(add(msk(2027, 3, 15, 9), 8 * H, office()),
            msk(2027, 3, 15, 18))

    def test_clock_still_stopped(self):
        "A stop without an end: no deadline can be reached yet"
        stops = [(msk(2027, 3, 15, 10), None)]
        with self.assertRaises(NoWorkingTime):
            add(msk(2027, 3, 15, 9), 8 * H, None, stops)
        # what ran before the stop is counted
        self.assertEqual(elapsed(msk(2027, 3, 15, 9), msk(2027, 3, 16, 9),
                office(), stops), H)

    def test_round_the_clock(self):
        "Calendar hours (emergencies): weekends and nights count"
        self.assertDeadline(msk(2027, 3, 12, 16), 24, msk(2027, 3, 13, 16),
            None)
        stops = [(msk(2027, 3, 12, 20), msk(2027, 3, 12, 22))]
        self.assertDeadline(msk(2027, 3, 12, 16), 24, msk(2027, 3, 13, 18),
            None, stops)

    def test_elapsed_edges(self):
        schedule = office()
        self.assertEqual(elapsed(msk(2027, 3, 15, 9), msk(2027, 3, 15, 9),
                schedule), dt.timedelta(0))
        self.assertEqual(elapsed(msk(2027, 3, 15, 10), msk(2027, 3, 15, 9),
                schedule), dt.timedelta(0))
        # Friday 17:00 to Monday 10:00: one hour each side
        self.assertEqual(elapsed(msk(2027, 3, 12, 17), msk(2027, 3, 15, 10),
                schedule), 2 * H)

    def test_timezone(self):
        "Yekaterinburg works 09:00 local = 04:00 UTC"
        schedule = Schedule({d: OFFICE for d in range(5)}, {},
            'Asia/Yekaterinburg')
        start = dt.datetime(2027, 3, 15, 0)  # 05:00 local
        self.assertEqual(add(start, H, schedule), dt.datetime(2027, 3, 15, 5))

    def test_night_shift(self):
        "An interval ending at midnight"
        schedule = Schedule({d: [(dt.time(20), dt.time(0))] for d in range(7)},
            {}, 'UTC')
        self.assertEqual(add(dt.datetime(2027, 3, 15, 23), 2 * H, schedule),
            dt.datetime(2027, 3, 16, 21))

    def test_no_working_time(self):
        with self.assertRaises(NoWorkingTime):
            add(dt.datetime(2027, 1, 1), H, Schedule({}, {}, 'UTC'))
