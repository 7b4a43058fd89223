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
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from base64 import b64encode

import pytest

from tools.benchlib.processes import end, free_port

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV_BIN = pathlib.Path(sys.executable).parent
SAO = ROOT / 'web' / 'node_modules' / 'tryton-sao'
MODULES = os.environ.get('BROWSER_MODULES', 'crm_dispatch,crm_portal,crm_billing,crm_analytics').split(',')
PASSWORD = 'demo1234'
# A request unanswered this long means a hung server (the slowest, a PDF
# blank or the first read of a large list, takes a few seconds)
RPC_SECONDS = 60
# Where the threads' stacks of a hung server are written for the CI's log
HANGS = pathlib.Path(
    os.environ.get('TEST_OUTPUT') or ROOT / 'test-output') / 'server-hangs.log'
# Started trytond in which SIGUSR1 writes every thread's stack to the log
TRYTOND = ('import faulthandler, signal, sys\n'
    'faulthandler.register(signal.SIGUSR1, all_threads=True)\n'
    'from trytond.cli import main\n'
    'sys.argv[0] = "trytond"\n'
    'sys.exit(main())\n')


def _timed_out(error):
    return isinstance(error, TimeoutError) or isinstance(
        getattr(error, 'reason', None), TimeoutError)


def _tail(path, lines=60):
    try:
        return '\n'.join(
            pathlib.Path(path).read_text(errors='replace').splitlines()[
                -lines:])
    except OSError:
        return ''


class RPCError(Exception):
    pass


class DemoServer:
    """trytond serving the demo database; one that stops answering is
    restarted after its threads' stacks are written to its log and to
    HANGS, so that one stuck request fails one test, not every later one"""
    running = {}  # base URL: DemoServer

    def __init__(self, conf, database, env, log, port):
        self.conf, self.database, self.env = conf, database, env
        self.log = log
        self.base_url = f'http://127.0.0.1:{port}/'
        self.process = None

    def start(self):
        with self.log.open('a') as log:
            self.process = subprocess.Popen(
                [str(VENV_BIN / 'python'), '-c', TRYTOND,
                    '-c', str(self.conf),
                    '--logconf', str(ROOT / 'config' / 'logging.conf'),
                    '-d', self.database],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                pytest.fail(f'trytond exited with {self.process.returncode}:'
                    f'\n{_tail(self.log)}', pytrace=False)
            try:
                with urllib.request.urlopen(self.base_url, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f'trytond did not answer on {self.base_url}:\n'
                    f'{_tail(self.log)}', pytrace=False)
            time.sleep(0.5)
        self.running[self.base_url] = self

    def stop(self):
        self.running.pop(self.base_url, None)
        if self.process is None:
            return
        end(self.process)
        self.process = None

    def restart_hung(self, what):
        "The stacks of the hung server's threads; the server restarted"
        start = self.log.stat().st_size
        self.process.send_signal(signal.SIGUSR1)
        time.sleep(2)
        with self.log.open(errors='replace') as log:
            log.seek(start)
            stacks = log.read()
        HANGS.parent.mkdir(parents=True, exist_ok=True)
        with HANGS.open('a') as hangs:
            hangs.write(f'=== {time.strftime("%H:%M:%S")} {what}: '
                f'no answer in {RPC_SECONDS} s\n{stacks}\n')
        self.stop()
        self.start()
        return stacks


class Session:
    "A JSON-RPC session of one user, as sao opens it"

    def __init__(self, base_url, database, login, password=PASSWORD):
        self.base_url = base_url
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
        try:
            with urllib.request.urlopen(
                    request, timeout=RPC_SECONDS) as response:
                answer = json.load(response)
        except (TimeoutError, urllib.error.URLError) as error:
            hung = DemoServer.running.get(self.base_url)
            if hung is None or not _timed_out(error):
                raise
            stacks = hung.restart_hung(f'{self.login}: {method}')
            raise TimeoutError(f'{method} of {self.login}: no answer in '
                f'{RPC_SECONDS} s; the server was restarted; its threads '
                f'(also in {HANGS}):\n{stacks[-6000:]}') from error
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
    port = free_port()
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
        f'uri = smtp://127.0.0.1:{crm_mailbox.port}?timeout=30\n'
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

    server = DemoServer(conf, name, env, tmp / 'trytond.log', port)
    try:
        server.start()
        yield server.base_url, name
    finally:
        server.stop()
        if uri.startswith('postgresql'):
            subprocess.run(
                [str(VENV_BIN / 'python'), str(ROOT / 'scripts' / 'dbtool.py'),
                    '-c', str(conf), 'drop', name], env=env, check=False)
