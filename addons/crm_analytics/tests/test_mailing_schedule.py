"""The schedule of report mailings: the next run in the organisation's
local time (Moscow, UTC+3 here), stored as naive UTC; the edges of days,
weeks and short months."""
import datetime as dt
import unittest
from zoneinfo import ZoneInfo

from trytond.modules.crm_analytics.mailing_send import file_name, next_run

MSK = ZoneInfo('Europe/Moscow')


def utc(*args):
    return dt.datetime(*args)


class MailingScheduleTestCase(unittest.TestCase):
    "Mailing schedule"

    def test_daily(self):
        "Daily at 09:00 Moscow: due at 09:00 (06:00 UTC), not at 08:59"
        self.assertEqual(next_run(utc(2025, 3, 10, 5, 59), 'daily', 9,
                zone=MSK), utc(2025, 3, 10, 6, 0))
        # At 09:00 itself the run is the current one: the next is tomorrow
        self.assertEqual(next_run(utc(2025, 3, 10, 6, 0), 'daily', 9,
                zone=MSK), utc(2025, 3, 11, 6, 0))
        # Midnight in Moscow is the evening before in UTC
        self.assertEqual(next_run(utc(2025, 3, 10, 20, 0), 'daily', 0,
                zone=MSK), utc(2025, 3, 10, 21, 0))
        self.assertEqual(next_run(utc(2025, 3, 10, 21, 30), 'daily', 0,
                zone=MSK), utc(2025, 3, 11, 21, 0))

    def test_weekly(self):
        "Weekly on Monday 08:00 from a Sunday, a Monday, a Tuesday"
        sunday = utc(2025, 3, 9, 10, 0)
        self.assertEqual(next_run(sunday, 'weekly', 8, weekday='0',
                zone=MSK), utc(2025, 3, 10, 5, 0))
        monday_before = utc(2025, 3, 10, 4, 59)
        self.assertEqual(next_run(monday_before, 'weekly', 8, weekday='0',
                zone=MSK), utc(2025, 3, 10, 5, 0))
        monday_after = utc(2025, 3, 10, 5, 0)
        self.assertEqual(next_run(monday_after, 'weekly', 8, weekday='0',
                zone=MSK), utc(2025, 3, 17, 5, 0))
        # Sunday 23:30 UTC is already Monday 02:30 in Moscow
        self.assertEqual(next_run(utc(2025, 3, 9, 23, 30), 'weekly', 8,
                weekday='0', zone=MSK), utc(2025, 3, 10, 5, 0))
        self.assertEqual(next_run(utc(2025, 3, 11, 10, 0), 'weekly', 8,
                weekday='6', zone=MSK), utc(2025, 3, 16, 5, 0))

    def test_monthly_short_months(self):
        "The 31st runs on the last day of a shorter month, then the 31st"
        self.assertEqual(next_run(utc(2025, 4, 2), 'monthly', 8, day=31,
                zone=MSK), utc(2025, 4, 30, 5, 0))
        self.assertEqual(next_run(utc(2025, 4, 30, 5, 0), 'monthly', 8,
                day=31, zone=MSK), utc(2025, 5, 31, 5, 0))
        self.assertEqual(next_run(utc(2025, 2, 1), 'monthly', 8, day=31,
                zone=MSK), utc(2025, 2, 28, 5, 0))
        self.assertEqual(next_run(utc(2024, 2, 1), 'monthly', 8, day=30,
                zone=MSK), utc(2024, 2, 29, 5, 0))
        # December rolls over into January
        self.assertEqual(next_run(utc(2025, 12, 15), 'monthly', 8, day=1,
                zone=MSK), utc(2026, 1, 1, 5, 0))
        # The 1st at 00:00 Moscow is the last evening of the month in UTC
        self.assertEqual(next_run(utc(2025, 3, 15), 'monthly', 0, day=1,
                zone=MSK), utc(2025, 3, 31, 21, 0))

    def test_file_name(self):
        "The seed's template [name]_[yyyy-MM-dd], no path characters"
        self.assertEqual(
            file_name('Отчёт: линии/операторы', dt.date(2025, 3, 1), 'xlsx'),
            'Отчёт_линии_операторы_2025-03-01.xlsx')
