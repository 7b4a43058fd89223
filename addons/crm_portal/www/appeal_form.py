"""The form of a new appeal built from the extra fields of its reason
(crm_dispatch extra_field.py): what each field looks like in HTML and how
the resident's text becomes the value the appeal's Dict keeps."""
import datetime as dt
from decimal import Decimal, InvalidOperation

from trytond.exceptions import UserError
from trytond.i18n import gettext

PREFIX = 'field_'
EMPTY = (None, '', [], ())
# The HTML input of each type of extra field
WIDGETS = {
    'char': 'text', 'text': 'textarea', 'integer': 'number',
    'numeric': 'decimal', 'date': 'date', 'datetime': 'datetime-local',
    'boolean': 'yesno', 'selection': 'select', 'multiselection': 'checkboxes',
    }


class FieldError(Exception):
    "A value the resident must correct; the message is for him"


def fields_of_reason(pool, reason):
    "The active extra fields of reason, in order, as the portal shows them"
    ExtraField = pool.get('crm.appeal.extra_field')
    return [f for f in ExtraField.of_reason(reason) if f.active]


def widgets(extra_fields, raw=None):
    """What the template draws: [{code, name, label, help, required,
    widget, choices, value}] with the resident's raw input kept"""
    raw = raw or {}
    result = []
    for field in extra_fields:
        definition = field.definition()
        definition.update({
                'name': PREFIX + field.name,
                'widget': WIDGETS.get(field.type_, 'text'),
                'value': raw.get(field.name,
                    [] if field.type_ == 'multiselection' else ''),
                })
        result.append(definition)
    return result


def read_raw(extra_fields, form):
    "The resident's input of each field, as sent"
    raw = {}
    for field in extra_fields:
        name = PREFIX + field.name
        if field.type_ == 'multiselection':
            raw[field.name] = form.getlist(name)
        else:
            raw[field.name] = (form.get(name) or '').strip()
    return raw


def _convert(field, text):
    "The value of the field's type from the input; FieldError if it is not"
    kind = field.type_
    if text in EMPTY:
        return None
    try:
        if kind == 'integer':
            return int(text)
        if kind == 'numeric':
            return Decimal(text.replace(',', '.').replace(' ', ''))
        if kind == 'date':
            return dt.date.fromisoformat(text)
        if kind == 'datetime':
            return dt.datetime.fromisoformat(text).replace(
                second=0, microsecond=0)
    except (ValueError, InvalidOperation):
        message = {'integer': 'integer', 'numeric': 'number'}.get(kind, kind)
        raise FieldError(gettext(f'crm_portal.msg_appeal_field_{message}',
                field=field.string))
    if kind == 'boolean':
        if text not in ('yes', 'no'):
            raise FieldError(gettext('crm_portal.msg_appeal_field_choice',
                    field=field.string))
        return text == 'yes'
    return text


def parse(extra_fields, raw):
    """(values, errors): the Dict of the appeal and the Russian message of
    each field refused, by code.  The field's own check (check_value) has
    the last word, as when an operator fills it."""
    values, errors = {}, {}
    for field in extra_fields:
        try:
            value = _convert(field, raw.get(field.name))
            if value in EMPTY:
                if field.required:
                    raise FieldError(gettext(
                            'crm_portal.msg_appeal_field_required',
                            field=field.string))
                continue
            try:
                field.check_value(value)
            except UserError as error:
                raise FieldError(error.message) from error
        except FieldError as error:
            errors[field.name] = str(error)
            continue
        values[field.name] = value
    return values, errors


def formatted(extra_fields, values):
    "[(label, text)] of the filled values, in the fields' order"
    values = values or {}
    return [(f.string, f.format(values[f.name])) for f in extra_fields
        if values.get(f.name) not in EMPTY]
