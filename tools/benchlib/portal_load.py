"""The load client of (f): residents in threads, each with his own cookies,
signing in to the portal and browsing as a person does (a pause between
pages), the requests spread round-robin over several trytond processes.

A plain thread client rather than locust: locust's gevent monkey-patching
does not mix with trytond and psycopg imported in the same process, and a
locust subprocess would add a second Python runtime on a 2-core machine;
what is measured (time from sending the request to the last byte of the
answer, per request, on loopback) is the same.
"""
import http.client
import itertools
import random
import re
import threading
import time
import urllib.parse
import uuid

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Resident:
    "One browser: cookies, the CSRF token of the last page, the ports"

    def __init__(self, ports, database, login, password, record):
        self.ports = ports
        self.base = '/%s/portal' % urllib.parse.quote(database, safe='')
        self.login_name = login
        self.password = password
        self.cookies = {}
        self.token = None
        self.record = record

    def request(self, kind, method, path, fields=None, expect=200):
        """Send one request to the next port; record (kind, ms, error or
        None); return (status, body text)"""
        port = next(self.ports)
        headers = {}
        body = None
        if self.cookies:
            headers['Cookie'] = '; '.join(
                f'{k}={v}' for k, v in self.cookies.items())
        if fields is not None:
            # multipart/form-data as the browser sends a form with files
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in fields.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: '
                    f'form-data; name="{name}"\r\n\r\n{value}\r\n')
            parts.append(f'--{boundary}--\r\n')
            body = ''.join(parts).encode('utf-8')
            headers['Content-Type'] = (
                f'multipart/form-data; boundary={boundary}')
        start = time.perf_counter()
        error = None
        status, text = None, ''
        try:
            conn = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
            try:
                conn.request(method, self.base + path, body=body,
                    headers=headers)
                response = conn.getresponse()
                data = response.read()
                status = response.status
                cookies = response.headers.get_all('Set-Cookie') or []
            finally:
                conn.close()
        except (OSError, http.client.HTTPException) as exc:
            error = type(exc).__name__
        elapsed = (time.perf_counter() - start) * 1000
        if status is not None:
            self._remember(cookies)
            text = data.decode('utf-8', 'replace')
            found = CSRF.search(text)
            if found:
                self.token = found.group(1)
            if status != expect:
                error = f'HTTP {status}'
        self.record(kind, elapsed, error)
        return status, text

    def _remember(self, headers):
        for header in headers:
            pair = header.split(';', 1)[0]
            name, _, value = pair.partition('=')
            name = name.strip()
            if 'max-age=0' in header.lower() or not value.strip('"'):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def sign_in(self):
        self.request('login page', 'GET', '/login')
        status, _ = self.request('login', 'POST', '/login', {
                'login': self.login_name, 'password': self.password,
                'csrf_token': self.token or ''}, expect=303)
        return status == 303

    def post_message(self, appeal, text):
        if self.token is None:
            self.request('appeal', 'GET', f'/appeals/{appeal}')
        self.request('message', 'POST', f'/appeals/{appeal}/message', {
                'text': text, 'csrf_token': self.token or ''}, expect=303)


def run_load(ports, database, residents, password, duration, think,
        spawn_rate=5, message_every=3, seed=11, ramp_limit=600):
    """Residents ({login: [appeal ids]}) arrive spawn_rate a second (as
    locust's spawn rate), sign in and browse with think = (min, max)
    seconds between pages, for duration seconds after the last one has
    signed in.  Returns the samples [(kind, ms, error, steady)] (steady:
    sent after everybody had signed in, as locust's --reset-stats counts)
    and the wall time of the steady part."""
    samples = []
    lock = threading.Lock()
    cycle = itertools.cycle(ports)
    cycle_lock = threading.Lock()
    all_in = threading.Event()
    signed = [0]
    steady = {}

    class Ports:
        def __next__(self):
            with cycle_lock:
                return next(cycle)

    def record(kind, ms, error):
        with lock:
            samples.append((kind, ms, error, all_in.is_set()))

    def signed_in():
        with lock:
            signed[0] += 1
            if signed[0] == len(residents):
                steady['start'] = time.perf_counter()
                all_in.set()

    start = time.perf_counter()
    barrier = threading.Barrier(len(residents))

    def done():
        if all_in.is_set():
            return time.perf_counter() > steady['start'] + duration
        return time.perf_counter() > start + ramp_limit

    def resident(i, login, appeals):
        rng = random.Random(seed + i)
        client = Resident(Ports(), database, login, password, record)
        barrier.wait()
        # Residents arrive one after the other, not in one burst
        time.sleep(i / spawn_rate)
        ok = client.sign_in()
        signed_in()
        if not ok:
            return
        n = 0
        while not done():
            time.sleep(rng.uniform(*think))
            client.request('appeals list', 'GET', '/appeals')
            time.sleep(rng.uniform(*think))
            appeal = rng.choice(appeals)
            client.request('appeal', 'GET', f'/appeals/{appeal}')
            n += 1
            if n % message_every == 0:
                time.sleep(rng.uniform(*think))
                client.post_message(appeal,
                    f"Уточнение № {n}: жду мастера после 18:00.")
    threads = [threading.Thread(target=resident, args=(i, login, appeals),
            daemon=True)
        for i, (login, appeals) in enumerate(sorted(residents.items()))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(ramp_limit + duration + 120)
    end = time.perf_counter()
    return samples, end - steady.get('start', end), end - start
