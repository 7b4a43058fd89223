"""Saved pivot layouts: the owner's and the shared ones, read back the
same, drawn as a table of the reader's own numbers, refused in Russian
when they name what the facts do not have."""
import datetime as dt
import json

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.crm_analytics.layout import period_dates
from trytond.modules.crm_dispatch.tests.tools import acting_as, load_russian
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction

from .tools import analytics_world


def as_(user):
    return acting_as(user, language='ru')


class CrmAnalyticsLayoutTestCase(_DBTestCase):
    "Pivot layouts"
    module = 'crm_analytics'
    language = 'ru'

    @with_transaction()
    def test_owner_and_shared(self):
        "Own layouts and shared ones are read; only own ones change"
        Layout = Pool().get('crm.analytics.layout')
        load_russian()
        w = analytics_world()
        config = {'rows': ['reason_group'], 'cols': ['month'],
            'measure': 'count', 'renderer': 'Тепловая карта'}
        with as_(w['supervisor1']):
            private, shared = Layout.create([
                    {'name': 'Мой', 'config': json.dumps(config)},
                    {'name': 'Общий', 'config': json.dumps(config),
                        'shared': True,
                        # The owner is who saves, whatever he sends
                        'user': w['op1'].id}])
            self.assertEqual({private.user, shared.user},
                {w['supervisor1']})
        with as_(w['op1']):
            self.assertEqual(Layout.search([]), [shared])
            # Read back the same
            self.assertEqual(json.loads(shared.config), config)
            with self.assertRaises(AccessError):
                Layout.write([shared], {'name': 'Чужой'})
            with self.assertRaises(AccessError):
                Layout.delete([shared])
            with self.assertRaises(AccessError):
                Layout.read([private.id], ['name'])
            own, = Layout.create([{'name': 'Оператора'}])
            Layout.write([own], {'shared': True})
        with as_(w['supervisor1']):
            self.assertEqual(Layout.search([]), [private, shared, own])
        self.assertEqual(Layout(shared.id).name, 'Общий')

    @with_transaction()
    def test_table_of_the_readers_numbers(self):
        "Reason group × month as a table, each reader his own numbers"
        Layout = Pool().get('crm.analytics.layout')
        load_russian()
        w = analytics_world()
        with as_(w['supervisor1']):
            layout, = Layout.create([{'name': 'Причины по месяцам',
                        'shared': True,
                        'config': json.dumps({'rows': ['reason_group'],
                                'cols': ['month'], 'measure': 'count'})}])
            title, headers, rows = layout.table()
            share = Layout.create([{'name': 'Просрочка по источникам',
                        'config': json.dumps({'rows': ['source'],
                                'measure': 'overdue_share'})}])[0].table(
                start=dt.date(2025, 1, 1), end=dt.date(2025, 2, 28))
        self.assertEqual(title, 'Причины по месяцам')
        self.assertEqual(headers,
            ['Группа причин', 'Январь 2025', 'Февраль 2025', 'Итого'])
        self.assertEqual(rows, [['Начисления', 1, 3, 4], ['Ремонт', 3, 3, 6]])
        self.assertEqual(share[0],
            'Просрочка по источникам (01.01.2025 — 28.02.2025)')
        self.assertEqual(share[1], ['Источник', 'Просрочено, %'])
        self.assertEqual(share[2], [['Портал', 50.0],
                ['Телефон', 40.0], ['Электронная почта', 33.33]])
        with as_(w['op1']):
            _, _, rows = Layout(layout.id).table()
        # operator1: #1 #2 #3 in January, #4 #5 #10 in February
        self.assertEqual(rows, [['Ремонт', 3, 3, 6]])

    @with_transaction()
    def test_invalid_refused(self):
        "A layout naming an unknown dimension or measure is refused"
        Layout = Pool().get('crm.analytics.layout')
        load_russian()
        w = analytics_world()
        with as_(w['supervisor1']):
            for config, message in [
                    ('{"rows": ["colour"]}',
                        'Макет сводной таблицы «Плохой» не читается: '
                        'В фактах обращений нет измерения «colour».'),
                    ('{"measure": "speed"}',
                        'Макет сводной таблицы «Плохой» не читается: '
                        'В фактах обращений нет показателя «speed».'),
                    ('{rows', None)]:
                with self.assertRaises(UserError) as cm:
                    Layout.create([{'name': 'Плохой', 'config': config}])
                if message:
                    self.assertEqual(cm.exception.message, message)
                else:
                    self.assertTrue(cm.exception.message.startswith(
                            'Макет сводной таблицы «Плохой» не читается'))

    def test_periods(self):
        "Relative periods from a Wednesday"
        wednesday = dt.date(2025, 3, 12)
        self.assertEqual(period_dates('yesterday', wednesday),
            (dt.date(2025, 3, 11), dt.date(2025, 3, 11)))
        self.assertEqual(period_dates('last_week', wednesday),
            (dt.date(2025, 3, 3), dt.date(2025, 3, 9)))
        self.assertEqual(period_dates('last_month', wednesday),
            (dt.date(2025, 2, 1), dt.date(2025, 2, 28)))
        self.assertEqual(period_dates('month', wednesday),
            (dt.date(2025, 3, 1), wednesday))
        self.assertEqual(period_dates('year', wednesday),
            (dt.date(2025, 1, 1), wednesday))
        self.assertEqual(period_dates(None, wednesday), (None, None))
