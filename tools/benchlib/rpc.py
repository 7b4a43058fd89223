"""The operator queue list read through JSON-RPC the way the web client
(sao 8) reads it.  Like a browser, a session keeps its connection open
from one call to the next while the server allows (trytond's own server,
werkzeug 3, closes it after every answer: a browser reconnects too, and
so does the session), and it accepts gzip: trytond
streams a longer answer token by token to a client that does not, one
socket write per JSON token, and 80 rows then cost ~0.3 s more.  sao's calls: `search` of 80 ids, then one `read` of the list view's
eager fields with the display names of many-to-one columns, the labels of
selections, rec_name, _timestamp, _write and _delete
(tryton-sao/src/model.js, Record.load); a lazy field of the view costs sao
one more `read` per row, and so it does here."""
import gzip
import http.client
import json
import urllib.parse
from base64 import b64encode

from trytond.protocols.jsonrpc import JSONEncoder

QUEUE_STATES = ['draft', 'in_work']
QUEUE_ORDER = [['deadline', 'ASC']]
QUEUE_LIMIT = 80


class RPCError(Exception):
    pass


class Session:
    "A JSON-RPC session of one user, as sao opens it"

    def __init__(self, base_url, database, login, password):
        self.url = f'{base_url.rstrip("/")}/{database}/rpc/'
        self.address = urllib.parse.urlsplit(self.url)
        self.auth = None
        self.connection = None
        user_id, session, _ = self.call(
            'common.db.login', login, {'password': password}, 'ru')
        token = b64encode(f'{login}:{user_id}:{session}'.encode()).decode()
        self.auth = f'Session {token}'
        self.user_id = user_id
        self.context = self.call('model.res.user.get_preferences', True, {})

    def _post(self, body, headers):
        "The answer's body, on the kept connection (a new one if it closed)"
        url = self.address
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    url.hostname, url.port, timeout=120)
            try:
                self.connection.request('POST', url.path, body, headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
                continue
            if response.will_close:
                self.connection.close()
                self.connection = None
            if response.status != 200:
                raise RPCError(f'HTTP {response.status}: {data[:200]!r}')
            return data

    def call(self, method, *params):
        headers = {
            'Content-Type': 'application/json',
            'Accept-Encoding': 'gzip',
            }
        if self.auth:
            headers['Authorization'] = self.auth
        data = self._post(json.dumps(
                {'id': 1, 'method': method, 'params': params},
                cls=JSONEncoder).encode(), headers)
        if data[:2] == b'\x1f\x8b':
            data = gzip.decompress(data)
        answer = json.loads(data)
        if answer.get('error'):
            raise RPCError(answer['error'])
        return answer['result']

    def model(self, model, method, *params):
        return self.call(f'model.{model}.{method}', *params, self.context)


def list_fields(session, model='crm.appeal'):
    """The names sao's read asks for when it shows the list view of
    model: (eager names, lazy fields read one row at a time)"""
    view = session.model(model, 'fields_view_get', None, 'tree')
    eager, lazy = [], []
    for name, field in view['fields'].items():
        if field.get('loading', 'eager') == 'lazy':
            lazy.append(name)
            continue
        eager.append(name)
        if field['type'] in {'many2one', 'one2one', 'reference'}:
            eager.append(name + '.rec_name')
        elif field['type'] in {'selection', 'multiselection'}:
            eager.append(name + ':string')
    if 'rec_name' not in eager:
        eager.append('rec_name')
    eager += ['_timestamp', '_write', '_delete']
    return eager, lazy


def queue_domain(line_id):
    return [
        ('support_line', '=', line_id),
        ('state', 'in', QUEUE_STATES),
        ]


def read_queue(session, domain, eager, lazy, model='crm.appeal',
        order=QUEUE_ORDER):
    """What sao sends to show the first page of a list (by deadline
    unless order says otherwise, None for the model's); returns the rows"""
    ids = session.model(
        model, 'search', domain, 0, QUEUE_LIMIT, order)
    rows = session.model(model, 'read', ids, eager) if ids else []
    # read answers in its own order; sao places the rows by id
    position = {id_: i for i, id_ in enumerate(ids)}
    rows.sort(key=lambda row: position[row['id']])
    for id_ in ids if lazy else []:
        session.model(model, 'read', [id_], lazy)
    return rows


def operator_line(session):
    "The first support line of the session's user"
    user, = session.model('res.user', 'read', [session.user_id],
        ['crm_lines'])
    return user['crm_lines'][0]
