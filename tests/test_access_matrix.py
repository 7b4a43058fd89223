"""The access matrix: every demo role against every model of the product
(and Tryton's ir.email, ir.attachment, ir.note, party.party and
party.contact_mechanism), over JSON-RPC as sao and API users reach them.

For each role, the records of an organisation it does not belong to and,
for operators bound to their lines, the appeals of another line (with all
that hangs on them) are: not found by search, refused to read, write,
delete, and no record of them can be created; every refusal reads in
Russian and nothing changes.  Each role still reads its own records."""
import re
import urllib.error

import pytest

from .demo_server import RPCError
from .test_races import Client

ROLES = ['operator1', 'operator2', 'executor1', 'supervisor', 'admin',
    'manager']
SAMPLES = 2
CYRILLIC = re.compile('[А-Яа-яЁё]')

# Stored models of crm_dispatch that belong to an organisation: the path
# to its company and a value to write (None: write a relation to itself)
BY_COMPANY = {
    'crm.appeal': ('company', {'description': 'Чужая правка'}),
    'crm.appeal.event': ('appeal.company', {'comment': 'Чужая правка'}),
    'crm.appeal.comment': ('appeal.company', {'text': 'Чужая правка'}),
    'crm.account': ('company', {'external_id': 'ЧУЖОЙ'}),
    'crm.district': ('company', {'name': 'Чужой район'}),
    'crm.building': ('company', {'house': '999'}),
    'crm.premise': ('building.company', {'number': '999'}),
    'crm.support_line': ('company', {'name': 'Чужая линия'}),
    'crm.appeal.result': ('company', {'name': 'Чужой результат'}),
    'crm.calendar': ('company', {'name': 'Чужой календарь'}),
    'crm.calendar.hours': ('calendar.company', {'weekday': '6'}),
    'crm.calendar.day': ('calendar.company', {'name': 'Чужой праздник'}),
    'crm.message.template': ('company', {'name': 'Чужой шаблон'}),
    'crm.routing.rule': ('company', {'name': 'Чужое правило'}),
    'crm.blank': ('company', {'name': 'Чужой бланк'}),
    'crm.stage': ('company', {'name': 'Чужой этап'}),
    'crm.work_order': ('company', {'description': 'Чужая правка'}),
    'crm.executor.team': ('company', {'name': 'Чужая бригада'}),
    'party.contact_mechanism': ('party.crm_companies', {
            'comment': 'Чужая правка'}),
    # crm_portal: the conversation with the resident
    'crm.appeal.message': ('appeal.company', {'text': 'Чужая правка'}),
    # crm_billing: everything of an organisation's accounts
    'crm.billing.settings': ('company', {'bank_name': 'Чужой банк'}),
    'crm.service': ('company', {'name': 'Чужая услуга'}),
    'crm.tariff': ('company', {'end_date': None}),
    'crm.norm': ('company', {'end_date': None}),
    'crm.account.service': ('account.company', {'end_date': None}),
    'crm.meter': ('company', {'place': 'Чужое место'}),
    'crm.meter.reading': ('company', {'note': 'Чужая правка'}),
    'crm.billing.period': ('company', {}),
    'crm.billing.run': ('company', {}),
    'crm.charge': ('company', {'reason': 'Чужая правка'}),
    'crm.payment.registry': ('company', {'filename': 'чужой.csv'}),
    'crm.payment': ('company', {'payer': 'Чужой плательщик'}),
    'crm.penalty': ('company', {}),
    'crm.account.balance': ('company', {}),
    'crm.account.charge_month': ('company', {}),
    'crm.account.opening': ('company', {}),
    'crm.billing.exchange': ('company', {}),
    'crm.payment.registry.format': ('company', {'name': 'Чужой формат'}),
    'crm.penalty.line': ('penalty.company', {}),
    'crm.debtor.case': ('company', {}),
    'crm.debtor.task': ('case.company', {}),
    # crm_analytics: the dashboards' figures (SQL views)
    'crm.analytics.board.line': ('company', {}),
    'crm.analytics.board.source': ('company', {}),
    'crm.analytics.board.period': ('company', {}),
    'crm.analytics.mailing': ('company', {'name': 'Чужая рассылка'}),
    'crm.analytics.mailing.log': ('mailing.company', {}),
    }
