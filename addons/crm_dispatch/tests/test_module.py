from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class CrmDispatchTestCase(CompanyTestMixin, ModuleTestCase):
    "Test crm_dispatch module"
    module = 'crm_dispatch'

    @property
    def _skip_company_rule(self):
        # Lines and result templates may be shared by all organisations
        return super()._skip_company_rule | {
            ('crm.support_line', 'company'),
            ('crm.appeal.result', 'company'),
            }


del ModuleTestCase
