"""Russian where Tryton's own modules speak to a CRM user: their messages
(refusals, validation errors), the identifier types offered for a party,
the top bar without the currency.  The screens themselves are walked by
tests/test_russian_ui.py over JSON-RPC."""
import os
import re

from trytond.i18n import gettext
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_dispatch.tests.test_messages import (
    MODULE_DIR, PLACEHOLDER)
from trytond.modules.crm_dispatch.tests.tools import CYRILLIC, create_staff
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

CORE_MODULES = ['ir', 'res', 'party', 'company', 'country', 'currency']
# Messages that are acronyms in Russian too
ACRONYMS = re.compile(r'^(XML )?ID$')


def po_entries(*path):
    "{(msgctxt, msgid): entry} of a po file of the module"
    import polib
    return {(e.msgctxt, e.msgid): e for e in polib.pofile(
            os.path.join(MODULE_DIR, 'locale', *path)) if not e.obsolete}


class CrmDispatchRussianTestCase(_DBTestCase):
    "Tryton's own modules in Russian"
    module = 'crm_dispatch'
    language = 'ru'

    def test_override_po(self):
        "locale/override/ru.po: Russian, placeholders kept, not in ru.po"
        overrides = po_entries('override', 'ru.po')
        self.assertGreater(len(overrides), 500)
        # One text translated in both files would be two rows of one key
        self.assertEqual(set(overrides) & set(po_entries('ru.po')), set())
        for (msgctxt, msgid), entry in overrides.items():
            with self.subTest(msgctxt=msgctxt, msgid=msgid):
                self.assertNotIn('fuzzy', entry.flags)
                # Russian, or acronyms only (SIP, REST API, XML ID)
                self.assertTrue(CYRILLIC.search(entry.msgstr)
                    or re.fullmatch('[A-Z0-9 ]+', entry.msgstr),
                    entry.msgstr)
                self.assertEqual(sorted(PLACEHOLDER.findall(entry.msgstr)),
                    sorted(PLACEHOLDER.findall(msgid)))

    @with_transaction()
    def test_core_names_found_in_russian(self):
        """The admin finds Tryton's own models and fields by the Russian
        names he reads: override/ru.po replaces their translation rows
        (msgctxt «…:module.»), so that no untranslated row of the module
        beside ours wins the search (SQLite takes the least of them)"""
        pool = Pool()
        Model = pool.get('ir.model')
        Field = pool.get('ir.model.field')
        for text in ['Кэш аватара', 'кэш АВАТАРА']:
            with self.subTest(text=text):
                models = Model.search([('string', 'ilike', f'%{text}%')])
                self.assertEqual([m.name for m in models], ['ir.avatar.cache'])
        model, = Model.search([('string', '=', 'Кэш аватара')])
        self.assertEqual(model.string, 'Кэш аватара')
        fields = Field.search([
                ('model', '=', 'company.employee'),
                ('string', 'ilike', 'дата окончания'),
                ])
        self.assertEqual([f.name for f in fields], ['end_date'])

    @with_transaction()
    def test_core_messages_in_russian(self):
        "Every message of ir, res, party, company... reads in Russian"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Message = pool.get('ir.message')
        data = ModelData.search([
                ('module', 'in', CORE_MODULES),
                ('model', '=', 'ir.message'),
                ])
        self.assertGreater(len(data), 150)
        english = []
        for record in data:
            with Transaction().set_context(language='en'):
                source = Message(record.db_id).text
            with Transaction().set_context(language='ru'):
                text = gettext(f'{record.module}.{record.fs_id}')
            name = f'{record.module}.{record.fs_id}'
            if not (CYRILLIC.search(text) or ACRONYMS.match(text)):
                english.append(f'{name}: {text}')
                continue
            # A lost placeholder fails only when the message is raised
            self.assertEqual(sorted(PLACEHOLDER.findall(text)),
                sorted(PLACEHOLDER.findall(source)), name)
        self.assertEqual(english, [], '\n'.join(english))

    @with_transaction()
    def test_identifier_types(self):
        "A party's identifier is an ИНН or an ОГРН, in Russian"
        pool = Pool()
        Identifier = pool.get('party.identifier')
        with Transaction().set_context(language='ru'):
            self.assertEqual(Identifier.get_types(), [
                    (None, ''), ('ru_vat', 'ИНН'), ('ru_ogrn', 'ОГРН')])

    @with_transaction()
    def test_party_labels_as_russians_say(self):
        "«Мобильный телефон», not Tryton's «сот.телефон»"
        pool = Pool()
        Party = pool.get('party.party')
        Mechanism = pool.get('party.contact_mechanism')
        with Transaction().set_context(language='ru'):
            self.assertEqual(
                Party.fields_get(['mobile'])['mobile']['string'],
                'Мобильный телефон')
            types = dict(Mechanism.fields_get(['type'])['type']['selection'])
        self.assertEqual(types['mobile'], 'Мобильный телефон')
        self.assertEqual(types['phone'], 'Телефон')

    @with_transaction()
    def test_status_bar_without_currency(self):
        "The top bar names the user and organisation, not the currency"
        pool = Pool()
        User = pool.get('res.user')
        company = create_company(name='УК Север')
        with set_company(company):
            user = create_staff('operator1', company)
        self.assertTrue(company.currency.code)
        status = User(user.id).status_bar
        self.assertEqual(status, 'Operator1')
        self.assertNotIn('[', status)

    @with_transaction()
    def test_root_named_in_russian(self):
        """What the scheduled tasks do is signed by the root user: in
        Russian, as «Система», not Tryton's «Root»"""
        User = Pool().get('res.user')
        root = User(0)
        self.assertEqual(root.name, 'Система')
        self.assertEqual(root.rec_name, 'Система')
        self.assertEqual(root.login, 'root')


del _DBTestCase
