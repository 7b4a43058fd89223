"Settings of the portal on the CRM configuration."
from trytond.model import fields
from trytond.pool import PoolMeta


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'

    portal_reopen_days = fields.Integer("Days to Close or Reopen",
        help="How many days after an appeal is resolved the resident may "
        "still close or reopen it from the portal.")
    portal_source = fields.Many2One('crm.appeal.source', "Portal Source",
        help="The source given to appeals sent from the portal.")

    @classmethod
    def default_portal_reopen_days(cls):
        return 14