# Product modules whose every model must be placed in the matrix (the
# portal's own models have their matrix: crm_portal's test_portal_matrix)
MODULES = ['crm_dispatch', 'crm_billing', 'crm_analytics']
# The same catalogue for every organisation (no company on them)
SHARED = {
    'crm.configuration', 'crm.appeal.source', 'crm.tag',
    'crm.appeal.reason.group', 'crm.appeal.reason',
    'crm.appeal.reason-crm.tag', 'crm.appeal.reason.deadline',
    'crm.appeal.extra_field', 'crm.appeal.type',
    'crm.appeal.extra_field', 'crm.work_order.decision',
    # The Bank of Russia's key rate and the state's moratoria; the stages,
    # statuses and the state duty scale of debtor cases (the law's)
    'crm.key_rate', 'crm.penalty.moratorium',
    'crm.debtor.stage', 'crm.debtor.status', 'crm.debtor.duty_scale',
    }
# Tables behind relation fields and multi-company values: no RPC reaches
# them (the dispatcher answers 403 for every user); each also follows its
# parent's rules through __access__ or a company rule
NOT_EXPOSED = {
    'crm.appeal-crm.account', 'crm.account-party.party',
    'crm.support_line-res.user', 'crm.support_line-crm.tag',
    'crm.configuration.sequence', 'crm.party-company.company',
    'crm.appeal.reason-crm.tag', 'crm.blank-crm.support_line',
    'crm.routing.rule.link', 'crm.appeal-res.user',
    'crm.stage-crm.stage',
    'crm.appeal.extra_field-crm.appeal.reason',
    'crm.appeal.extra_field-crm.appeal.reason.group',
    'crm.appeal-company.employee',
    'crm.executor.team-company.employee', 'crm.executor.team-crm.building',
    'crm.executor.team-crm.district',
    # The facts counted ahead by day: read by the facts' own SQL only
    'crm.analytics.rollup', 'crm.analytics.rollup.dirty',
    'crm.analytics.rollup.clock',
    }
# SQL views (table_query): nobody writes or deletes their rows, what
# is checked is that they are neither found nor read
READ_ONLY = {'crm.account.balance', 'crm.account.charge_month',
    'crm.analytics.board.line', 'crm.analytics.board.source',
    'crm.analytics.board.period'}
# Checked on their own below
SPECIAL = {'party.party', 'crm.contact.public', 'crm.analytics.layout'}
# The SMS gateways (their passwords) and the log of sent SMS (residents'
# phones): the CRM administrators only, the log read-only for them too
ADMIN_ONLY = {'crm.sms.gateway', 'crm.sms.message'}
# Figures computed for the reader, under his record rules, from the
# context of his request (crm_analytics's reports): their rows are not
# anyone's records; tests/test_report.py compares an operator's figures
# with a supervisor's
PER_READER = {
    'crm.analytics.report.timeliness_reason',
    'crm.analytics.report.timeliness_source',
    'crm.analytics.report.labour_appeal',
    'crm.analytics.report.labour_operator',
    'crm.analytics.report.processed',
    'crm.analytics.report.operator_source',
    'crm.analytics.report.district',
    'crm.analytics.report.organisation',
    'crm.analytics.report.rating',
    'crm.analytics.report.transfer',
    'crm.analytics.report.work_order',
    }
# No stored rows and no search: the appeal facts (their calls apply the
# reader's rules, tests/test_facts.py) and the reports' context form
COMPUTED = {'crm.analytics.fact', 'crm.analytics.report.context'}
# Records that hang on an appeal: path to the appeal
ON_APPEAL = {
    'crm.appeal.event': 'appeal',
    'crm.appeal.comment': 'appeal',
    'crm.work_order': 'appeal',
    'crm.appeal.message': 'appeal',
    }
