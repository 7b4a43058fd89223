"Applicants (party.party) as the contact centre sees them."
import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat
from sql.aggregate import Avg

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import AppealValidationError

PHONE_REGION = 'RU'


def normalize_phone(value):
    """Return the E.164 form of a phone typed by an operator (Russian
    numbers may be typed in the national form) or None if it is not a
    valid number."""
    if not value:
        return None
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def format_phone(value):
    "Return the international display form of a valid phone"
    number = phonenumbers.parse(value, PHONE_REGION)
    return phonenumbers.format_number(
        number, PhoneNumberFormat.INTERNATIONAL)


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    # Operators edit applicants: keep every change, as for appeals
    _history = True

    pd_consent = fields.Boolean(
        "Consent to Personal Data Processing",
        help="Согласие на обработку персональных данных (152-ФЗ).")
    pd_consent_date = fields.Date(
        "Consent Date",
        states={
            'invisible': ~Eval('pd_consent'),
            'required': Eval('pd_consent', False),
            })
    pd_consent_user = fields.Many2One(
        'res.user', "Consent Recorded By", readonly=True,
        states={'invisible': ~Eval('pd_consent')})
    crm_accounts = fields.Many2Many(
        'crm.account-party.party', 'party', 'account', "Personal Accounts")
    crm_appeals = fields.One2Many('crm.appeal', 'applicant', "Appeals",
        readonly=True)
    crm_rating = fields.Function(fields.Float(
            "Average Rating", digits=(2, 1)), 'get_crm_rating')

    @classmethod
    def get_crm_rating(cls, parties, name):
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        appeal = Appeal.__table__()
        cursor = Transaction().connection.cursor()
        result = {p.id: None for p in parties}
        cursor.execute(*appeal.select(
                appeal.applicant, Avg(appeal.rating),
                where=appeal.applicant.in_(list(result))
                & (appeal.rating != None),  # noqa: E711
                group_by=[appeal.applicant]))
        for party_id, rating in cursor:
            result[party_id] = round(float(rating), 1)
        return result

    @fields.depends('pd_consent', 'pd_consent_date')
    def on_change_pd_consent(self):
        Date = Pool().get('ir.date')
        if self.pd_consent and not self.pd_consent_date:
            self.pd_consent_date = Date.today()

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('pd_consent'):
            values['pd_consent_user'] = Transaction().user or None
            if not values.get('pd_consent_date'):
                values['pd_consent_date'] = Pool().get('ir.date').today()
        elif 'pd_consent' in values:
            values['pd_consent_user'] = None
            values['pd_consent_date'] = None
        return values

    @classmethod
    def match_contact(cls, phone=None, email=None):
        """Return the applicants whose phone or e-mail is the given one,
        leaving out contacts reviewed as public (shared by many)."""
        pool = Pool()
        Mechanism = pool.get('party.contact_mechanism')
        PublicContact = pool.get('crm.contact.public')
        values = []
        if phone and (compact := normalize_phone(phone)):
            values.append(('phone', compact))
        if email:
            values.append(('email', email.strip().lower()))
        parties = []
        for kind, value in values:
            if PublicContact.is_public(kind, value):
                continue
            mechanisms = Mechanism.search([
                    ('value_compact', '=', value),
                    ('type', 'in', ['phone', 'mobile'] if kind == 'phone'
                        else ['email']),
                    ], limit=50)
            for mechanism in mechanisms:
                if mechanism.party not in parties:
                    parties.append(mechanism.party)
        return parties


