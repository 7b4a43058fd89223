"""A fake SMS provider on loopback for the tests: a real HTTP server that
speaks SMSC.ru's /sys/send.php (fmt=3) and SMS.ru's /sms/send (json=1),
records what it was sent and answers as told (sent, refused, HTTP error,
too late)."""
import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CODE = re.compile(r'\b(\d{6})\b')


class _Handler(BaseHTTPRequestHandler):

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self._answer(urllib.parse.urlsplit(self.path).query)

    def do_POST(self):
        length = int(self.headers.get('Content-Length') or 0)
        self._answer(self.rfile.read(length).decode('utf-8'))

    def _answer(self, query):
        server = self.server.owner
        path = urllib.parse.urlsplit(self.path).path
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        with server.lock:
            server.requests.append({'path': path, 'params': params})
            mode = server.mode
        if mode == 'timeout':
            time.sleep(server.delay)
        if mode == 'http500':
            self.send_response(500)
            self.end_headers()
            return
        if path == '/sys/send.php':
            body = ({'error': 'duplicate request, wait a minute',
                    'error_code': 9} if mode == 'error'
                else {'id': len(server.requests), 'cnt': 1})
        elif path == '/sms/send':
            phone = params.get('to', '')
            if mode == 'error':
                body = {'status': 'OK', 'status_code': 100, 'sms': {
                        phone: {'status': 'ERROR', 'status_code': 207,
                            'status_text': 'На этот номер нельзя отправлять '
                            'сообщения'}}, 'balance': 10}
            else:
                body = {'status': 'OK', 'status_code': 100, 'sms': {
                        phone: {'status': 'OK', 'status_code': 100,
                            'sms_id': f'000000-{len(server.requests)}'}},
                    'balance': 10}
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode('utf-8')
        try:
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            # The client gave up waiting (mode 'timeout')
            pass


class SMSServer:
    """Context manager: ``url`` for a gateway's base_url, ``requests``
    received ({'path', 'params'}), ``mode`` 'ok', 'error' (the provider
    refuses), 'http500' or 'timeout' (answers after ``delay`` seconds)"""

    def __init__(self, delay=3):
        self.requests = []
        self.mode = 'ok'
        self.delay = delay
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
        self._server.daemon_threads = True
        self._server.owner = self
        self._thread = None

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def url(self):
        return f'http://127.0.0.1:{self.port}'

    def start(self):
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def texts(self, phone_digits=None):
        "Texts of the messages received, oldest first (to a phone if given)"
        with self.lock:
            requests = list(self.requests)
        texts = []
        for request in requests:
            params = request['params']
            to = params.get('phones') or params.get('to') or ''
            if phone_digits is None or to == phone_digits:
                texts.append(params.get('mes') or params.get('msg') or '')
        return texts

    def last_code(self, phone_digits=None):
        "The 6-digit code of the last message (to a phone if given)"
        for text in reversed(self.texts(phone_digits)):
            found = CODE.search(text)
            if found:
                return found.group(1)
        return None

    def clear(self):
        with self.lock:
            self.requests.clear()
        self.mode = 'ok'
