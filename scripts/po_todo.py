"""Print the translatable texts of an addon that its locale/ru.po lacks.

    .venv/bin/python scripts/po_todo.py crm_billing > /tmp/todo.po

Activates the addon in a throw-away SQLite database, exports its strings
(Tryton's own export wizard) and keeps the entries whose (msgctxt, msgid)
is not in addons/<addon>/locale/ru.po (nor override/ru.po) yet.  Fill in their msgstr and
append them to ru.po."""
import os
import sys
import tempfile

os.environ.setdefault('DB_NAME', ':memory:')
os.environ.setdefault('TRYTOND_DATABASE_URI', 'sqlite://')

import polib  # noqa: E402

from trytond.tests.test_tryton import (  # noqa: E402
    activate_module, with_transaction)


def main(module):
    activate_module(module)

    @with_transaction()
    def export():
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        Translation = Pool().get('ir.translation')
        Set = Pool().get('ir.translation.set', type='wizard')
        session_id, _, _ = Set.create()
        Set(session_id).transition_set_()
        with Transaction().set_context(language='en'):
            return Translation.translation_export('en', module)

    data = export()
    with tempfile.NamedTemporaryFile(suffix='.po') as tmp:
        tmp.write(data)
        tmp.flush()
        exported = polib.pofile(tmp.name)
    here = os.path.dirname(os.path.abspath(__file__))
    locale = os.path.join(here, '..', 'addons', module, 'locale')
    known = set()
    # override/ru.po translates texts of Tryton's own modules
    for path in [os.path.join(locale, 'ru.po'),
            os.path.join(locale, 'override', 'ru.po')]:
        if os.path.exists(path):
            known |= {(e.msgctxt, e.msgid) for e in polib.pofile(path)}
    for entry in exported:
        if (entry.msgctxt, entry.msgid) not in known and entry.msgid:
            entry.msgstr = ''
            print(str(entry))


if __name__ == '__main__':
    main(sys.argv[1])
