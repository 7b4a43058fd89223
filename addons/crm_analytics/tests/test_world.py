"The fixed world of tests/tools.py reads as its table says."
from trytond.modules.crm_dispatch.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction

from .tools import analytics_world


class CrmAnalyticsWorldTestCase(_DBTestCase):
    "The analytics tests' world"
    module = 'crm_analytics'
    language = 'ru'

    @with_transaction()
    def test_world_as_described(self):
        "Counts of the table by hand, and who reads which appeals"
        Appeal = Pool().get('crm.appeal')
        w = analytics_world()
        org1 = [a for a in w['appeals'] if a.company == w['org1']]
        self.assertEqual(len(org1), 10)
        self.assertEqual(
            [w['appeals'].index(a) + 1 for a in org1 if a.overdue],
            [2, 4, 7, 10])
        with acting_as(w['op1']):
            seen = Appeal.search([], order=[('id', 'ASC')])
        self.assertEqual([w['appeals'].index(a) + 1 for a in seen],
            [1, 2, 3, 4, 5, 10])
        with acting_as(w['supervisor1']):
            seen = Appeal.search([], order=[('id', 'ASC')])
        self.assertEqual([w['appeals'].index(a) + 1 for a in seen],
            list(range(1, 11)))
