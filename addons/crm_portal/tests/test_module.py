from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class CrmPortalTestCase(CompanyTestMixin, ModuleTestCase):
    "Test crm_portal module"
    module = 'crm_portal'
    # Every other database test of the portal runs in Russian: one
    # activation of the module (a minute of the suite) serves them all
    language = 'ru'

    @property
    def _skip_company_rule(self):
        # The portal adds kinds to crm_dispatch's message templates, shared
        # by all organisations (their rule is crm_dispatch's)
        return super()._skip_company_rule | {
            ('crm.message.template', 'company'),
            }


del ModuleTestCase
