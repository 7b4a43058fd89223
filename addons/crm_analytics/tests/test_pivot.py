"""The pivot page over trytond's WSGI application as the browser uses it:
the back office's session cookie opens the page and its JSON-RPC calls;
the groups it draws equal a direct SQL count under the same rules (never
a line-2 or organisation-2 appeal for operator1); a saved layout reopens
the same; the export renders what the page shows; the back office's menu
and a layout's button open the page of the database."""
import base64
import csv
import io
import json

from sql import Literal, Null
from sql.aggregate import Count

from trytond.modules.crm_analytics.pivot import pivot_url
from trytond.modules.crm_dispatch.tests.tools import load_russian
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction

from .tools import analytics_world

PASSWORD = 'pivot-demo-1234'
PAGE = pivot_url(DB_NAME)


class CrmAnalyticsPivotTestCase(RouteTestCase):
    "Pivot page"
    module = 'crm_analytics'
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        User = pool.get('res.user')
        Lang = pool.get('ir.lang')
        load_russian()
        w = analytics_world()
        ru, = Lang.search([('code', '=', 'ru')])
        User.write([w['op1'], w['supervisor1']],
            {'password': PASSWORD, 'language': ru.id})
        cls.ids = {k: w[k].id for k in ['org1', 'org2', 'L1', 'L2', 'L3',
                'op1', 'supervisor1', 'phone']}
        Transaction().commit()

    def login(self, login):
        "A client holding the back office's session cookie of the user"
        client = self.client()
        response = client.post(f'/{DB_NAME}/session/login', json={
                'id': 0, 'method': 'common.db.login',
                'params': [login, {'password': PASSWORD}, 'ru']})
        self.assertEqual(response.status_code, 200,
            response.get_data(as_text=True))
        client.context = self.rpc(client, 'model.res.user.get_preferences',
            True, {})
        return client

    def rpc(self, client, method, *params):
        response = client.post(f'/{DB_NAME}/rpc/', json={
                'id': 1, 'method': method, 'params': list(params)})
        self.assertEqual(response.status_code, 200,
            response.get_data(as_text=True))
        # Plain JSON, as the page's script reads it
        answer = json.loads(response.get_data(as_text=True))
        if 'error' in answer:
            raise AssertionError(answer['error'])
        return answer['result']

    def call(self, client, model, method, *params):
        "A call as the page makes it: the user's preferences as context"
        return self.rpc(client, f'model.{model}.{method}', *params,
            client.context)

    def error(self, client, model, method, *params):
        response = client.post(f'/{DB_NAME}/rpc/', json={
                'id': 1, 'method': f'model.{model}.{method}',
                'params': [*params, client.context]})
        return json.loads(response.get_data(as_text=True))['error'][1][0]

    def sql_counts(self, where):
        "appeals by (source, company, line) counted by plain SQL"
        with Transaction().start(DB_NAME, 0, readonly=True):
            appeal = Pool().get('crm.appeal').__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*appeal.select(appeal.source, appeal.company,
                    appeal.support_line, Count(Literal(1)),
                    where=where(appeal),
                    group_by=[appeal.source, appeal.company,
                        appeal.support_line]))
            return {(s, c, l): n for s, c, l, n in cursor}

    def pivot_counts(self, client, start=None, end=None):
        rows = self.call(client, 'crm.analytics.fact', 'aggregate',
            ['source', 'organisation', 'support_line'], [], start, end)
        return {(r['_ids']['source'], r['_ids']['organisation'],
                r['_ids'].get('support_line')): r['count']
            for r in rows['rows']}

    def test_page_needs_the_session(self):
        "Without the back office's session: a Russian page and its link"
        response = self.client().get(PAGE)
        self.assertEqual(response.status_code, 401)
        html = response.get_data(as_text=True)
        self.assertIn('Вы не вошли в систему', html)
        self.assertIn(f'href="/#{DB_NAME}"', html.replace('%3A', ':'))
        # A forged cookie is no session either
        client = self.client()
        client.set_cookie('tryton_session', f'supervisor1:'
            f'{self.ids["supervisor1"]}:forged', path=f'/{DB_NAME}')
        self.assertEqual(client.get(PAGE).status_code, 401)

    def test_page_with_the_session(self):
        "The session cookie opens the page; its script and styles load"
        client = self.login('supervisor1')
        response = client.get(PAGE + '?layout=7')
        self.assertEqual(response.status_code, 200)
        html = response.get_data(as_text=True)
        self.assertIn('<title>Сводная таблица обращений</title>', html)
        config = json.loads(html.split('id="pivot-config">')[1].split(
                '</script>')[0])
        self.assertEqual((config['database'], config['user'],
                config['layout'], config['user_name']),
            (DB_NAME, self.ids['supervisor1'], 7, 'Supervisor1'))
        for src in ['/node_modules/pivottable/dist/pivot.min.js',
                '/node_modules/jquery-ui/dist/jquery-ui.min.js',
                '/node_modules/billboard.js/dist/billboard.min.js']:
            self.assertIn(f'src="{src}"', html)
        # Every placeholder of the template filled
        self.assertNotRegex(html, r'__[A-Z_]+__')
        for name in ['pivot_drawing.js', 'pivot.js']:
            self.assertIn(f'src="{config["static"]}{name}"', html)
            self.assertEqual(
                client.get(config['static'] + name).status_code, 200)
        self.assertIn(f'href="{config["static"]}pivot.css"', html)
        script = client.get(config['static'] + 'pivot.js')
        self.assertIn("'aggregate'", script.get_data(as_text=True))
        self.assertEqual(
            client.get(config['static'] + 'pivot.css').status_code, 200)
        self.assertEqual(
            client.get(config['static'] + 'pivot.html').status_code, 404)

    def test_totals_equal_sql(self):
        "The page's RPC groups equal plain SQL under the same rules"
        org1, l1 = self.ids['org1'], self.ids['L1']
        supervisor = self.login('supervisor1')
        operator = self.login('operator1')
        expected = self.sql_counts(lambda a: a.company == org1)
        self.assertEqual(self.pivot_counts(supervisor), expected)
        self.assertEqual(sum(expected.values()), 10)
        expected = self.sql_counts(lambda a: (a.company == org1)
            & ((a.support_line == l1) | (a.support_line == Null)))
        got = self.pivot_counts(operator)
        self.assertEqual(got, expected)
        self.assertEqual(sum(got.values()), 6)
        # Never a line-2 or organisation-2 appeal for operator1
        self.assertFalse({(l, c) for _, c, l in got}
            & {(self.ids['L2'], org1), (self.ids['L3'], self.ids['org2'])})
        self.assertFalse({c for _, c, _ in got} - {org1})

        # February alone (Moscow time), and the totals of one group
        february = self.pivot_counts(supervisor, '2025-02-01', '2025-02-28')
        self.assertEqual(sum(february.values()), 6)
        total, = self.call(supervisor, 'crm.analytics.fact', 'aggregate',
            [], [], None, None)['rows']
        self.assertEqual((total['count'], total['overdue_share'],
                total['avg_rating'], total['labour_hours']),
            (10, 40.0, 3.5, 5.75))
        total, = self.call(operator, 'crm.analytics.fact', 'aggregate',
            [], [], None, None)['rows']
        # operator1: #1–#5 and #10; overdue #2 #4 #10
        self.assertEqual((total['count'], total['overdue_count']), (6, 3))

    def test_russian_titles_and_refusals(self):
        "describe() in the user's Russian; a wrong request refused so"
        client = self.login('operator1')
        describe = self.call(client, 'crm.analytics.fact', 'describe')
        titles = dict(describe['dimensions'])
        self.assertEqual((titles['reason_group'], titles['month']),
            ('Группа причин', 'Месяц'))
        self.assertEqual(dict(describe['measures'])['overdue_share'],
            'Просрочено, %')
        self.assertEqual(self.error(client, 'crm.analytics.fact',
                'aggregate', ['colour'], [], None, None),
            'В фактах обращений нет измерения «colour».')

    def test_saved_layout_reopens(self):
        "A layout saved by the page reopens the same; shared, others see it"
        operator = self.login('operator1')
        supervisor = self.login('supervisor1')
        config = {'rows': ['reason_group'], 'cols': ['month'],
            'measure': 'overdue_share', 'renderer': 'Тепловая карта',
            'start': '2025-01-01', 'end': '2025-02-28',
            'rowOrder': 'key_a_to_z', 'colOrder': 'value_z_to_a'}
        layout_id, = self.call(operator, 'crm.analytics.layout', 'create',
            [{'name': 'Просрочка по месяцам', 'config': json.dumps(config),
                    # The owner is who saves, whatever the page sends
                    'user': self.ids['supervisor1']}])
        layouts = {l['id']: l for l in self.call(operator,
                'crm.analytics.layout', 'pivot_layouts')}
        layout = layouts[layout_id]
        self.assertEqual(layout['config'], config)
        self.assertEqual((layout['name'], layout['own'], layout['shared'],
                layout['start'], layout['end']),
            ('Просрочка по месяцам', True, False, '2025-01-01',
                '2025-02-28'))
        self.assertNotIn(layout_id, {l['id'] for l in self.call(
                    supervisor, 'crm.analytics.layout', 'pivot_layouts')})
        self.call(operator, 'crm.analytics.layout', 'write', [layout_id],
            {'shared': True})
        seen = {l['id']: l for l in self.call(supervisor,
                'crm.analytics.layout', 'pivot_layouts')}[layout_id]
        self.assertEqual((seen['own'], seen['shared'], seen['config']),
            (False, True, config))
        # The same groups for the reopened layout, each his own numbers
        dims = layout['config']['rows'] + layout['config']['cols']
        counts = {}
        for who, client in [('operator', operator),
                ('supervisor', supervisor)]:
            rows = self.call(client, 'crm.analytics.fact', 'aggregate',
                dims, [], layout['start'], layout['end'])['rows']
            counts[who] = {(r['reason_group'], r['month']): r['count']
                for r in rows}
        self.assertEqual(counts['operator'],
            {('Ремонт', 'Январь 2025'): 3, ('Ремонт', 'Февраль 2025'): 3})
        self.assertEqual(counts['supervisor'], {
                ('Ремонт', 'Январь 2025'): 3, ('Ремонт', 'Февраль 2025'): 3,
                ('Начисления', 'Январь 2025'): 1,
                ('Начисления', 'Февраль 2025'): 3})
        # The page's own link to the layout
        html = operator.get(pivot_url(DB_NAME, layout_id)).get_data(
            as_text=True)
        self.assertIn(f'"layout": {layout_id}', html)

    def test_export_what_is_shown(self):
        "The page's table as XLSX and CSV; a malformed one refused"
        from openpyxl import load_workbook
        client = self.login('supervisor1')
        headers = ['Группа причин', 'Январь 2025', 'Февраль 2025', 'Итого']
        rows = [['Начисления', 1, 3, 4], ['Ремонт', 3, 3, 6],
            ['Итого', 4, 6, 10]]
        data = self.call(client, 'crm.analytics.fact', 'render_table',
            'xlsx', 'Причины по месяцам', headers, rows, 'Обращения.')
        sheet = load_workbook(io.BytesIO(
                base64.b64decode(data['base64']))).active
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        self.assertEqual(values[0][0], 'Причины по месяцам')
        self.assertEqual(values[1][0], 'Обращения.')
        self.assertEqual(values[3:], [headers] + rows)
        data = self.call(client, 'crm.analytics.fact', 'render_table',
            'csv', 'Причины', headers, rows, None)
        text = base64.b64decode(data['base64']).decode('utf-8-sig')
        self.assertEqual(list(csv.reader(io.StringIO(text))),
            [headers] + [[str(v) for v in r] for r in rows])
        for fmt, rows_ in [('doc', rows), ('csv', [[{'x': 1}]]),
                ('csv', 'строка')]:
            with self.subTest(fmt=fmt):
                self.assertEqual(self.error(client, 'crm.analytics.fact',
                        'render_table', fmt, 'Т', headers, rows_, None),
                    'Выгружаемая сводная таблица — не таблица из текста '
                    'и чисел.')

    def test_opened_from_the_back_office(self):
        "The menu's wizard and a layout's button open the database's page"
        client = self.login('supervisor1')
        layout_id, = self.call(client, 'crm.analytics.layout', 'create',
            [{'name': 'Мой', 'config': '{"rows": ["source"]}'}])
        with Transaction().start(DB_NAME, 0, readonly=True):
            pool = Pool()
            ModelData = pool.get('ir.model.data')
            menu_id = ModelData.get_id('crm_analytics', 'menu_pivot')
            parent_id = ModelData.get_id('crm_analytics', 'menu_analytics')
        menus = self.call(client, 'ir.ui.menu', 'read', [menu_id],
            ['name', 'parent', 'action'])
        self.assertEqual((menus[0]['name'], menus[0]['parent']),
            ('Сводная таблица', parent_id))
        for active, expected in [
                ({'active_model': 'ir.ui.menu', 'active_id': menu_id,
                        'active_ids': [menu_id]}, PAGE),
                ({'active_model': 'crm.analytics.layout',
                        'active_id': layout_id,
                        'active_ids': [layout_id]},
                    pivot_url(DB_NAME, layout_id))]:
            with self.subTest(active=active['active_model']):
                context = dict(client.context, **active)
                session, start, _ = self.rpc(client,
                    'wizard.crm.analytics.pivot.open.create', context)
                result = self.rpc(client,
                    'wizard.crm.analytics.pivot.open.execute', session, {},
                    start, context)
                (action, _), = result['actions']
                self.assertEqual((action['type'], action['url']),
                    ('ir.action.url', expected))
                self.assertEqual(client.get(expected).status_code, 200)
