"An organisation's billing settings: readings window, rules, requisites."
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.crm_dispatch.address import default_company
from trytond.transaction import without_check_access


class Settings(ModelSQL, ModelView):
    "Billing settings of an organisation"
    __name__ = 'crm.billing.settings'
    __string__ = "Billing settings"
    _history = True
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    # ПП РФ №354 п.31(е1): readings are taken from the 20th to the 25th
    # unless the contract says otherwise; our default is the 23rd–25th
    reading_day_from = fields.Integer("Readings From Day", required=True,
        domain=[('reading_day_from', '>=', 1), ('reading_day_from', '<=', 31)])
    reading_day_to = fields.Integer("Readings To Day", required=True,
        domain=[('reading_day_to', '>=', 1), ('reading_day_to', '<=', 31)])
    late_readings = fields.Selection([
            ('refuse', "Refuse"),
            ('late', "Accept as late"),
            ], "Readings Outside the Window", required=True)
    spike_factor = fields.Numeric("Spike Factor", digits=(16, 2),
        required=True, domain=[('spike_factor', '>', 1)],
        help="A consumption above this many times the average waits for "
        "approval.")
    average_months = fields.Integer("Average Over Months", required=True,
        domain=[('average_months', '>=', 1)],
        help="ПП РФ №354 п.59: the average of the last 6 months.")
    average_limit = fields.Integer("Average For At Most Months",
        required=True,
        help="ПП РФ №354 п.59–60: 3 months, then the norm.")
    payment_day = fields.Integer("Payment Due Day", required=True,
        domain=[('payment_day', '>=', 1), ('payment_day', '<=', 28)],
        help="ЖК РФ ст.155 ч.1: paid by the 10th of the next month.")
    # Payee requisites printed on receipts and in the ГОСТ Р 56042 QR
    payee_name = fields.Char("Payee Name")
    payee_inn = fields.Char("INN")
    payee_kpp = fields.Char("KPP")
    bank_name = fields.Char("Bank")
    bank_bic = fields.Char("BIC")
    bank_account = fields.Char("Settlement Account")
    bank_corr_account = fields.Char("Correspondent Account")
    external_billing = fields.Boolean("External Billing",
        help="Charges, payments and balances come from another system; "
        "this one only shows them and sends the readings back.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('company_unique', Unique(t, t.company),
                'crm_billing.msg_settings_unique'),
            ]

    default_company = staticmethod(default_company)

    def get_rec_name(self, name):
        return self.company.rec_name if self.company else ''

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('company.rec_name',) + tuple(clause[1:])]

    @staticmethod
    def default_reading_day_from():
        return 23

    @staticmethod
    def default_reading_day_to():
        return 25

    @staticmethod
    def default_late_readings():
        return 'late'

    @staticmethod
    def default_spike_factor():
        return 3

    @staticmethod
    def default_average_months():
        return 6

    @staticmethod
    def default_average_limit():
        return 3

    @staticmethod
    def default_payment_day():
        return 10

    @classmethod
    def get(cls, company):
        """The settings of the organisation (id or record); an unsaved
        record with the defaults when it has none.  Read whatever the
        caller's rights: an operator or a resident submitting a reading is
        bound by the organisation's rules without the right to edit them."""
        company_id = getattr(company, 'id', company)
        with without_check_access():
            found = cls.search([('company', '=', company_id)], limit=1)
        if found:
            return found[0]
        # Every field set (None without a default): an unsaved record
        # raises on a field it was not given
        values = {n: None for n in cls._fields
            if n not in {'id', 'rec_name'}}
        values.update(cls.default_get(list(cls._fields),
                with_rec_name=False))
        values['company'] = company_id
        return cls(**values)
