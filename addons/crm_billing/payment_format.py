"""Layouts of bank registries: which column holds what, how a text file is
encoded and how its dates and amounts are written; and the reading of a
file (CSV or XLSX) into rows by such a layout."""
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError

from . import file_reader

# The columns a registry line maps to a payment's fields
COLUMNS = ['account', 'date', 'amount', 'payer', 'document', 'address']
REQUIRED = {'account', 'date', 'amount'}
# Accountants write date formats as ДД.ММ.ГГГГ; both alphabets are taken
DATE_TOKENS = [
    ('ГГГГ', '%Y'), ('YYYY', '%Y'), ('ГГ', '%y'), ('YY', '%y'),
    ('ММ', '%m'), ('MM', '%m'), ('ДД', '%d'), ('DD', '%d')]


class Row:
    "A line of the file: its number as the user sees it and its cells"
    __slots__ = ('number', 'cells')

    def __init__(self, number, cells):
        self.number = number
        self.cells = cells


class RegistryFormat(DeactivableMixin, ModelSQL, ModelView):
    "Layout of a bank registry"
    __name__ = 'crm.payment.registry.format'
    __string__ = "Registry format"
    _history = True
    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Organisation",
        ondelete='CASCADE', help="Empty: for every organisation.")
    encoding = fields.Selection([
            ('cp1251', "Windows-1251"),
            ('utf-8-sig', "UTF-8"),
            ('cp866', "DOS (866)"),
            ('koi8-r', "KOI8-R"),
            ], "Encoding", required=True,
        help="Of a text file; an Excel file (XLSX) needs none.")
    delimiter = fields.Char("Delimiter", required=True, size=1,
        help="What separates the columns of a text file: ; , or |")
    skip_lines = fields.Integer("Header Lines", required=True,
        domain=[('skip_lines', '>=', 0)],
        help="Lines at the top that are not payments; the last of them "
        "names the columns when the columns are given by name.")
    skip_prefix = fields.Char("Skip Lines Starting With",
        help="Summary lines, e.g. «=» of the Sberbank registry's totals.")
    decimal_separator = fields.Selection([
            (',', "Comma (1234,56)"),
            ('.', "Point (1234.56)"),
            ], "Decimal Separator", required=True)
    date_format = fields.Char("Date Format", required=True,
        help="ДД.ММ.ГГГГ, ДД-ММ-ГГГГ, ГГГГ-ММ-ДД…; several separated by "
        "a comma.")
    account_column = fields.Char("Account Column", required=True,
        help="Number of the column (from 1) or its name in the header.")
    date_column = fields.Char("Date Column", required=True)
    amount_column = fields.Char("Amount Column", required=True)
    payer_column = fields.Char("Payer Column")
    document_column = fields.Char("Document Column",
        help="The bank's number of the operation.")
    address_column = fields.Char("Address Column")
    description = fields.Text("Description")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_company(cls):
        from trytond.transaction import Transaction
        return Transaction().context.get('company')

    @classmethod
    def default_encoding(cls):
        return 'cp1251'

    @classmethod
    def default_delimiter(cls):
        return ';'

    @classmethod
    def default_skip_lines(cls):
        return 0

    @classmethod
    def default_decimal_separator(cls):
        return ','

    @classmethod
    def default_date_format(cls):
        return 'ДД.ММ.ГГГГ'

    @classmethod
    def validate_fields(cls, formats, field_names):
        super().validate_fields(formats, field_names)
        for format_ in formats:
            if not format_.strptime_formats():
                raise ValidationError(gettext(
                        'crm_billing.msg_payments_format_date',
                        format=format_.date_format))
            for name in COLUMNS:
                column = getattr(format_, f'{name}_column')
                if (column and not column.strip().isdigit()
                        and not format_.skip_lines):
                    raise ValidationError(gettext(
                            'crm_billing.msg_payments_format_header',
                            column=column))

    def strptime_formats(self):
        "The date format as strptime formats; empty when it is not one"
        result = []
        for pattern in (self.date_format or '').split(','):
            pattern = pattern.strip().upper()
            for token, directive in DATE_TOKENS:
                pattern = pattern.replace(token, directive)
            rest = re.sub(r'%[Yymd]', '', pattern)
            if pattern and not re.search(r'[A-ZА-ЯЁ%]', rest):
                result.append(pattern)
        return result

    # Reading a file

    def rows(self, data):
        """The payment lines of the file's content (bytes) as Rows, the
        header lines and summary lines left out; a UnicodeDecodeError or
        ValueError when it cannot be read at all"""
        header = None
        for number, cells in file_reader.read_lines(data,
                encodings=[self.encoding], delimiter=self.delimiter or ';'):
            if number <= (self.skip_lines or 0):
                header = cells
                continue
            if file_reader.is_empty(cells):
                continue
            first = cells[0] if cells else None
            if (self.skip_prefix and isinstance(first, str)
                    and first.startswith(self.skip_prefix)):
                continue
            yield Row(number, cells), header

    def position_of(self, name, header):
        """The 0-based index of the column of the field name, or None
        when the format has none; a KeyError when the header lacks it"""
        column = (getattr(self, f'{name}_column') or '').strip()
        if not column:
            return None
        if column.isdigit():
            return int(column) - 1
        names = [str(h).strip().lower() if h is not None else ''
            for h in (header or [])]
        return names.index(column.lower())

    def parse_amount(self, value):
        "Decimal of the cell, or None when it is not an amount"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return round(Decimal(str(value)), 2)
        text = str(value or '').replace(' ', '').replace('\xa0', '')
        if self.decimal_separator == ',':
            text = text.replace(',', '.')
        if not re.fullmatch(r'-?\d+(\.\d{1,2})?', text):
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            return None

    def parse_date(self, value):
        "date of the cell, or None when it is not a date"
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        for pattern in self.strptime_formats():
            try:
                return dt.datetime.strptime(str(value or ''), pattern).date()
            except ValueError:
                continue
        return None

    cell_text = staticmethod(file_reader.cell_text)
