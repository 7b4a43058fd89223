"""Who sees which work order, over the JSON-RPC API of the demo database:
an executor his own orders and his team's unallocated ones, a contractor
nothing of the others, an operator the orders of the appeals he sees."""
import pytest

from .demo_server import RPCError, Session

FIELDS = ['team', 'employee', 'state', 'appeal']


@pytest.fixture(scope='module')
def orders(crm_server):
    base_url, database = crm_server
    supervisor = Session(base_url, database, 'supervisor')
    teams = {t['name']: t['id'] for t in supervisor.search_read(
            'crm.executor.team', [], ['name'])}
    everything = supervisor.search_read('crm.work_order', [], FIELDS)
    sessions = {login: Session(base_url, database, login)
        for login in ['executor1', 'executor5', 'operator1']}
    return {'teams': teams, 'all': everything, 'supervisor': supervisor,
        **sessions}


def _employees(session):
    user, = session.search_read('res.user', [('id', '=', session.user_id)],
        ['employees'])
    return set(user['employees'])


def _refused(session, method, *args):
    context = session.call('model.res.user.get_preferences', True, {})
    with pytest.raises(RPCError) as error:
        session.call(method, *args, context)
    return str(error.value)


def test_demo_has_orders_of_every_team_and_state(orders):
    assert {o['team'] for o in orders['all']} == set(
        orders['teams'].values())
    assert {o['state'] for o in orders['all']} == {'created', 'in_progress',
        'postponed', 'done', 'redirected', 'cancelled'}


def test_executor1_sees_his_orders_and_his_teams_unallocated(orders):
    executor1 = orders['executor1']
    mine = _employees(executor1)
    plumbers = orders['teams']['Сантехники']
    seen = executor1.search_read('crm.work_order', [], FIELDS)
    assert seen, 'executor1 sees no order'
    assert all(o['employee'] in mine
        or (o['employee'] is None and o['team'] == plumbers) for o in seen)
    expected = {o['id'] for o in orders['all'] if o['employee'] in mine
        or (o['employee'] is None and o['team'] == plumbers)}
    assert {o['id'] for o in seen} == expected
    assert any(o['employee'] is None for o in seen)


@pytest.mark.parametrize('team', ['Электрики', 'Лифтсервис (подрядчик)'])
def test_executor1_cannot_read_another_teams_order_by_id(orders, team):
    other = [o for o in orders['all'] if o['team'] == orders['teams'][team]
        and o['employee'] not in _employees(orders['executor1'])]
    assert other, f'the demo data has no order of {team}'
    message = _refused(orders['executor1'], 'model.crm.work_order.read',
        [other[0]['id']], ['description'])
    assert 'AccessError' in message or 'недоступны' in message


def test_contractor_sees_nothing_of_the_others(orders):
    lifts = orders['teams']['Лифтсервис (подрядчик)']
    seen = orders['executor5'].search_read('crm.work_order', [], FIELDS)
    assert seen and {o['team'] for o in seen} == {lifts}
    plumbers = [o for o in orders['all']
        if o['team'] == orders['teams']['Сантехники']]
    message = _refused(orders['executor5'], 'model.crm.work_order.read',
        [plumbers[0]['id']], ['description'])
    assert 'AccessError' in message or 'недоступны' in message


def test_executor_reads_the_appeal_of_his_order_but_cannot_change_it(
        orders):
    executor1 = orders['executor1']
    mine = _employees(executor1)
    order = next(o for o in executor1.search_read('crm.work_order', [],
            FIELDS) if o['employee'] in mine and o['appeal'])
    appeal, = executor1.search_read('crm.appeal',
        [('id', '=', order['appeal'])], ['number'])
    assert appeal['number']
    message = _refused(executor1, 'model.crm.appeal.write',
        [order['appeal']], {'description': 'Исправлено исполнителем'})
    assert 'AccessError' in message or 'UserError' in message


def test_executor_changes_his_order_only_through_its_steps(orders):
    executor1 = orders['executor1']
    mine = _employees(executor1)
    order = next(o for o in executor1.search_read('crm.work_order', [],
            FIELDS) if o['employee'] in mine)
    message = _refused(executor1, 'model.crm.work_order.write',
        [order['id']], {'employee': None})
    assert 'шагами' in message


def test_operator1_sees_the_orders_of_the_appeals_he_sees(orders):
    "Planned work and the orders of his line's appeals, not of line 2's"
    operator1 = orders['operator1']
    seen = operator1.search_read('crm.work_order', [], FIELDS)
    assert any(o['appeal'] is None for o in seen)
    appeals = {a['id'] for a in operator1.search_read('crm.appeal',
            [('id', 'in', [o['appeal'] for o in seen if o['appeal']])],
            ['id'])}
    assert {o['appeal'] for o in seen if o['appeal']} == appeals
    hidden = [o for o in orders['all'] if o['id'] not in {
            s['id'] for s in seen}]
    assert hidden, 'operator1 sees every order: the rule restricts nothing'
