"Billing months of an organisation and the charges computed in them."
import datetime as dt
import time
from decimal import Decimal

from sql import Literal
from sql.aggregate import Count, Sum

from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.crm_dispatch.address import default_company
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from . import charges_sql
from .charges_run import CHUNK, STATES as RUN_STATES
from .labels import account_label, joined, month_label

CENT = Decimal('0.01')


class Period(ModelSQL, ModelView):
    "Billing period (Расчётный период)"
    __name__ = 'crm.billing.period'
    __string__ = "Billing period"
    _history = True
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    date = fields.Date("Month", required=True,
        help="The first day of the month.")
    state = fields.Selection([
            ('open', "Open"),
            ('closed', "Closed"),
            ], "State", required=True, readonly=True)
    # The last charges run, shown on the form: the run is synchronous (a
    # few set-based statements: seconds for 100k accounts, see make bench)
    # so the accountant waits for the button and then reads these
    run_started = fields.DateTime("Last Run Started", readonly=True)
    run_finished = fields.DateTime("Last Run Finished", readonly=True)
    run_seconds = fields.Float("Last Run Duration, s", digits=(16, 1),
        readonly=True)
    run_accounts = fields.Integer("Accounts Charged", readonly=True)
    run_lines = fields.Integer("Charge Lines", readonly=True)
    run_user = fields.Many2One('res.user', "Run By", readonly=True)
    charges = fields.One2Many('crm.charge', 'period', "Charges",
        readonly=True)
    # The latest run as it goes (charges_run.py): reload to see it move
    runs = fields.One2Many('crm.billing.run', 'period', "Charges Runs",
        readonly=True)
    run_state = fields.Function(fields.Selection(
            [(None, "")] + RUN_STATES, "Run State"), 'get_run')
    run_progress = fields.Function(fields.Float("Run Progress",
            digits=(16, 4)), 'get_run')
    run_message = fields.Function(fields.Text("Run Error"), 'get_run')
    total = fields.Function(fields.Numeric("Total Charged", digits=(16, 2)),
        'get_total')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('company_date_unique', Unique(t, t.company, t.date),
                'crm_billing.msg_period_unique'),
            ]
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'compute': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'closed',
                    'depends': ['state'],
                    },
                'add_recalculation': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def validate_fields(cls, periods, field_names):
        super().validate_fields(periods, field_names)
        if not field_names or 'date' in field_names:
            for period in periods:
                if period.date and period.date.day != 1:
                    raise UserError(gettext(
                            'crm_billing.msg_charges_period_first_day'))

    @classmethod
    def get_total(cls, periods, name):
        pool = Pool()
        charge = pool.get('crm.charge').__table__()
        cursor = Transaction().connection.cursor()
        totals = {p.id: None for p in periods}
        cursor.execute(*charge.select(charge.period, Sum(charge.amount),
                where=charge.period.in_(list(totals)),
                group_by=[charge.period]))
        for period_id, amount in cursor:
            # SQLite sums in floats
            totals[period_id] = Decimal(str(amount)).quantize(CENT)
        return totals

    @classmethod
    def get_run(cls, periods, names):
        Run = Pool().get('crm.billing.run')
        result = {n: {p.id: None for p in periods} for n in names}
        latest = {}
        for run in Run.search([('period', 'in', [p.id for p in periods])],
                order=[('id', 'ASC')]):
            latest[run.period.id] = run
        for period_id, run in latest.items():
            for name in names:
                result[name][period_id] = getattr(run, name[len('run_'):])
        return result

    def check_open(self):
        if self.state == 'closed':
            raise UserError(gettext('crm_billing.msg_charges_period_closed',
                    period=self.rec_name,
                    company=self.company.rec_name))

    @classmethod
    @ModelView.button
    def compute(cls, periods):
        "The button: queue a run per period (charges_run.py)"
        Pool().get('crm.billing.run').enqueue(periods)

    @classmethod
    def compute_charges(cls, periods, run=None):
        """Replace the periods' kind='charge' lines with the month's
        charges of every subscribed account (recalculations are kept), in
        chunks of accounts, the run's progress written after each; all or
        nothing: a line that cannot be priced raises and the caller's
        transaction rolls back. run: the queued run of the single period"""
        pool = Pool()
        Run = pool.get('crm.billing.run')
        Settings = pool.get('crm.billing.settings')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        charge = pool.get('crm.charge').__table__()
        cls.lock(periods)
        for period in periods:
            period.check_open()
        if backend.name == 'postgresql':
            # The readings' aggregate over 100k accounts spills to disk at
            # the default 4MB
            cursor.execute("SET LOCAL work_mem = '64MB'")
        chunk = transaction.context.get('charges_run_chunk') or CHUNK
        for period in periods:
            settings = Settings.get(period.company)
            started = time.perf_counter()
            started_at = dt.datetime.now()
            if run is None:
                with without_check_access():
                    this, = Run.create([{'company': period.company.id,
                                'period': period.id,
                                'user': transaction.user}])
            else:
                this = run
            subs = charges_sql.subscriptions(period.company.id, period.date)
            cursor.execute(*subs.select(subs.account, Count(Literal(1)),
                    group_by=[subs.account], order_by=[subs.account]))
            per_account = cursor.fetchall()
            Run.step(this, {'state': 'running', 'started': started_at,
                    'total': len(per_account), 'done': 0, 'progress': 0,
                    'lines': 0})
            cursor.execute(*charge.delete(where=(charge.period == period.id)
                    & (charge.kind == 'charge')))
            inserted, staged = 0, None
            if len(per_account) > chunk:
                staged = charges_sql.stage_readings(period.company.id,
                    period.date, settings.average_months,
                    settings.average_limit)
            for n in range(0, len(per_account), chunk):
                part = per_account[n:n + chunk]
                inserted += cls._compute_chunk(period, settings, started_at,
                    (part[0][0], part[-1][0]), sum(c for _, c in part),
                    staged)
                done = n + len(part)
                Run.step(this, {'done': done, 'lines': inserted,
                        'progress': round(done / len(per_account), 4)})
            if staged is not None:
                charges_sql.drop_staged()
            finished = dt.datetime.now()
            seconds = round(time.perf_counter() - started, 1)
            cls.write([period], {
                    'run_started': started_at,
                    'run_finished': finished,
                    'run_seconds': seconds,
                    'run_accounts': len(per_account),
                    'run_lines': inserted,
                    'run_user': transaction.user,
                    })
            Run.step(this, {'state': 'done', 'finished': finished,
                    'progress': 1})

    @classmethod
    def _compute_chunk(cls, period, settings, started_at, accounts,
            expected, staged=None):
        "Insert the lines of the accounts' id range; the count inserted"
        pool = Pool()
        charge = pool.get('crm.charge').__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        rows = charges_sql.lines(period.company.id, period.date,
            settings.average_months, settings.average_limit,
            accounts=accounts, staged=staged)
        complete = rows.select(
            Literal(period.company.id), Literal(period.id),
            rows.account, rows.service, Literal('charge'),
            rows.method, rows.quantity, rows.rate, rows.amount,
            Literal(transaction.user), Literal(started_at),
            where=rows.amount != None)  # noqa: E711
        cursor.execute(*charge.insert([
                    charge.company, charge.period, charge.account,
                    charge.service, charge.kind, charge.method,
                    charge.quantity, charge.rate, charge.amount,
                    charge.create_uid, charge.create_date],
                complete))
        if cursor.rowcount != expected:
            cls._refuse_incomplete(period, rows)
        return cursor.rowcount

    @classmethod
    def _refuse_incomplete(cls, period, rows):
        "Say which line could not be priced (the transaction rolls back)"
        pool = Pool()
        Account = pool.get('crm.account')
        Service = pool.get('crm.service')
        cursor = Transaction().connection.cursor()
        cursor.execute(*rows.select(rows.account, rows.service,
                rows.quantity, rows.rate,
                where=rows.amount == None,  # noqa: E711
                order_by=[rows.account, rows.service], limit=1))
        account_id, service_id, quantity, rate = cursor.fetchone()
        account, service = Account(account_id), Service(service_id)
        if rate is None:
            message = 'crm_billing.msg_charges_no_tariff'
        elif service.method == 'area':
            message = 'crm_billing.msg_charges_no_area'
        else:
            message = 'crm_billing.msg_charges_no_norm'
        raise UserError(gettext(message, service=service.rec_name,
                account=account.rec_name, period=period.rec_name))

    @classmethod
    @ModelView.button
    def close(cls, periods):
        cls.write(periods, {'state': 'closed'})

    @classmethod
    @ModelView.button
    def reopen(cls, periods):
        "Administrators only (button access): corrections of a closed month"
        cls.write(periods, {'state': 'open'})

    @classmethod
    @ModelView.button_action('crm_billing.wizard_charges_recalculation')
    def add_recalculation(cls, periods):
        pass

    default_company = staticmethod(default_company)

    @classmethod
    def default_state(cls):
        return 'open'

    def get_rec_name(self, name):
        return month_label(self.date) if self.date else ''


