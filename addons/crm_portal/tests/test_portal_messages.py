"""Every message and label of crm_portal reaches the user in Russian: in
the source (locale/ru.po against message.xml) and in a database activated
in Russian; the checks are those of crm_dispatch's messages."""
import os

import polib

from trytond.i18n import gettext
from trytond.modules.crm_dispatch.tests.test_messages import (
    check_russian, module_messages)
from trytond.modules.crm_dispatch.tests.tools import CYRILLIC
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

MODULE_DIR = os.path.join(os.path.dirname(__file__), '..')


def po_entries():
    po = polib.pofile(os.path.join(MODULE_DIR, 'locale', 'ru.po'))
    return {e.msgctxt: e for e in po if not e.obsolete and e.msgctxt}


class CrmPortalMessagesTestCase(_DBTestCase):
    "Messages and labels of crm_portal in Russian"
    module = 'crm_portal'
    language = 'ru'

    def test_messages_translated_in_po(self):
        "Every message of message.xml has a current Russian text in ru.po"
        messages = module_messages(MODULE_DIR)
        self.assertGreater(len(messages), 10)
        entries = po_entries()
        for xml_id, english in messages.items():
            entry = entries.get(f'model:ir.message,text:{xml_id}')
            with self.subTest(message=xml_id):
                self.assertIsNotNone(entry, f"{xml_id} missing in ru.po")
                self.assertNotIn('fuzzy', entry.flags, xml_id)
                self.assertEqual(entry.msgid, english, xml_id)
            if entry:
                check_russian(self, xml_id, english, entry.msgstr)

    @with_transaction()
    def test_messages_russian_in_database(self):
        "Every ir.message of the module is Russian once activated in Russian"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Message = pool.get('ir.message')
        data = ModelData.search([
                ('module', '=', 'crm_portal'),
                ('model', '=', 'ir.message'),
                ])
        self.assertEqual(
            {d.fs_id for d in data}, set(module_messages(MODULE_DIR)))
        for record in data:
            with Transaction().set_context(language='en'):
                english = Message(record.db_id).text
            with Transaction().set_context(language='ru'):
                russian = gettext(f'crm_portal.{record.fs_id}')
            check_russian(self, record.fs_id, english, russian)

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