class ContactMechanism(metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'
    _history = True

    @fields.depends(methods=['_phone_country_codes'])
    def _phone_country_codes(self):
        yield from super()._phone_country_codes()
        # Residents type Russian numbers in the national form
        yield PHONE_REGION

    def format_value_compact(self, value=None, type_=None):
        value = super().format_value_compact(value=value, type_=type_)
        if type_ == 'email' and value:
            value = value.strip().lower()
        return value

    @classmethod
    def on_modification(cls, mode, mechanisms, field_names=None):
        super().on_modification(mode, mechanisms, field_names=field_names)
        if mode in {'create', 'write'}:
            Pool().get('crm.contact.public').check_shared(mechanisms)


class PublicContact(Workflow, ModelSQL, ModelView):
    "Public contact review (Общественный контакт)"
    __name__ = 'crm.contact.public'
    __string__ = "Public contact review"
    _transition_state = 'status'
    _history = True
    _rec_name = 'value'
    type = fields.Selection([
            ('phone', "Phone"),
            ('email', "E-Mail"),
            ], "Contact Type", required=True, readonly=True)
    value = fields.Char("Contact", required=True, readonly=True)
    status = fields.Selection([
            ('unconfirmed', "Unconfirmed"),
            ('public', "Public"),
            ('personal', "Personal"),
            ], "Status", required=True, readonly=True, sort=False)
    comment = fields.Text("Comment", readonly=True)
    party_count = fields.Function(
        fields.Integer("Applicants"), 'get_party_count')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('value_unique', Unique(t, t.type, t.value),
                'crm_dispatch.msg_public_contact_unique'),
            ]
        cls._transitions |= {
            ('unconfirmed', 'public'),
            ('unconfirmed', 'personal'),
            ('public', 'personal'),
            ('personal', 'public'),
            }
        cls._buttons.update({
                'mark_public_wizard': {
                    'invisible': Eval('status') == 'public',
                    'depends': ['status'],
                    },
                'mark_personal': {
                    'invisible': Eval('status') == 'personal',
                    'depends': ['status'],
                    },
                })
        cls._order = [('status', 'DESC'), ('value', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_status(cls):
        return 'unconfirmed'

    def get_rec_name(self, name):
        # Phones are kept in E.164 to be matched, shown as people write them
        if self.type == 'phone' and self.value:
            try:
                return format_phone(self.value)
            except NumberParseException:
                pass
        return self.value or ''

    @classmethod
    def _types(cls, kind):
        return ['phone', 'mobile'] if kind == 'phone' else ['email']

    def get_party_count(self, name):
        Mechanism = Pool().get('party.contact_mechanism')
        mechanisms = Mechanism.search([
                ('value_compact', '=', self.value),
                ('type', 'in', self._types(self.type)),
                ])
        return len({m.party.id for m in mechanisms})

    @classmethod
    def is_public(cls, kind, value):
        return bool(cls.search([
                    ('type', '=', kind),
                    ('value', '=', value),
                    ('status', '=', 'public'),
                    ], limit=1))

    @classmethod
    def check_shared(cls, mechanisms):
        "Put contacts shared by too many applicants on the review list"
        pool = Pool()
        Mechanism = pool.get('party.contact_mechanism')
        Configuration = pool.get('crm.configuration')
        threshold = Configuration(1).public_contact_threshold
        to_create = []
        seen = set()
        for mechanism in mechanisms:
            if mechanism.type in {'phone', 'mobile'}:
                kind = 'phone'
            elif mechanism.type == 'email':
                kind = 'email'
            else:
                continue
            value = mechanism.value_compact
            if not value or (kind, value) in seen:
                continue
            seen.add((kind, value))
            with Transaction().set_context(active_test=False):
                sharing = Mechanism.search([
                        ('value_compact', '=', value),
                        ('type', 'in', cls._types(kind)),
                        ])
            if len({m.party.id for m in sharing}) <= threshold:
                continue
            if not cls.search([('type', '=', kind), ('value', '=', value)]):
                to_create.append({'type': kind, 'value': value})
        if to_create:
            with Transaction().set_context(_check_access=False):
                cls.create(to_create)

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_public_mark')
    def mark_public_wizard(cls, contacts):
        pass

    @classmethod
    @Workflow.transition('public')
    def mark_public(cls, contacts, comment):
        cls.write(contacts, {'comment': comment})

    @classmethod
    @ModelView.button
    @Workflow.transition('personal')
    def mark_personal(cls, contacts):
        pass

    @classmethod
    def check_modification(cls, mode, contacts, values=None, external=False):
        super().check_modification(
            mode, contacts, values=values, external=external)
        if mode == 'delete' and external:
            raise AppealValidationError(
                gettext('crm_dispatch.msg_public_contact_delete'))
