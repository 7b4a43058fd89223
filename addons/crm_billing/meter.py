"Meters (individual on an account, common on a building) and readings."
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.crm_dispatch.address import default_company
from trytond.pyson import Eval

SOURCES = [
    ('operator', "Operator"),
    ('portal', "Portal"),
    ('import', "Import"),
    ('robot', "Robot"),
    ]


class Meter(ModelSQL, ModelView):
    "Meter (Прибор учёта)"
    __name__ = 'crm.meter'
    __string__ = "Meter"
    _history = True
    _rec_name = 'serial'
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('individual', "Individual"),
            ('common', "Common (building)"),
            ], "Kind", required=True)
    account = fields.Many2One(
        'crm.account', "Account", ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))],
        states={
            'required': Eval('kind') == 'individual',
            'invisible': Eval('kind') != 'individual',
            })
    building = fields.Many2One(
        'crm.building', "Building", ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))],
        states={
            'required': Eval('kind') == 'common',
            'invisible': Eval('kind') != 'common',
            })
    service = fields.Many2One(
        'crm.service', "Service", required=True, ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ('method', '=', 'meter'),
            ])
    serial = fields.Char("Serial Number", required=True)
    model = fields.Char("Model")
    place = fields.Char("Place", help="Кухня, ванная, подвал…")
    digits = fields.Integer("Digits", required=True,
        domain=[('digits', '>=', 1), ('digits', '<=', 12)],
        help="Digits before the decimal point: a reading below the "
        "previous one is a rollover of the counter only through them.")
    initial_value = fields.Numeric("Initial Reading", digits=(16, 3),
        required=True)
    install_date = fields.Date("Installed On")
    verification_date = fields.Date("Verified On")
    verification_interval = fields.Integer("Verification Interval (years)",
        domain=['OR', ('verification_interval', '=', None),
            ('verification_interval', '>', 0)])
    state = fields.Selection([
            ('active', "In service"),
            ('removed', "Removed"),
            ], "State", required=True)
    readings = fields.One2Many('crm.meter.reading', 'meter', "Readings")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.account, Index.Range())),
                Index(t, (t.building, Index.Range())),
                })

    default_company = staticmethod(default_company)

    @classmethod
    def default_kind(cls):
        return 'individual'

    @classmethod
    def default_digits(cls):
        return 5

    @classmethod
    def default_initial_value(cls):
        return 0

    @classmethod
    def default_state(cls):
        return 'active'


class Reading(ModelSQL, ModelView):
    "Meter reading (Показание)"
    __name__ = 'crm.meter.reading'
    __string__ = "Meter reading"
    _history = True
    meter = fields.Many2One(
        'crm.meter', "Meter", required=True, ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE',
        help="The meter's organisation (kept here for the access rule and "
        "the set-based charges run).")
    date = fields.Date("Date", required=True)
    value = fields.Numeric("Value", digits=(16, 3), required=True)
    consumption = fields.Numeric("Consumption", digits=(16, 3),
        readonly=True)
    source = fields.Selection(SOURCES, "Source", required=True)
    state = fields.Selection([
            ('accepted', "Accepted"),
            ('late', "Accepted late"),
            ('approval', "Waiting for approval"),
            ('rejected', "Rejected"),
            ], "State", required=True, readonly=True)
    photo = fields.Binary("Photo", file_id='photo_id')
    photo_id = fields.Char("Photo ID", readonly=True)
    appeal = fields.Many2One(
        'crm.appeal', "Appeal", ondelete='SET NULL',
        domain=[('company', '=', Eval('company', -1))])
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.meter, Index.Range()), (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_source(cls):
        return 'operator'

    @classmethod
    def default_state(cls):
        return 'accepted'
