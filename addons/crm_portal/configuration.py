"Settings of the portal on the CRM configuration."
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


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

    @classmethod
    def portal_source_of_appeals(cls):
        """The source of the appeals sent from the portal: the one of the
        settings, else the source with code «portal»; an administrator's
        error when there is neither"""
        pool = Pool()
        Source = pool.get('crm.appeal.source')
        with without_check_access():
            source = cls(1).portal_source
            if not source:
                sources = Source.search([('code', '=', 'portal')], limit=1)
                source = sources[0] if sources else None
        if not source:
            raise PortalSourceError(gettext('crm_portal.msg_no_portal_source'))
        return source

    @classmethod
    def reopen_days(cls):
        with without_check_access():
            days = cls(1).portal_reopen_days
        return cls.default_portal_reopen_days() if days is None else days


class PortalSourceError(UserError):
    "No source for the appeals of the portal"
