"""Every criterion of the appeals' search box is served by an index on
PostgreSQL: one criterion without one (the extra fields' text once) makes
each search read the whole appeals table, ~0.5 s at 1M appeals.

The planner is told to avoid sequential scans; it still takes one where no
index can answer, and that is what the test looks for."""
import json
import unittest
from unittest.mock import patch

from trytond import backend
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from .. import search as search_module
from .test_search_box import NOVIKOVA_PHONES, CrmDispatchSearchBoxTestCase

TYPED = [
    'СК-000001', 'новикова', 'НОВИКОВА светлана', *NOVIKOVA_PHONES,
    'novikova.s@example.ru', '3500010007', 'ул. Козлёнская, д. 5, кв. 12',
    'Ленина 15',
    ]
# The big tables of a search: a scan of a small catalogue (buildings,
# premises) costs nothing
BIG = {'crm_appeal', 'party_party', 'party_contact_mechanism',
    'crm_account'}


def seq_scans(plan):
    "The relations plan (EXPLAIN's JSON tree) reads by a sequential scan"
    found = set()
    if plan.get('Node Type') == 'Seq Scan':
        found.add(plan['Relation Name'])
    for child in plan.get('Plans', []):
        found |= seq_scans(child)
    return found


@unittest.skipIf(backend.name != 'postgresql', "PostgreSQL plans")
class CrmDispatchSearchIndexesTestCase(_DBTestCase):
    "The search box reads the appeals through indexes"
    module = 'crm_dispatch'
    language = 'ru'

    _desk = CrmDispatchSearchBoxTestCase._desk

    def _scans(self, typed):
        Appeal = Pool().get('crm.appeal')
        query = Appeal.search(
            [('rec_name', 'ilike', f'%{typed}%')], limit=80, query=True)
        cursor = Transaction().connection.cursor()
        cursor.execute('SET LOCAL enable_seqscan = off')
        cursor.execute('EXPLAIN (FORMAT JSON) ' + str(query), query.params)
        plan, = cursor.fetchone()
        if isinstance(plan, str):
            plan = json.loads(plan)
        return seq_scans(plan[0]['Plan']) & BIG

    def _check(self):
        self._desk()
        for typed in TYPED:
            with self.subTest(typed=typed):
                self.assertEqual(self._scans(typed), set(), typed)

    @with_transaction()
    def test_criteria_resolved_to_ids(self):
        "Each criterion's few ids, then the appeals by their indexes"
        with set_company(create_company()):
            self._check()

    @with_transaction()
    def test_criteria_as_sub_queries(self):
        "Each criterion left as a sub-query for the database"
        with set_company(create_company()), patch.object(
                search_module, 'IDS_MAX', 0):
            self._check()

    @with_transaction()
    def test_applicants_appeals_from_index_alone(self):
        """The appeals of the applicants a name finds (thousands for a
        common name at a million appeals) can be read and filtered by the
        record rules from an index alone, not row by row from the table:
        an index leads with the applicant and holds the appeal's id, its
        organisation and its line"""
        cursor = Transaction().connection.cursor()
        cursor.execute("""
            SELECT ARRAY(
                    SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY
                        AS k(attnum, position)
                    JOIN pg_attribute AS a ON a.attrelid = i.indrelid
                        AND a.attnum = k.attnum
                    ORDER BY k.position)
            FROM pg_index AS i
            WHERE i.indrelid = 'crm_appeal'::regclass
                AND i.indpred IS NULL""")
        columns = [list(c) for c, in cursor]
        self.assertIn(['applicant', 'id', 'company', 'support_line'],
            columns)
