"""The dispatch card over JSON-RPC, on the demo database, as sao and API
users reach it: executor1 reads the appeals he is responsible for or an
executor of and those behind his work orders, no other; cannot change their fields nor move the deadline;
comments and attaches files; an operator moves a deadline only with a
reason."""
import base64

import pytest

from .demo_server import RPCError
from .test_access_matrix import CYRILLIC
from .test_races import Client


@pytest.fixture(scope='module')
def card(crm_server):
    base_url, database = crm_server
    admin = Client(base_url, database, 'admin')
    executor1 = Client(base_url, database, 'executor1')
    employees, = admin.model('res.user', 'read', [executor1.user_id],
        ['employees'])
    employees = employees['employees']
    assert employees, 'the demo gives executor1 no employee'
    company = executor1.context['company']
    mine = admin.model('crm.appeal', 'search', ['OR',
            ('responsible', 'in', employees),
            ('executors', 'in', employees)], 0, None, None)
    # And the appeals behind the work orders he sees (his own, his team's
    # unallocated ones: tests/test_rpc_orders.py)
    orders = executor1.model('crm.work_order', 'search_read', [], 0, None,
        None, ['appeal'])
    mine = sorted(set(mine) | {o['appeal'] for o in orders if o['appeal']})
    others = [a for a in admin.model('crm.appeal', 'search', [
                ('company', '=', company)], 0, None, None)
        if a not in set(mine)][:5]
    return {'url': base_url, 'database': database, 'admin': admin,
        'executor1': executor1, 'mine': mine, 'others': others}


def _refused(call):
    with pytest.raises(RPCError) as info:
        call()
    message = str(info.value)
    assert CYRILLIC.search(message), f'refusal not in Russian: {message}'
    return message


def test_executor_sees_only_his_appeals(card):
    executor1 = card['executor1']
    assert card['mine'], 'the demo gives executor1 no appeal'
    assert sorted(executor1.model('crm.appeal', 'search', [],
            0, None, None)) == sorted(card['mine'])
    assert card['others']
    _refused(lambda: executor1.model('crm.appeal', 'read',
            card['others'][:1], ['number']))
    # Nor their comments
    comments = card['admin'].model('crm.appeal.comment', 'search',
        [('appeal', 'in', card['others'])], 0, None, None)
    if comments:
        _refused(lambda: executor1.model('crm.appeal.comment', 'read',
                comments, ['text']))


def test_executor_cannot_change_the_appeal(card):
    executor1, admin = card['executor1'], card['admin']
    appeal = card['mine'][0]
    before, = admin.model('crm.appeal', 'read', [appeal],
        ['description', 'deadline', 'responsible', 'write_date'])
    for values in [{'description': 'Правка исполнителя'},
            {'executors': [('add', [])]}, {'appeal_type': None}]:
        _refused(lambda: executor1.model('crm.appeal', 'write', [appeal],
                values))
    _refused(lambda: executor1.wizard('crm.appeal.deadline', appeal,
            {'deadline': before['deadline'], 'reason': 'Хочу позже'},
            'change'))
    _refused(lambda: executor1.wizard('crm.appeal.responsible', appeal,
            {'responsible': before['responsible']}, 'assign'))
    after, = admin.model('crm.appeal', 'read', [appeal],
        ['description', 'deadline', 'responsible', 'write_date'])
    assert after == before


def test_executor_comments_with_a_file(card):
    executor1, admin = card['executor1'], card['admin']
    appeal = card['mine'][0]
    photo = {'__class__': 'bytes',
        'base64': base64.b64encode(b'PNG photo').decode()}
    comment, = executor1.model('crm.appeal.comment', 'create', [{
                'appeal': appeal, 'text': 'Заменил кран, фото во вложении',
                'attachments': [('create', [{
                                'name': 'кран.png', 'data': photo}])],
                }])
    row, = admin.model('crm.appeal.comment', 'read', [comment],
        ['author', 'author_role', 'file_names'])
    assert (row['author'], row['author_role'], row['file_names']) == (
        executor1.user_id, 'executor', 'кран.png')
    # The dialog of the card does the same (its files as sao sends them)
    executor1.wizard('crm.appeal.comment.add', appeal,
        {'text': 'Выезжаю', 'files': [
                {'id': -1, 'name': 'схема.pdf', 'data': photo}]}, 'send')
    sent, = executor1.model('crm.appeal.comment', 'search_read',
        [('appeal', '=', appeal), ('text', '=', 'Выезжаю')], 0, None, None,
        ['file_names'])
    assert sent['file_names'] == 'схема.pdf'
    texts = [c['text'] for c in executor1.model('crm.appeal.comment',
            'search_read', [('appeal', '=', appeal)], 0, None, None,
            ['text'])]
    assert {'Заменил кран, фото во вложении', 'Выезжаю'} <= set(texts)
    # A file on the appeal itself (the attachment button)
    executor1.model('ir.attachment', 'create', [{
                'resource': f'crm.appeal,{appeal}', 'name': 'акт.png',
                'data': photo}])
    files, = admin.model('crm.appeal', 'read', [appeal], ['files'])
    names = {a['name'] for a in admin.model('ir.attachment', 'read',
            files['files'], ['name'])}
    assert {'кран.png', 'акт.png'} <= names
    # Not on an appeal of others
    _refused(lambda: executor1.model('crm.appeal.comment', 'create', [{
                    'appeal': card['others'][0], 'text': 'Чужое'}]))
    _refused(lambda: executor1.model('ir.attachment', 'create', [{
                    'resource': f'crm.appeal,{card["others"][0]}',
                    'name': 'чужое.png', 'data': photo}]))


def test_deadline_needs_a_reason(card):
    supervisor = Client(card['url'], card['database'], 'supervisor')
    appeal, = supervisor.model('crm.appeal', 'search', [
            ('state', '=', 'in_work'), ('company', '=',
                supervisor.context['company'])], 0, 1, None)
    row, = supervisor.model('crm.appeal', 'read', [appeal], ['deadline'])
    message = _refused(lambda: supervisor.wizard('crm.appeal.deadline',
            appeal, {'deadline': row['deadline'], 'reason': ''}, 'change'))
    assert 'Укажите причину изменения срока' in message
