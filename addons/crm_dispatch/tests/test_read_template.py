"""The appeal list's read run from a kept text answers as Tryton's read:
the same rows under the same rules, its moments moved to the reading
moment, its settings followed, and refused where Tryton refuses."""
import datetime as dt
import functools
from unittest import mock

from sql import Null
from sql.conditionals import Case

from trytond.exceptions import UserError
from trytond.model import ModelSQL
from trytond.modules.company.tests import create_company
from trytond.modules.crm_dispatch.tests.tools import (
    acting_as, create_appeal, create_staff)
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from .. import read_template
from ..read_template import _column, template_read

HOUR = dt.timedelta(hours=1)


class CrmDispatchReadTemplateTestCase(_DBTestCase):
    "The list's read from a kept text"
    module = 'crm_dispatch'
    language = 'ru'

    def setUp(self):
        super().setUp()
        read_template._templates.clear()

    def _setup(self):
        pool = Pool()
        Source = pool.get('crm.appeal.source')
        Line = pool.get('crm.support_line')
        Party = pool.get('party.party')
        company = create_company(name='УК Север')
        source, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        line, other = Line.create([{
                    'number': n, 'name': f'Линия {n}', 'company': company.id,
                    } for n in (1, 2)])
        operator = create_staff('operator1', company, [line])
        applicant, = Party.create([{'name': 'Иванова Анна'}])
        now = dt.datetime.now()
        appeals = [create_appeal(company, source, line, state, deadline,
                applicant=applicant, operator=operator)
            for state, deadline in [
                ('in_work', now - HOUR),        # overdue
                ('draft', now + HOUR),          # due soon
                ('in_work', now + 10 * HOUR),   # later
                ('draft', None),
                ('resolved', now - 24 * HOUR),
                ]]
        hidden = create_appeal(company, source, other, 'draft', now)
        read_template._templates.clear()
        return company, operator, appeals, hidden

    def _list_names(self):
        "The names sao reads for the appeal list, those SQL answers"
        Appeal = Pool().get('crm.appeal')
        view = Appeal.fields_view_get(view_type='tree')
        names = [n for n in view['fields'] if _column(Appeal, n)]
        return names + ['_timestamp', '_write', '_delete']

    def _read(self, ids, names):
        "The read from a kept text, rows by id"
        Appeal = Pool().get('crm.appeal')
        read = functools.partial(ModelSQL.read.__func__, Appeal)
        return sorted(template_read(Appeal, read, ids, names),
            key=lambda r: r['id'])

    @with_transaction()
    def test_rows_as_tryton_reads_them(self):
        "Every column of the list, as Tryton's read gives it, kept or not"
        Appeal = Pool().get('crm.appeal')
        company, operator, appeals, _ = self._setup()
        ids = [a.id for a in appeals]
        names = self._list_names()
        self.assertTrue({'number', 'overdue', 'breach_soon',
                'applicant_name', 'address_name'} <= set(names))
        with acting_as(operator):
            for _ in range(2):  # composed, then kept
                rows = self._read(ids, names)
                expected = sorted(ModelSQL.read.__func__(Appeal, ids, names),
                    key=lambda r: r['id'])
                self.assertEqual(rows, expected)
                self.assertEqual(len(read_template._templates), 1)
                self.assertNotIn(None, read_template._templates.values())
            # From another address: the same text
            for address in ['10.0.0.1', '10.0.0.2']:
                with Transaction().set_context(
                        _request={'remote_addr': address}):
                    self.assertEqual(self._read(ids, names), rows)
            self.assertEqual(len(read_template._templates), 1)
            # Fewer ids, another order, duplicated: one text (arrays) or
            # one per count (SQLite), the same rows as Tryton's
            subset = [ids[2], ids[0], ids[2]]
            self.assertEqual(self._read(subset, names), sorted(
                    ModelSQL.read.__func__(Appeal, subset, names),
                    key=lambda r: r['id']))
        self.assertEqual([r['overdue'] for r in rows],
            [True, False, False, False, False])
        self.assertEqual([bool(r['breach_soon']) for r in rows],
            [False, True, False, False, False])
        self.assertEqual(rows[0]['applicant_name'], 'Иванова Анна')
        self.assertNotIn('write_date', rows[0])
        self.assertTrue(all(r['_write'] and r['_delete'] for r in rows))

    @with_transaction()
    def test_list_read_takes_kept_text(self):
        """The list's read as the web client sends it (its eager columns,
        labels, display name, timestamp and rights) runs a kept text"""
        Appeal = Pool().get('crm.appeal')
        company, operator, appeals, _ = self._setup()
        view = Appeal.fields_view_get(view_type='tree')
        names = ['rec_name', '_timestamp', '_write', '_delete']
        for name, field in view['fields'].items():
            if field.get('loading', 'eager') == 'eager':
                names.append(name)
                if field['type'] == 'selection':
                    names.append(name + ':string')
        with acting_as(operator):
            rows = Appeal.read([a.id for a in appeals], names)
        self.assertEqual(len(rows), len(appeals))
        self.assertTrue(read_template._templates)
        self.assertNotIn(None, read_template._templates.values())

    @with_transaction()
    def test_kept_text_moves_to_the_reading_moment(self):
        "Read two hours later from the same text, the flags follow the clock"
        company, operator, appeals, _ = self._setup()
        ids = [appeals[1].id]  # due in an hour
        names = ['overdue', 'breach_soon']
        with acting_as(operator):
            row, = self._read(ids, names)
            self.assertEqual((row['overdue'], row['breach_soon']),
                (False, True))
            later = dt.datetime.now() + 2 * HOUR
            with mock.patch.object(read_template, '_now', lambda: later), \
                    mock.patch.object(read_template, '_compose',
                        side_effect=AssertionError('composed again')):
                row, = self._read(ids, names)
        self.assertEqual((row['overdue'], row['breach_soon']), (True, False))

    @with_transaction()
    def test_due_soon_hours_follow_the_settings(self):
        "A wider «due soon» window in the settings is read at once"
        Configuration = Pool().get('crm.configuration')
        company, operator, appeals, _ = self._setup()
        ids = [appeals[2].id]  # due in ten hours
        with acting_as(operator):
            row, = self._read(ids, ['breach_soon'])
            self.assertFalse(row['breach_soon'])
        Configuration.write([Configuration(1)], {'desk_due_hours': 12})
        with acting_as(operator):
            row, = self._read(ids, ['breach_soon'])
        self.assertTrue(row['breach_soon'])

    @with_transaction()
    def test_other_moments_composed_each_time(self):
        """A column whose SQL holds a moment not from query_now is read by
        Tryton's read, each time correct"""
        Appeal = Pool().get('crm.appeal')
        company, operator, appeals, _ = self._setup()
        ids = [appeals[0].id, appeals[1].id]

        def column_overdue(cls, tables, now=None):
            table, _ = tables[None]
            start = dt.datetime.combine(dt.date.today(), dt.time())
            return Case((table.deadline == Null, False),
                else_=table.deadline < start + 24 * HOUR)
        with mock.patch.object(Appeal, 'column_overdue',
                classmethod(column_overdue)), acting_as(operator):
            rows = self._read(ids, ['overdue'])
            self.assertEqual(list(read_template._templates.values()), [None])
            self.assertEqual(rows, sorted(
                    ModelSQL.read.__func__(Appeal, ids, ['overdue']),
                    key=lambda r: r['id']))

    @with_transaction()
    def test_refused_as_tryton_refuses(self):
        "An appeal of a line the operator may not see is refused, in Russian"
        company, operator, appeals, hidden = self._setup()
        with acting_as(operator):
            self._read([appeals[0].id], ['number'])  # the text is kept
            with self.assertRaises(UserError) as refused:
                self._read([appeals[0].id, hidden.id], ['number'])
            with self.assertRaises(UserError) as refused_alone:
                self._read([hidden.id], ['number'])
        for error in [refused, refused_alone]:
            self.assertIn(f'Записи {hidden.id} «Обращение» вам недоступны',
                error.exception.message)

    @with_transaction()
    def test_past_and_computed_names_read_by_tryton(self):
        """A read of the past or of a name SQL does not answer is Tryton's
        own, and keeps no text"""
        Appeal = Pool().get('crm.appeal')
        company, operator, appeals, _ = self._setup()
        ids = [appeals[0].id]
        with acting_as(operator):
            Appeal.read(ids, ['number', 'events'])
            Appeal.read(ids, ['number', 'state:string'])  # labels: computed
            with Transaction().set_context(_datetime=dt.datetime.now()):
                Appeal.read(ids, ['number'])
        self.assertEqual([k[2] for k in read_template._templates],
            [('id', 'number', 'state', 'write_date')])

    @with_transaction()
    def test_rules_changed_read_anew(self):
        "An operator taken off the line is refused its appeals at once"
        User = Pool().get('res.user')
        company, operator, appeals, _ = self._setup()
        ids = [appeals[0].id]
        with acting_as(operator):
            row, = self._read(ids, ['number'])
        User.write([operator], {'crm_lines': [('remove',
                        [appeals[0].support_line.id])]})
        with acting_as(operator), self.assertRaises(UserError) as refused:
            self._read(ids, ['number'])
        self.assertIn(f'Записи {ids[0]} «Обращение» вам недоступны',
            refused.exception.message)
