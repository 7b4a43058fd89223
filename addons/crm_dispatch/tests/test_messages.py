"""Every message of the module reaches the user in Russian: in the source
(locale/ru.po against message.xml) and in a database activated in Russian."""
import os
import re
import xml.etree.ElementTree as ET

import polib

from trytond.i18n import gettext
from trytond.modules.crm_dispatch.tests.tools import CYRILLIC
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

MODULE_DIR = os.path.join(os.path.dirname(__file__), '..')
PLACEHOLDER = re.compile(r'%\((\w+)\)[sd]')


def module_messages(module_dir=MODULE_DIR):
    "Return {xml id: English text} of the ir.message records of the module"
    tree = ET.parse(os.path.join(module_dir, 'message.xml'))
    return {
        record.get('id'): record.find("field[@name='text']").text
        for record in tree.iter('record')
        if record.get('model') == 'ir.message'}


def check_russian(testcase, xml_id, english, russian):
    "Assert russian is a real translation of english"
    with testcase.subTest(message=xml_id):
        testcase.assertTrue(russian, f"{xml_id}: no Russian text")
        testcase.assertRegex(russian, CYRILLIC, f"{xml_id}: not Russian")
        testcase.assertNotEqual(russian, english)
        # A lost or misspelt placeholder fails only when the message is
        # raised, as a KeyError instead of the refusal
        testcase.assertEqual(
            sorted(PLACEHOLDER.findall(russian)),
            sorted(PLACEHOLDER.findall(english)), xml_id)


class MessagesTestMixin:
    """Every message of self.module (its message.xml in self.module_dir)
    has a current Russian text in ru.po and in a database activated in
    Russian.  Mixed into a _DBTestCase with language = 'ru' (a database
    activated in Russian, as build-db.sh makes it, without the generic
    checks that test_module.py runs once)."""
    module_dir = MODULE_DIR
    language = 'ru'

    def test_messages_translated_in_po(self):
        "Every message of message.xml has a current Russian text in ru.po"
        messages = module_messages(self.module_dir)
        self.assertGreaterEqual(len(messages), 5)
        po = polib.pofile(os.path.join(self.module_dir, 'locale', 'ru.po'))
        entries = {
            e.msgctxt: e for e in po
            if not e.obsolete and e.msgctxt
            and e.msgctxt.startswith('model:ir.message,text:')}
        for xml_id, english in messages.items():
            entry = entries.get(f'model:ir.message,text:{xml_id}')
            with self.subTest(message=xml_id):
                self.assertIsNotNone(entry, f"{xml_id} missing in ru.po")
                # Tryton does not load fuzzy entries, nor would a stale
                # msgid match the message any more
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
                ('module', '=', self.module),
                ('model', '=', 'ir.message'),
                ])
        # Every record of message.xml made it into the database
        self.assertEqual(
            {d.fs_id for d in data}, set(module_messages(self.module_dir)))
        for record in data:
            with Transaction().set_context(language='en'):
                english = Message(record.db_id).text
            with Transaction().set_context(language='ru'):
                russian = gettext(f'{self.module}.{record.fs_id}')
            check_russian(self, record.fs_id, english, russian)


class CrmDispatchMessagesTestCase(MessagesTestMixin, _DBTestCase):
    "Messages of crm_dispatch in Russian"
    module = 'crm_dispatch'


del _DBTestCase
