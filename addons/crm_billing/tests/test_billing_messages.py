"Every message of crm_billing reaches the user in Russian."
import os

from trytond.modules.crm_dispatch.tests.test_messages import (
    MessagesTestMixin)
from trytond.tests.test_tryton import _DBTestCase


class CrmBillingMessagesTestCase(MessagesTestMixin, _DBTestCase):
    "Messages of crm_billing in Russian"
    module = 'crm_billing'
    module_dir = os.path.join(os.path.dirname(__file__), '..')


del _DBTestCase
