"""One appeal, one owner: two users acting on the same appeal at the same
moment, each through his own JSON-RPC session (so each in his own
transaction of the running server), on SQLite or on PostgreSQL as the suite
runs.  Exactly one of them wins, the loser reads why in Russian and nothing
of his is written."""
import threading

import pytest

from .demo_server import RPCError, Session

ROUNDS = 20


class Client(Session):
    "A JSON-RPC session with the user's context and wizard runs"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.context = self.call('model.res.user.get_preferences', True, {})
        self.name, = [u['rec_name'] for u in self.model(
                'res.user', 'read', [self.user_id], ['rec_name'])]

    def model(self, model, method, *args):
        return self.call(f'model.{model}.{method}', *args, self.context)

    def wizard(self, name, appeal_ids, values, button):
        """Run the appeal wizard name on appeal_ids (one id or a list) as
        sao does: create, start, button"""
        if isinstance(appeal_ids, int):
            appeal_ids = [appeal_ids]
        context = dict(self.context, active_model='crm.appeal',
            active_id=appeal_ids[0], active_ids=appeal_ids)
        session, start, _ = self.call(f'wizard.{name}.create', context)
        self.call(f'wizard.{name}.execute', session, {}, start, context)
        return self.call(f'wizard.{name}.execute', session,
            {start: values}, button, context)


def _at_once(*calls):
    """Run the calls at the same moment, each in its thread; return for
    each 'ok' or the error's message"""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            call()
            results[i] = 'ok'
        except RPCError as error:
            results[i] = str(error)

    threads = [threading.Thread(target=run, args=(i, c))
        for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture(scope='module')
def race(crm_server):
    base_url, database = crm_server
    supervisor = Client(base_url, database, 'supervisor')
    operator1 = Client(base_url, database, 'operator1')
    lines = {l['number']: l['id'] for l in supervisor.model(
            'crm.support_line', 'search_read', [], 0, None, None,
            ['number'])}
    # A reason operator1's line may use, from one of its appeals
    sample, = operator1.model('crm.appeal', 'search_read', [
            ('support_line', '=', lines[1]), ('reason', '!=', None)],
        0, 1, None, ['reason', 'source', 'company'])
    template = {
        'company': sample['company'], 'source': sample['source'],
        'reason': sample['reason'], 'support_line': lines[1],
        'description': 'Проверка одновременной работы',
        }
    return supervisor, operator1, lines, template


def _events(client, appeal_id, kind):
    return client.model('crm.appeal.event', 'search_count', [
            ('appeal', '=', appeal_id), ('kind', '=', kind)])


def test_two_takes_one_owner(race):
    supervisor, operator1, _, template = race
    ids = supervisor.model('crm.appeal', 'create', [template] * ROUNDS)
    for appeal_id in ids:
        results = _at_once(
            lambda: operator1.model('crm.appeal', 'take', [appeal_id]),
            lambda: supervisor.model('crm.appeal', 'take', [appeal_id]))
        assert results.count('ok') == 1, results
        winner, loser = ((operator1, supervisor) if results[0] == 'ok'
            else (supervisor, operator1))
        refusal, = [r for r in results if r != 'ok']
        appeal, = supervisor.model(
            'crm.appeal', 'read', [appeal_id], ['number', 'operator'])
        assert (f"Обращение {appeal['number']} уже взято в работу: "
            f"{winner.name}") in refusal
        assert appeal['operator'] == winner.user_id
        assert _events(supervisor, appeal_id, 'taken') == 1


def test_close_against_transfer(race):
    """operator1 closes while the supervisor transfers the appeal to line 2
    (away from operator1): whichever is first, the other is refused"""
    supervisor, operator1, lines, template = race
    ids = supervisor.model('crm.appeal', 'create', [template] * ROUNDS)
    operator1.model('crm.appeal', 'take', ids)
    for appeal_id in ids:
        results = _at_once(
            lambda: operator1.wizard('crm.appeal.close', appeal_id,
                {'work_done': 'Сделано', 'notify': False}, 'close'),
            lambda: supervisor.wizard('crm.appeal.transfer', appeal_id,
                {'support_line': lines[2], 'operator': None,
                    'comment': 'В аварийную службу'}, 'transfer'))
        assert results.count('ok') == 1, results
        appeal, = supervisor.model('crm.appeal', 'read', [appeal_id],
            ['state', 'support_line'])
        closed = _events(supervisor, appeal_id, 'closed')
        transferred = _events(supervisor, appeal_id, 'transferred')
        if results[0] == 'ok':
            assert (appeal['state'], appeal['support_line']) == (
                'resolved', lines[1])
            assert (closed, transferred) == (1, 0)
            # The appeal is no longer open
            assert 'уже закрыто — «Решено»' in results[1], results
        else:
            assert (appeal['state'], appeal['support_line']) == (
                'in_work', lines[2])
            assert (closed, transferred) == (0, 1)
            # Out of operator1's line: he may no longer touch it
            assert 'недоступны' in results[0] or 'уже' in results[0], (
                results)


def test_mass_close_against_close(race):
    """The supervisor closes two appeals at once while operator1 closes one
    of them: that appeal is closed once, by whoever was first; when
    operator1 was first the mass close skips it, says so, and still closes
    the other one"""
    supervisor, operator1, _, template = race
    ids = supervisor.model('crm.appeal', 'create', [template] * ROUNDS)
    operator1.model('crm.appeal', 'take', ids)
    for first, second in zip(ids[::2], ids[1::2]):
        answers = {}

        def mass_close():
            answers['mass'] = supervisor.wizard('crm.appeal.mass_close',
                [first, second], {'work_done': 'Закрыто списком',
                    'notify': False}, 'close')
        results = _at_once(mass_close,
            lambda: operator1.wizard('crm.appeal.close', first,
                {'work_done': 'Сделано', 'notify': False}, 'close'))
        # The batch is never refused whole
        assert results[0] == 'ok', results
        message = answers['mass']['view']['defaults']['message']
        appeals = {a['id']: a for a in supervisor.model('crm.appeal', 'read',
                [first, second], ['state', 'closed_by', 'work_done'])}
        assert _events(supervisor, first, 'closed') == 1, results
        assert _events(supervisor, second, 'closed') == 1, results
        assert (appeals[second]['state'], appeals[second]['closed_by'],
            appeals[second]['work_done']) == (
            'resolved', supervisor.user_id, 'Закрыто списком')
        if results[1] == 'ok':
            assert appeals[first]['closed_by'] == operator1.user_id
            assert appeals[first]['work_done'] == 'Сделано'
            assert message.startswith('Закрыто обращений: 1 из 2.\n'
                'Пропущено: 1.\n'), message
            assert f'уже закрыто — «Решено», {operator1.name}.' in message
        else:
            assert appeals[first]['closed_by'] == supervisor.user_id
            assert appeals[first]['work_done'] == 'Закрыто списком'
            assert message == 'Закрыто обращений: 2 из 2.', message
            assert 'уже закрыто' in results[1], results
