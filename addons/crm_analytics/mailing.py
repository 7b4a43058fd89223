"""Scheduled report mailings: a saved pivot layout or an operational report,
computed AS the mailing's owner (under his access rules, in his
organisation) for a period relative to the run day, rendered as XLSX or
PDF, optionally in a password-protected ZIP, and e-mailed by Tryton's
scheduler; every run, sent or failed, is kept in the history."""
import datetime as dt
import logging
import re
from contextlib import contextmanager

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools.email_ import validate_email
from trytond.transaction import Transaction, without_check_access

from . import export
from .layout import PERIODS, period_dates
from .mailing_send import (
    file_name, letter, next_run, send, to_local, zip_protected, zone_of)

logger = logging.getLogger(__name__)

MAILING_PERIODS = [p for p in PERIODS if p[0]]
WEEKDAYS = [
    ('0', "Monday"), ('1', "Tuesday"), ('2', "Wednesday"),
    ('3', "Thursday"), ('4', "Friday"), ('5', "Saturday"), ('6', "Sunday"),
    ]
# Fields whose change moves the next run
SCHEDULE = {'frequency', 'weekday', 'day', 'hour', 'company', 'active'}
MIN_PASSWORD = 6
# Addresses hold no spaces, but «Имя Фамилия» typed by mistake is one bad
# entry, reported whole
_SEPARATORS = re.compile(r'[\n,;]+')
# The syntax of an address (RFC 5322's dot-atom, a domain of letters,
# digits and hyphens, Cyrillic ones too): trytond's validate_email checks
# nothing when email_validator is not installed
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDRESS = re.compile(
    rf"{_ATOM}(\.{_ATOM})*@([^\W_]([\w-]*[^\W_])?\.)+[^\W\d_]{{2,}}")


def utc_now():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def period_text(start, end):
    if start == end:
        return start.strftime('%d.%m.%Y')
    return f"{start.strftime('%d.%m.%Y')} — {end.strftime('%d.%m.%Y')}"


