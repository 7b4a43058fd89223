"""`make run` serves the demo with trytond-cron beside the server
(scripts/serve.sh): a scheduled task that is due runs without anyone
asking, and stopping the script stops both processes.  Run on a copy of
the shared demo database (SQLite, as `make run` has it), served on a port
of its own."""
import pathlib
import signal
import sqlite3
import subprocess
import time
import urllib.request

import pytest

from tools.benchlib.processes import free_port

from .demo_server import ROOT, VENV_BIN, DemoServer

TASK = 'crm.appeal|expire_deadlines'


def _stat(pid):
    "(state, parent, process group) of a process, Nones if it is gone"
    try:
        fields = pathlib.Path(f'/proc/{pid}/stat').read_text().rsplit(
            ') ', 1)[1].split()
    except OSError:
        return None, None, None
    return fields[0], int(fields[1]), int(fields[2])


def _live(**match):
    "The live processes whose parent or group is the one given"
    index = {'parent': 1, 'group': 2}
    found = []
    for entry in pathlib.Path('/proc').glob('[0-9]*'):
        stat = _stat(entry.name)
        if stat[0] not in {None, 'Z'} and all(
                stat[index[k]] == v for k, v in match.items()):
            found.append(int(entry.name))
    return found


def _alive(pid):
    return _stat(pid)[0] not in {None, 'Z'}


def _copy(conf, database, folder):
    "A configuration of the demo server serving a copy of its database"
    text = conf.read_text(encoding='utf-8')
    if 'uri = sqlite://' not in text:
        pytest.skip('make run serves SQLite; this server is on PostgreSQL')
    (folder / 'db').mkdir()
    source = sqlite3.connect(conf.parent / 'db' / f'{database}.sqlite')
    target = sqlite3.connect(folder / 'db' / f'{database}.sqlite')
    with target:
        source.backup(target)
        # Only the task of the test is due
        target.execute("UPDATE ir_cron SET next_call = '2999-01-01 00:00:00'")
        task, = target.execute(
            'SELECT id FROM ir_cron WHERE method = ?', (TASK,)).fetchone()
        target.execute(
            'UPDATE ir_cron SET next_call = NULL WHERE id = ?', (task,))
    source.close()
    target.close()
    port = free_port()
    lines = []
    for line in text.splitlines():
        if line.startswith('path = '):
            line = f'path = {folder / "db"}'
        elif line.startswith('listen = '):
            line = f'listen = 127.0.0.1:{port}'
        lines.append(line)
    copy = folder / 'trytond.conf'
    copy.write_text('\n'.join(lines) + '\n', encoding='utf-8')
    return copy, port, task


def _ran(path, task):
    "When the task last ended, by its log"
    with sqlite3.connect(path) as connection:
        return connection.execute(
            'SELECT MAX(ended) FROM ir_cron_log WHERE cron = ?',
            (task,)).fetchone()[0]


def test_scheduled_task_runs_beside_the_server(crm_server, tmp_path):
    base_url, database = crm_server
    demo = DemoServer.running[base_url]
    conf, port, task = _copy(demo.conf, database, tmp_path)
    path = tmp_path / 'db' / f'{database}.sqlite'
    assert _ran(path, task) is None
    log = (tmp_path / 'serve.log').open('w')
    script = subprocess.Popen(
        [str(ROOT / 'scripts' / 'serve.sh'), str(conf), database],
        cwd=ROOT, env=dict(demo.env, VBIN=str(VENV_BIN)),
        stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        answered = ended = None
        while time.monotonic() < deadline and not (answered and ended):
            assert script.poll() is None, (
                (tmp_path / 'serve.log').read_text()[-3000:])
            try:
                with urllib.request.urlopen(
                        f'http://127.0.0.1:{port}/', timeout=5) as response:
                    answered = response.status == 200
            except OSError:
                pass
            ended = _ran(path, task)
            time.sleep(1)
        log_text = (tmp_path / 'serve.log').read_text()[-3000:]
        assert answered, log_text
        assert ended, f'{TASK} did not run:\n{log_text}'
        processes = _live(parent=script.pid)
        assert len(processes) == 2, processes
        # trytond-cron leads a group of its own: it and its worker
        cron, = [p for p in processes if _stat(p)[2] == p]
        assert len(_live(group=cron)) == 2, _live(group=cron)
    finally:
        script.send_signal(signal.SIGTERM)
        try:
            script.wait(timeout=60)
        finally:
            if script.poll() is None:
                script.kill()
            log.close()
    assert script.returncode == 130
    time.sleep(1)
    assert not [p for p in processes if _alive(p)], processes
    assert not _live(group=cron), _live(group=cron)
