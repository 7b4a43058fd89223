"""What a blank (print form) may hold, its check, and the shipped examples.

A blank is an OpenDocument text the administrator edits in LibreOffice
Writer.  Its fields are LibreOffice placeholders (Insert → Field → More
Fields → Functions → Placeholder, «<number>») or hyperlinks to
relatorio://number, which relatorio fills when Tryton prints the report.

Relatorio evaluates the Python expression of each field (Genshi underneath;
Tryton forbids private names and most builtins).  That still reaches every
field of the printed record and of the user, and a mistyped name fails only
when an operator prints.  A template may therefore hold only the
placeholder names below, each an already formatted Russian text, and no
other template code: checked when the template is saved."""
import datetime as dt
import functools
import os
import re
import urllib.parse
import warnings
import zipfile
from io import BytesIO

import lxml.etree

from trytond.i18n import gettext
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.transaction import Transaction

from .message_template import PLACEHOLDERS as MESSAGE_PLACEHOLDERS
from .message_template import _local, _name

with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    from relatorio.templates.opendocument import (
        Template, fod2od, get_zip_file)

EXAMPLES_DIR = os.path.join(os.path.dirname(__file__), 'blanks')
# kind: the example its new blanks start from
EXAMPLES = {
    'appeal': 'act.fodt',
    'account': 'certificate.fodt',
    'work_order': 'work_order.fodt',
    }
OFFICE = 'urn:oasis:names:tc:opendocument:xmlns:office:1.0'
GENSHI = 'http://genshi.edgewall.org/'
XINCLUDE = 'http://www.w3.org/2001/XInclude'
# What Genshi would evaluate in plain text: ${…} or $name ($$ escapes)
INTERPOLATION = re.compile(r'(?<!\$)\$(?:\{|[A-Za-z_])')
RELATORIO = 'relatorio://'


def _today(record):
    "The printing day on the organisation's clock (trytond runs in UTC)"
    return _local(record, dt.datetime.now())[:10]


def _printed_by(record):
    User = Pool().get('res.user')
    return User(Transaction().user).rec_name


def _accounts(appeal):
    return ', '.join(a.number for a in appeal.accounts)


def _account_address(account):
    return account.premise.rec_name if account.premise else ''


def _account_applicant(account):
    "The holder, else the applicants linked to the account"
    if account.holder:
        return account.holder.rec_name
    return ', '.join(p.rec_name for p in account.parties)


def _order_appeal(order, name):
    "The value of placeholder name of the work order's appeal"
    if not order.appeal:
        return ''
    return MESSAGE_PLACEHOLDERS[name](order.appeal)


def _selection(record, name):
    "The Russian text of the selection field name of record"
    return dict(record.fields_get([name])[name]['selection']).get(
        getattr(record, name), '')


COMMON = {
    'today': _today,
    'printed_by': _printed_by,
    'organisation': lambda r: _name(r.company),
    }
# kind: {placeholder: its value for a record of that kind}
PLACEHOLDERS = {
    'appeal': dict(MESSAGE_PLACEHOLDERS,
        phone=lambda a: a.contact_phone or '',
        account=_accounts,
        description=lambda a: a.description or '',
        closed=lambda a: _local(a, a.closed_date),
        **COMMON),
    'account': dict(
        account=lambda a: a.number,
        address=_account_address,
        applicant=_account_applicant,
        **COMMON),
    # «Наряд-заказ»
    'work_order': dict(
        number=lambda o: o.number or '',
        appeal=lambda o: o.appeal.number if o.appeal else '',
        address=lambda o: o.address or '',
        applicant=lambda o: _order_appeal(o, 'applicant'),
        phone=lambda o: o.appeal.contact_phone or '' if o.appeal else '',
        description=lambda o: o.description or '',
        priority=lambda o: _selection(o, 'priority'),
        planned_start=lambda o: _local(o, o.planned_start),
        planned_end=lambda o: _local(o, o.planned_end),
        team=lambda o: _name(o.team),
        executor=lambda o: _name(o.employee),
        decision=lambda o: _name(o.decision),
        measures=lambda o: o.measures or '',
        done=lambda o: _local(o, o.done_date),
        **COMMON),
    }


def values(kind, record):
    "{placeholder: text} of record for a blank of kind"
    return {name: value(record)
        for name, value in PLACEHOLDERS[kind].items()}


