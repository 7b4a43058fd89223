"Payments: from bank registries, imports and entered by hand."
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.crm_dispatch.address import default_company
from trytond.pyson import Eval


class Registry(ModelSQL, ModelView):
    "Payment registry (Реестр платежей)"
    __name__ = 'crm.payment.registry'
    __string__ = "Payment registry"
    _history = True
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    filename = fields.Char("File Name", readonly=True)
    digest = fields.Char("SHA-256", readonly=True,
        help="A registry with the same content is never imported twice.")
    date = fields.Date("Date", readonly=True)
    payments = fields.One2Many('crm.payment', 'registry', "Payments",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('digest_unique', Unique(t, t.company, t.digest),
                'crm_billing.msg_registry_twice'),
            ]
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    default_company = staticmethod(default_company)


class Payment(ModelSQL, ModelView):
    "Payment (Оплата)"
    __name__ = 'crm.payment'
    __string__ = "Payment"
    _history = True
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    account = fields.Many2One(
        'crm.account', "Account", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    date = fields.Date("Date", required=True)
    month = fields.Date("Month", readonly=True,
        help="The first day of the payment's month: the balance counts the "
        "payment in it.")
    amount = fields.Numeric("Amount", digits=(16, 2), required=True)
    source = fields.Selection([
            ('bank', "Bank registry"),
            ('manual', "By hand"),
            ('import', "External billing"),
            ('portal', "Portal"),
            ], "Source", required=True)
    registry = fields.Many2One(
        'crm.payment.registry', "Registry", ondelete='CASCADE', readonly=True)
    document = fields.Char("Document", help="Bank's payment number.")
    payer = fields.Char("Payer")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.account, Index.Range()), (t.date, Index.Range())),
                Index(t, (t.registry, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    default_company = staticmethod(default_company)

    @classmethod
    def default_source(cls):
        return 'manual'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('date'):
            values['month'] = values['date'].replace(day=1)
        return values
