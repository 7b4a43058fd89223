"""The month's charges run (ПП РФ №354 п.42, 59–60) with worked examples
computed by hand; idempotent re-run, closed months, access."""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.crm_dispatch.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction

from .tools import billing_world, create_meter, create_period

D = Decimal


def month(n):
    "The first day of month n of 2026 (13 = January 2027)"
    return dt.date(2026 + (n - 1) // 12, (n - 1) % 12 + 1, 1)


def add_readings(meter, consumptions, start_month=1, state='accepted'):
    """One reading on the 24th of each month from start_month with the
    given consumptions (None: no reading that month); values cumulative"""
    Reading = Pool().get('crm.meter.reading')
    value, rows = D(meter.initial_value), []
    for n, consumption in enumerate(consumptions, start_month):
        if consumption is None:
            continue
        value += D(consumption)
        rows.append({
                'meter': meter.id, 'company': meter.company.id,
                'date': month(n).replace(day=24), 'value': value,
                'consumption': D(consumption), 'state': state})
    return Reading.load_history(rows)


def computed(period, kind='charge'):
    "{(account number, service code): (method, quantity, rate, amount)}"
    Charge = Pool().get('crm.charge')
    return {(c.account.number, c.service.code):
            (c.method, c.quantity, c.rate, c.amount)
        for c in Charge.search([
                ('period', '=', period.id), ('kind', '=', kind)])}


class CrmBillingChargesTestCase(_DBTestCase):
    "Charges of a month"
    module = 'crm_billing'
    language = 'ru'

    @with_transaction()
    def test_methods(self):
        "Meter, norm × residents (× coefficient), area, fixed in one run"
        pool = Pool()
        Period = pool.get('crm.billing.period')
        Account = pool.get('crm.account')
        Reading = pool.get('crm.meter.reading')
        w = billing_world()
        a1, a2, a3 = w['north_accounts']  # residents 1, 2, 3
        s = w['north_services']
        cold = create_meter(a1, s['cold'], 'C-1')
        add_readings(cold, ['12.345'])
        # Neither a rejected nor a waiting reading counts
        Reading.load_history([{
                    'meter': cold.id, 'company': cold.company.id,
                    'date': dt.date(2026, 1, 20), 'value': D('99'),
                    'consumption': D('86.655'), 'state': state}
                for state in ['rejected', 'approval']])
        create_meter(a2, s['cold'], 'C-2')  # never read
        Account.write([a2], {'meter_possible': False, 'area': D('60.50')})
        jan = create_period(w['north'], month(1))

        Period.compute_charges([jan])

        lines = computed(jan)
        self.assertEqual(len(lines), 15)  # 3 accounts × 5 services
        expected = {
            # 12.345 m³ × 52.30 = 645.6435 → 645.64
            ('N0001', 'cold'): ('meter', D('12.345'), D('52.30'),
                D('645.64')),
            # a meter that never gave a reading: norm 4.85 × 2 residents
            # = 9.70 m³ × 52.30 = 507.31 (no coefficient: п.60)
            ('N0002', 'cold'): ('norm', D('9.70'), D('52.30'), D('507.31')),
            # no meter, one possible: 4.85 × 3 × 1.5 = 21.825 m³ × 52.30
            # = 1141.4475 → 1141.45
            ('N0003', 'cold'): ('norm_coefficient', D('21.825'), D('52.30'),
                D('1141.45')),
            # 3.60 × 1 × 1.5 = 5.40 m³ × 245.10 = 1323.54
            ('N0001', 'hot'): ('norm_coefficient', D('5.4'), D('245.10'),
                D('1323.54')),
            # no meter possible: 3.60 × 2 = 7.20 m³ × 245.10 = 1764.72
            ('N0002', 'hot'): ('norm', D('7.2'), D('245.10'), D('1764.72')),
            # premise's 54.20 m² × 32.50 = 1761.50
            ('N0001', 'upkeep'): ('area', D('54.20'), D('32.50'),
                D('1761.50')),
            # the account's own 60.50 m² × 32.50 = 1966.25
            ('N0002', 'upkeep'): ('area', D('60.50'), D('32.50'),
                D('1966.25')),
            # 1 × 3 residents × 120.00 = 360.00
            ('N0003', 'waste'): ('norm', D('3'), D('120'), D('360.00')),
            ('N0002', 'intercom'): ('fixed', D('1'), D('60'), D('60.00')),
            }
        for key, value in expected.items():
            self.assertEqual(lines[key], value, key)
        jan = Period(jan.id)
        self.assertEqual(
            (jan.run_accounts, jan.run_lines), (3, 15))
        self.assertIsNotNone(jan.run_finished)
        self.assertEqual(jan.total, sum(v[3] for v in lines.values()))

    @with_transaction()
    def test_average_then_norm(self):
        "6 months read, then 3 months of the average, then the norm"
        Period = Pool().get('crm.billing.period')
        w = billing_world()
        a1 = w['north_accounts'][0]  # 1 resident
        meter = create_meter(a1, w['north_services']['cold'], 'C-1')
        add_readings(meter, ['6', '7', '8', '9', '10', '11'])
        periods = [create_period(w['north'], month(n)) for n in range(6, 11)]
        Period.compute_charges(periods)
        got = [computed(p)[('N0001', 'cold')] for p in periods]
        self.assertEqual(got, [
                # June read: 11 m³ × 52.30 = 575.30
                ('meter', D('11'), D('52.30'), D('575.30')),
                # July–September without readings: (6+7+8+9+10+11) / 6
                # = 51 / 6 = 8.5 m³ × 52.30 = 444.55 (п.59, 3 months)
                ('average', D('8.5'), D('52.30'), D('444.55')),
                ('average', D('8.5'), D('52.30'), D('444.55')),
                ('average', D('8.5'), D('52.30'), D('444.55')),
                # October, the 4th month: norm 4.85 × 1 = 4.85 m³ × 52.30
                # = 253.655 → 253.66 (half up) (п.60)
                ('norm', D('4.85'), D('52.30'), D('253.66')),
                ])

    @with_transaction()
    def test_average_window(self):
        """The average is over the 6 months ending with the last reading,
        a late reading counts, a gap inside the window counts as 0"""
        Period = Pool().get('crm.billing.period')
        w = billing_world()
        a1 = w['north_accounts'][0]
        meter = create_meter(a1, w['north_services']['cold'], 'C-1')
        # Jan 100 (outside the window), Feb–Jun: 3, none, 9, 6, 12 (late)
        add_readings(meter, ['100', '3', None, '9', '6'])
        add_readings(meter, ['12'], start_month=6, state='late')
        aug = create_period(w['north'], month(8))
        Period.compute_charges([aug])
        # Last reading June; window January…June: 100+3+9+6+12 = 130;
        # 130 / 6 = 21.66666… → 21.6667 m³ × 52.30 = 1133.16841 → 1133.17
        self.assertEqual(computed(aug)[('N0001', 'cold')],
            ('average', D('21.6667'), D('52.30'), D('1133.17')))
        sep = create_period(w['north'], month(9))
        Period.compute_charges([sep])
        self.assertEqual(computed(sep)[('N0001', 'cold')][0], 'average')

    @with_transaction()
    def test_building_tariff(self):
        "The building's tariff wins; the row valid on the 1st is taken"
        pool = Pool()
        Period = pool.get('crm.billing.period')
        Tariff = pool.get('crm.tariff')
        w = billing_world()
        north, building = w['north'], w['north_building']
        upkeep = w['north_services']['upkeep']
        # The organisation's tariff changes on the 1st of February
        Tariff.write(Tariff.search([('service', '=', upkeep.id)]),
            {'end_date': dt.date(2026, 1, 31)})
        Tariff.create([{
                    'company': north.id, 'service': upkeep.id,
                    'building': building.id, 'start_date': month(2),
                    'end_date': dt.date(2026, 2, 28), 'rate': D('35.00')}, {
                    'company': north.id, 'service': upkeep.id,
                    'start_date': month(2), 'rate': D('40.00')}, {
                    # from the 2nd: not valid on March's first day
                    'company': north.id, 'service': upkeep.id,
                    'building': building.id,
                    'start_date': dt.date(2026, 3, 2), 'rate': D('99')}])
        periods = [create_period(north, month(n)) for n in (1, 2, 3)]
        Period.compute_charges(periods)
        self.assertEqual(
            [computed(p)[('N0001', 'upkeep')][2:] for p in periods], [
                # January: only the organisation's 32.50; 54.20 × 32.50
                (D('32.50'), D('1761.50')),
                # February: the building's 35.00 over the organisation's
                # 40.00; 54.20 × 35.00 = 1897.00
                (D('35.00'), D('1897.00')),
                # March: the building's ended; organisation's 40.00
                # → 54.20 × 40.00 = 2168.00
                (D('40.00'), D('2168.00')),
                ])
        # South's building is not north's: its tariff is untouched
        south = create_period(w['south'], month(2))
        Period.compute_charges([south])
        self.assertEqual(computed(south)[('S0001', 'upkeep')][2],
            D('32.50'))

    @with_transaction()
    def test_idempotent(self):
        "A re-run gives the same lines and keeps the recalculations"
        pool = Pool()
        Period = pool.get('crm.billing.period')
        Charge = pool.get('crm.charge')
        Recalculation = pool.get('crm.charge.recalculation', type='wizard')
        w = billing_world()
        a1, a2, _ = w['north_accounts']
        cold = w['north_services']['cold']
        add_readings(create_meter(a1, cold, 'C-1'), ['5.5'])
        jan = create_period(w['north'], month(1))
        Period.compute_charges([jan])
        first = computed(jan)
        with acting_as(w['north_accountant'], checked=False,
                active_model=Period.__name__, active_id=jan.id,
                active_ids=[jan.id]):
            session_id, _, _ = Recalculation.create()
            wizard = Recalculation(session_id)
            wizard.start.account = a2
            wizard.start.service = cold
            wizard.start.quantity = D('-2.5')
            wizard.start.amount = None
            wizard.start.reason = "Временное отсутствие, п.86"
            wizard.transition_add()
        Period.compute_charges([jan])
        Period.compute_charges([jan])
        self.assertEqual(computed(jan), first)
        self.assertEqual(
            Charge.search([('period', '=', jan.id)], count=True), 16)
        # -2.5 m³ × 52.30 = -130.75
        self.assertEqual(computed(jan, 'recalculation'), {
                ('N0002', 'cold'): ('manual', D('-2.5'), D('52.30'),
                    D('-130.75'))})

    @with_transaction()
    def test_closed(self):
        "A closed month refuses the run and any change of its charges"
        pool = Pool()
        Period = pool.get('crm.billing.period')
        Charge = pool.get('crm.charge')
        w = billing_world()
        north = w['north']
        a1 = w['north_accounts'][0]
        jan, feb = (create_period(north, month(n)) for n in (1, 2))
        Period.compute_charges([jan, feb])
        line, = Charge.search([('period', '=', jan.id),
                ('account', '=', a1.id),
                ('service.code', '=', 'intercom')])
        Period.close([jan])
        closed = ('Расчётный период «январь 2026» организации «УК Север» '
            'закрыт: начисления в нём нельзя рассчитать, добавить, изменить '
            'или удалить.')
        attempts = [
            lambda: Period.compute_charges([jan]),
            lambda: Charge.write([line], {'amount': D('1')}),
            lambda: Charge.delete([line]),
            lambda: Charge.create([{
                        'company': north.id, 'period': jan.id,
                        'account': a1.id, 'service': line.service.id,
                        'kind': 'recalculation', 'reason': "ошибка",
                        'amount': D('-60')}]),
            # nor moved out of it, nor into it
            lambda: Charge.write([line], {'period': feb.id}),
            lambda: Charge.write(Charge.search([('period', '=', feb.id)],
                    limit=1), {'period': jan.id}),
            ]
        for attempt in attempts:
            with self.assertRaises(UserError) as cm:
                attempt()
            self.assertEqual(cm.exception.message, closed)
        self.assertEqual(
            Charge.search([('period', '=', jan.id)], count=True), 15)
        Period.reopen([jan])
        Period.compute_charges([jan])

    @with_transaction()
    def test_missing_tariff(self):
        "A service without a tariff in the month stops the run, says which"
        pool = Pool()
        Period = pool.get('crm.billing.period')
        Tariff = pool.get('crm.tariff')
        w = billing_world()
        tariffs = Tariff.search([
                ('service', '=', w['north_services']['hot'].id)])
        Tariff.write(tariffs, {'start_date': month(3)})
        feb = create_period(w['north'], month(2))
        with self.assertRaises(UserError) as cm:
            Period.compute_charges([feb])
        self.assertIn('У услуги «Горячее водоснабжение» нет тарифа',
            cm.exception.message)
        self.assertIn('N0001', cm.exception.message)

    @with_transaction()
    def test_access(self):
        "Organisation 2 sees no charge of organisation 1 nor can run it"
        pool = Pool()
        Period = pool.get('crm.billing.period')
        Charge = pool.get('crm.charge')
        w = billing_world()
        jan = create_period(w['north'], month(1))
        with acting_as(w['north_accountant']):
            Period.compute_charges([Period(jan.id)])
            self.assertEqual(len(Charge.search([])), 15)
        with acting_as(w['north_operator']):
            self.assertEqual(len(Charge.search([])), 15)
        for user in [w['south_accountant'], w['south_operator']]:
            with acting_as(user):
                self.assertEqual(Charge.search([]), [])
                self.assertEqual(
                    Charge.search([('period', '=', jan.id)]), [])
                self.assertEqual(Period.search([]), [])
        with acting_as(w['south_accountant']):
            with self.assertRaises(Exception):
                Period.compute_charges([Period(jan.id)])


del _DBTestCase
