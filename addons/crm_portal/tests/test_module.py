from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class CrmPortalTestCase(CompanyTestMixin, ModuleTestCase):
    "Test crm_portal module"
    module = 'crm_portal'


del ModuleTestCase