# Forms of wizards that are neither their first nor their result form
WIZARD_FORMS = {'crm.appeal.comment.add.file',
    'crm.meter.reading.take.line', 'crm.turnover.line',
    'crm.turnover.result'}
RESOURCES = ['ir.email', 'ir.note', 'ir.attachment']
WRITES = {
    'party.party': {'name': 'Чужая правка'},
    'ir.note': {'message': 'Чужая правка'},
    'ir.attachment': {'name': 'чужое.txt'},
    }


@pytest.fixture(scope='module')
def world(crm_server):
    base_url, database = crm_server
    admin = Client(base_url, database, 'admin')
    companies = admin.model('company.company', 'search', [], 0, None, None)
    users = {u['login']: u for u in admin.model('res.user', 'search_read',
            [('login', 'in', ROLES)], 0, None, None,
            ['login', 'companies', 'crm_lines'])}
    operator_group = admin.model('res.group', 'search', [
            ('name', '=', 'CRM: оператор')], 0, None, None) or admin.model(
        'res.group', 'search', [('name', '=', 'CRM Operator')],
        0, None, None)
    supervisors = admin.model('res.group', 'search', [
            ('name', 'in', ['CRM: старший оператор', 'CRM Supervisor',
                    'CRM: администратор', 'CRM Administrator'])],
        0, None, None)
    appeals = admin.model('crm.appeal', 'search', [], 0, None, None)
    # A note and an attachment on every tenth appeal: the demo has none
    admin.model('ir.note', 'create', [
            {'resource': f'crm.appeal,{a}', 'message': 'Заметка оператора'}
            for a in appeals[::10]])
    admin.model('ir.attachment', 'create', [
            {'resource': f'crm.appeal,{a}', 'name': 'акт.txt',
                'type': 'data', 'data': None}
            for a in appeals[::10]])
    # A reply and an internal note of the conversation with the resident
    admin.model('crm.appeal.message', 'create', [
            {'appeal': a, 'text': 'Ответ жителю', 'public': public}
            for a in appeals[::10] for public in [True, False]])
    # A close notification archived on appeals of each organisation and
    # line (the demo's own letters may all fall on one side)
    for company in companies:
        for line in admin.model('crm.support_line', 'search', [],
                0, None, None):
            found = admin.model('crm.appeal', 'search', [
                    ('company', '=', company), ('support_line', '=', line),
                    ('state', '=', 'in_work'),
                    # open work orders keep an appeal from closing
                    ('work_orders', '=', None)], 0, 1, None)
            if not found:
                continue
            admin.model('crm.appeal', 'write', found, {
                    'contact_email': 'zhitel@example.ru',
                    'notify_on_close': True, 'notify_channel': 'email'})
            admin.wizard('crm.appeal.close', found[0],
                {'work_done': 'Выполнено', 'notify': True}, 'close')
    return {
        'url': base_url, 'database': database, 'admin': admin,
        'companies': companies, 'users': users,
        'operator_group': operator_group, 'wide_groups': supervisors,
        }


def _restricted(world, login):
    "Whether the role's lines bound the appeals it sees"
    admin = world['admin']
    user, = admin.model('res.user', 'read', [world['users'][login]['id']],
        ['groups'])
    groups = set(user['groups'])
    if not groups & set(world['operator_group']):
        return False
    if groups & set(world['wide_groups']):
        return False
    lines = admin.model('crm.support_line', 'read',
        world['users'][login]['crm_lines'] or [], ['appeal_access'])
    return not any(l['appeal_access'] == 'all' for l in lines)


