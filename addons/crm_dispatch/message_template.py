"""Message templates the administrator writes: the subject and text of the
letters sent about an appeal (replies, close notifications, observers'
notices), with placeholders such as {number} or {applicant}.

Tryton's ir.email.template evaluates Genshi expressions over the record:
powerful for a developer, opaque for a housing company's administrator,
and a mistyped name shows only when a letter fails.  Here the placeholders
are a fixed, documented list, checked when the template is saved."""
import datetime as dt
import string
from zoneinfo import ZoneInfo

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateView, Wizard

KINDS = [
    ('reply', "Reply to the applicant"),
    ('close', "Close notification"),
    ('observer', "Notice to observers"),
    ]


def _local(appeal, moment):
    "moment (naive UTC) as the organisation's wall clock, dd.mm.yyyy hh:mm"
    if not moment:
        return ''
    zone = getattr(appeal.company, 'timezone', None) or 'Europe/Moscow'
    local = moment.replace(tzinfo=dt.timezone.utc).astimezone(ZoneInfo(zone))
    return local.strftime('%d.%m.%Y %H:%M')


def _name(record):
    return record.rec_name if record else ''


def _state(appeal):
    "The state's label in the user's language"
    selection = appeal.__class__.fields_get(['state'])['state']['selection']
    return dict(selection).get(appeal.state, '')


def _stage(appeal):
    "The stage the staff see (the state's label for an appeal without one)"
    stage = getattr(appeal, 'stage', None)
    return stage.name if stage else _state(appeal)


def _public_stage(appeal):
    "The stage as the resident sees it in the portal"
    stage = getattr(appeal, 'stage', None)
    return stage.public_name if stage else _state(appeal)


def _address(appeal):
    parts = [_name(appeal.building)]
    if appeal.premise:
        parts.append(f'кв. {appeal.premise.number}')
    return ', '.join(p for p in parts if p)


# placeholder: its value for an appeal
PLACEHOLDERS = {
    'number': lambda a: a.number or '',
    'received': lambda a: _local(a, a.received_date),
    'applicant': lambda a: _name(a.applicant),
    'reason': lambda a: _name(a.reason),
    'deadline': lambda a: _local(a, a.deadline),
    'address': _address,
    'line': lambda a: _name(a.support_line),
    'operator': lambda a: _name(a.operator),
    'stage': _stage,
    'public_stage': _public_stage,
    'work_done': lambda a: a.work_done or '',
    'organisation': lambda a: _name(a.company),
    }


def placeholders_of(text):
    """The names of the placeholders in text; ValueError when its braces
    do not pair up"""
    names = []
    for _, name, spec, conversion in string.Formatter().parse(text or ''):
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            # {number:>10}, {number!r}, {applicant.name}: not a placeholder
            names.append('{' + name + (f'!{conversion}' if conversion else '')
                + (f':{spec}' if spec else '') + '}')
        else:
            names.append(name)
    return names


def render(text, appeal):
    "text with the placeholders replaced by the appeal's values"
    values = {name: PLACEHOLDERS[name](appeal)
        for name in set(placeholders_of(text)) if name in PLACEHOLDERS}
    return (text or '').format_map(values)


class MessageTemplate(DeactivableMixin, ModelSQL, ModelView):
    "Message template (Шаблон сообщения)"
    __name__ = 'crm.message.template'
    __string__ = "Message template"
    _history = True
    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Organisation",
        ondelete='CASCADE', help="Empty: for every organisation.")
    kind = fields.Selection(KINDS, "Used For", required=True)
    subject = fields.Char("Subject")
    body = fields.Text("Text", required=True)
    placeholders = fields.Function(fields.Text("Placeholders"),
        'get_placeholders')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))
        cls._buttons.update({'preview': {}})

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_kind(cls):
        return 'reply'

    @classmethod
    def default_placeholders(cls):
        return cls.placeholders_help()

    @classmethod
    def placeholders_help(cls):
        "One line per placeholder: what it stands for"
        return '\n'.join(
            f'{{{name}}} — {gettext(f"crm_dispatch.msg_placeholder_{name}")}'
            for name in PLACEHOLDERS)

    def get_placeholders(self, name):
        return self.placeholders_help()

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        for template in templates:
            for field in ['subject', 'body']:
                text = getattr(template, field)
                try:
                    names = placeholders_of(text)
                except ValueError:
                    raise ValidationError(gettext(
                            'crm_dispatch.msg_template_braces',
                            template=template.rec_name,
                            field=cls.__names__(field)['field'])) from None
                unknown = [n for n in names if n not in PLACEHOLDERS]
                if unknown:
                    raise ValidationError(gettext(
                            'crm_dispatch.msg_template_placeholder',
                            template=template.rec_name,
                            field=cls.__names__(field)['field'],
                            placeholders=', '.join(
                                n if n.startswith('{') else '{' + n + '}'
                                for n in unknown),
                            known=', '.join(
                                '{' + n + '}' for n in PLACEHOLDERS)))

    def render(self, appeal):
        "(subject, text) for the appeal"
        return render(self.subject, appeal), render(self.body, appeal)

    @classmethod
    def pick(cls, kind, company):
        """The template of kind for company: its own first, else one for
        every organisation; None when there is none"""
        templates = cls.search([
                ('kind', '=', kind),
                ('company', 'in', [int(company) if company else None, None]),
                ], order=[('company', 'ASC NULLS LAST'), ('name', 'ASC')])
        return templates[0] if templates else None

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_message_template_preview')
    def preview(cls, templates):
        pass


class PreviewStart(ModelView):
    "Message template preview"
    __name__ = 'crm.message.template.preview.start'
    __string__ = "Message template preview"
    template = fields.Many2One(
        'crm.message.template', "Template", readonly=True)
    appeal = fields.Many2One('crm.appeal', "Appeal")
    subject = fields.Char("Subject", readonly=True)
    body = fields.Text("Text", readonly=True)

    @fields.depends('template', 'appeal')
    def on_change_appeal(self):
        self.subject, self.body = (self.template.render(self.appeal)
            if self.template and self.appeal else (None, None))


class Preview(Wizard):
    "Show a template filled with the data of a chosen appeal"
    __name__ = 'crm.message.template.preview'
    start = StateView('crm.message.template.preview.start',
        'crm_dispatch.message_template_preview_start_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        Appeal = Pool().get('crm.appeal')
        values = {'template': self.record.id}
        appeals = Appeal.search([], order=[('id', 'DESC')], limit=1)
        if appeals:
            values['appeal'] = appeals[0].id
            values['subject'], values['body'] = self.record.render(
                appeals[0])
        return values
