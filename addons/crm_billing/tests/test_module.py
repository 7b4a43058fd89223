from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class CrmBillingTestCase(CompanyTestMixin, ModuleTestCase):
    "Test crm_billing module"
    module = 'crm_billing'
    language = 'ru'


del ModuleTestCase
