"Fixtures shared by the tests of tests/."
from .demo_server import crm_mailbox, crm_server  # noqa: F401
