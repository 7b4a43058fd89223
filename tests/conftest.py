"Fixtures shared by the tests of tests/."
import pytest

from .demo_server import Session, crm_mailbox, crm_server  # noqa: F401


@pytest.fixture(autouse=True)
def _server_answers(request):
    """A test of the demo server starts with a sign-in, which writes: a
    server that a stuck request keeps from answering fails here with its
    threads' stacks and is restarted (demo_server.DemoServer), instead of
    failing every later test by a timeout"""
    if 'crm_server' in request.fixturenames:
        Session(*request.getfixturevalue('crm_server'), 'admin')
