"""Extra fields per reason (ADM-07): the administrator's own fields of an
appeal, kept in one ``fields.Dict`` whose schema says which reasons (or
reason groups) each field belongs to."""
import datetime as dt
import json
import re
from decimal import Decimal

from sql import Literal, Null
from sql.conditionals import Coalesce

from trytond import backend
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, DictSchemaMixin, Index, ModelSQL, ModelView, Unique,
    fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, inactive_records

from .appeal_lifecycle import OPEN_STATES
from .exceptions import AppealError, AppealValidationError

TYPES = [
    ('char', "Text"),
    ('text', "Multi-line Text"),
    ('integer', "Integer"),
    ('numeric', "Decimal"),
    ('date', "Date"),
    ('datetime', "Date and Time"),
    ('boolean', "Yes/No"),
    ('selection', "One Choice"),
    ('multiselection', "Several Choices"),
    ]
_CODE = re.compile(r'^[a-z][a-z0-9_]*$')
_CHOICES = {'selection', 'multiselection'}


class ExtraField(DeactivableMixin, DictSchemaMixin, ModelSQL, ModelView):
    "Extra field of appeals (Дополнительное поле обращения)"
    __name__ = 'crm.appeal.extra_field'
    __string__ = "Extra field of appeals"
    required = fields.Boolean("Required")
    sequence = fields.Integer("Order")
    reasons = fields.Many2Many('crm.appeal.extra_field-crm.appeal.reason',
        'field', 'reason', "Reasons")
    reason_groups = fields.Many2Many(
        'crm.appeal.extra_field-crm.appeal.reason.group', 'field', 'group',
        "Reason Groups", help="The field belongs to every reason of these "
        "groups.")
    _reason_cache = Cache('crm.appeal.extra_field.of_reason', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.name),
                'crm_dispatch.msg_extra_field_code_unique'),
            ]
        cls._order = [('sequence', 'ASC NULLS FIRST'), ('id', 'ASC')]
        # The mixin's fields win over a redefinition in the class body.
        # One language for the CRM's users: labels and choices plain text.
        cls.name.string = "Code"
        cls.name.help = ("Latin letters, digits and «_»: the key of the "
            "value in the appeal and for the resident portal.")
        cls.string.string = "Label"
        cls.help.string = "Help"
        cls.type_.string = "Type"
        cls.type_.selection = TYPES
        cls.type_.sort = False
        cls.selection.string = "Choices"
        cls.selection.help = (
            "One choice a line, as «code:Label» or just the label.")
        for field in [cls.string, cls.help, cls.selection]:
            field.translate = False

    @classmethod
    def default_type_(cls):
        return 'char'

    @classmethod
    def default_required(cls):
        return False

    @classmethod
    def default_digits(cls):
        return 2

    @classmethod
    def default_selection_sorted(cls):
        return False

    def get_selection_json(self, name):
        # Choices written as a bare label get the label as their code
        field = name[:-len('_json')]
        lines = [v for v in (getattr(self, field) or '').splitlines()
            if v.strip()]
        pairs = []
        for line in lines:
            key, _, label = line.partition(':')
            pairs.append([key.strip(), (label or key).strip()])
        return json.dumps(pairs, separators=(',', ':'), ensure_ascii=False)

    def choices(self):
        "[(code, label)] of a choice field"
        return [tuple(p) for p in json.loads(self.selection_json)]

    @classmethod
    def get_keys(cls, records):
        keys = super().get_keys(records)
        for key in keys:
            # sao's Dict has no multi-line entry
            if key['type'] == 'text':
                key['type'] = 'char'
        return keys

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if not _CODE.match(record.name or ''):
                raise AppealValidationError(gettext(
                        'crm_dispatch.msg_extra_field_code',
                        field=record.string, code=record.name))
            if record.type_ in _CHOICES and not record.choices():
                raise AppealValidationError(gettext(
                        'crm_dispatch.msg_extra_field_no_choices',
                        field=record.string))

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._reason_cache.clear()

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'delete':
            for record in records:
                if record.in_use():
                    raise AppealError(gettext(
                            'crm_dispatch.msg_extra_field_in_use',
                            field=record.string))
        elif mode == 'write' and values and 'name' in values:
            # The values stored under the old code would be lost
            for record in records:
                if record.name != values['name'] and record.in_use():
                    raise AppealError(gettext(
                            'crm_dispatch.msg_extra_field_code_in_use',
                            field=record.string))

    def in_use(self):
        "Whether an appeal (of any organisation) has a value of this field"
        Appeal = Pool().get('crm.appeal')
        appeal = Appeal.__table__()
        cursor = Transaction().connection.cursor()
        database = Transaction().database
        # Empty values are not stored: a key means a value
        cursor.execute(*appeal.select(Literal(1),
                where=database.json_get(appeal.extra_fields, self.name)
                != Null,
                limit=1))
        return bool(cursor.fetchone())

    @classmethod
    def of_reason(cls, reason):
        """The ids of the fields of reason, in order, the archived ones
        included (their values stay on the appeals that have them)"""
        key = (reason.id, reason.group.id if reason.group else None)
        ids = cls._reason_cache.get(key)
        if ids is None:
            domain = [('reasons', '=', reason.id)]
            if reason.group:
                domain = ['OR', domain[0],
                    ('reason_groups', '=', reason.group.id)]
            with inactive_records():
                ids = [f.id for f in cls.search(domain)]
            cls._reason_cache.set(key, ids)
        return cls.browse(ids)

    def check_value(self, value):
        "Raise when value is not of the field's type"
        kind = self.type_
        ok = {
            'char': lambda v: isinstance(v, str),
            'text': lambda v: isinstance(v, str),
            'integer': lambda v: isinstance(v, int) and not isinstance(v, bool),
            'numeric': lambda v: isinstance(v, (int, float, Decimal))
                and not isinstance(v, bool),
            'date': lambda v: isinstance(v, dt.date)
                and not isinstance(v, dt.datetime),
            'datetime': lambda v: isinstance(v, dt.datetime),
            'boolean': lambda v: isinstance(v, bool),
            'selection': lambda v: v in dict(self.choices()),
            'multiselection': lambda v: isinstance(v, (list, tuple))
                and set(v) <= set(dict(self.choices())),
            }[kind](value)
        if not ok:
            message = {'char': 'text', 'text': 'text'}.get(kind, kind)
            raise AppealValidationError(gettext(
                    f'crm_dispatch.msg_extra_field_type_{message}',
                    field=self.string,
                    choices=', '.join(l for _, l in self.choices())))

    def format(self, value, lang=None):
        if self.type_ == 'datetime' and value:
            return value.strftime('%d.%m.%Y %H:%M')
        if self.type_ == 'date' and value:
            return value.strftime('%d.%m.%Y')
        return super().format(value, lang=lang)

    def definition(self):
        "The field as data for other clients (the resident portal)"
        return {
            'code': self.name,
            'label': self.string,
            'type': self.type_,
            'required': bool(self.required),
            'help': self.help or '',
            'choices': ([{'code': c, 'label': l} for c, l in self.choices()]
                if self.type_ in _CHOICES else []),
            'sequence': self.sequence,
            }