def _forbidden(world, login):
    """{model: ids} of records the role may not see, as admin finds them"""
    admin = world['admin']
    user = world['users'][login]
    others = sorted(set(world['companies']) - set(user['companies']))
    restricted = _restricted(world, login)
    found = {}

    def add(model, domain):
        ids = admin.model(model, 'search', domain, 0, SAMPLES,
            [('id', 'DESC')])
        if ids:
            found.setdefault(model, []).extend(ids)

    if others:
        for model, (path, _) in BY_COMPANY.items():
            add(model, [(path, 'in', others)])
        add('party.party', [('crm_companies', '!=', None),
                ('crm_companies', 'not in', user['companies'])])
    appeals = []
    if others:
        appeals += admin.model('crm.appeal', 'search',
            [('company', 'in', others)], 0, 50, None)
    if restricted:
        line_domain = [('company', 'in', user['companies']),
            ('support_line', '!=', None),
            ('support_line', 'not in', user['crm_lines'])]
        add('crm.appeal', line_domain)
        for model, path in ON_APPEAL.items():
            add(model, [(path + '.' + f, o, v) for f, o, v in line_domain])
        appeals += admin.model('crm.appeal', 'search', line_domain,
            0, 50, None)
    if appeals:
        for model in RESOURCES:
            add(model, [('resource', 'in',
                        [f'crm.appeal,{a}' for a in appeals])])
    return found


def _search(role, model, domain):
    "What role finds; nothing when it has no right on the model at all"
    try:
        return role.model(model, 'search', domain, 0, None, None)
    except RPCError as error:
        assert CYRILLIC.search(str(error)), str(error)
        return []


def _refused(call):
    with pytest.raises(RPCError) as info:
        call()
    message = str(info.value)
    assert CYRILLIC.search(message), f'refusal not in Russian: {message}'
    return message


@pytest.mark.parametrize('login', ROLES)
def test_role_is_refused_what_it_may_not_see(world, login):
    admin = world['admin']
    role = Client(world['url'], world['database'], login)
    forbidden = _forbidden(world, login)
    user = world['users'][login]
    if set(world['companies']) - set(user['companies']):
        # The demo must give every scoped model something to refuse
        assert {'crm.appeal', 'crm.appeal.event', 'crm.appeal.comment',
            'party.party',
            'party.contact_mechanism', 'crm.account', 'crm.building',
            'ir.email'} <= set(forbidden), sorted(forbidden)
    for model, ids in forbidden.items():
        before = admin.model(model, 'read', ids, ['write_date'])
        assert not _search(role, model, [('id', 'in', ids)]), (login, model)
        _refused(lambda: role.model(model, 'read', ids, ['id']))
        if model == 'ir.email':
            # Archived letters are not writable over RPC for anybody
            continue
        if model in READ_ONLY:
            continue
        values = WRITES.get(model) or BY_COMPANY.get(model, (None, {}))[1]
        if values:
            _refused(lambda: role.model(model, 'write', ids, values))
        _refused(lambda: role.model(model, 'delete', ids))
        after = admin.model(model, 'read', ids, ['write_date'])
        assert after == before, (login, model)


@pytest.mark.parametrize('login', ROLES)
def test_role_cannot_create_in_what_it_may_not_see(world, login):
    admin = world['admin']
    role = Client(world['url'], world['database'], login)
    forbidden = _forbidden(world, login)
    appeal = next(iter(forbidden.get('crm.appeal', [])), None)
    party = next(iter(forbidden.get('party.party', [])), None)
    user = world['users'][login]
    others = sorted(set(world['companies']) - set(user['companies']))
    attempts = []
    if appeal:
        source, = admin.model('crm.appeal', 'read', [appeal], ['source'])
        attempts += [
            ('ir.note', {'resource': f'crm.appeal,{appeal}',
                    'message': 'Чужая заметка'}),
            ('ir.attachment', {'resource': f'crm.appeal,{appeal}',
                    'name': 'чужое.txt', 'type': 'data'}),
            ('crm.appeal.event', {'appeal': appeal, 'kind': 'created',
                    'date': None}),
            ('crm.appeal.comment', {'appeal': appeal,
                    'text': 'Чужой комментарий'}),
            ('crm.appeal.message', {'appeal': appeal,
                    'text': 'Чужое сообщение', 'public': True}),
            ]
    if others:
        sources = admin.model('crm.appeal.source', 'search', [],
            0, 1, None)
        attempts += [
            ('crm.appeal', {'company': others[0], 'source': sources[0],
                    'description': 'Чужое обращение'}),
            ('crm.account', {'company': others[0], 'number': '99999999'}),
            ('crm.building', {'company': others[0], 'city': 'Чужой',
                    'street': 'ул. Чужая', 'house': '1'}),
            ]
    if party:
        attempts.append(('party.contact_mechanism', {'party': party,
                    'type': 'phone', 'value': '+79990000000'}))
    if others or _restricted(world, login):
        assert attempts, login
    for model, values in attempts:
        count = admin.model(model, 'search_count', [])
        _refused(lambda: role.model(model, 'create', [values]))
        assert admin.model(model, 'search_count', []) == count, (
            login, model)


