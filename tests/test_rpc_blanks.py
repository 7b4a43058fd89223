"""Blanks and list columns through JSON-RPC on the demo, as sao reaches
them: the print wizard under the printer icon, the report it opens (PDF
made by LibreOffice in the server), the refusal of a blank of another line,
and the appeal list's columns each operator shows or hides for himself."""
import base64
import re
from xml.etree import ElementTree

import pytest

from trytond.modules.crm_dispatch.tests.tools import (
    pdf_text, require_libreoffice)

from .demo_server import RPCError
from .test_races import Client

CYRILLIC = re.compile('[А-Яа-яЁё]')


@pytest.fixture(scope='module')
def demo(crm_server):
    base_url, database = crm_server
    return {
        'url': base_url, 'database': database,
        'admin': Client(base_url, database, 'admin'),
        'operator1': Client(base_url, database, 'operator1'),
        'operator2': Client(base_url, database, 'operator2'),
        }


def _blanks(demo):
    return {b['name']: b for b in demo['admin'].model('crm.blank',
            'search_read', [], 0, None, None,
            ['name', 'kind', 'lines', 'report'])}


def _start(client, model, record_id):
    "The print wizard from the printer icon of a record: its first form"
    prints = client.model(model, 'view_toolbar_get')['print']
    # (billing prints receipts and certificates from the account too)
    wizard, = [p for p in prints if p['type'] == 'ir.action.wizard'
        and p['wiz_name'] == 'crm.blank.print']
    name = wizard['wiz_name']
    context = dict(client.context, active_model=model,
        active_id=record_id, active_ids=[record_id])
    session, start, _ = client.call(f'wizard.{name}.create', context)
    view = client.call(f'wizard.{name}.execute', session, {}, start, context)
    return name, session, context, view['view']


def _appeal_with_applicant(client):
    appeals = client.model('crm.appeal', 'search_read', [
            ('applicant', '!=', None), ('number', '!=', None)], 0, 1,
        [('id', 'ASC')], ['number', 'applicant'])
    assert appeals, client.login
    appeal = appeals[0]
    appeal['applicant_name'], = [p['name'] for p in client.model(
            'party.party', 'read', [appeal['applicant']], ['name'])]
    return appeal


def test_demo_blanks(demo):
    blanks = _blanks(demo)
    lines = {l['number']: l['id'] for l in demo['admin'].model(
            'crm.support_line', 'search_read', [], 0, None, None,
            ['number'])}
    assert blanks['Акт выполненных работ']['kind'] == 'appeal'
    assert blanks['Акт выполненных работ']['lines'] == [lines[2]]
    assert blanks['Справка']['kind'] == 'account'
    assert blanks['Справка']['lines'] == []


def test_act_of_line2_not_offered_to_operator1(demo):
    operator1 = demo['operator1']
    appeal = _appeal_with_applicant(operator1)
    with pytest.raises(RPCError) as error:
        _start(operator1, 'crm.appeal', appeal['id'])
    assert 'Нет бланков' in str(error.value)
    assert [b['name'] for b in operator1.model('crm.blank', 'search_read',
            [], 0, None, None, ['name'])] == ['Справка']
    account, = operator1.model('crm.account', 'search', [], 0, 1, None)
    _, _, _, view = _start(operator1, 'crm.account', account)
    assert view['defaults']['blank'] == _blanks(demo)['Справка']['id']


def test_act_forced_by_operator1_refused_in_russian(demo):
    operator1 = demo['operator1']
    appeal = _appeal_with_applicant(operator1)
    act = _blanks(demo)['Акт выполненных работ']
    with pytest.raises(RPCError) as error:
        operator1.call('report.crm.blank.execute', [appeal['id']], {
                'action_id': act['report'], 'model': 'crm.appeal',
                'id': appeal['id'], 'ids': [appeal['id']],
                'format': 'odt'}, operator1.context)
    message = str(error.value)
    assert 'Бланк «Акт выполненных работ» вам недоступен' in message
    # Nor can he change a blank
    with pytest.raises(RPCError) as error:
        operator1.model('crm.blank', 'write',
            [_blanks(demo)['Справка']['id']], {'name': 'Моя справка'})
    assert CYRILLIC.search(str(error.value))


def test_operator2_prints_act_as_pdf(demo):
    "The wizard's report, run as sao runs it, is a PDF of the appeal"
    require_libreoffice()
    operator2 = demo['operator2']
    appeal = _appeal_with_applicant(operator2)
    name, session, context, view = _start(
        operator2, 'crm.appeal', appeal['id'])
    assert view['defaults']['blank'] == (
        _blanks(demo)['Акт выполненных работ']['id'])
    values = {k: v for k, v in view['defaults'].items() if '.' not in k}
    result = operator2.call(f'wizard.{name}.execute', session,
        {'start': dict(values, format='pdf')}, 'print_', context)
    (action, data), = result['actions']
    # Sao.Action.exec_report
    data = dict(data, action_id=action['id'])
    extension, content, _, filename = operator2.call(
        f"report.{action['report_name']}.execute", data['ids'], data,
        context)
    assert extension == 'pdf'
    assert filename == f"Акт выполненных работ-{appeal['number']}"
    pdf = base64.b64decode(content['base64'])
    text = ' '.join(pdf_text(pdf).split())
    assert appeal['number'] in text
    assert appeal['applicant_name'] in text


def test_list_columns_per_operator(demo):
    """Columns operator1 hides or shows stay so for him, and only for him,
    through the call sao makes"""
    operator1, operator2 = demo['operator1'], demo['operator2']
    view_id = operator1.model('crm.appeal', 'fields_view_get',
        None, 'tree')['view_id']

    def optional(client):
        arch = client.model('crm.appeal', 'fields_view_get',
            view_id, 'tree')['arch']
        return {f.get('name'): f.get('optional')
            for f in ElementTree.fromstring(arch).iter('field')
            if f.get('optional')}

    before = optional(operator2)
    assert before['description'] == '1' and before['operator_name'] == '0'
    # Sao.View.Tree.save_optional: True hides the column
    operator1.model('ir.ui.view_tree_optional', 'set_optional', view_id,
        {'description': False, 'operator_name': True})
    mine = optional(operator1)
    assert (mine['description'], mine['operator_name']) == ('0', '1')
    assert optional(operator2) == before
    # A new session of operator1 (another day) finds his columns
    again = Client(demo['url'], demo['database'], 'operator1')
    assert optional(again) == mine