class Mailing(DeactivableMixin, ModelSQL, ModelView):
    "Report Mailing"
    __name__ = 'crm.analytics.mailing'
    __string__ = "Report Mailing"
    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='CASCADE')
    user = fields.Many2One('res.user', "Owner", required=True,
        readonly=True, ondelete='CASCADE',
        help="The figures are computed as this user, under his access "
        "rules: the mailing never holds what he may not read.")
    kind = fields.Selection([
            ('layout', "Pivot Layout"),
            ('report', "Report"),
            ], "Content", required=True)
    layout = fields.Many2One('crm.analytics.layout', "Pivot Layout",
        ondelete='RESTRICT',
        domain=['OR',
            ('user', '=', Eval('user', -1)),
            ('shared', '=', True)],
        states={
            'required': Eval('kind') == 'layout',
            'invisible': Eval('kind') != 'layout',
            })
    report = fields.Selection('get_reports', "Report",
        states={
            'required': Eval('kind') == 'report',
            'invisible': Eval('kind') != 'report',
            })
    period = fields.Selection(MAILING_PERIODS, "Period", required=True,
        help="Relative to the day of the run.")
    format = fields.Selection([
            ('xlsx', "Excel (XLSX)"),
            ('pdf', "PDF"),
            ], "Format", required=True)
    recipients = fields.Text("Recipients", required=True,
        help="E-mail addresses, one per line.")
    archive = fields.Boolean("ZIP Archive with Password",
        help="The file goes inside a ZIP archive encrypted with AES-256; "
        "tell the recipients the password by another channel.")
    password = fields.Char("Archive Password", strip=False,
        states={
            'required': Eval('archive', False),
            'invisible': ~Eval('archive', False),
            })
    frequency = fields.Selection([
            ('daily', "Daily"),
            ('weekly', "Weekly"),
            ('monthly', "Monthly"),
            ], "Frequency", required=True)
    weekday = fields.Selection([(None, '')] + WEEKDAYS, "Day of Week",
        states={
            'required': Eval('frequency') == 'weekly',
            'invisible': Eval('frequency') != 'weekly',
            })
    day = fields.Integer("Day of Month",
        states={
            'required': Eval('frequency') == 'monthly',
            'invisible': Eval('frequency') != 'monthly',
            },
        help="1–31; in a shorter month the mailing goes on its last day.")
    hour = fields.Integer("Hour", required=True,
        help="0–23, in the organisation's local time.")
    next_run = fields.DateTime("Next Run", readonly=True)
    logs = fields.One2Many('crm.analytics.mailing.log', 'mailing',
        "History", readonly=True, order=[('date', 'DESC'), ('id', 'DESC')])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('name', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'send_now': {'icon': 'tryton-email'},
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_user():
        return Transaction().user

    @staticmethod
    def default_kind():
        return 'layout'

    @staticmethod
    def default_period():
        return 'yesterday'

    @staticmethod
    def default_format():
        return 'xlsx'

    @staticmethod
    def default_frequency():
        return 'daily'

    @staticmethod
    def default_hour():
        return 8

    @staticmethod
    def default_archive():
        return False

    @classmethod
    def get_reports(cls):
        """The operational reports that can be mailed: every model that
        builds its table by export_table() (crm.analytics.report.*)"""
        pool = Pool()
        Model = pool.get('ir.model')
        names = [name for name, klass in pool.iterobject()
            if name.startswith('crm.analytics.report.')
            and callable(getattr(klass, 'export_table', None))]
        if not names:
            return [(None, '')]
        with without_check_access():
            models = Model.search([('name', 'in', names)])
        titles = {m.name: m.string for m in models}
        return [(None, '')] + sorted(
            ((n, titles.get(n, n)) for n in names), key=lambda s: s[1])

    # -- saving ------------------------------------------------------------

    @classmethod
    def create(cls, vlist):
        # The owner is who saves it: nobody mails the figures of another
        transaction = Transaction()
        vlist = [dict(v) for v in vlist]
        if transaction.check_access:
            for values in vlist:
                values['user'] = transaction.user
        mailings = super().create(vlist)
        cls.reschedule(mailings)
        return mailings

    @classmethod
    def write(cls, *args):
        transaction = Transaction()
        args = list(args)
        moved = []
        for i in range(0, len(args), 2):
            values = args[i + 1] = dict(args[i + 1])
            if transaction.check_access and 'user' in values:
                # Taking a mailing over makes it yours, never another's
                values['user'] = transaction.user
            if SCHEDULE & set(values):
                moved.extend(args[i])
        super().write(*args)
        if moved:
            cls.reschedule(cls.browse(moved))

    @classmethod
    def copy(cls, mailings, default=None):
        default = dict(default or {})
        default.setdefault('logs', None)
        default.setdefault('next_run', None)
        return super().copy(mailings, default=default)

    @classmethod
    def reschedule(cls, mailings, after=None):
        "Set the next run of the mailings: the first after `after` (now)"
        after = after or utc_now()
        for mailing in mailings:
            value = None
            if mailing.active:
                value = mailing.compute_next_run(after)
            if mailing.next_run != value:
                # next_run is outside SCHEDULE: no recursion
                cls.write([mailing], {'next_run': value})

    def compute_next_run(self, after):
        return next_run(after, self.frequency, self.hour,
            weekday=self.weekday, day=self.day, zone=zone_of(self.company))

    @property
    def addresses(self):
        "The recipients' addresses, one per line (commas also separate)"
        return [a.strip() for a in _SEPARATORS.split(self.recipients or '')
            if a.strip()]

    @classmethod
    def validate_fields(cls, mailings, field_names):
        super().validate_fields(mailings, field_names)
        if field_names is not None and field_names <= {'next_run'}:
            return
        for mailing in mailings:
            mailing.check_recipients()
            mailing.check_schedule()
            mailing.check_password()
            mailing.check_owner()
            mailing.check_layout()

    def check_recipients(self):
        addresses = self.addresses
        if not addresses:
            raise UserError(gettext(
                    'crm_analytics.msg_mailing_recipients_empty',
                    mailing=self.name))
        for address in addresses:
            try:
                if not _ADDRESS.fullmatch(address):
                    raise ValueError(address)
                validate_email(address)
            except Exception:
                raise UserError(gettext(
                        'crm_analytics.msg_mailing_recipient_invalid',
                        mailing=self.name, address=address))

    def check_schedule(self):
        if self.hour is None or not 0 <= self.hour <= 23:
            raise UserError(gettext('crm_analytics.msg_mailing_hour',
                    mailing=self.name, hour=self.hour))
        if self.frequency == 'monthly' and (
                self.day is None or not 1 <= self.day <= 31):
            raise UserError(gettext('crm_analytics.msg_mailing_day',
                    mailing=self.name, day=self.day))

    def check_password(self):
        if self.archive and len(self.password or '') < MIN_PASSWORD:
            raise UserError(gettext(
                    'crm_analytics.msg_mailing_password_short',
                    mailing=self.name, length=MIN_PASSWORD))

    def check_owner(self):
        "The owner works in the organisation and may still log in"
        with without_check_access():
            user = self.user.__class__(self.user.id)
            active, companies = user.active, set(user.companies)
        if not active:
            raise UserError(gettext(
                    'crm_analytics.msg_mailing_owner_inactive',
                    mailing=self.name, user=self.user.rec_name))
        if self.company not in companies:
            raise UserError(gettext(
                    'crm_analytics.msg_mailing_owner_company',
                    mailing=self.name, user=self.user.rec_name,
                    company=self.company.rec_name))

    def check_layout(self):
        "A layout the owner may not read (another's, unshared) is refused"
        Layout = Pool().get('crm.analytics.layout')
        if self.kind != 'layout' or not self.layout:
            return
        with self.as_owner():
            if not Layout.search([('id', '=', self.layout.id)]):
                raise UserError(gettext(
                        'crm_analytics.msg_mailing_layout_foreign',
                        mailing=self.name, layout=self.layout.rec_name))

    # -- running -----------------------------------------------------------

    @contextmanager
    def as_owner(self):
        """Run as the owner with his preferences and access rules checked,
        confined to the mailing's organisation"""
        User = Pool().get('res.user')
        transaction = Transaction()
        with transaction.set_user(self.user.id):
            preferences = User.get_preferences(context_only=True)
        with transaction.set_user(self.user.id), transaction.set_context(
                preferences, _check_access=True, company=self.company.id,
                _companies=[self.company.id]):
            yield

    def table(self, start, end):
        "(title, headers, rows) of the content for the period, as the owner"
        pool = Pool()
        if self.kind == 'layout':
            Layout = pool.get('crm.analytics.layout')
            # Instantiated here: read under the owner's rules
            return Layout(self.layout.id).table(start, end)
        if self.report not in dict(self.get_reports()):
            raise UserError(gettext(
                    'crm_analytics.msg_mailing_report_unknown',
                    mailing=self.name, report=self.report))
        Report = pool.get(self.report)
        with Transaction().set_context(from_date=start, to_date=end,
                company=self.company.id):
            return Report.export_table()

    def run(self, now=None, manual=False):
        """Compute, render and e-mail the mailing once; record the outcome
        in the history (also when it fails) and return the log"""
        Log = Pool().get('crm.analytics.mailing.log')
        now = now or utc_now()
        today = to_local(now, zone_of(self.company)).date()
        start, end = period_dates(self.period, today)
        period = period_text(start, end)
        addresses = self.addresses
        values = {
            'mailing': self.id,
            'date': now,
            'recipients': '\n'.join(addresses),
            'period': period,
            'manual': manual,
            }
        # In the owner's language: the letter and the history are his
        with self.as_owner():
            try:
                # The owner must still be allowed to read what goes out (a
                # layout unshared since is his no more)
                self.check_owner()
                self.check_layout()
                organisation = self.company.rec_name
                title, headers, rows = self.table(start, end)
                subtitle = gettext('crm_analytics.msg_mailing_subtitle',
                    organisation=organisation, period=period)
                subject = gettext('crm_analytics.msg_mailing_subject',
                    name=self.name, period=period, organisation=organisation)
                body = gettext('crm_analytics.msg_mailing_body',
                    name=self.name, period=period, organisation=organisation,
                    title=title)
                content = export.render(
                    self.format, title, headers, rows, subtitle=subtitle)
                name, mime = (file_name(self.name, today, self.format),
                    export.MIME[self.format])
                if self.archive:
                    content = zip_protected(name, content, self.password)
                    name, mime = (file_name(self.name, today, 'zip'),
                        export.MIME['zip'])
                values.update(file_name=name, size=len(content))
                send(letter(addresses, subject, body, name, content, mime),
                    addresses)
                values['state'] = 'sent'
            except Exception as exception:
                # One mailing's failure is recorded, never stops the others
                logger.warning('mailing %s failed', self.id, exc_info=True)
                values['state'] = 'failed'
                values['error'] = getattr(exception, 'message', None) or (
                    gettext('crm_analytics.msg_mailing_send_failed',
                        error=f'{exception.__class__.__name__}: {exception}'))
        with without_check_access():
            log, = Log.create([values])
        return log

    @classmethod
    @ModelView.button
    def send_now(cls, mailings):
        "Send at once, whatever the schedule (which stays as it is)"
        now = utc_now()
        for mailing in mailings:
            # Run unchecked as the scheduler would: the owner's rules apply
            # inside run(), the button's user only chose to send
            with without_check_access():
                cls(mailing.id).run(now, manual=True)

    @classmethod
    def send_due(cls, now=None):
        """The scheduler's task: run every active mailing whose next run has
        come (of the organisation the task runs for), then move each to its
        next run after now: runs missed while the server was down are sent
        once, not caught up one by one"""
        now = now or utc_now()
        domain = [('active', '=', True), ('next_run', '<=', now)]
        company = Transaction().context.get('company')
        if company:
            domain.append(('company', '=', company))
        with without_check_access():
            mailings = cls.search(domain,
                order=[('next_run', 'ASC'), ('id', 'ASC')])
            logs = []
            for mailing in mailings:
                logs.append(mailing.run(now))
            cls.reschedule(mailings, after=now)
        return logs


class MailingLog(ModelSQL, ModelView):
    "Report Mailing History"
    __name__ = 'crm.analytics.mailing.log'
    __string__ = "Report Mailing History"
    date = fields.DateTime("Date", required=True, readonly=True)
    mailing = fields.Many2One('crm.analytics.mailing', "Mailing",
        required=True, readonly=True, ondelete='CASCADE')
    period = fields.Char("Period", readonly=True)
    recipients = fields.Text("Recipients", readonly=True)
    file_name = fields.Char("File", readonly=True)
    size = fields.Integer("Size, Bytes", readonly=True)
    state = fields.Selection([
            ('sent', "Sent"),
            ('failed', "Failed"),
            ], "State", required=True, readonly=True)
    error = fields.Text("Error", readonly=True)
    manual = fields.Boolean("Sent by Hand", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.analytics.mailing|send_due', "Send Due Report Mailings"))
