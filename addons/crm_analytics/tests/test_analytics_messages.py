"Every message of crm_analytics reaches the user in Russian."
import os

from trytond.modules.crm_dispatch.tests.test_messages import (
    MessagesTestMixin)
from trytond.tests.test_tryton import _DBTestCase


class CrmAnalyticsMessagesTestCase(MessagesTestMixin, _DBTestCase):
    "Messages of crm_analytics in Russian"
    module = 'crm_analytics'
    module_dir = os.path.join(os.path.dirname(__file__), '..')


del _DBTestCase