class ExtraFieldReason(ModelSQL):
    "Extra field - Reason"
    __name__ = 'crm.appeal.extra_field-crm.appeal.reason'
    __string__ = "Extra field - Reason"
    field = fields.Many2One('crm.appeal.extra_field', "Field",
        required=True, ondelete='CASCADE')
    reason = fields.Many2One('crm.appeal.reason', "Reason",
        required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.reason, Index.Range()), (t.field, Index.Range())),
                Index(t, (t.field, Index.Range())),
                })


class ExtraFieldReasonGroup(ModelSQL):
    "Extra field - Reason group"
    __name__ = 'crm.appeal.extra_field-crm.appeal.reason.group'
    __string__ = "Extra field - Reason group"
    field = fields.Many2One('crm.appeal.extra_field', "Field",
        required=True, ondelete='CASCADE')
    group = fields.Many2One('crm.appeal.reason.group', "Reason Group",
        required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.group, Index.Range()), (t.field, Index.Range())),
                Index(t, (t.field, Index.Range())),
                })


class Reason(metaclass=PoolMeta):
    __name__ = 'crm.appeal.reason'
    extra_fields = fields.Many2Many(
        'crm.appeal.extra_field-crm.appeal.reason', 'reason', 'field',
        "Extra Fields")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__['form_definition'] = RPC(readonly=True)

    @classmethod
    def form_definition(cls, reason_id):
        """The extra fields an appeal of the reason asks for, in order, as
        data: [{code, label, type, required, help, choices, sequence}]"""
        ExtraField = Pool().get('crm.appeal.extra_field')
        reason, = cls.search([('id', '=', int(reason_id))], limit=1) or [None]
        if reason is None:
            return []
        return [f.definition() for f in ExtraField.of_reason(reason)
            if f.active]


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'
    extra_fields = fields.Dict('crm.appeal.extra_field', "Extra Fields",
        domain=['OR',
            ('reasons', '=', Eval('reason', -1)),
            ('reason_groups', '=', Eval('reason_group', -1)),
            ],
        states={
            'readonly': ~Eval('state').in_(OPEN_STATES),
            # The panel only when the reason has fields
            'invisible': ~Eval('extra_fields'),
            },
        help="The fields the administrator defined for the reason.")
    extra_summary = fields.Char("Extra Fields (text)", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # Over the very expression of the search box's ilike (as Tryton
        # indexes the number): without it each search reads every appeal
        cls._sql_indexes.add(Index(t, (
                    Index.Unaccent(Coalesce(t.extra_summary, '')),
                    Index.Similarity())))

    def _extra_definitions(self):
        ExtraField = Pool().get('crm.appeal.extra_field')
        return ExtraField.of_reason(self.reason) if self.reason else []

    @fields.depends('reason', 'reason_group', 'extra_fields',
        methods=['_extra_definitions'])
    def on_change_reason(self):
        super().on_change_reason()
        # Exactly the fields of the new reason, the values of those it
        # shares with the old one kept
        old = dict(self.extra_fields or {})
        self.extra_fields = {f.name: old.get(f.name)
            for f in self._extra_definitions() if f.active} or None

    @classmethod
    def read(cls, ids, fields_names):
        result = super().read(ids, fields_names)
        if 'extra_fields' not in fields_names:
            return result
        # Empty values are not stored: the form still shows their fields
        pool = Pool()
        Reason = pool.get('crm.appeal.reason')
        ExtraField = pool.get('crm.appeal.extra_field')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        reasons = {}
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*table.select(table.id, table.reason,
                    where=reduce_ids(table.id, sub_ids)
                    & (table.reason != Null)))
            reasons.update(cursor)
        for row in result:
            if row['id'] not in reasons:
                continue
            value = dict(row.get('extra_fields') or {})
            reason = Reason(reasons[row['id']])
            for field in ExtraField.of_reason(reason):
                if field.active:
                    value.setdefault(field.name, None)
            row['extra_fields'] = value or None
        return result

    @classmethod
    def validate_fields(cls, appeals, field_names):
        super().validate_fields(appeals, field_names)
        if field_names and not {'extra_fields', 'reason'} & field_names:
            return
        for appeal in appeals:
            appeal.check_extra_fields()

    @classmethod
    def copy(cls, appeals, default=None):
        default = dict(default or {})
        # A copy (another question) is a new draft, often of another
        # reason: its values are the operator's to fill on its next save
        default.setdefault('extra_fields', None)
        default.setdefault('extra_summary', None)
        with Transaction().set_context(crm_extra_required=False):
            return super().copy(appeals, default=default)

    def check_extra_fields(self):
        values = {k: v for k, v in (self.extra_fields or {}).items()
            if v not in (None, '', [], ())}
        definitions = {f.name: f for f in self._extra_definitions()}
        for code in values:
            if code not in definitions:
                raise AppealValidationError(gettext(
                        'crm_dispatch.msg_extra_field_not_of_reason',
                        code=code,
                        reason=self.reason.rec_name if self.reason else '—'))
        for code, field in definitions.items():
            if code in values:
                field.check_value(values[code])
            elif (field.active and field.required
                    and Transaction().context.get(
                        'crm_extra_required', True)):
                raise AppealValidationError(gettext(
                        'crm_dispatch.msg_extra_field_required',
                        field=field.string))

    def get_extra_summary(self):
        "«Label: value; …» of the filled extra fields, in the fields' order"
        values = self.extra_fields or {}
        parts = []
        for field in self._extra_definitions():
            value = values.get(field.name)
            if value not in (None, '', [], ()):
                parts.append(f'{field.string}: {field.format(value)}')
        return '; '.join(parts)[:1000] or None

    @classmethod
    def on_modification(cls, mode, appeals, field_names=None):
        super().on_modification(mode, appeals, field_names=field_names)
        if mode == 'delete' or (field_names is not None
                and not {'extra_fields', 'reason'} & set(field_names)):
            return
        # Stored so that the list shows, searches and exports it without
        # reading the definitions again
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for appeal in appeals:
            cursor.execute(*table.update(
                    [table.extra_summary], [appeal.get_extra_summary()],
                    where=table.id == appeal.id))
        cls.forget_cached([a.id for a in appeals])