@pytest.mark.parametrize('login', ROLES)
def test_role_reads_its_own(world, login):
    role = Client(world['url'], world['database'], login)
    user = world['users'][login]
    appeals = role.model('crm.appeal', 'search', [], 0, 5, None)
    assert appeals, login
    assert role.model('crm.appeal', 'read', appeals, ['number'])
    events = role.model('crm.appeal.event', 'search',
        [('appeal', 'in', appeals)], 0, None, None)
    assert events, login
    parties = role.model('party.party', 'search', [
            ('crm_companies', 'in', user['companies'])], 0, 5, None)
    assert parties, login
    assert role.model('party.party', 'read', parties, ['name'])
    assert role.model('party.contact_mechanism', 'search', [
            ('party', 'in', parties)], 0, None, None)


def test_public_contacts_follow_their_applicants(world):
    """A contact shared by applicants of the second organisation only is on
    its review list, not on the first one's"""
    admin = world['admin']
    first, second = sorted(world['companies'])[:2]
    parties = admin.model('party.party', 'search', [
            ('crm_companies', '=', second),
            ('crm_companies', 'not in', [first])], 0, 6, None)
    assert len(parties) == 6
    admin.model('party.contact_mechanism', 'create', [
            {'party': p, 'type': 'phone', 'value': '+7 999 555-00-11'}
            for p in parties])
    review, = admin.model('crm.contact.public', 'search', [
            ('value', '=', '+79995550011')], 0, None, None)
    operator1 = Client(world['url'], world['database'], 'operator1')
    assert review not in operator1.model('crm.contact.public', 'search',
        [], 0, None, None)
    _refused(lambda: operator1.model(
            'crm.contact.public', 'read', [review], ['value']))
    supervisor = Client(world['url'], world['database'], 'supervisor')
    assert review in supervisor.model('crm.contact.public', 'search',
        [], 0, None, None)


def test_matrix_covers_every_model(world):
    "A new model of the product must be placed in the matrix"
    admin = world['admin']
    models = {m['name'] for m in admin.model('ir.model', 'search_read', [
                ('module', 'in', MODULES)], 0, None, None, ['name'])}
    reachable, unreachable = set(), set()
    for model in models:
        try:
            admin.model(model, 'search', [], 0, 1, None)
        except urllib.error.HTTPError as error:
            assert error.code == 403, (model, error)
            unreachable.add(model)
            continue
        except RPCError:
            # A wizard's form: nothing stored
            continue
        reachable.add(model)
    assert reachable - (set(BY_COMPANY) | SHARED | SPECIAL | PER_READER
        | ADMIN_ONLY) == set()
    assert NOT_EXPOSED <= unreachable
    # The rest are the forms of wizards (first and result), stored nowhere
    assert {m for m in unreachable - NOT_EXPOSED - WIZARD_FORMS - COMPUTED
        if not m.endswith(('.start', '.done'))} == set()


