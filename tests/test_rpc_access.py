"""Record rules seen from outside: the JSON-RPC API of a running trytond over
the demo database, as sao and API users reach it."""
import pytest

from .demo_server import RPCError, Session

FIELDS = ['support_line', 'company', 'state']


@pytest.fixture(scope='module')
def demo(crm_server):
    base_url, database = crm_server
    supervisor = Session(base_url, database, 'supervisor')
    lines = {l['number']: l['id'] for l in supervisor.search_read(
            'crm.support_line', [], ['number'])}
    companies = sorted(c['id'] for c in supervisor.search_read(
            'company.company', [], ['id']))
    return {
        'url': base_url, 'database': database, 'supervisor': supervisor,
        'lines': lines, 'companies': companies,
        }


def test_demo_lines_are_own_line_only(demo):
    lines = demo['supervisor'].search_read(
        'crm.support_line', [], ['number', 'appeal_access'])
    assert {l['number']: l['appeal_access'] for l in lines} == {
        1: 'own', 2: 'own'}


def test_operator1_sees_line1_or_unassigned_of_first_organisation(demo):
    operator1 = Session(demo['url'], demo['database'], 'operator1')
    appeals = operator1.search_read('crm.appeal', [], FIELDS)
    assert appeals, 'operator1 sees no appeal at all'
    first = demo['companies'][0]
    assert {a['company'] for a in appeals} == {first}
    assert {a['support_line'] for a in appeals} <= {demo['lines'][1], None}
    assert demo['lines'][1] in {a['support_line'] for a in appeals}


def test_operator1_cannot_read_line2_appeal(demo):
    line2 = demo['supervisor'].search_read('crm.appeal', [
            ('support_line', '=', demo['lines'][2])], ['id'], limit=1)
    assert line2, 'the demo data has no line-2 appeal'
    operator1 = Session(demo['url'], demo['database'], 'operator1')
    context = operator1.call('model.res.user.get_preferences', True, {})
    with pytest.raises(RPCError) as error:
        operator1.call('model.crm.appeal.read',
            [line2[0]['id']], ['description'], context)
    assert 'AccessError' in str(error.value) or 'UserError' in str(
        error.value)


def test_supervisor_sees_both_lines_and_organisations(demo):
    appeals = demo['supervisor'].search_read('crm.appeal', [], FIELDS)
    assert {a['company'] for a in appeals} == set(demo['companies'])
    assert len(demo['companies']) == 2
    seen_lines = {a['support_line'] for a in appeals}
    assert {demo['lines'][1], demo['lines'][2]} <= seen_lines
