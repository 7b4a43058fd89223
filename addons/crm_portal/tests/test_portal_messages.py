"""Every message and label of crm_portal reaches the user in Russian: in
the source (locale/ru.po against message.xml) and in a database activated
in Russian; the checks are those of crm_dispatch's messages."""
import os

from trytond.modules.crm_dispatch.tests.test_messages import (
    MessagesTestMixin)
from trytond.modules.crm_dispatch.tests.tools import CYRILLIC
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

MODULE_DIR = os.path.join(os.path.dirname(__file__), '..')


class CrmPortalMessagesTestCase(MessagesTestMixin, _DBTestCase):
    "Messages and labels of crm_portal in Russian"
    module = 'crm_portal'
    module_dir = MODULE_DIR

    @with_transaction()
    def test_account_labels_russian(self):
        "What the back office shows of portal accounts and agreements"
        pool = Pool()
        for model, names in [
                ('web.user', ['phone', 'agreement', 'agreement_date',
                        'notify_email']),
                ('crm.portal.agreement', ['version', 'title', 'text',
                        'date', 'active']),
                ]:
            with Transaction().set_context(language='ru'):
                fields = pool.get(model).fields_get(names)
            for name in names:
                with self.subTest(model=model, field=name):
                    self.assertRegex(fields[name]['string'], CYRILLIC)
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        with Transaction().set_context(language='ru'):
            menu = Menu(ModelData.get_id('crm_portal', 'menu_agreement_form'))
            self.assertEqual(menu.name, 'Пользовательские соглашения портала')
            self.assertEqual(menu.parent.id, ModelData.get_id(
                    'crm_dispatch', 'menu_configuration'))


del _DBTestCase
