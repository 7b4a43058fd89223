"Appeals (обращения): the record, its contacts, deadline and checks."
import datetime as dt
import functools

from sql import Literal, Null
from sql.conditionals import Case, Coalesce

from trytond.backend import MAX_QUERY_PARAMS
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools.email_ import normalize_email, validate_email
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .appeal_lifecycle import (
    NOTIFY_CHANNELS, OPEN_STATES, STATES, AppealLifeCycle)
from . import work_calendar
from .exceptions import AppealError
from .party import format_phone, normalize_phone
from .search import fill_column, phone_digits
from .read_template import ReadTemplate, query_now, template_read
from .speedups import (
    TranslatedSelection, ids_only_search, read_with_labels)

_readonly_closed = {'readonly': ~Eval('state').in_(OPEN_STATES)}


class Appeal(ReadTemplate, AppealLifeCycle, Workflow, ModelSQL, ModelView):
    "Appeal (Обращение)"
    __name__ = 'crm.appeal'
    __string__ = "Appeal"
    _history = True
    _rec_name = 'number'

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Organisation", required=True,
        states={'readonly': Eval('state') != 'draft'})
    # The deadline follows the source: fixed once the appeal is taken
    source = fields.Many2One(
        'crm.appeal.source', "Source", required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'draft'})
    received_date = fields.DateTime(
        "Received", required=True, states=_readonly_closed)
    applicant = fields.Many2One(
        'party.party', "Applicant", ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'},
        states=_readonly_closed)
    contact_phone = fields.Char("Phone", states=_readonly_closed)
    contact_email = fields.Char("E-Mail", states=_readonly_closed)
    # The search box finds a phone whatever way it is typed: by digits
    contact_phone_digits = fields.Char("Phone Digits", readonly=True)
    matching_applicants = fields.Function(fields.Many2Many(
            'party.party', None, None, "Matching Applicants",
            context={'company': Eval('company', -1)},
            states={'invisible': ~Eval('matching_applicants')},
            help="Applicants with the phone or e-mail typed above."),
        'on_change_with_matching_applicants')
    applicant_rating = fields.Function(
        fields.Float("Applicant Rating", digits=(2, 1)),
        'on_change_with_applicant_rating')
    reason_group = fields.Many2One(
        'crm.appeal.reason.group', "Reason Group", ondelete='RESTRICT',
        search_context={'crm_usable_only': True},
        states=_readonly_closed)
    reason = fields.Many2One(
        'crm.appeal.reason', "Reason", ondelete='RESTRICT',
        domain=[
            If(Bool(Eval('reason_group')),
                ('group', '=', Eval('reason_group', -1)), ()),
            ],
        # Pickers offer only the reasons of the operator's line tags;
        # saving another one is refused in preprocess_values.
        search_context={'crm_usable_only': True},
        states={
            'readonly': ~Eval('state').in_(OPEN_STATES),
            'required': Eval('state').in_(['in_work', 'resolved']),
            })
    description = fields.Text("Description", states=_readonly_closed)
    operator_comment = fields.Text("Operator Comment")
    accounts = fields.Many2Many(
        'crm.appeal-crm.account', 'appeal', 'account', "Personal Accounts",
        domain=[('company', '=', Eval('company', -1))],
        states=_readonly_closed)
    building = fields.Many2One(
        'crm.building', "Building", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states=_readonly_closed)
    premise = fields.Many2One(
        'crm.premise', "Premise", ondelete='RESTRICT',
        domain=[If(Bool(Eval('building')),
                ('building', '=', Eval('building', -1)), ())],
        states=_readonly_closed)
    notify_on_close = fields.Boolean(
        "Notify on Close", states=_readonly_closed)
    notify_channel = fields.Selection(NOTIFY_CHANNELS, "Notification Channel",
        states={
            'invisible': ~Eval('notify_on_close'),
            'required': Bool(Eval('notify_on_close')),
            'readonly': ~Eval('state').in_(OPEN_STATES),
            })
    notified_date = fields.DateTime("Notified", readonly=True)
    support_line = fields.Many2One(
        'crm.support_line', "Support Line", ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'draft'})
    operator = fields.Many2One(
        'res.user', "Operator", ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'draft'})
    deadline = fields.DateTime("Deadline", readonly=True)
    # Computed by the database (column_overdue): one query for all the
    # rows read, searched and sorted by the same SQL expression.
    # Eager: sao reads a lazy field of a list one row per call.
    overdue = fields.Function(
        fields.Boolean("Overdue"), None, loading='eager')
    reaction_deadline = fields.DateTime("Reaction Deadline", readonly=True,
        help="When the appeal must be taken into work.")
    labour_minutes = fields.Integer(
        "Labour Time (min)", domain=[
            ['OR',
                ('labour_minutes', '=', None),
                ('labour_minutes', '>=', 0)]])
    work_started = fields.DateTime("Work Started", readonly=True)
    state = TranslatedSelection(
        STATES, "State", readonly=True, required=True, sort=False)
    work_done = fields.Text("Work Done", readonly=True)
    result = fields.Many2One('crm.appeal.result', "Result", readonly=True)
    closed_date = fields.DateTime("Closed", readonly=True)
    closed_by = fields.Many2One('res.user', "Closed By", readonly=True)
    reject_reason = fields.Text("Rejection Reason", readonly=True)
    rating = fields.Integer("Applicant Rating (stars)", readonly=True)
    rating_comment = fields.Text("Rating Comment", readonly=True)
    previous_appeal = fields.Many2One(
        'crm.appeal', "Previous Appeal", readonly=True,
        help="The appeal this one was opened from as «another question».")
    events = fields.One2Many(
        'crm.appeal.event', 'appeal', "Event Log", readonly=True)
    emails = fields.One2Many('ir.email', 'resource', "E-Mails",
        readonly=True)

    @classmethod
    def read(cls, ids, fields_names):
        return read_with_labels(
            functools.partial(template_read, cls, super().read),
            cls, ids, fields_names)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        ids_only_search(cls)
        t = cls.__table__()
        cls._sql_indexes.update({
                # The operator queue: open appeals of a line by deadline;
                # partial so that the scan returns rows in deadline order
                Index(t,
                    (t.support_line, Index.Range()),
                    (t.deadline, Index.Range(order='ASC')),
                    where=t.state.in_(OPEN_STATES)),
                Index(t,
                    (t.state, Index.Equality()),
                    (t.deadline, Index.Range(order='ASC')),
                    where=t.state.in_(OPEN_STATES)),
                Index(t, (t.operator, Index.Range()),
                    (t.state, Index.Equality())),
                # The search box's appeals of the applicants found by name
                # read and filtered by the rules from the index alone: a
                # common name at a million appeals is thousands of them
                Index(t, (t.applicant, Index.Range()), (t.id, Index.Range()),
                    include=[t.company, t.support_line]),
                Index(t, (t.received_date, Index.Range())),
                Index(t, (t.number, Index.Similarity())),
                Index(t, (Coalesce(t.contact_phone_digits, ''),
                        Index.Similarity())),
                })
        cls._order = [
            ('received_date', 'DESC NULLS FIRST'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'in_work'),
            ('draft', 'resolved'),
            ('in_work', 'resolved'),
            ('draft', 'rejected'),
            ('in_work', 'rejected'),
            ('resolved', 'in_work'),
            ('rejected', 'in_work'),
            }
        open_ = Eval('state').in_(OPEN_STATES)
        # An appeal being typed in (not saved yet) is only taken into work
        # (which saves it); one waiting in the queue may also be handed to
        # another line or rejected; it is closed once taken
        new = Eval('id', -1) < 0
        cls._buttons.update({
                'take': {
                    # in work already: hand it over with «transfer»
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'transfer': {
                    'invisible': ~open_ | new,
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'in_work',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': ~open_ | new,
                    'depends': ['state'],
                    },
                'another_question': {
                    'invisible': (Eval('state') == 'rejected') | new,
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': open_,
                    'depends': ['state'],
                    },
                'rate': {
                    'invisible': ((Eval('state') != 'resolved')
                        | ~Eval('applicant')),
                    'depends': ['state', 'applicant'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        filled = table_h.column_exist('contact_phone_digits')
        super().__register__(module)
        if not filled:
            fill_column(
                cls, 'contact_phone', 'contact_phone_digits', phone_digits)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [

            # breach_soon: stage.py (the breach forecast)
            ('/tree', 'visual', If(Eval('overdue', False), 'danger',
                    If(Eval('breach_soon', False), 'warning',
                    If(Eval('state') == 'resolved', 'success',
                        If(Eval('state') == 'rejected', 'muted',
                            If(Eval('state') == 'draft', 'info', '')))))),
            ]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def forget_cached(cls, ids):
        """Make the appeals ids read again what SQL wrote past the ORM (the
        records read before the update keep their values otherwise)"""
        transaction = Transaction()
        transaction.counter += 1
        cache = transaction.get_cache().get(cls.__name__)
        if cache is not None:
            for id_ in ids:
                cache.pop(id_, None)

    @classmethod
    def default_received_date(cls):
        return dt.datetime.now()

    @classmethod
    def default_support_line(cls):
        User = Pool().get('res.user')
        user_id = Transaction().user
        if user_id:
            lines = User(user_id).crm_lines
            if lines:
                return lines[0].id

    @classmethod
    def default_source(cls):
        """The source the menu entry («Новое обращение: телефон»...) names
        by its code, which survives an admin renaming it; none if no
        active source has that code (the operator picks one rather than
        get a wrong one); else the first source"""
        Source = Pool().get('crm.appeal.source')
        code = Transaction().context.get('crm_source_code')
        sources = Source.search(
            [('code', '=', code)] if code else [], limit=1)
        if sources:
            return sources[0].id

    @classmethod
    def default_notify_channel(cls):
        return 'phone'

    # -- contacts and applicant -------------------------------------------

    @fields.depends('contact_phone', 'contact_email')
    def on_change_with_matching_applicants(self, name=None):
        Party = Pool().get('party.party')
        return Party.match_contact(
            phone=self.contact_phone, email=self.contact_email)

    @fields.depends(
        'contact_phone', 'applicant',
        methods=['on_change_with_matching_applicants', 'on_change_applicant'])
    def on_change_contact_phone(self):
        if self.contact_phone and (compact := normalize_phone(
                    self.contact_phone)):
            self.contact_phone = format_phone(compact)
        self._offer_single_match()

    @fields.depends(
        'contact_email', 'applicant',
        methods=['on_change_with_matching_applicants', 'on_change_applicant'])
    def on_change_contact_email(self):
        self._offer_single_match()

    def _offer_single_match(self):
        matches = self.on_change_with_matching_applicants()
        self.matching_applicants = matches
        if not self.applicant and len(matches) == 1:
            self.applicant, = matches
            self.on_change_applicant()

    @fields.depends('applicant', 'contact_phone', 'contact_email', 'accounts',
        'company', 'building', 'premise')
    def on_change_applicant(self):
        if not self.applicant:
            return
        if not self.contact_phone:
            self.contact_phone = self.applicant.phone or self.applicant.mobile
        if not self.contact_email:
            self.contact_email = self.applicant.email
        if not self.accounts:
            # The applicant's linked accounts are proposed; the operator
            # removes those the call is not about.
            self.accounts = [a for a in self.applicant.crm_accounts
                if not self.company or a.company == self.company]
            self._fill_address_from_accounts()

    @fields.depends('applicant')
    def on_change_with_applicant_rating(self, name=None):
        return self.applicant.crm_rating if self.applicant else None

    @fields.depends('accounts', 'building', 'premise')
    def on_change_accounts(self):
        self._fill_address_from_accounts()

    def _fill_address_from_accounts(self):
        if self.premise or not self.accounts:
            return
        account = self.accounts[0]
        if account.premise:
            self.premise = account.premise
            self.building = account.premise.building

    @fields.depends('premise', 'building')
    def on_change_premise(self):
        if self.premise:
            self.building = self.premise.building

    @fields.depends('reason', 'reason_group')
    def on_change_reason(self):
        if self.reason:
            self.reason_group = self.reason.group

    @fields.depends('reason_group', 'reason')
    def on_change_reason_group(self):
        if self.reason and self.reason.group != self.reason_group:
            self.reason = None

    # -- deadline and overdue ---------------------------------------------

    def compute_deadlines(self):
        """{'deadline': …, 'reaction_deadline': …} from the reason's terms
        for the source, round the clock or in the organisation's working
        time"""
        values = dict.fromkeys(['deadline', 'reaction_deadline'])
        if not (self.reason and self.source and self.received_date):
            return values
        terms = self.reason.deadline_terms(self.source)
        company = getattr(self, 'company', None) or self.default_company()
        for name, hours in [('deadline', terms.hours),
                ('reaction_deadline', terms.reaction_hours)]:
            if hours:
                values[name] = work_calendar.deadline(company,
                    self.received_date, dt.timedelta(hours=hours),
                    terms.working_time)
        return values

    def compute_deadline(self):
        return self.compute_deadlines()['deadline']

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if (field_names is None
                or {'reason', 'source', 'received_date'} & set(field_names)):
            for name, value in self.compute_deadlines().items():
                if getattr(self, name, None) != value:
                    values[name] = value
        return values

    @classmethod
    def column_overdue(cls, tables, now=None):
        "Open and past the deadline, or resolved after the deadline"
        table, _ = tables[None]
        # A parameter, not CURRENT_TIMESTAMP: deadlines are naive UTC
        # datetimes on both backends, and SQLite compares them as text
        if now is None:
            now = query_now()
        return Case(
            (table.deadline == Null, Literal(False)),
            (table.state.in_(OPEN_STATES), table.deadline < now),
            ((table.state == 'resolved') & (table.closed_date != Null),
                table.closed_date > table.deadline),
            else_=Literal(False))

    @classmethod
    def select_rows(cls, appeals, columns):
        """The rows (id, *columns(table)) of appeals read by SQL, a slice at
        a time: what getters of many appeals need without loading every
        eager field of each (an appeal's attribute read does)"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for sub_ids in grouped_slice([a.id for a in appeals],
                MAX_QUERY_PARAMS):
            cursor.execute(*table.select(table.id, *columns(table),
                    where=reduce_ids(table.id, list(sub_ids))))
            yield from cursor

    @classmethod
    def domain_overdue(cls, domain, tables):
        _, operator, value = domain
        return fields.SQL_OPERATORS[operator](
            cls.column_overdue(tables), bool(value))

    @classmethod
    def order_overdue(cls, tables):
        return [cls.column_overdue(tables)]

    # -- validation -------------------------------------------------------

    @classmethod
    def _clean_contacts(cls, values):
        if values.get('contact_phone'):
            compact = normalize_phone(values['contact_phone'])
            if not compact:
                raise AppealError(gettext(
                        'crm_dispatch.msg_invalid_phone',
                        phone=values['contact_phone']))
            values['contact_phone'] = format_phone(compact)
        if 'contact_phone' in values:
            values['contact_phone_digits'] = phone_digits(
                values['contact_phone'])
        if values.get('contact_email'):
            email = values['contact_email'].strip()
            try:
                validate_email(email)
            except Exception:
                raise AppealError(gettext(
                        'crm_dispatch.msg_invalid_email', email=email))
            values['contact_email'] = normalize_email(email).lower()

    @classmethod
    def _check_reason_allowed(cls, reason_id):
        pool = Pool()
        Reason = pool.get('crm.appeal.reason')
        if not reason_id:
            return
        tags = Reason._user_tag_filter()
        if tags is None:
            return
        reason = Reason(reason_id)
        if not {t.id for t in reason.tags} & set(tags):
            raise AppealError(gettext(
                    'crm_dispatch.msg_reason_not_allowed',
                    reason=reason.rec_name))

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Reason = pool.get('crm.appeal.reason')
        Source = pool.get('crm.appeal.source')
        values = super().preprocess_values(mode, values)
        cls._clean_contacts(values)
        if 'reason' in values:
            cls._check_reason_allowed(values['reason'])
        if mode == 'create':
            # The deadline goes into the INSERT: computing it afterwards
            # would cost an UPDATE and a second history row per appeal
            values.setdefault('received_date', cls.default_received_date())
            if values.get('reason') and values.get('source'):
                appeal = cls(
                    reason=Reason(values['reason']),
                    source=Source(values['source']),
                    received_date=values['received_date'],
                    company=values.get('company'))
                values.update(appeal.compute_deadlines())
        return values

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        config_ = Configuration(1)
        vlist = [v.copy() for v in vlist]
        default_company = cls.default_company()
        for values in vlist:
            if not values.get('number'):
                company = values.get('company', default_company)
                sequence = config_.get_multivalue(
                    'appeal_sequence', company=company)
                with Transaction().set_context(company=company):
                    values['number'] = sequence.get()
        appeals = super().create(vlist)
        AppealEvent = pool.get('crm.appeal.event')
        AppealEvent.record(appeals, 'created')
        return appeals

    @classmethod
    def copy(cls, appeals, default=None):
        default = default.copy() if default else {}
        for name in ['number', 'work_done', 'result', 'closed_date',
                'closed_by', 'reject_reason', 'rating', 'rating_comment',
                'events', 'emails', 'notified_date', 'work_started',
                'labour_minutes', 'deadline']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        default.setdefault('received_date', dt.datetime.now())
        return super().copy(appeals, default=default)

    @classmethod
    def check_modification(cls, mode, appeals, values=None, external=False):
        super().check_modification(
            mode, appeals, values=values, external=external)
        if mode == 'delete' and external:
            for appeal in appeals:
                if appeal.state != 'draft':
                    raise AppealError(gettext(
                            'crm_dispatch.msg_appeal_delete_not_draft',
                            appeal=appeal.rec_name))


class AppealAccount(ModelSQL):
    "Appeal - personal account"
    __name__ = 'crm.appeal-crm.account'
    __string__ = "Appeal - personal account"
    appeal = fields.Many2One(
        'crm.appeal', "Appeal", required=True, ondelete='CASCADE')
    account = fields.Many2One(
        'crm.account', "Account", required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('appeal')
        cls._sql_indexes.add(Index(t, (t.account, Index.Range())))
