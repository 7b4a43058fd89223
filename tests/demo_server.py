"""A running trytond over a small Russian demo database, shared by the
browser and JSON-RPC tests of one pytest session.

The database is built with scripts/build-db.sh (``tools/demo.py --small``) on
SQLite in a temporary folder, or, when the suite runs on PostgreSQL
(TRYTOND_DATABASE_URI is postgresql://...), in that server; ``trytond`` serves
it with the web client (sao) on a free loopback port.
"""
import json
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request
from base64 import b64encode

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV_BIN = pathlib.Path(sys.executable).parent
SAO = ROOT / 'web' / 'node_modules' / 'tryton-sao'
MODULES = os.environ.get('BROWSER_MODULES', 'crm_dispatch,crm_portal,crm_billing,crm_analytics').split(',')
PASSWORD = 'demo1234'


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _tail(path, lines=60):
    try:
        return '\n'.join(
            pathlib.Path(path).read_text(errors='replace').splitlines()[
                -lines:])
    except OSError:
        return ''


class RPCError(Exception):
    pass


class Session:
    "A JSON-RPC session of one user, as sao opens it"

    def __init__(self, base_url, database, login, password=PASSWORD):
        self.url = f'{base_url}{database}/rpc/'
        self.login = login
        self.auth = None
        user_id, session, _ = self.call(
            'common.db.login', login, {'password': password}, 'ru')
        token = b64encode(f'{login}:{user_id}:{session}'.encode()).decode()
        self.auth = f'Session {token}'
        self.user_id = user_id

    def call(self, method, *params):
        request = urllib.request.Request(
            self.url, data=json.dumps(
                {'id': 1, 'method': method, 'params': params}).encode(),
            headers={'Content-Type': 'application/json'})
        if self.auth:
            request.add_header('Authorization', self.auth)
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
        if answer.get('error'):
            raise RPCError(answer['error'])
        return answer['result']

    def search_read(self, model, domain, fields, limit=None):
        context = self.call('model.res.user.get_preferences', True, {})
        return self.call(f'model.{model}.search_read',
            domain, 0, limit, None, fields, context)


@pytest.fixture(scope='session')
def crm_mailbox():
    """A real SMTP server on loopback that the shared trytond sends its
    e-mail to; ``letters`` lists what it received"""
    from trytond.modules.crm_dispatch.tests.tools import SMTPServer
    server = SMTPServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope='session')
def crm_server(tmp_path_factory, crm_mailbox):
    "A trytond with a small demo database; yields (base URL, database name)"
    tmp = tmp_path_factory.mktemp('browser')
    uri = os.environ.get('TRYTOND_DATABASE_URI', 'sqlite://')
    if uri.startswith('postgresql'):
        name = f'browser_{os.getpid()}'
    else:
        uri, name = 'sqlite://', 'crm_browser'
    port = _free_port()
    conf = tmp / 'trytond.conf'
    conf.write_text(
        '[database]\n'
        f'uri = {uri}\n'
        f'path = {tmp / "db"}\n'
        'language = ru\n'
        '[web]\n'
        f'listen = 127.0.0.1:{port}\n'
        f'root = {SAO}\n'
        '[session]\n'
        'timeout = 3600\n'
        '[email]\n'
        f'uri = smtp://127.0.0.1:{crm_mailbox.port}\n'
        f'from = {crm_mailbox.sender}\n', encoding='utf-8')
    (tmp / 'db').mkdir()
    passfile = tmp / 'adminpass'
    passfile.write_text(PASSWORD + '\n')

    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_') and k not in {'DB_NAME', 'DB_CACHE'}}
    env['PATH'] = f'{VENV_BIN}{os.pathsep}{env.get("PATH", "")}'
    env['TRYTONPASSFILE'] = str(passfile)
    env.setdefault('DEMO_ARGS', '--small')
    # The billing tests enter their own months and figures
    env.setdefault('DEMO_BILLING', '0')

    build_log = tmp / 'build.log'
    with build_log.open('w') as log:
        build = subprocess.run(
            [str(ROOT / 'scripts' / 'build-db.sh'), str(conf), name,
                *MODULES],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            timeout=1800)
    if build.returncode:
        pytest.fail(
            f'building the browser test database failed '
            f'(rc={build.returncode}):\n{_tail(build_log)}', pytrace=False)

    server_log = tmp / 'trytond.log'
    with server_log.open('w') as log:
        server = subprocess.Popen(
            [str(VENV_BIN / 'trytond'), '-c', str(conf),
                '--logconf', str(ROOT / 'config' / 'logging.conf'),
                '-d', name],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f'http://127.0.0.1:{port}/'
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                pytest.fail(f'trytond exited with {server.returncode}:\n'
                    f'{_tail(server_log)}', pytrace=False)
            try:
                with urllib.request.urlopen(base_url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f'trytond did not answer on {base_url}:\n'
                    f'{_tail(server_log)}', pytrace=False)
            time.sleep(0.5)
        yield base_url, name
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if uri.startswith('postgresql'):
            subprocess.run(
                [str(VENV_BIN / 'python'), str(ROOT / 'scripts' / 'dbtool.py'),
                    '-c', str(conf), 'drop', name], env=env, check=False)