def test_manager_reads_his_organisation_and_writes_nothing(world):
    """The manager («CRM Руководитель», crm_analytics) reads every appeal
    of the first organisation and only those; he changes none of them"""
    admin = world['admin']
    manager = Client(world['url'], world['database'], 'manager')
    user = world['users']['manager']
    assert len(user['companies']) == 1
    company, = user['companies']
    appeals = manager.model('crm.appeal', 'search', [], 0, None, None)
    assert sorted(appeals) == sorted(admin.model('crm.appeal', 'search',
            [('company', '=', company)], 0, None, None))
    mine = appeals[:2]
    before = admin.model('crm.appeal', 'read', mine, ['write_date'])
    _refused(lambda: manager.model('crm.appeal', 'write', mine,
            {'description': 'Правка руководителя'}))
    _refused(lambda: manager.model('crm.appeal', 'delete', mine))
    source = admin.model('crm.appeal.source', 'search', [], 0, 1, None)
    _refused(lambda: manager.model('crm.appeal', 'create', [{
                    'company': company, 'source': source[0],
                    'description': 'Обращение руководителя'}]))
    _refused(lambda: manager.model('crm.appeal.comment', 'create', [{
                    'appeal': mine[0], 'text': 'Комментарий руководителя'}]))
    assert admin.model('crm.appeal', 'read', mine, ['write_date']) == before


def test_pivot_layouts_own_and_shared(world):
    """A pivot layout is its owner's: another user reads only the shared
    ones and changes none of them"""
    # Even the administrator reads only his own and the shared ones
    manager = Client(world['url'], world['database'], 'manager')
    private = manager.model('crm.analytics.layout', 'search', [
            ('shared', '=', False)], 0, None, None)
    shared = manager.model('crm.analytics.layout', 'search', [
            ('user.login', '=', 'manager'), ('shared', '=', True)],
        0, None, None)
    assert private and shared
    for login in ['operator1', 'supervisor', 'admin']:
        role = Client(world['url'], world['database'], login)
        seen = set(role.model('crm.analytics.layout', 'search', [],
                0, None, None))
        assert not seen & set(private) and set(shared) <= seen, login
        _refused(lambda: role.model('crm.analytics.layout', 'read',
                private, ['name']))
        _refused(lambda: role.model('crm.analytics.layout', 'write',
                shared, {'name': 'Чужая правка'}))
        _refused(lambda: role.model('crm.analytics.layout', 'delete',
                shared))
    names = manager.model('crm.analytics.layout', 'read', shared, ['name'])
    assert 'Чужая правка' not in {n['name'] for n in names}


def test_sms_gateways_and_log_admin_only(world):
    """Only the CRM administrator reads and edits the SMS gateways and
    reads the log of sent SMS; nobody writes the log over RPC"""
    admin = world['admin']
    gateway, = admin.model('crm.sms.gateway', 'create', [{
                'name': 'Проверка прав', 'provider': 'smsc',
                'login': 'uk', 'password': 'секрет',
                'base_url': 'http://127.0.0.1:9', 'active': False}])
    try:
        assert admin.model('crm.sms.gateway', 'read', [gateway],
            ['password'])[0]['password'] == 'секрет'
        admin.model('crm.sms.message', 'search', [], 0, 1, None)
        _refused(lambda: admin.model('crm.sms.message', 'create', [{
                        'phone': '+79160000000', 'text': 'Подделка',
                        'state': 'sent'}]))
        for login in set(ROLES) - {'admin'}:
            role = Client(world['url'], world['database'], login)
            for model in sorted(ADMIN_ONLY):
                assert _search(role, model, []) == [], (login, model)
            _refused(lambda: role.model('crm.sms.gateway', 'read',
                    [gateway], ['password']))
            _refused(lambda: role.model('crm.sms.gateway', 'write',
                    [gateway], {'name': 'Чужая правка'}))
            _refused(lambda: role.model('crm.sms.gateway', 'create', [{
                            'name': 'Свой шлюз', 'provider': 'smsc',
                            'password': 'x',
                            'base_url': 'http://127.0.0.1:9'}]))
            _refused(lambda: role.model('crm.sms.message', 'create', [{
                            'phone': '+79160000000', 'text': 'Подделка',
                            'state': 'sent'}]))
        assert admin.model('crm.sms.gateway', 'read', [gateway],
            ['name'])[0]['name'] == 'Проверка прав'
    finally:
        admin.model('crm.sms.gateway', 'delete', [gateway])