def describe(kind):
    "One line per placeholder of kind: how it is written, what it holds"
    return '\n'.join(
        f'<{name}> — {gettext(f"crm_dispatch.msg_placeholder_{name}")}'
        for name in PLACEHOLDERS[kind])


@functools.lru_cache(maxsize=None)
def example(kind):
    """The ODT file a new blank of kind starts from; zipped once, so that
    the same example is the same bytes (a zip stamps its members' time)"""
    path = os.path.join(EXAMPLES_DIR, EXAMPLES[kind])
    # The flat XML kept in git, zipped as LibreOffice saves an .odt
    return fod2od(path).getvalue()


def _documents(content):
    """The parsed XML parts relatorio fills: content, styles, meta, of an
    ODT or a flat ODT (.fodt) document"""
    if not zipfile.is_zipfile(BytesIO(content)):
        # relatorio's conversion leaves a broken zip behind on other files
        root = lxml.etree.fromstring(content)
        if root.tag != f'{{{OFFICE}}}document':
            raise ValueError(root.tag)
    zipped = get_zip_file(BytesIO(content))
    with zipped:
        return [lxml.etree.fromstring(zipped.read(name))
            for name in ['content.xml', 'styles.xml', 'meta.xml']]


def _statements(tree):
    "The expressions relatorio would evaluate in tree, as written"
    namespaces = {k: v for k, v in tree.nsmap.items() if k}
    found = []
    if 'text' in namespaces:
        for node in tree.xpath('//text:placeholder', namespaces=namespaces):
            text = (node.text or '').strip()
            if text.startswith('<') and text.endswith('>'):
                text = text[1:-1]
            found.append(text.strip())
    if {'text', 'xlink'} <= set(namespaces):
        for node in tree.xpath(
                "//text:a[starts-with(@xlink:href, 'relatorio://')]",
                namespaces=namespaces):
            href = node.get('{%s}href' % namespaces['xlink'])
            found.append(urllib.parse.unquote(href[len(RELATORIO):]).strip())
    for node in tree.iter():
        if (isinstance(node.tag, str) and node.text
                and node.text.startswith(RELATORIO)
                and node.tag.rsplit('}', 1)[0].lstrip('{') in {
                    namespaces.get('meta'), namespaces.get('dc')}):
            found.append(node.text[len(RELATORIO):].strip())
    return found


def _code(tree):
    """Template code other than placeholders: Genshi's own elements,
    attributes and processing instructions, and ${…} or $name in the text
    that follows an element (relatorio escapes the dollars of attributes
    and of an element's first text, not of that one)"""
    found = []
    for node in tree.iter():
        if isinstance(node, lxml.etree._ProcessingInstruction):
            found.append(f'<?{node.target} …?>')
        elif isinstance(node.tag, str):
            if node.tag.startswith((f'{{{GENSHI}}}', f'{{{XINCLUDE}}}')):
                found.append(node.tag.split('}')[1])
            found += [f'{k.split("}")[1]}="{v}"'
                for k, v in node.attrib.items()
                if k.startswith((f'{{{GENSHI}}}', f'{{{XINCLUDE}}}'))]
        if node.tail and (match := INTERPOLATION.search(node.tail)):
            found.append(node.tail[match.start():match.start() + 30])
    return found


def check(name, kind, content):
    """Refuse content as the template of the blank name of kind unless it
    is an OpenDocument text that uses only the placeholders of kind"""
    known = PLACEHOLDERS[kind]
    try:
        documents = _documents(content)
    except Exception:
        raise ValidationError(gettext(
                'crm_dispatch.msg_blank_not_odt', blank=name)) from None
    unknown, code = [], []
    for tree in documents:
        unknown += [s for s in _statements(tree)
            if s not in known and s not in unknown]
        code += _code(tree)
    if unknown:
        raise ValidationError(gettext('crm_dispatch.msg_blank_placeholder',
                blank=name,
                placeholders=', '.join(f'<{s}>' for s in unknown),
                known=', '.join(f'<{n}>' for n in known)))
    if code:
        raise ValidationError(gettext('crm_dispatch.msg_blank_code',
                blank=name, code='; '.join(code[:3])))
    try:
        Template(BytesIO(content)).generate(
            **{n: '' for n in known}).render()
    except Exception as error:
        raise ValidationError(gettext('crm_dispatch.msg_blank_broken',
                blank=name, error=str(error)[:200])) from None
