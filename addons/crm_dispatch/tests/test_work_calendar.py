"""Working calendars of the organisations and the appeal's two clocks
(reaction and resolution) counted in them."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_dispatch.tests.tools import (
    CYRILLIC, acting_as, create_staff, load_russian)
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

H = dt.timedelta(hours=1)


def msk(*args):
    "A Moscow wall-clock time as the naive UTC the database stores"
    return dt.datetime(*args) - 3 * H


class CrmDispatchWorkCalendarTestCase(_DBTestCase):
    "Deadlines in working time"
    module = 'crm_dispatch'
    language = 'ru'

    def _calendar(self, company, **values):
        Calendar = Pool().get('crm.calendar')
        with set_company(company):
            calendar, = Calendar.create([dict({
                            'name': 'Офис', 'timezone': 'Europe/Moscow'},
                        **values)])
        return calendar

    def _reason(self, **values):
        pool = Pool()
        Source = pool.get('crm.appeal.source')
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        source, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        group, = Group.create([{'name': 'Ремонт'}])
        reason, = Reason.create([dict({'group': group.id,
                        'name': 'Протечка'}, **values)])
        return source, reason

    def _appeal(self, company, source, reason, received):
        Appeal = Pool().get('crm.appeal')
        with set_company(company):
            appeal, = Appeal.create([{'source': source.id,
                        'reason_group': reason.group.id,
                        'reason': reason.id, 'received_date': received}])
        return appeal

    @with_transaction()
    def test_default_week(self):
        "A new calendar works Monday to Friday, 09–18 with lunch"
        company = create_company()
        calendar = self._calendar(company)
        self.assertEqual(len(calendar.hours), 10)
        # Named by weekday (in the user's language) and time
        self.assertEqual([h.rec_name for h in calendar.hours[:2]],
            ['Понедельник 09:00–13:00', 'Понедельник 14:00–18:00'])
        self.assertEqual(calendar.hours[-1].rec_name, 'Пятница 14:00–18:00')
        schedule = calendar.schedule()
        self.assertEqual(schedule.week[0],
            [(dt.time(9), dt.time(13)), (dt.time(14), dt.time(18))])
        self.assertNotIn(5, schedule.week)

    @with_transaction()
    def test_working_time_deadlines(self):
        """Resolution 8 working hours and reaction 2 working hours from
        Friday 16:00: Monday 16:00 and Friday 18:00 (not Monday 09:00)"""
        company = create_company()
        self._calendar(company)
        source, reason = self._reason(default_hours=8, reaction_hours=2,
            time_basis='working')
        appeal = self._appeal(company, source, reason, msk(2027, 3, 12, 16))
        self.assertEqual(appeal.deadline, msk(2027, 3, 15, 16))
        self.assertEqual(appeal.reaction_deadline, msk(2027, 3, 12, 18))

    @with_transaction()
    def test_round_the_clock_and_per_source(self):
        "A source's row wins; round the clock ignores the calendar"
        Deadline = Pool().get('crm.appeal.reason.deadline')
        company = create_company()
        self._calendar(company)
        source, reason = self._reason(default_hours=8, time_basis='working')
        row, = Deadline.create([{'reason': reason.id, 'source': source.id,
                    'hours': 24, 'time_basis': 'calendar'}])
        self.assertEqual(row.rec_name, 'Протечка — Телефон')
        appeal = self._appeal(company, source, reason, msk(2027, 3, 12, 16))
        self.assertEqual(appeal.deadline, msk(2027, 3, 13, 16))
        self.assertIsNone(appeal.reaction_deadline)

    @with_transaction()
    def test_without_calendar(self):
        "An organisation without a calendar counts round the clock"
        company = create_company()
        source, reason = self._reason(default_hours=8, time_basis='working')
        appeal = self._appeal(company, source, reason, msk(2027, 3, 12, 16))
        self.assertEqual(appeal.deadline, msk(2027, 3, 13, 0))

    @with_transaction()
    def test_reason_change_recomputes(self):
        "Changing the reason of a draft recomputes both clocks"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Reason = pool.get('crm.appeal.reason')
        company = create_company()
        self._calendar(company)
        source, reason = self._reason(default_hours=8)
        appeal = self._appeal(company, source, reason, msk(2027, 3, 12, 16))
        self.assertEqual(appeal.deadline, msk(2027, 3, 13, 0))
        slow, = Reason.create([{'group': reason.group.id, 'name': 'Лифт',
                    'default_hours': 4, 'reaction_hours': 1,
                    'time_basis': 'working'}])
        with set_company(company):
            Appeal.write([appeal], {'reason': slow.id})
        appeal = Appeal(appeal.id)
        self.assertEqual(appeal.deadline, msk(2027, 3, 15, 11))
        self.assertEqual(appeal.reaction_deadline, msk(2027, 3, 12, 17))

    @with_transaction()
    def test_holidays_loaded(self):
        """The production calendar of 2027 moves a deadline over the Unity
        Day holidays; a date the administrator set is kept"""
        pool = Pool()
        Day = pool.get('crm.calendar.day')
        Holidays = pool.get('crm.calendar.holidays', type='wizard')
        company = create_company()
        calendar = self._calendar(company)
        mine, = Day.create([{'calendar': calendar.id,
                    'date': dt.date(2027, 11, 5), 'kind': 'working',
                    'name': 'Дежурный день'}])
        context = {'active_model': 'crm.calendar',
            'active_id': calendar.id, 'active_ids': [calendar.id]}
        with set_company(company), Transaction().set_context(context):
            # twice: nothing is duplicated
            for _ in range(2):
                session_id, _, _ = Holidays.create()
                Holidays.execute(session_id, {'start': {'year': 2027}},
                    'load')
                Holidays.delete(session_id)
        days = {d.date: d for d in Day.search([
                    ('calendar', '=', calendar.id)])}
        self.assertEqual(days[dt.date(2027, 11, 4)].kind, 'holiday')
        self.assertEqual(days[dt.date(2027, 11, 4)].name,
            'День народного единства')
        self.assertEqual(days[dt.date(2027, 11, 3)].kind, 'shortened')
        self.assertEqual(days[dt.date(2027, 11, 5)], mine)
        self.assertEqual(days[dt.date(2027, 11, 5)].kind, 'working')
        source, reason = self._reason(default_hours=8, time_basis='working')
        appeal = self._appeal(company, source, reason, msk(2027, 11, 3, 9))
        # 3.11: 7 h (shortened), 4.11 holiday, 5.11 worked: 1 h more
        self.assertEqual(appeal.deadline, msk(2027, 11, 5, 10))

    @with_transaction()
    def test_hours_checked(self):
        "Hours ending before they start or overlapping are refused"
        Hours = Pool().get('crm.calendar.hours')
        load_russian()
        company = create_company()
        calendar = self._calendar(company, hours=[])
        with self.assertRaises(ValidationError) as cm:
            Hours.create([{'calendar': calendar.id, 'weekday': '0',
                        'start': dt.time(18), 'end': dt.time(9)}])
        self.assertIn('18:00', cm.exception.message)
        # (what a refused create wrote stays in the test's transaction)
        calendar = self._calendar(company, hours=[])
        with self.assertRaises(ValidationError) as cm:
            Hours.create([{'calendar': calendar.id, 'weekday': '1',
                        'start': dt.time(9), 'end': dt.time(13)}, {
                        'calendar': calendar.id, 'weekday': '1',
                        'start': dt.time(12), 'end': dt.time(18)}])
        self.assertIn('Офис', cm.exception.message)
        # Midnight ends a night shift; back to back is no overlap
        calendar = self._calendar(company, hours=[])
        Hours.create([{'calendar': calendar.id, 'weekday': '2',
                    'start': dt.time(20), 'end': dt.time(0)}, {
                    'calendar': calendar.id, 'weekday': '2',
                    'start': dt.time(9), 'end': dt.time(20)}])

    @with_transaction()
    def test_messages_in_russian(self):
        "The refusals read in Russian for a Russian user"
        pool = Pool()
        Hours = pool.get('crm.calendar.hours')
        User = pool.get('res.user')
        ru = load_russian()
        company = create_company()
        calendar = self._calendar(company, hours=[])
        admin = create_staff('admin1', company, group='group_crm_admin')
        User.write([admin], {'language': ru.id})
        source, reason = self._reason(default_hours=8, time_basis='working')
        with acting_as(admin):
            with self.assertRaises(ValidationError) as cm:
                Hours.create([{'calendar': calendar.id, 'weekday': '0',
                            'start': dt.time(18), 'end': dt.time(9)}])
        self.assertRegex(cm.exception.message, CYRILLIC)
        self.assertIn('Понедельник', cm.exception.message)
        # A calendar without any hour: no deadline in working time (an
        # unsaved appeal, as the form computes it; create() itself runs in
        # the database's language)
        Appeal = pool.get('crm.appeal')
        with self.assertRaises(UserError) as cm:
            with acting_as(admin):
                Appeal(company=company.id, source=source, reason=reason,
                    received_date=msk(2027, 3, 12, 16)).compute_deadlines()
        self.assertIn('нет рабочих часов', cm.exception.message)
        self.assertIn('Офис', cm.exception.message)

    @with_transaction()
    def test_operator_reads_not_writes(self):
        "Operators use the calendar but may not change it"
        Calendar = Pool().get('crm.calendar')
        company = create_company()
        calendar = self._calendar(company)
        operator = create_staff('op1', company)
        with acting_as(operator):
            self.assertEqual(Calendar.search([]), [calendar])
            with self.assertRaises(AccessError):
                Calendar.write([Calendar(calendar.id)], {'name': 'Моё'})
