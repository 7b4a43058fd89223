"""Exchange with an external billing: the journal of imports and exports,
the wizards that load a file, give a template and export the readings,
and the readings sent back.

Who may load is decided by the journal's access: the loading user creates
its row with his own rights (accountants and administrators may), then the
importer writes with full rights inside his organisation only (accountants
do not create buildings or accounts by hand, a billing's file does)."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.crm_dispatch.address import default_company
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateReport, StateTransition, StateView
from trytond.wizard import Wizard

from . import external_api  # noqa: F401 - its routes join the WSGI app
from .external_file import (
    KIND_NAMES, KINDS, READING_COLUMNS, LineError, read_file, template,
    write_file)
from .external_kinds import EXTERNAL_ONLY, IMPORTERS
from .readings_check import COUNTED

KIND_SELECTION = [
    ('accounts', "Accounts"),
    ('charges', "Charges"),
    ('payments', "Payments"),
    ('balances', "Opening balances"),
    ('meters', "Meters"),
    ]
FORMATS = [('xlsx', "Excel (XLSX)"), ('csv', "CSV")]
# The readings sent back: counted ones taken here (an imported reading
# came from the billing itself)
EXPORT_SOURCES = ['operator', 'portal', 'robot']
SOURCE_NAMES = {'operator': "оператор", 'portal': "личный кабинет",
    'robot': "робот", 'import': "загрузка"}
STATE_NAMES = {'accepted': "принято", 'late': "принято с опозданием"}


def exchange_company():
    """The organisation the user works in: the one of his context when he
    may work in it, else his own"""
    pool = Pool()
    User = pool.get('res.user')
    transaction = Transaction()
    company = transaction.context.get('company')
    if transaction.user:
        allowed = User.get_companies()
        if company not in allowed:
            user = User(transaction.user)
            company = user.company.id if user.company else None
            if company not in allowed:
                company = None
    if not company:
        raise UserError(gettext('crm_billing.msg_external_no_company'))
    return company


class Exchange(ModelSQL, ModelView):
    "Exchange with an external billing (Обмен с внешним биллингом)"
    __name__ = 'crm.billing.exchange'
    __string__ = "Exchange with an external billing"
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE',
        readonly=True)
    kind = fields.Selection(KIND_SELECTION + [('readings', "Readings")],
        "Data", required=True, readonly=True)
    direction = fields.Selection([
            ('import', "Import"),
            ('export', "Export"),
            ], "Direction", required=True, readonly=True)
    channel = fields.Selection([
            ('file', "File"),
            ('api', "API"),
            ], "Channel", required=True, readonly=True)
    filename = fields.Char("File Name", readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    lines = fields.Integer("Lines", readonly=True)
    created = fields.Integer("Created", readonly=True)
    updated = fields.Integer("Updated", readonly=True)
    deleted = fields.Integer("Replaced", readonly=True,
        help="Charges of the same months and accounts the file replaced.")
    skipped = fields.Integer("Already Loaded", readonly=True,
        help="Lines that were already in the database and were not "
        "loaded again.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.company, Index.Range()), (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    default_company = staticmethod(default_company)

    @classmethod
    def default_date(cls):
        return dt.datetime.now()

    @classmethod
    def default_user(cls):
        return Transaction().user or None

    @classmethod
    def _company(cls):
        """The organisation of an exchange the user may make: who may not
        write its journal may not exchange"""
        Pool().get('ir.model.access').check(cls.__name__, 'create')
        return exchange_company()

    @classmethod
    def _journal(cls, company, kind, direction, channel, filename=None,
            **counts):
        "Written once the exchange is done: a refused one leaves no trace"
        with without_check_access():
            row, = cls.create([dict(counts, company=company, kind=kind,
                        direction=direction, channel=channel,
                        filename=filename)])
        return row

    @classmethod
    def import_lines(cls, kind, lines, channel='file', filename=None):
        """Load lines [(number, {column key: value})] of kind; all or
        nothing: any wrong line raises UserError with the line numbers"""
        Settings = Pool().get('crm.billing.settings')
        if kind not in IMPORTERS:
            raise UserError(gettext('crm_billing.msg_external_kind',
                    kind=kind))
        company = cls._company()
        with without_check_access():
            if (kind in EXTERNAL_ONLY
                    and not Settings.get(company).external_billing):
                raise UserError(gettext(
                        'crm_billing.msg_external_mode_off',
                        kind=KIND_NAMES[kind]))
            counts = IMPORTERS[kind](company, lines)
        return cls._journal(company, kind, 'import', channel, filename,
            **counts)

    @classmethod
    def import_file(cls, kind, data, filename=None):
        if kind not in KINDS:
            raise UserError(gettext('crm_billing.msg_external_kind',
                    kind=kind))
        try:
            lines = read_file(kind, data, filename)
        except LineError as error:
            raise UserError(gettext('crm_billing.msg_external_file',
                    error=str(error)))
        return cls.import_lines(kind, lines, 'file', filename)

    @classmethod
    def export_readings(cls, start, end, channel='file'):
        """The readings taken here from start to end, as rows {column key:
        value} of READING_COLUMNS, oldest first"""
        Reading = Pool().get('crm.meter.reading')
        if not start or not end or start > end:
            raise UserError(gettext('crm_billing.msg_external_dates'))
        company = cls._company()
        with without_check_access():
            readings = Reading.search([
                    ('company', '=', company),
                    ('date', '>=', start), ('date', '<=', end),
                    ('state', 'in', COUNTED),
                    ('source', 'in', EXPORT_SOURCES),
                    ('meter.kind', '=', 'individual'),
                    ], order=[('date', 'ASC'), ('id', 'ASC')])
            rows = [{
                    'account': r.meter.account.number,
                    'address': (r.meter.account.premise.rec_name
                        if r.meter.account.premise else ''),
                    'service': r.meter.service.code,
                    'serial': r.meter.serial,
                    'date': r.date,
                    'value': r.value,
                    'consumption': r.consumption,
                    'source': SOURCE_NAMES.get(r.source, r.source),
                    'state': STATE_NAMES.get(r.state, r.state),
                    } for r in readings]
        cls._journal(company, 'readings', 'export', channel,
            lines=len(rows))
        return rows


class UserApplication(metaclass=PoolMeta):
    "The key an external billing pushes its data with"
    __name__ = 'res.user.application'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        application = ('crm_billing', "External Billing")
        if application not in cls.application.selection:
            cls.application.selection.append(application)


class ImportStart(ModelView):
    "Load a file of an external billing"
    __name__ = 'crm.billing.exchange.import.start'
    __string__ = "Load a file of an external billing"
    kind = fields.Selection(KIND_SELECTION, "Data", required=True)
    data = fields.Binary("File", filename='filename', required=True,
        help="CSV or XLSX with the columns of the template.")
    filename = fields.Char("File Name")


class ImportDone(ModelView):
    "File of an external billing loaded"
    __name__ = 'crm.billing.exchange.import.done'
    __string__ = "File of an external billing loaded"
    exchange = fields.Many2One(
        'crm.billing.exchange', "Exchange", readonly=True)
    summary = fields.Text("Result", readonly=True)


class Import(Wizard):
    "Load a file of an external billing"
    __name__ = 'crm.billing.exchange.import'
    start = StateView('crm.billing.exchange.import.start',
        'crm_billing.exchange_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Template", 'template', 'tryton-save', validate=False),
            Button("Load", 'load', 'tryton-ok', default=True),
            ])
    load = StateTransition()
    done = StateView('crm.billing.exchange.import.done',
        'crm_billing.exchange_import_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])
    template = StateReport('crm.billing.exchange.file')

    def transition_load(self):
        Exchange = Pool().get('crm.billing.exchange')
        self.done.exchange = Exchange.import_file(
            self.start.kind, self.start.data, self.start.filename)
        return 'done'

    def default_done(self, fields):
        exchange = self.done.exchange
        return {'exchange': exchange.id, 'summary': summary(exchange)}

    def do_template(self, action):
        return action, {'what': 'template', 'kind': self.start.kind,
            'format': 'xlsx'}

    def transition_template(self):
        return 'start'


def summary(exchange):
    "«Загружено строк: 12; создано: 10, обновлено: 2»"
    parts = [gettext('crm_billing.msg_external_summary_lines',
            lines=exchange.lines or 0)]
    for field in ['created', 'updated', 'deleted', 'skipped']:
        value = getattr(exchange, field)
        if value:
            parts.append(gettext('crm_billing.msg_external_summary_'
                    + field, count=value))
    return '\n'.join(parts)


class TemplateStart(ModelView):
    "Template of a file of an external billing"
    __name__ = 'crm.billing.exchange.template.start'
    __string__ = "Template of a file of an external billing"
    kind = fields.Selection(KIND_SELECTION, "Data", required=True)
    format = fields.Selection(FORMATS, "Format", required=True)

    @classmethod
    def default_format(cls):
        return 'xlsx'


class Template(Wizard):
    "Template of a file of an external billing"
    __name__ = 'crm.billing.exchange.template'
    start = StateView('crm.billing.exchange.template.start',
        'crm_billing.exchange_template_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Download", 'file', 'tryton-ok', default=True),
            ])
    file = StateReport('crm.billing.exchange.file')

    def do_file(self, action):
        return action, {'what': 'template', 'kind': self.start.kind,
            'format': self.start.format}


class ExportStart(ModelView):
    "Export the readings to the external billing"
    __name__ = 'crm.billing.exchange.export.start'
    __string__ = "Export the readings to the external billing"
    start_date = fields.Date("From", required=True)
    end_date = fields.Date("To", required=True,
        domain=[('end_date', '>=', Eval('start_date'))])
    format = fields.Selection(FORMATS, "Format", required=True)

    @classmethod
    def default_start_date(cls):
        return dt.date.today().replace(day=1)

    @classmethod
    def default_end_date(cls):
        return dt.date.today()

    @classmethod
    def default_format(cls):
        return 'xlsx'


class Export(Wizard):
    "Export the readings to the external billing"
    __name__ = 'crm.billing.exchange.export'
    start = StateView('crm.billing.exchange.export.start',
        'crm_billing.exchange_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'file', 'tryton-ok', default=True),
            ])
    file = StateReport('crm.billing.exchange.file')

    def do_file(self, action):
        return action, {'what': 'readings', 'format': self.start.format,
            'start': self.start.start_date.isoformat(),
            'end': self.start.end_date.isoformat()}


class ExchangeFile(Report):
    "A template or the readings as a file to download"
    __name__ = 'crm.billing.exchange.file'

    @classmethod
    def execute(cls, ids, data):
        oext, content, _, _ = super().execute(ids, data)
        kind = data.get('kind') if data.get('what') == 'template' else (
            'readings')
        name = KIND_NAMES.get(kind, kind)
        if data.get('what') == 'template':
            name = "Шаблон - " + name
        else:
            name += ' %s - %s' % (data['start'], data['end'])
        return oext, content, False, name

    @classmethod
    def _execute(cls, records, header, data, action):
        Exchange = Pool().get('crm.billing.exchange')
        fmt = 'csv' if data.get('format') == 'csv' else 'xlsx'
        if data.get('what') == 'template':
            if data.get('kind') not in KINDS:
                raise UserError(gettext('crm_billing.msg_external_kind',
                        kind=data.get('kind')))
            return fmt, template(data['kind'], fmt)
        rows = Exchange.export_readings(
            dt.date.fromisoformat(data['start']),
            dt.date.fromisoformat(data['end']))
        return fmt, write_file(READING_COLUMNS, rows, fmt,
            KIND_NAMES['readings'])
