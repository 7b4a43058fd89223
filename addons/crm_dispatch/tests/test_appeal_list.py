"The appeal list's name columns, read in one query."
from trytond.modules.company.tests import create_company, set_company
from trytond.model import ModelSQL
from trytond.modules.crm_dispatch.tests.tools import acting_as, create_staff
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from ..appeal_list import COLUMNS
from ..list_labels import CATALOGUES, _labels


class CrmDispatchAppealListTestCase(_DBTestCase):
    "What the list shows is what the appeal's form shows"
    module = 'crm_dispatch'
    language = 'ru'

    def _appeals(self, company):
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Party = pool.get('party.party')
        Source = pool.get('crm.appeal.source')
        Line = pool.get('crm.support_line')
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        Building = pool.get('crm.building')
        source, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        line, = Line.create([{'number': 3, 'name': 'Аварийная',
                    'company': company.id}])
        group, = Group.create([{'name': 'Ремонт'}])
        reason, = Reason.create([{'group': group.id, 'name': 'Протечка'}])
        building, = Building.create([{'company': company.id,
                    'city': 'Вологда', 'street': 'ул. Ленина', 'house': '5',
                    'block': '2'}])
        operator = create_staff('operator1', company, [line])
        named, coded = Party.create([
                {'name': 'Иванов Пётр'}, {'name': None, 'code': 'К-77'}])
        full, bare = Appeal.create([{
                    'source': source.id, 'applicant': named.id,
                    'reason_group': group.id, 'reason': reason.id,
                    'building': building.id, 'support_line': line.id,
                    'operator': operator.id,
                    }, {
                    'source': source.id, 'applicant': coded.id,
                    }])
        return full, bare

    @with_transaction()
    def test_names_are_display_names(self):
        "Each name column equals its many-to-one's display name"
        Appeal = Pool().get('crm.appeal')
        company = create_company()
        with set_company(company):
            appeals = self._appeals(company)
        rows = Appeal.read([a.id for a in appeals], list(COLUMNS))
        for appeal, row in zip(appeals, sorted(
                    rows, key=lambda r: [a.id for a in appeals].index(
                        r['id']))):
            for column, many2one in COLUMNS.items():
                target = getattr(appeal, many2one)
                with self.subTest(column=column, appeal=appeal.id):
                    self.assertEqual(row[column],
                        target.rec_name if target else None)
        self.assertEqual(rows[0]['building_name'],
            'г. Вологда, ул. Ленина, д. 5, корп. 2')

    @with_transaction()
    def test_names_search_and_sort(self):
        "The name columns are searched and sorted as their many-to-ones"
        Appeal = Pool().get('crm.appeal')
        company = create_company()
        with set_company(company):
            full, bare = self._appeals(company)
            self.assertEqual(Appeal.search(
                    [('applicant_name', 'ilike', '%иванов%')]), [full])
            self.assertEqual(Appeal.search(
                    [('support_line_name', 'ilike', '%Аварийная%')]),
                [full])
            # Sorted by the applicant as the many-to-one sorts: by name
            Party = Pool().get('party.party')
            abramova, = Party.create([{'name': 'Абрамова Анна'}])
            first, = Appeal.create([{
                        'source': full.source.id, 'applicant': abramova.id}])
            for direction, expected in [
                    ('ASC', [first, full]), ('DESC', [full, first])]:
                self.assertEqual(Appeal.search(
                        [('id', 'in', [full.id, first.id])],
                        order=[('applicant_name', direction)]), expected)

    @with_transaction()
    def test_address_column(self):
        """The address column is the premise's address, else the
        building's; searched and sorted by both"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Premise = pool.get('crm.premise')
        company = create_company()
        with set_company(company):
            full, bare = self._appeals(company)
            flat, = Premise.create([{
                        'building': full.building.id, 'number': '17'}])
            office, = Premise.create([{'building': full.building.id,
                        'number': '1Н', 'type': 'non_residential'}])
            at_flat, at_office = Appeal.create([{
                        'source': full.source.id, 'building': full.building.id,
                        'premise': flat.id,
                        }, {
                        # the premise without its building: the premise's
                        'source': full.source.id, 'premise': office.id,
                        }])
            appeals = [full, bare, at_flat, at_office]
            rows = {r['id']: r['address_name'] for r in Appeal.read(
                    [a.id for a in appeals], ['address_name'])}
            # The address without the city (the card shows it whole)
            self.assertEqual(rows, {
                    full.id: 'ул. Ленина, д. 5, корп. 2',
                    bare.id: None,
                    at_flat.id: 'ул. Ленина, д. 5, корп. 2, кв. 17',
                    at_office.id: 'ул. Ленина, д. 5, корп. 2, пом. 1Н',
                    })
            for appeal, premise in [(at_flat, flat), (at_office, office)]:
                self.assertEqual(premise.rec_name,
                    'г. Вологда, ' + rows[appeal.id])
            self.assertEqual(set(Appeal.search(
                        [('address_name', 'ilike', '%Ленина%')])),
                {full, at_flat, at_office})
            self.assertEqual(Appeal.search(
                    [('address_name', 'ilike', '%1Н%')]), [at_office])
            # Sorted as it reads: street, house, then the premise's number
            Building = pool.get('crm.building')
            gogolya, = Building.create([{'company': company.id,
                        'city': 'Вологда', 'street': 'ул. Гоголя',
                        'house': '9'}])
            flat2, flat10 = Premise.create([{'building': gogolya.id,
                        'number': n} for n in ['2', '10']])
            on_10, on_lenina, on_2 = Appeal.create([{
                        'source': full.source.id, 'building': gogolya.id,
                        'premise': flat10.id,
                        }, {
                        'source': full.source.id, 'building': full.building.id,
                        'premise': flat.id,
                        }, {
                        'source': full.source.id, 'building': gogolya.id,
                        'premise': flat2.id,
                        }])
            ordered = [on_10, on_2, on_lenina]
            for direction, expected in [
                    ('ASC', ordered), ('DESC', ordered[::-1])]:
                self.assertEqual(Appeal.search(
                        [('id', 'in', [a.id for a in ordered])],
                        order=[('address_name', direction)]), expected)

    @with_transaction()
    def test_read_labels_as_trytond(self):
        """The labels of the list's selections are trytond's own, in
        Russian, with or without their values asked"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        company = create_company()
        with set_company(company):
            full, bare = self._appeals(company)
            Appeal.take([full])
        ids = [bare.id, full.id]
        for names in [['number', 'state:string', 'priority:string'],
                ['state', 'state:string', 'priority', 'priority:string'],
                ['state:string']]:
            rows = Appeal.read(ids, names)
            expected = ModelSQL.read.__func__(Appeal, ids, names)
            self.assertEqual(rows, expected)
            self.assertEqual(set(rows[0]), set(names) | {'id'})
        rows = {r['id']: r for r in Appeal.read(ids, ['state:string'])}
        self.assertEqual(rows[bare.id]['state:string'], 'Ввод данных')
        self.assertEqual(rows[full.id]['state:string'], 'В работе')
        rows = Appeal.read([full.id], ['priority:string'])
        self.assertEqual(rows[0]['priority:string'], 'Обычный')

    @with_transaction()
    def test_rpc_search_answers_ids_only(self):
        """The RPC search answers the ids the search finds, in its order,
        under the user's rules, without reading the rows into the cache"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Line = pool.get('crm.support_line')
        company = create_company()
        with set_company(company):
            full, bare = self._appeals(company)
            other, = Line.create([{'number': 4, 'name': 'Другая',
                        'company': company.id}])
            hidden, = Appeal.create([{'source': full.source.id,
                        'support_line': other.id}])
        operator = full.operator
        rpc = Appeal.__rpc__['search']
        search = rpc.decorate(Appeal.search)
        order = [('id', 'DESC')]
        with acting_as(operator):
            expected = [a.id for a in Appeal.search([], order=order)]
            Transaction().cache.clear()
            found = rpc.result(search([], 0, None, order))
            self.assertFalse([c for c in Transaction().cache.values()
                    if c.get(Appeal.__name__)])
            self.assertEqual(found, [bare.id, full.id])
            self.assertEqual(found, expected)
            self.assertEqual(rpc.result(search([], 1, 1, order)), [full.id])
            self.assertEqual(search([], count=True), 2)
        self.assertNotIn(hidden.id, found)

    def _name_of(self, appeal, column):
        row, = Pool().get('crm.appeal').read([appeal.id], [column])
        return row[column]

    @with_transaction()
    def test_catalogue_names_follow_renames(self):
        """The catalogues' names kept in memory follow a rename of each
        catalogue, of an organisation's party and of a source's
        translation"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Stage = pool.get('crm.stage')
        Rule = pool.get('crm.routing.rule')
        Translation = pool.get('ir.translation')
        company = create_company()
        with set_company(company):
            full, _ = self._appeals(company)
            stage, = Stage.create([{'company': company.id,
                        'name': 'Выезд', 'public_name': 'Выезд'}])
            rule, = Rule.create([{'company': company.id,
                        'name': 'Аварии днём', 'priority': 'high'}])
        table = Appeal.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.stage, table.routing_rule], [stage.id, rule.id],
                where=table.id == full.id))
        self.assertEqual(self._name_of(full, 'stage_name'), 'Выезд')
        renames = [
            ('source_name', full.source, 'name', 'Звонок', 'Звонок'),
            ('reason_group_name', full.reason_group, 'name', 'Сантехника',
                'Сантехника'),
            ('reason_name', full.reason, 'name', 'Течь', 'Течь'),
            ('support_line_name', full.support_line, 'number', 7,
                '7. Аварийная'),
            ('support_line_name', full.support_line, 'name', 'Диспетчерская',
                '7. Диспетчерская'),
            ('operator_name', full.operator, 'name', 'Смирнова Ольга',
                'Смирнова Ольга'),
            ('stage_name', stage, 'name', 'Ожидание', 'Ожидание'),
            ('routing_rule_name', rule, 'name', 'Аварии ночью',
                'Аварии ночью'),
            ('company_name', company.party, 'name', 'УК «Рассвет»',
                'УК «Рассвет»'),
            ]
        for column, record, field, value, expected in renames:
            with self.subTest(column=column, field=field):
                self.assertNotEqual(self._name_of(full, column), expected)
                setattr(record, field, value)
                record.save()
                self.assertEqual(self._name_of(full, column), expected)

        # A source's name in another language, then its translation edited
        default = pool.get('ir.configuration').get_language()
        other = 'en' if default != 'en' else 'ru'
        Lang = pool.get('ir.lang')
        Lang.write(Lang.search([('code', '=', other)]), {'translatable': True})
        source = full.source
        with Transaction().set_context(language=other):
            source.__class__.write([source], {'name': 'Phone'})
            self.assertEqual(self._name_of(full, 'source_name'), 'Phone')
        with Transaction().set_context(language=default):
            self.assertEqual(self._name_of(full, 'source_name'), 'Звонок')
        translation, = Translation.search([
                ('name', '=', 'crm.appeal.source,name'),
                ('res_id', '=', source.id), ('lang', '=', other)])
        translation.value = 'Call'
        translation.save()
        with Transaction().set_context(language=other):
            self.assertEqual(self._name_of(full, 'source_name'), 'Call')

    @with_transaction()
    def test_catalogue_names_kept_through_other_changes(self):
        """What does not name a catalogue leaves the names kept: another
        party renamed, a user's other fields; a catalogue row the cache
        does not know yet (made by another process) is named all the
        same"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Reason = pool.get('crm.appeal.reason')
        company = create_company()
        with set_company(company):
            full, bare = self._appeals(company)
        language = Transaction().language
        Appeal.read([full.id], list(CATALOGUES))
        for many2one in set(CATALOGUES.values()):
            self.assertIsNotNone(_labels.get((many2one, language)))
        full.applicant.name = 'Иванов Павел'
        full.applicant.save()
        full.operator.signature = 'С уважением'
        full.operator.save()
        self.assertIsNotNone(_labels.get(('company', language)))
        self.assertIsNotNone(_labels.get(('operator', language)))
        company.party.name = 'УК «Рассвет»'
        company.party.save()
        self.assertIsNone(_labels.get(('company', language)))

        # Written by SQL, as another process's row would be to this one
        Appeal.read([full.id], list(CATALOGUES))
        reason = Reason.__table__()
        table = Appeal.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*reason.insert(
                [reason.name, reason.code, reason.group, reason.active,
                    reason.time_basis],
                [['Запах газа', 'gas', full.reason_group.id, True,
                        'calendar']]))
        cursor.execute(*reason.select(reason.id,
                where=reason.name == 'Запах газа'))
        new_id, = cursor.fetchone()
        cursor.execute(*table.update([table.reason], [new_id],
                where=table.id == bare.id))
        rows = {r['id']: r for r in Appeal.read(
                [full.id, bare.id], ['reason_name', 'reason'])}
        self.assertEqual(rows[bare.id]['reason_name'], 'Запах газа')
        self.assertEqual(rows[bare.id]['reason'], new_id)
        self.assertEqual(rows[full.id]['reason_name'], 'Протечка')
        self.assertEqual(set(rows[full.id]), {'id', 'reason', 'reason_name'})

    @with_transaction()
    def test_rows_named_by_their_columns(self):
        """The rows of a read come named by their columns on either
        backend, past a thousand of them"""
        from .. import speedups
        cursor = Transaction().connection.cursor()
        cursor.execute('SELECT 1 AS "id", \'имя\' AS "name", '
            'NULL AS "_write", 2.5 AS "Сумма"')
        self.assertEqual(list(speedups.cursor_dict(cursor)),
            [{'id': 1, 'name': 'имя', '_write': None, 'Сумма': 2.5}])
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        company = create_company()
        with set_company(company):
            full, _ = self._appeals(company)
            Appeal.create([{'source': full.source.id}] * 1100)
        table = Appeal.__table__()
        cursor.execute(*table.select(table.id.as_('id'),
                table.number.as_('number'), order_by=[table.id]))
        rows = list(speedups.cursor_dict(cursor))
        self.assertEqual(len(rows), 1102)
        self.assertEqual(len({r['id'] for r in rows}), 1102)
        self.assertEqual(set(rows[-1]), {'id', 'number'})
        self.assertEqual(rows[-1]['number'],
            Appeal(rows[-1]['id']).number)
