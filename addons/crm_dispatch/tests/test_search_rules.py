"""The search box by an applicant's name under record rules: the appeals
of the applicants found are filtered by the running search's rules before
they are fetched (appeal_search.py, _visible_ids), and exactly the appeals
the user may open are found."""
from unittest import mock

from trytond.modules.company.tests import create_company
from trytond.modules.crm_dispatch.tests.tools import (
    acting_as, create_appeal, create_staff, write_columns)
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from .. import appeal_search, search

NAME = 'Иванова Анна'


class CrmDispatchSearchRulesTestCase(_DBTestCase):
    "The search box by name follows the record rules"
    module = 'crm_dispatch'
    language = 'ru'

    def _setup(self):
        """An operator of line 1; Иванова Анна's appeals on line 1, on
        line 2, on line 2 observed by the operator, without a line and in
        another organisation; (operator, visible appeals, all appeals)"""
        pool = Pool()
        Source = pool.get('crm.appeal.source')
        Line = pool.get('crm.support_line')
        Party = pool.get('party.party')
        Appeal = pool.get('crm.appeal')
        north = create_company(name='УК Север')
        south = create_company(name='УК Юг')
        source, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        line1, line2, line_south = Line.create([
                {'number': 1, 'name': 'Линия 1', 'company': north.id},
                {'number': 2, 'name': 'Линия 2', 'company': north.id},
                {'number': 3, 'name': 'Линия 3', 'company': south.id},
                ])
        operator = create_staff('operator1', north, [line1])
        anna, other = Party.create([{'name': 'Иванова Анна Сергеевна'},
                {'name': 'Петров Иван'}])
        own = create_appeal(north, source, line1, 'draft', None,
            applicant=anna)
        foreign = create_appeal(north, source, line2, 'in_work', None,
            applicant=anna)
        observed = create_appeal(north, source, line2, 'draft', None,
            applicant=anna)
        Appeal.write([observed], {'observers': [('add', [operator.id])]})
        undivided = create_appeal(north, source, line1, 'resolved', None,
            applicant=anna)
        write_columns(undivided, support_line=None)
        southern = create_appeal(south, source, line_south, 'draft', None,
            applicant=anna)
        create_appeal(north, source, line1, 'draft', None, applicant=other)
        return (operator, {own, observed, undivided},
            {own, foreign, observed, undivided, southern})

    def _search(self):
        Appeal = Pool().get('crm.appeal')
        return Appeal.search([('rec_name', 'ilike', f'%{NAME}%')])

    @with_transaction()
    def test_found_as_the_rules_allow(self):
        """The operator finds his line's, the observed and the lineless
        appeals of the name, in the list's order; without checks all of
        them, by ids and by the sub-query of a name too common for ids"""
        Appeal = Pool().get('crm.appeal')
        operator, visible, everything = self._setup()
        for ids_max in [search.IDS_MAX, 0]:
            with self.subTest(ids_max=ids_max), \
                    mock.patch.object(search, 'IDS_MAX', ids_max):
                with acting_as(operator):
                    found = self._search()
                    self.assertEqual(set(found), visible)
                    self.assertEqual(found, Appeal.search(
                            [('id', 'in', [a.id for a in visible])]))
                with acting_as(operator, checked=False):
                    self.assertEqual(set(self._search()), everything)

    @with_transaction()
    def test_searcher_filters_by_the_search_rules(self):
        """The appeals of the applicants found are filtered by the rules
        the running search applies: the operator's when checked, none
        unchecked or outside a search"""
        Appeal = Pool().get('crm.appeal')
        operator, visible, everything = self._setup()
        anna = next(iter(visible)).applicant
        cursor = Transaction().connection.cursor()
        seen = []
        visible_ids = Appeal._visible_ids

        def recorded(name, ids):
            query = visible_ids(name, ids)
            cursor.execute(*query)
            seen.append((appeal_search._search_checked.get(),
                    {Appeal(i) for i, in cursor}))
            return query

        with mock.patch.object(Appeal, '_visible_ids', recorded):
            with acting_as(operator):
                self._search()
            with acting_as(operator, checked=False):
                self._search()
            with acting_as(operator):
                Appeal.search_rec_name(
                    'rec_name', ('rec_name', 'ilike', f'%{NAME}%'))
        self.assertEqual(seen, [
                (True, visible),
                (False, everything),
                (False, everything),
                ])
        self.assertEqual({a.applicant for a in everything}, {anna})

