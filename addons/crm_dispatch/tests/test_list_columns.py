"""The appeal list's columns: each user shows or hides the optional ones for
himself, and every column stays a column of the read's own query."""
import datetime as dt
from contextlib import ExitStack
from unittest.mock import patch

from lxml import etree

from trytond.model import fields
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_dispatch.tests.tools import (
    acting_as, create_staff, write_columns)
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction


def columns(arch):
    "{field name: its optional attribute} of a list view's arch"
    return {f.get('name'): f.get('optional')
        for f in etree.fromstring(arch).iter('field')
        if f.get('widget') != 'time'}


class CrmDispatchListColumnsTestCase(_DBTestCase):
    "Per-user columns of the appeals list"
    module = 'crm_dispatch'
    language = 'ru'

    def _view_id(self):
        return Pool().get('ir.model.data').get_id(
            'crm_dispatch', 'appeal_view_list')

    @with_transaction()
    def test_columns_are_sql(self):
        """Every column of the list, optional ones included, is a stored
        column, an SQL expression or worded by the read from the row's
        columns (the time left): reading the queue calls no getter"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Source = pool.get('crm.appeal.source')
        view = Appeal.fields_view_get(self._view_id(), 'tree')
        shown = columns(view['arch'])
        self.assertGreaterEqual(
            {n for n, o in shown.items() if o is not None}, {
                'description', 'contact_phone', 'building_name',
                'operator_name', 'reason_group_name', 'company_name',
                'closed_date', 'labour_minutes', 'rating'})
        for name in shown:
            field = Appeal._fields[name]
            with self.subTest(column=name):
                if isinstance(field, fields.Function) and name != 'time_left':
                    self.assertIsNone(field.getter)
                    self.assertTrue(hasattr(Appeal, f'column_{name}'))
                elif not isinstance(field, fields.Function):
                    self.assertNotIn(field._type, {
                            'many2one', 'one2many', 'many2many'})
        # No getter of the model is called by the read of the list
        company = create_company()
        source, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        with set_company(company):
            appeal, = Appeal.create([{'source': source.id}])
            write_columns(appeal, deadline=dt.datetime.now()
                + dt.timedelta(hours=2, minutes=30))
            getters = {f.getter for f in Appeal._fields.values()
                if isinstance(f, fields.Function) and f.getter}

            def called(*args, **kwargs):
                raise AssertionError("a getter was called")
            with ExitStack() as stack:
                for getter in getters:
                    stack.enter_context(patch.object(Appeal, getter, called))
                row, = Appeal.read([appeal.id], list(shown))
        self.assertRegex(row['time_left'], r'^осталось 2 ч (29|30) мин$')

    @with_transaction()
    def test_datetime_columns_have_a_widget(self):
        """sao's lists have no date-time column: a date-time field must be
        shown by its date or its time, or the whole list fails to draw"""
        pool = Pool()
        View = pool.get('ir.ui.view')
        for view in View.search([
                    ('module', '=', 'crm_dispatch'), ('type', '=', 'tree')]):
            Model = pool.get(view.model)
            for node in etree.fromstring(view.arch).iter('field'):
                field = Model._fields[node.get('name')]
                if field._type in {'datetime', 'timestamp'}:
                    with self.subTest(view=view.name, field=field.name):
                        self.assertIn(node.get('widget'), {'date', 'time'})

    @with_transaction()
    def test_optional_columns_per_user(self):
        """A column one operator shows or hides stays so for him and only
        for him, through the call sao makes"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Optional = pool.get('ir.ui.view_tree_optional')
        company = create_company()
        anna = create_staff('anna', company)
        igor = create_staff('igor', company)
        view_id = self._view_id()
        with acting_as(anna):
            default = columns(Appeal.fields_view_get(view_id, 'tree')['arch'])
            self.assertEqual(default['description'], '1')
            self.assertEqual(default['operator_name'], '0')
            # sao: Sao.View.Tree.save_optional, value True = hidden
            Optional.set_optional(view_id, {
                    'description': False, 'operator_name': True})
            own = columns(Appeal.fields_view_get(view_id, 'tree')['arch'])
        self.assertEqual(
            (own['description'], own['operator_name']), ('0', '1'))
        with acting_as(igor):
            other = columns(Appeal.fields_view_get(view_id, 'tree')['arch'])
        self.assertEqual(other, default)
        with acting_as(anna):
            # Shown again: the choice is replaced, not added to
            Optional.set_optional(view_id, {'operator_name': False})
            again = columns(Appeal.fields_view_get(view_id, 'tree')['arch'])
        self.assertEqual(
            (again['description'], again['operator_name']), ('0', '0'))
        self.assertEqual(Optional.search_count([('user', '=', anna.id)]), 2)


del _DBTestCase
