"""Readings an operator takes from a readings-topic appeal («Принять
показания»), and who sees meters and readings."""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.crm_dispatch.tests.tools import acting_as, create_staff
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import billing_world, create_meter
from .tools_readings import history_meter, on_day

D = Decimal


def readings_appeal(company, accounts, readings_topic=True):
    "An appeal on the phone about readings, on the organisation's line 1"
    pool = Pool()
    Source = pool.get('crm.appeal.source')
    Group = pool.get('crm.appeal.reason.group')
    Reason = pool.get('crm.appeal.reason')
    Line = pool.get('crm.support_line')
    Appeal = pool.get('crm.appeal')
    phone, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
    group, = Group.create([{'name': 'Начисления', 'code': 'billing'}])
    reason, = Reason.create([{'group': group.id, 'name': 'Передача показаний',
                'code': 'readings', 'readings_topic': readings_topic}])
    line, = Line.create([{'number': 1, 'name': 'Расчётный центр',
                'company': company.id, 'appeal_access': 'all',
                'topic_access': 'all'}])
    appeal, = Appeal.create([{'company': company.id, 'source': phone.id,
                'reason': reason.id, 'support_line': line.id,
                'accounts': [('add', [a.id for a in accounts])]}])
    return appeal, line


class ReadingsAppealTestCase(_DBTestCase):
    "Readings taken from an appeal; access to meters and readings"
    module = 'crm_billing'
    language = 'ru'

    def run_wizard(self, appeal, values):
        """Open «Принять показания» on the appeal, enter values by meter;
        return the meters the form listed and the result form"""
        Take = Pool().get('crm.meter.reading.take', type='wizard')
        session_id, _, _ = Take.create()
        with Transaction().set_context(active_model='crm.appeal',
                active_id=appeal.id, active_ids=[appeal.id]):
            start = Take.execute(session_id, {}, 'start')
            lines = start['view']['defaults']['lines']
            for line in lines:
                line['value'] = values.get(line['meter'])
            result = Take.execute(session_id, {'start': {
                        'appeal': appeal.id,
                        'date': start['view']['defaults']['date'],
                        'lines': lines}}, 'take')
        return [l['meter'] for l in lines], result['view']['defaults']

    @with_transaction()
    def test_take_readings_from_appeal(self):
        """Every meter of the appeal's accounts is listed; each reading
        saved is linked to the appeal and its outcome reported"""
        pool = Pool()
        Reading = pool.get('crm.meter.reading')
        Appeal = pool.get('crm.appeal')
        w = billing_world()
        north = w['north']
        first, second, third = w['north_accounts']
        cold, hot = w['north_services']['cold'], w['north_services']['hot']
        # 10 m³ a month of cold water January–June (160 on 24.06.2026)
        kitchen = history_meter(first, cold, serial='K-1')
        bath = create_meter(first, hot, 'B-2', initial='7')
        expired = create_meter(second, cold, 'E-3',
            verified=dt.date(2019, 1, 10), interval=6)
        create_meter(third, cold, 'X-4')   # not the appeal's account
        removed = create_meter(second, hot, 'R-5')
        removed.state = 'removed'
        removed.save()
        appeal, line = readings_appeal(north, [first, second])
        operator = create_staff('north_line_operator', north, lines=[line])

        with on_day(dt.date(2026, 7, 24)), \
                acting_as(operator, language='ru'):
            appeal = Appeal(appeal.id)
            self.assertTrue(appeal.readings_topic)
            listed, done = self.run_wizard(appeal, {
                    kitchen.id: D(200), bath.id: D('9.5'),
                    expired.id: D(1)})
        self.assertEqual(sorted(listed),
            sorted([kitchen.id, bath.id, expired.id]))
        # Kitchen: 200 − 160 = 40 > 3 × 10: waits; bath: 9.5 − 7 = 2.5
        # (no history, no average); the expired meter is refused
        self.assertEqual(done['message'].split('\n'), [
                "Холодное водоснабжение № K-1: показание 200 отправлено на "
                "согласование: расход 40 м³ превышает среднемесячный "
                "(10 м³) более чем в 3 раза.",
                "Горячее водоснабжение № B-2: показание 9,5 принято, расход "
                "2,5 м³.",
                "Холодное водоснабжение № E-3: показание не принято. Срок "
                "поверки прибора учёта Холодное водоснабжение № E-3 истёк "
                "10.01.2025: показания не принимаются до новой поверки."])
        readings = Reading.search([('appeal', '=', appeal.id)],
            order=[('id', 'ASC')])
        self.assertEqual(sorted(done['readings']),
            sorted(r.id for r in readings))
        self.assertEqual(
            [(r.meter, r.value, r.source, r.state) for r in readings],
            [(kitchen, D(200), 'operator', 'approval'),
                (bath, D('9.5'), 'operator', 'accepted')])
        self.assertEqual(
            sorted(Appeal(appeal.id).readings), sorted(readings))

    @with_transaction()
    def test_take_readings_refusals(self):
        "No account, no value: said in Russian; the button only on topic"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        w = billing_world()
        appeal, line = readings_appeal(w['north'], [], readings_topic=False)
        operator = create_staff('north_line_operator', w['north'],
            lines=[line])
        with acting_as(operator, language='ru'):
            self.assertFalse(Appeal(appeal.id).readings_topic)
            with self.assertRaises(UserError) as cm:
                self.run_wizard(appeal, {})
            self.assertEqual(cm.exception.message,
                "Сначала добавьте в обращение лицевой счёт заявителя: "
                "показания принимаются по его приборам учёта.")
            Appeal.write([appeal], {'accounts': [
                        ('add', [w['north_accounts'][0].id])]})
            with self.assertRaises(UserError) as cm:
                self.run_wizard(appeal, {})
            self.assertEqual(cm.exception.message,
                "У лицевых счетов обращения нет приборов учёта в работе.")
        create_meter(w['north_accounts'][0], w['north_services']['cold'],
            'Z-1')
        with on_day(dt.date(2026, 7, 24)), \
                acting_as(operator, language='ru'):
            with self.assertRaises(UserError) as cm:
                self.run_wizard(appeal, {})
            self.assertEqual(cm.exception.message,
                "Введите новое показание хотя бы одного прибора учёта.")

    @with_transaction()
    def test_organisations_see_only_their_meters(self):
        """An operator of the south sees no meter or reading of the north,
        nor can he take one"""
        pool = Pool()
        Meter = pool.get('crm.meter')
        Reading = pool.get('crm.meter.reading')
        w = billing_world()
        meter = history_meter(w['north_accounts'][0],
            w['north_services']['cold'])
        readings = Reading.search([('meter', '=', meter.id)])
        self.assertEqual(len(readings), 6)
        with acting_as(w['north_operator']):
            self.assertEqual(Meter.search([]), [meter])
            self.assertEqual(len(Reading.search([])), 6)
        with acting_as(w['south_operator']), on_day(dt.date(2026, 7, 24)):
            self.assertEqual(Meter.search([]), [])
            self.assertEqual(Reading.search([]), [])
            self.assertEqual(
                Reading.search([('meter', '=', meter.id)]), [])
            with self.assertRaises(UserError):
                Reading.submit(Meter(meter.id), D(170))
        with acting_as(w['south_accountant']):
            self.assertEqual(Reading.search([]), [])


del _DBTestCase
