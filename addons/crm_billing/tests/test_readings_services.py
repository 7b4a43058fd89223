"""Services, tariffs and norms as the administrator keeps them: one value a
day for a service and scope; each organisation sees only its own."""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.crm_dispatch.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import START, billing_world


class ReadingsServicesTestCase(_DBTestCase):
    "Services, tariffs, norms, settings"
    module = 'crm_billing'
    language = 'ru'

    @with_transaction()
    def test_tariffs_do_not_overlap(self):
        """A new tariff closes the old one first; a building's tariff may
        overlap the organisation's (it wins)"""
        Tariff = Pool().get('crm.tariff')
        w = billing_world()
        north, cold = w['north'], w['north_services']['cold']
        old, = Tariff.search([('service', '=', cold.id)])
        values = {'company': north.id, 'service': cold.id,
            'start_date': dt.date(2026, 7, 1), 'rate': Decimal('55.10')}
        Tariff.write([old], {'end_date': dt.date(2026, 6, 30)})
        Tariff.create([values])
        Tariff.create([dict(values, building=w['north_building'].id)])
        self.assertEqual(
            [t.rate for t in Tariff.search([('service', '=', cold.id),
                        ('building', '=', None)])],
            [Decimal('55.10'), Decimal('52.30')])
        # The refusal last: the in-process transaction keeps what a refused
        # create wrote (an RPC call would be rolled back)
        with Transaction().set_context(language='ru'), \
                self.assertRaises(UserError) as cm:
            Tariff.create([dict(values, start_date=dt.date(2026, 6, 1))])
        self.assertEqual(cm.exception.message,
            "«Холодное водоснабжение с 01.06.2026» пересекается с "
            "«Холодное водоснабжение с 01.07.2026»: у услуги на каждый день "
            "одно значение для организации и одно для каждого дома.")
        self.assertEqual(old.start_date, START)

    @with_transaction()
    def test_settings_and_access(self):
        """Settings default to ПП 354's days until saved; the south sees
        none of the north's services, tariffs, norms or settings"""
        pool = Pool()
        Settings = pool.get('crm.billing.settings')
        w = billing_world()
        defaults = Settings.get(w['north'])
        self.assertIsNone(defaults.id)
        self.assertEqual(
            (defaults.reading_day_from, defaults.reading_day_to,
                defaults.late_readings, defaults.spike_factor),
            (23, 25, 'late', 3))
        Settings.create([{'company': w['north'].id, 'reading_day_from': 20}])
        self.assertEqual(Settings.get(w['north']).reading_day_from, 20)
        with acting_as(w['north_operator']):
            # an operator is bound by the settings without reading them
            self.assertEqual(Settings.get(w['north']).reading_day_from, 20)
        for name in ['crm.service', 'crm.tariff', 'crm.norm',
                'crm.billing.settings']:
            Model = pool.get(name)
            with acting_as(w['south_accountant']):
                mine = Model.search([])
            self.assertTrue(mine or name == 'crm.billing.settings', name)
            self.assertTrue(all(r.company == w['south'] for r in mine), name)
            with acting_as(w['north_accountant']):
                self.assertTrue(Model.search([]), name)


class SettingsDefaultsTestCase(_DBTestCase):
    "The settings of an organisation that saved none"
    module = 'crm_billing'
    language = 'ru'

    @with_transaction()
    def test_unsaved_settings_have_every_field(self):
        "Defaults where there are, None elsewhere: nothing raises on read"
        Settings = Pool().get('crm.billing.settings')
        w = billing_world()
        settings = Settings.get(w['north'])
        self.assertIsNone(settings.id)
        self.assertEqual(settings.reading_day_from, 23)
        self.assertEqual(settings.payment_day, 10)
        self.assertIsNone(settings.payee_name)
        self.assertIsNone(settings.bank_bic)


del _DBTestCase
