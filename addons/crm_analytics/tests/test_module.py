from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class CrmAnalyticsTestCase(CompanyTestMixin, ModuleTestCase):
    "Test crm_analytics module"
    module = 'crm_analytics'
    language = 'ru'


del ModuleTestCase
