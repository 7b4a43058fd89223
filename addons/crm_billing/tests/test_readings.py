"""Meter readings: the rules of ПП РФ №354 and the decisions where it is
silent, worked by hand in the comments.  The refusals are asserted in
Russian, as the operator reads them.

Every test runs «today» on a fixed day (tools_readings.on_day); meters are
5-digit water meters verified on 15.01.2025 for 6 years unless said."""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.crm_dispatch.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from ..readings_rules import in_window, monthly_average
from .tools import billing_world, create_meter, create_period
from .tools_readings import history_meter, monthly, on_day, set_settings

D = Decimal


class ReadingRulesTestCase(_DBTestCase):
    "Meter readings: checks and consumption"
    module = 'crm_billing'
    language = 'ru'

    def world(self):
        w = billing_world()
        w['account'] = w['north_accounts'][0]
        w['cold'] = w['north_services']['cold']
        return w

    def refusal(self, func, *args, **kwargs):
        "The Russian text of the refusal func raises"
        with Transaction().set_context(language='ru'):
            with self.assertRaises(UserError) as cm:
                func(*args, **kwargs)
        return cm.exception.message

    def submit(self, meter, value, date, **kwargs):
        Reading = Pool().get('crm.meter.reading')
        with on_day(date), Transaction().set_context(language='ru'):
            return Reading.submit(meter, D(value), **kwargs)

    @with_transaction()
    def test_rollover(self):
        "99 950 → 00 030 on five digits is 80 m³ through zero"
        w = self.world()
        # Installed 24.04.2026 at 99 790; 80 m³ a month since
        meter = history_meter(w['account'], w['cold'], initial='99790',
            install=dt.date(2026, 4, 24), values=[99870, 99950])
        reading = self.submit(meter, '30', dt.date(2026, 7, 24))
        # 30 + 100 000 − 99 950 = 80; the average: (80 + 80) over the 2
        # months from April to June = 80, 3 × 80 = 240 ≥ 80: accepted
        self.assertEqual(
            (reading.previous_value, reading.consumption, reading.rollover,
                reading.average, reading.state),
            (D('99950'), D('80'), True, D('80'), 'accepted'))
        # The next month counts from 30 again: 95 − 30 = 65
        reading = self.submit(meter, '95', dt.date(2026, 8, 24))
        self.assertEqual((reading.consumption, reading.rollover),
            (D('65'), False))

    @with_transaction()
    def test_below_previous_refused(self):
        """A smaller value is a rollover only if the counter ran less than
        a tenth of its range (10 000 on five digits)"""
        Reading = Pool().get('crm.meter.reading')
        w = self.world()
        meter = history_meter(w['account'], w['cold'])
        # 150 after 160: through zero it would be 150 + 100 000 − 160 =
        # 99 990 m³, not a rollover but a mistake
        message = self.refusal(self.submit, meter, '150', dt.date(2026, 7, 24))
        self.assertEqual(message,
            "Показание 150 прибора учёта Холодное водоснабжение № 100200 "
            "меньше предыдущего (160 от 24.06.2026) и не похоже на переход "
            "счётчика через ноль.")
        # 95 000 → 4 000: 9 000 m³ through zero, under the tenth: a
        # rollover (and then a spike: it waits for approval)
        other = create_meter(w['account'], w['cold'], '9', initial='95000')
        reading = self.submit(other, '4000', dt.date(2026, 7, 24))
        self.assertEqual((reading.consumption, reading.rollover),
            (D('9000'), True))
        # ... 94 000 → 4 000 would be 10 000: refused against the initial
        third = create_meter(w['account'], w['cold'], '10', initial='94000')
        self.assertEqual(
            self.refusal(self.submit, third, '4000', dt.date(2026, 7, 24)),
            "Показание 4\xa0000 прибора учёта Холодное водоснабжение № 10 "
            "меньше его начального показания 94\xa0000.")
        self.assertEqual(Reading.search([('meter', '=', meter.id),
                    ('date', '=', dt.date(2026, 7, 24))]), [])

    @with_transaction()
    def test_spike_waits_for_approval(self):
        """Above spike_factor × the monthly average: saved, waiting; it
        counts once approved"""
        pool = Pool()
        Reading = pool.get('crm.meter.reading')
        w = self.world()
        # 100 on 24.12.2025, then 110 … 160 on the 24th of January–June
        meter = history_meter(w['account'], w['cold'])
        # July: the window is January–June: 60 m³ over the 6 months from
        # December to June = 10 a month; 3 × 10 × 1 month = 30
        exact = self.submit(meter, '190', dt.date(2026, 7, 24))
        self.assertEqual((exact.consumption, exact.average, exact.state),
            (D('30'), D('10'), 'accepted'))
        # The same day again with 191: replaces 190; 31 > 30 waits
        spike = self.submit(meter, '191', dt.date(2026, 7, 24))
        self.assertEqual(Reading.search([('id', '=', exact.id)]), [])
        self.assertEqual((spike.consumption, spike.state),
            (D('31'), 'approval'))
        with Transaction().set_context(language='ru'):
            self.assertEqual(spike.outcome(),
                "Холодное водоснабжение № 100200: показание 191 отправлено "
                "на согласование: расход 31 м³ превышает среднемесячный "
                "(10 м³) более чем в 3 раза.")
        # Waiting, it does not count: the meter still shows 160
        self.assertEqual(meter.__class__(meter.id).last_value, D('160'))

        with acting_as(w['north_accountant']):
            Reading.approve([spike])
        spike = Reading(spike.id)
        self.assertEqual(
            (spike.state, spike.decided_by), ('accepted', w['north_accountant']))
        # ir.model.log keeps the decision (its rows are saved on commit)
        self.assertIn((spike, 'transition', 'state:accepted'),
            [(l.resource, l.event, l.target)
                for l in Transaction().log_records])
        self.assertEqual(meter.__class__(meter.id).last_value, D('191'))
        # and the next reading runs from it: 200 − 191 = 9
        august = self.submit(meter, '200', dt.date(2026, 8, 24))
        self.assertEqual((august.previous_value, august.consumption),
            (D('191'), D('9')))
        # Decided, it cannot be decided again
        self.assertEqual(self.refusal(Reading.reject, [spike]),
            f"Показание {spike.rec_name} не ждёт согласования.")

    @with_transaction()
    def test_rejected_spike_never_counts(self):
        Reading = Pool().get('crm.meter.reading')
        w = self.world()
        meter = history_meter(w['account'], w['cold'])
        spike = self.submit(meter, '500', dt.date(2026, 7, 24))
        self.assertEqual(spike.state, 'approval')
        with acting_as(w['north_operator']):
            Reading.reject([spike])
        self.assertEqual(Reading(spike.id).state, 'rejected')
        # August runs from June's 160: 175 − 160 = 15 over 2 months,
        # under 3 × 10 × 2 = 60
        august = self.submit(meter, '175', dt.date(2026, 8, 24))
        self.assertEqual(
            (august.previous_value, august.consumption, august.state),
            (D('160'), D('15'), 'accepted'))

    @with_transaction()
    def test_approval_after_a_later_reading(self):
        "A spike approved after a later reading came would break the chain"
        Reading = Pool().get('crm.meter.reading')
        w = self.world()
        meter = history_meter(w['account'], w['cold'])
        spike = self.submit(meter, '300', dt.date(2026, 7, 24))
        self.submit(meter, '170', dt.date(2026, 8, 24))
        self.assertEqual(self.refusal(Reading.approve, [spike]),
            "У прибора учёта Холодное водоснабжение № 100200 с тех пор "
            "принято показание от 24.08.2026: показание от 24.07.2026 можно "
            "только отклонить.")

    @with_transaction()
    def test_verification_expired(self):
        "Verified on 24.03.2020 for 6 years: valid until 24.03.2026"
        w = self.world()
        meter = create_meter(w['account'], w['cold'], '555',
            verified=dt.date(2020, 3, 24), interval=6)
        self.assertEqual(meter.verification_due, dt.date(2026, 3, 24))
        reading = self.submit(meter, '5', dt.date(2026, 3, 24))
        self.assertEqual(reading.state, 'accepted')
        self.assertEqual(
            self.refusal(self.submit, meter, '6', dt.date(2026, 3, 25)),
            "Срок поверки прибора учёта Холодное водоснабжение № 555 истёк "
            "24.03.2026: показания не принимаются до новой поверки.")
        # The list's tab «Поверка истекла» (and its opposite)
        Meter = meter.__class__
        for day, expired, valid in [(24, [], [meter]), (25, [meter], [])]:
            with on_day(dt.date(2026, 3, day)):
                self.assertEqual(
                    Meter.search([('verification_expired', '=', True)]),
                    expired)
                self.assertEqual(
                    Meter.search([('verification_expired', '=', False)]),
                    valid)

    @with_transaction()
    def test_window_late(self):
        """Readings from the 23rd to the 25th (ПП 354 п.31); outside them
        accepted as late"""
        w = self.world()
        set_settings(w['north'], late_readings='late')
        meter = create_meter(w['account'], w['cold'], '1')
        states = []
        for day, value in [(22, 1), (23, 2), (25, 3), (26, 4)]:
            reading = self.submit(meter, value, dt.date(2026, 5, day))
            states.append((day, reading.state, reading.outside_window))
        self.assertEqual(states, [
                (22, 'late', True), (23, 'accepted', False),
                (25, 'accepted', False), (26, 'late', True)])
        with Transaction().set_context(language='ru'):
            self.assertEqual(reading.outcome(),
                "Холодное водоснабжение № 1: показание 4 принято с опозданием "
                "(вне дней приёма), расход 1 м³.")

    @with_transaction()
    def test_window_refuse(self):
        "Outside the days refused when the organisation says so"
        Reading = Pool().get('crm.meter.reading')
        w = self.world()
        set_settings(w['north'], late_readings='refuse')
        meter = create_meter(w['account'], w['cold'], '2')
        for day in [23, 25]:
            self.assertEqual(
                self.submit(meter, day, dt.date(2026, 5, day)).state,
                'accepted')
        for day in [22, 26]:
            self.assertEqual(
                self.refusal(self.submit, meter, 30, dt.date(2026, 6, day)),
                "Показания принимаются с 23 по 25 число месяца: "
                f"{day}.06.2026 — вне этих дней.")
        # Another system's readings follow its own days
        reading = self.submit(meter, 30, dt.date(2026, 6, 26),
            source='import')
        self.assertEqual(reading.state, 'accepted')
        self.assertEqual(len(Reading.search([('meter', '=', meter.id)])), 3)

    def test_window_days(self):
        "The window's days, wrapping over the month and in short months"
        self.assertTrue(in_window(dt.date(2026, 2, 28), 23, 31))
        self.assertFalse(in_window(dt.date(2026, 2, 22), 23, 31))
        # from the 26th to the 3rd
        self.assertTrue(in_window(dt.date(2026, 1, 26), 26, 3))
        self.assertTrue(in_window(dt.date(2026, 2, 3), 26, 3))
        self.assertFalse(in_window(dt.date(2026, 2, 4), 26, 3))
        self.assertFalse(in_window(dt.date(2026, 2, 25), 26, 3))

    def test_average_over_months_covered(self):
        "Readings every second month average as well as monthly ones"
        start = (dt.date(2025, 12, 24), None)
        # 20 m³ in February, April, June after December: 60 / 6 = 10
        chain = [start] + [(dt.date(2026, m, 24), D(20)) for m in (2, 4, 6)]
        self.assertEqual(monthly_average(chain, dt.date(2026, 7, 24), 6),
            D(10))
        # The meter's start without a date: its first reading is only a
        # base; none else: no average
        self.assertIsNone(monthly_average(
                [(None, None), (dt.date(2026, 6, 24), D(5))],
                dt.date(2026, 7, 24), 6))
        # Readings older than the window do not count: January is outside
        # the 6 months before August (February–July)
        chain = [start, (dt.date(2026, 1, 24), D(100)),
            (dt.date(2026, 2, 24), D(10)), (dt.date(2026, 3, 24), D(10))]
        self.assertEqual(monthly_average(chain, dt.date(2026, 8, 24), 6),
            D(10))

    @with_transaction()
    def test_same_day_replaces(self):
        Reading = Pool().get('crm.meter.reading')
        w = self.world()
        meter = create_meter(w['account'], w['cold'], '3')
        first = self.submit(meter, '12', dt.date(2026, 5, 24))
        second = self.submit(meter, '13.5', dt.date(2026, 5, 24))
        self.assertEqual(Reading.search([('meter', '=', meter.id)]), [second])
        self.assertNotEqual(first.id, second.id)
        self.assertEqual(second.consumption, D('13.5'))

    @with_transaction()
    def test_other_refusals(self):
        "Removed meter, too many digits, a future day, an earlier day"
        Reading = Pool().get('crm.meter.reading')
        w = self.world()
        meter = create_meter(w['account'], w['cold'], '4')
        day = dt.date(2026, 5, 24)
        self.assertEqual(self.refusal(self.submit, meter, '100000', day),
            "В показании 100\xa0000 больше цифр, чем на счётчике прибора учёта "
            "Холодное водоснабжение № 4 (5).")
        with on_day(day):
            self.assertEqual(self.refusal(Reading.submit, meter, '1',
                    date=dt.date(2026, 5, 25)),
                "Показание прибора учёта Холодное водоснабжение № 4 "
                "датировано 25.05.2026 — этот день ещё не наступил.")
        self.submit(meter, '5', day)
        self.assertEqual(
            self.refusal(self.submit, meter, '6', dt.date(2026, 4, 24)),
            "У прибора учёта Холодное водоснабжение № 4 есть более позднее "
            "показание, от 24.05.2026: показание на 24.04.2026 раньше него "
            "нельзя добавить или изменить.")
        meter.state = 'removed'
        meter.save()
        self.assertEqual(
            self.refusal(self.submit, meter, '7', dt.date(2026, 6, 24)),
            "Прибор учёта Холодное водоснабжение № 4 снят: показания по нему "
            "больше не принимаются.")

    @with_transaction()
    def test_back_office_create_and_write_checked(self):
        """The form's create and write run the same checks: no path
        around them"""
        Reading = Pool().get('crm.meter.reading')
        w = self.world()
        meter = history_meter(w['account'], w['cold'])
        day = dt.date(2026, 7, 24)
        with on_day(day), acting_as(w['north_accountant'], language='ru'):
            self.assertIn("меньше предыдущего (160 от 24.06.2026)",
                self.refusal(Reading.create, [{
                            'meter': meter.id, 'date': day,
                            'value': D(150), 'state': 'accepted'}]))
            # state and consumption sent by a client are the server's
            reading, = Reading.create([{'meter': meter.id, 'date': day,
                        'value': D(500), 'state': 'accepted',
                        'consumption': D(1)}])
            self.assertEqual((reading.state, reading.consumption),
                (('approval', D(340))))
            self.assertEqual(self.refusal(
                    Reading.write, [reading], {'state': 'accepted'}),
                "Состояние показания меняют кнопки «Утвердить» и «Отклонить».")
            Reading.write([reading], {'value': D(175)})
            reading = Reading(reading.id)
            self.assertEqual((reading.state, reading.consumption),
                ('accepted', D(15)))
            self.assertIn("меньше предыдущего", self.refusal(
                    Reading.write, [reading], {'value': D(100)}))

    @with_transaction()
    def test_closed_period(self):
        "A closed month neither gets nor loses readings"
        Reading = Pool().get('crm.meter.reading')
        w = self.world()
        meter = create_meter(w['account'], w['cold'], '6')
        may = self.submit(meter, '5', dt.date(2026, 5, 24))
        create_period(w['north'], dt.date(2026, 5, 1), state='closed')
        message = "Расчётный период «май 2026» закрыт: показания в нём " \
            "нельзя добавить, изменить или удалить."
        with on_day(dt.date(2026, 5, 25)):
            self.assertEqual(self.refusal(Reading.delete, [may]), message)
            self.assertEqual(self.refusal(self.submit, meter, '6',
                    dt.date(2026, 5, 25)), message)


del _DBTestCase