CHARGE_METHODS = [
    ('meter', "By meter"),
    ('average', "Average consumption"),
    ('norm', "Norm"),
    ('norm_coefficient', "Norm with the increasing coefficient"),
    ('area', "By area"),
    ('fixed', "Fixed"),
    ('manual', "Manual"),
    ]


class Charge(ModelSQL, ModelView):
    "Charge (Начисление)"
    __name__ = 'crm.charge'
    __string__ = "Charge"
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    period = fields.Many2One(
        'crm.billing.period', "Period", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    account = fields.Many2One(
        'crm.account', "Account", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    service = fields.Many2One(
        'crm.service', "Service", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    kind = fields.Selection([
            ('charge', "Charge"),
            ('recalculation', "Recalculation"),
            ], "Kind", required=True)
    method = fields.Selection(CHARGE_METHODS, "Method", required=True)
    quantity = fields.Numeric("Quantity", digits=(16, 4))
    rate = fields.Numeric("Rate", digits=(16, 4))
    amount = fields.Numeric("Amount", digits=(16, 2), required=True)
    reason = fields.Char("Reason",
        states={'required': Eval('kind') == 'recalculation'},
        help="Why the recalculation was made.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.period, Index.Range()),
                    (t.account, Index.Range())),
                Index(t, (t.account, Index.Range())),
                })
        cls._order = [
            ('period', 'DESC'), ('service', 'ASC'), ('id', 'ASC')]

    default_company = staticmethod(default_company)

    def get_rec_name(self, name):
        return joined(account_label(self.account),
            month_label(self.period.date) if self.period else '',
            self.service.name if self.service else '',
            'перерасчёт' if self.kind == 'recalculation' else '')

    @classmethod
    def default_kind(cls):
        return 'charge'

    @classmethod
    def default_method(cls):
        return 'manual'

    @classmethod
    def create(cls, vlist):
        "Refused before the rows exist (the check below runs after)"
        Period = Pool().get('crm.billing.period')
        for period in Period.browse({v['period'] for v in vlist
                    if v.get('period')}):
            period.check_open()
        return super().create(vlist)

    @classmethod
    def check_modification(cls, mode, charges, values=None, external=False):
        "Nothing changes in a closed month, not even by the root user"
        pool = Pool()
        Period = pool.get('crm.billing.period')
        super().check_modification(
            mode, charges, values=values, external=external)
        periods = {c.period for c in charges}
        if values and values.get('period'):
            periods.add(Period(values['period']))
        for period in periods:
            period.check_open()
