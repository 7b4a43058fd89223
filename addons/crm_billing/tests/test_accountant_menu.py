"""An accountant who is no operator reaches billing: the top menu
«Расчёты» is his, and from it the accounts list of his organisation."""
from trytond.modules.crm_dispatch.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction

from .tools import billing_world


class CrmBillingAccountantMenuTestCase(_DBTestCase):
    "Billing menus of a pure accountant"
    module = 'crm_billing'
    language = 'ru'

    @with_transaction()
    def test_pure_accountant(self):
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        User = pool.get('res.user')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        Account = pool.get('crm.account')
        w = billing_world()
        accountant = User.create([{
                    'name': "Бухгалтер без обращений", 'login': 'pure_acc',
                    'companies': [('add', [w['north'].id])],
                    'company': w['north'].id,
                    'groups': [('add', [ModelData.get_id(
                                    'crm_billing', 'group_crm_accountant')])],
                    }])[0]
        operator = Group(ModelData.get_id('crm_dispatch', 'group_crm_operator'))
        self.assertNotIn(operator, accountant.groups)
        billing = Menu(ModelData.get_id('crm_billing', 'menu_billing'))
        crm = Menu(ModelData.get_id('crm_dispatch', 'menu_crm'))
        cards = Menu(ModelData.get_id('crm_billing', 'menu_account_card'))

        with acting_as(accountant):
            tops = Menu.search([('parent', '=', None)])
            self.assertIn(billing, tops)
            self.assertNotIn(crm, tops)
            self.assertIn(cards, Menu.search([('parent', '=', billing.id)]))
            # The entry opens the accounts of his organisation
            action = Menu(cards.id).action
            self.assertEqual(action.res_model, 'crm.account')
            self.assertEqual(sorted(a.number for a in Account.search([])),
                ['N0001', 'N0002', 'N0003'])
        with acting_as(w['north_operator']):
            self.assertIn(billing, Menu.search([('parent', '=', None)]))


del _DBTestCase
