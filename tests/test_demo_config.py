"""The demo's configuration as an administrator meets it after `make run`:
extra fields on several reasons, the default stages of every organisation,
routing rules, a working calendar with this year's holidays, message
templates of every kind, result templates and the two example blanks."""
import datetime as dt

import pytest

from trytond.modules.crm_dispatch.worktime import HOLIDAY

from .test_races import Client


@pytest.fixture(scope='module')
def admin(crm_server):
    base_url, database = crm_server
    return Client(base_url, database, 'admin')


def _read(admin, model, domain, fields):
    return admin.model(model, 'search_read', domain, 0, None, None, fields)


def test_extra_fields_on_five_reasons(admin):
    fields = _read(admin, 'crm.appeal.extra_field', [], ['type_', 'reasons'])
    reasons = {r for f in fields for r in f['reasons']}
    assert len(reasons) >= 5, reasons
    # Every type an administrator may choose is shown by an example
    assert {f['type_'] for f in fields} == {'char', 'text', 'integer',
        'numeric', 'date', 'datetime', 'boolean', 'selection',
        'multiselection'}


def test_default_stages_of_every_organisation(admin):
    companies = admin.model('company.company', 'search', [], 0, None, None)
    stages = _read(admin, 'crm.stage', [], ['company', 'kind', 'name'])
    for company in companies:
        kinds = {s['kind'] for s in stages if s['company'] == company}
        assert kinds == {'new', 'in_work', 'waiting', 'done', 'cancelled'}


def test_routing_rules_calendar_templates_blanks(admin):
    assert len(_read(admin, 'crm.routing.rule', [], ['id'])) >= 5
    year = dt.date.today().year
    january_1 = {'__class__': 'date', 'year': year, 'month': 1, 'day': 1}
    new_year = _read(admin, 'crm.calendar.day', [
            ('date', '=', january_1)], ['kind', 'name'])
    assert new_year and {d['kind'] for d in new_year} == {HOLIDAY}, new_year
    templates = _read(admin, 'crm.message.template', [], ['kind'])
    assert len(templates) >= 3
    assert {t['kind'] for t in templates} >= {'close', 'reply', 'observer'}
    assert len(_read(admin, 'crm.appeal.result', [], ['id'])) >= 3
    blanks = {b['name'] for b in _read(admin, 'crm.blank', [], ['name'])}
    assert blanks == {'Акт выполненных работ', 'Справка', 'Наряд-заказ'}


def test_manager_has_saved_layouts(crm_server):
    """The demo manager opens the pivot with his saved layouts (and the
    shared ones), each drawing numbers of his organisation"""
    base_url, database = crm_server
    manager = Client(base_url, database, 'manager')
    layouts = manager.model('crm.analytics.layout', 'search_read', [],
        0, None, [('name', 'ASC')], ['name', 'shared', 'user', 'config'])
    names = [l['name'] for l in layouts]
    # Other tests of the same server may share layouts of their own
    assert {"Время закрытия по операторам", "Оценки по районам",
        "Причины по месяцам", "Просрочка по линиям и источникам"} <= set(
            names), names
    assert {l['shared'] for l in layouts} == {True, False}
    # Through the pivot's call: reason group × month over the demo
    result = manager.model('crm.analytics.fact', 'aggregate',
        ['reason_group', 'month'], [], None, None)
    assert sum(r['count'] for r in result['rows']) > 0
    supervisor = Client(base_url, database, 'supervisor')
    seen = supervisor.model('crm.analytics.layout', 'search_read', [],
        0, None, [('name', 'ASC')], ['name'])
    # His own and the manager's shared ones, not the manager's private
    seen = {l['name'] for l in seen}
    assert {"Нагрузка линий по неделям", "Оценки по районам",
        "Причины по месяцам"} <= seen, seen
    assert not {"Время закрытия по операторам",
        "Просрочка по линиям и источникам"} & seen, seen
