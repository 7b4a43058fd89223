"""The BI feed over HTTP: refused without a valid key of the «Аналитика:
выгрузка фактов обращений» application, paged in id order with a next link, the
rules of the key's user under every row and group (operator1 never gets a
line-2 or organisation-2 appeal, supervisor1 gets his organisation's ten),
the period, and Russian refusals of wrong parameters."""
import csv
import io
import json

from trytond.modules.crm_dispatch.tests.tools import load_russian
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction

from .tools import analytics_world

BASE = f'/{DB_NAME}/crm_analytics/facts'


class CrmAnalyticsFeedTestCase(RouteTestCase):
    "BI feed"
    module = 'crm_analytics'
    language = 'ru'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        Application = pool.get('res.user.application')
        User = pool.get('res.user')
        load_russian()
        w = analytics_world()
        # A user of the organisation outside the CRM groups
        outsider, = User.create([{'name': 'Посторонний',
                    'login': 'outsider', 'companies': [('add', [w['org1'].id])],
                    'company': w['org1'].id}])
        keys = Application.create([
                {'user': w['op1'].id, 'application': 'crm_analytics'},
                {'user': w['supervisor1'].id, 'application': 'crm_analytics'},
                {'user': w['supervisor1'].id, 'application': 'crm_analytics',
                    'state': 'cancelled'},
                {'user': outsider.id, 'application': 'crm_analytics'},
                ])
        cls.keys = dict(zip(
                ['op1', 'supervisor1', 'cancelled', 'outsider'],
                [k.key for k in keys]))
        cls.numbers = {i + 1: a.number for i, a in enumerate(w['appeals'])}
        Transaction().commit()

    def get(self, path, key='op1', **args):
        headers = {'Authorization': f'Bearer {self.keys[key]}'} if key else {}
        return self.client().get(BASE + path, query_string=args,
            headers=headers)

    def json(self, path='.json', key='op1', **args):
        response = self.get(path, key=key, **args)
        self.assertEqual(response.status_code, 200,
            response.get_data(as_text=True))
        return json.loads(response.get_data(as_text=True))

    def test_refused_without_a_valid_key(self):
        "No key, a wrong or cancelled key: 401; no right to appeals: 403"
        self.assertEqual(self.get('.json', key=None).status_code, 401)
        self.keys['wrong'] = 'x' * 128
        for key in ['wrong', 'cancelled']:
            with self.subTest(key=key):
                self.assertEqual(self.get('.csv', key=key).status_code, 401)
        self.assertEqual(self.get('.json', key='outsider').status_code, 403)
        # The key as the password of HTTP basic (Excel, Power BI)
        response = self.client().get(BASE + '.json', headers={
                'Authorization': 'Basic ' + __import__('base64').b64encode(
                    f'operator1:{self.keys["op1"]}'.encode()).decode()})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.get('.xml').status_code, 404)

    def test_pages_in_json(self):
        "operator1's six appeals in pages of four, with the next link"
        first = self.json(limit=4)
        self.assertEqual(len(first['rows']), 4)
        self.assertEqual(first['next_after'], first['rows'][-1]['id'])
        self.assertIn(f'after={first["next_after"]}', first['next'])
        self.assertIn('limit=4', first['next'])
        second = self.json(limit=4, after=first['next_after'])
        self.assertEqual((len(second['rows']), second['next']), (2, None))
        rows = first['rows'] + second['rows']
        self.assertEqual([r['number'] for r in rows],
            [self.numbers[n] for n in [1, 2, 3, 4, 5, 10]])
        self.assertEqual({(r['organisation'], r['support_line'])
                for r in rows},
            {('УК Север', '1. Линия 1'), ('УК Север', '(не указано)')})
        titles = {c['name']: c['title'] for c in first['columns']}
        self.assertEqual((titles['reason_group'], titles['count']),
            ('Группа причин', 'Обращений'))
        leak = rows[0]
        self.assertEqual({k: leak[k] for k in ['source', 'reason', 'month',
                    'overdue', 'count', 'labour_minutes', 'rating_sum']},
            {'source': 'Телефон', 'reason': 'Протечка', 'month': '2025-01',
                'overdue': 'Нет', 'count': 1, 'labour_minutes': 60,
                'rating_sum': 5})

    def test_pages_in_csv(self):
        "CSV pages: a header row, X-Next-After and Link to the next page"
        response = self.get('.csv', key='supervisor1', limit=7)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content_type.startswith('text/csv'))
        table = list(csv.reader(io.StringIO(
                    response.get_data().decode('utf-8-sig'))))
        header, rows = table[0], table[1:]
        self.assertEqual(header[:4], ['id', 'number', 'organisation',
                'district'])
        self.assertEqual(len(rows), 7)
        after = response.headers['X-Next-After']
        self.assertEqual(after, rows[-1][0])
        self.assertIn(f'after={after}', response.headers['Link'])
        self.assertTrue(response.headers['Link'].endswith('; rel="next"'))
        response = self.get('', key='supervisor1', limit=7, after=after,
            format='csv')
        rest = list(csv.reader(io.StringIO(
                    response.get_data().decode('utf-8-sig'))))[1:]
        self.assertEqual(len(rest), 3)
        self.assertNotIn('X-Next-After', response.headers)
        numbers = [r[1] for r in rows + rest]
        self.assertEqual(numbers, [self.numbers[n] for n in range(1, 11)])

    def test_groups_under_the_rules(self):
        "Grouped output: operator1 his line, supervisor1 his organisation"
        counts = {}
        for key in ['op1', 'supervisor1']:
            rows = self.json(key=key, group='organisation,support_line')[
                'rows']
            counts[key] = {(r['organisation'], r['support_line']):
                r['count'] for r in rows}
        self.assertEqual(counts['op1'], {('УК Север', '1. Линия 1'): 5,
                ('УК Север', '(не указано)'): 1})
        self.assertEqual(counts['supervisor1'], {
                ('УК Север', '1. Линия 1'): 5, ('УК Север', '2. Линия 2'): 4,
                ('УК Север', '(не указано)'): 1})
        body = self.json(key='supervisor1', group='source')
        phone = {r['source']: r for r in body['rows']}['Телефон']
        self.assertEqual((phone['count'], phone['overdue_count'],
                phone['overdue_share']), (5, 2, 40.0))
        self.assertEqual([c['name'] for c in body['columns']][:2],
            ['source', 'count'])
        self.assertIsNone(body['next'])

    def test_period(self):
        "start and end (Moscow days) filter both the rows and the groups"
        body = self.json(key='supervisor1', start='2025-02-01',
            end='2025-02-28')
        self.assertEqual(len(body['rows']), 6)
        self.assertEqual((body['start'], body['end']),
            ('2025-02-01', '2025-02-28'))
        rows = self.json(key='supervisor1', group='month',
            end='2025-01-31')['rows']
        self.assertEqual([(r['month'], r['count']) for r in rows],
            [('2025-01', 4)])

    def test_wrong_parameters_in_russian(self):
        "A date, a number, a dimension that are not: 400, in Russian"
        for args, message in [
                ({'start': '01.02.2025'}, 'Параметр «start» должен быть '
                    'датой вида ГГГГ-ММ-ДД, а не «01.02.2025».'),
                ({'limit': 'много'}, 'Параметр «limit» должен быть целым '
                    'числом, а не «много».'),
                ({'group': 'source,colour'},
                    'В фактах обращений нет измерения «colour».'),
                ({'start': '2025-02-02', 'end': '2025-02-01'},
                    'Начало периода (02.02.2025) позже его конца '
                    '(01.02.2025).')]:
            with self.subTest(args=args):
                response = self.get('.json', **args)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(
                    json.loads(response.get_data(as_text=True))['message'],
                    message)
