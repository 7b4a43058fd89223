"""Russian everywhere a user of the back office looks: every menu entry,
list, form, tab, toolbar entry and wizard dialog that each demo user can
open (tests/russian_walk.py), including what comes from Tryton's own
modules, has no English label; the top bar shows no currency and the web
client calls itself by the product's name.

A failure lists each English text with the msgctxt of its translation
(add it to addons/crm_dispatch/locale/ru.po, or locale/override/ru.po for
a text of Tryton's own modules) and where the walk met it."""
import collections
import glob
import os
import urllib.request

import polib
import pytest

from tools.demogen.data import STAFF

from .demo_server import ROOT, Session
from .russian_walk import Walk, english_words, report, wizard_states

# manager: crm_analytics's demo user (tools/demogen/analytics.py)
USERS = [s[0] for s in STAFF] + ['admin', 'manager']
PRODUCT = 'CRM обращений'


@pytest.fixture(scope='module')
def walk_setup(crm_server):
    base_url, database = crm_server
    admin = Session(base_url, database, 'admin')
    modules = admin.call('model.ir.module.search_read',
        [('state', '=', 'activated')], 0, None, None, ['name'], {})
    packages = [m['name'] for m in modules]
    packages = [f'trytond.{m}' if m in {'ir', 'res'}
        else f'trytond.modules.{m}' for m in packages]
    return base_url, database, admin, wizard_states(packages)


def test_english_words():
    "Acronyms, placeholders and technical names are no English labels"
    assert english_words('ИНН, КПП, e-mail, SMS, URL и ID') == []
    assert english_words('Email, sms') == ['Email', 'sms']
    assert english_words('Шаблон «%(model)s» для {number}: res.user') == []
    assert english_words('Адрес support@example.ru') == []
    assert english_words('Party Name') == ['Party', 'Name']
    assert english_words('Заявитель (Attn)') == ['Attn']
    assert english_words('Tryton') == ['Tryton']


@pytest.mark.parametrize('login', USERS)
def test_no_english_label(walk_setup, login):
    "Nothing a demo user opens shows an English label"
    base_url, database, admin, wizards = walk_setup
    walk = Walk(Session(base_url, database, login), admin, wizards)
    found = walk.walk()
    # The walk reached the desk: the appeals' list and form, a wizard
    opened = {(model, type_) for model, _, type_ in walk.views}
    assert {('crm.appeal', 'tree'), ('crm.appeal', 'form')} <= opened, (
        f'{login}: the walk did not open the appeals ({len(opened)} views)')
    assert len(walk.views) > 20
    # The executor and the manager transfer nothing
    if login not in {'executor1', 'manager'}:
        assert 'crm.appeal.transfer.start' in {m for m, _ in opened}
    assert not found, (
        f'{len(found)} English texts in what {login} opens '
        f'(msgctxt of the translation in brackets):\n{report(found)}')


@pytest.mark.parametrize('login', USERS)
def test_status_bar(crm_server, login):
    "The top bar: the user and organisation in Russian, no «[RUB]»"
    base_url, database = crm_server
    session = Session(base_url, database, login)
    status = session.call('model.res.user.get_preferences', False, {})[
        'status_bar']
    assert status
    assert '[' not in status, status
    assert not english_words(status), status


def test_web_client_named_after_the_product(crm_server):
    "sao loads custom.js, which names the web client «CRM обращений»"
    base_url, _ = crm_server
    with urllib.request.urlopen(base_url, timeout=30) as response:
        index = response.read().decode('utf-8')
    assert 'src="custom.js"' in index
    with urllib.request.urlopen(base_url + 'custom.js', timeout=30) as response:
        script = response.read().decode('utf-8')
    assert f"TITLE = '{PRODUCT}'" in script
    assert 'Sao.config.title = TITLE' in script
    assert "jQuery('#title').text(TITLE)" in script


def test_one_translation_per_name():
    """A model's, field's or help's name is translated once per addon: of
    two entries of one msgctxt Tryton keeps the later one silently, and
    the earlier one misleads whoever edits it"""
    repeated = {}
    for path in sorted(glob.glob(os.path.join(ROOT, 'addons', '*',
                    'locale', 'ru.po'))):
        contexts = collections.Counter(e.msgctxt
            for e in polib.pofile(path) if not e.obsolete
            and e.msgctxt.split(':')[0] in {'model', 'field', 'help'})
        repeated.update({(os.path.relpath(path, ROOT), c): n
                for c, n in contexts.items() if n > 1})
    assert not repeated, f'translated more than once: {repeated}'


def test_model_names_in_russian(walk_setup):
    """Every model, the product's and Tryton's own (ir, res, party...), is
    named in Russian where the admin meets it (models, access rights,
    record rules, triggers, exports)"""
    base_url, database, admin, _ = walk_setup
    context = admin.call('model.res.user.get_preferences', True, {})
    models = admin.call('model.ir.model.search_read', [],
        0, None, None, ['name', 'string', 'module'], context)
    modules = {m['module'] for m in models}
    assert {'ir', 'res', 'party', 'company', 'crm_dispatch', 'crm_portal',
        'crm_billing', 'crm_analytics'} <= modules
    assert len(models) > 250
    english = {m['name']: m['string'] for m in models
        if english_words(m['string']) or not m['string']}
    assert not english, f'models named in English: {english}'
