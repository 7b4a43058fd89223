"""Files exchanged with an external billing: the columns of each kind, CSV
and XLSX read into rows and written from them, and the cell values parsed
the way Russian accountants type them (1 234,56; 05.11.2026; 11.2026).

Column headers are the file format, not interface labels: a template
carries the Russian header, a file may use it or the column's key (the
key is also the field name of the JSON API)."""
import csv
import datetime as dt
import io
import re
from collections import namedtuple
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from trytond.i18n import gettext

from . import file_reader

Column = namedtuple('Column', ['key', 'header', 'type', 'required', 'example'])

KINDS = {
    'accounts': [
        Column('number', "Лицевой счёт", 'text', True, '1000123'),
        Column('city', "Город", 'text', False, 'Пермь'),
        Column('street', "Улица", 'text', False, 'ул. Ленина'),
        Column('house', "Дом", 'text', False, '12'),
        Column('block', "Корпус", 'text', False, ''),
        Column('premise', "Помещение", 'text', False, '45'),
        Column('holder', "Владелец", 'text', False, 'Иванова Анна Петровна'),
        Column('residents', "Проживающих", 'integer', False, 2),
        Column('area', "Площадь, м²", 'decimal', False, '54,20'),
        Column('external_id', "Код во внешней системе", 'text', False,
            'A-1000123'),
        ],
    'charges': [
        Column('account', "Лицевой счёт", 'text', True, '1000123'),
        Column('month', "Месяц", 'month', True, '11.2026'),
        Column('service', "Код услуги", 'text', True, 'cold'),
        Column('quantity', "Количество", 'quantity', False, '4,850'),
        Column('rate', "Тариф", 'quantity', False, '52,30'),
        Column('amount', "Сумма", 'decimal', False, '253,66'),
        Column('reason', "Причина перерасчёта", 'text', False, ''),
        ],
    'payments': [
        Column('account', "Лицевой счёт", 'text', True, '1000123'),
        Column('date', "Дата оплаты", 'date', True, '05.11.2026'),
        Column('amount', "Сумма", 'decimal', True, '1500,00'),
        Column('document', "Номер документа", 'text', False, '774512'),
        Column('payer', "Плательщик", 'text', False, 'Иванова А. П.'),
        ],
    'balances': [
        Column('account', "Лицевой счёт", 'text', True, '1000123'),
        Column('month', "Месяц", 'month', True, '11.2026'),
        Column('opening', "Входящее сальдо", 'decimal', True, '2340,15'),
        ],
    'meters': [
        Column('account', "Лицевой счёт", 'text', True, '1000123'),
        Column('service', "Код услуги", 'text', True, 'cold'),
        Column('serial', "Заводской номер", 'text', True, '21-0045871'),
        Column('model', "Модель", 'text', False, 'СВК-15'),
        Column('place', "Место установки", 'text', False, 'Кухня'),
        Column('digits', "Разрядность", 'integer', False, 5),
        Column('initial', "Начальное показание", 'quantity', False, '0'),
        Column('install_date', "Дата установки", 'date', False, '15.01.2025'),
        Column('verification_date', "Дата поверки", 'date', False,
            '15.01.2025'),
        Column('verification_interval', "Межповерочный интервал, лет",
            'integer', False, 6),
        ],
    }
KIND_NAMES = {
    'accounts': "Лицевые счета",
    'charges': "Начисления",
    'payments': "Оплаты",
    'balances': "Входящее сальдо",
    'meters': "Приборы учёта",
    'readings': "Показания",
    }
# What is sent back: the readings taken here
READING_COLUMNS = [
    Column('account', "Лицевой счёт", 'text', True, None),
    Column('address', "Адрес", 'text', False, None),
    Column('service', "Код услуги", 'text', True, None),
    Column('serial', "Заводской номер", 'text', True, None),
    Column('date', "Дата", 'date', True, None),
    Column('value', "Показание", 'quantity', True, None),
    Column('consumption', "Расход", 'quantity', False, None),
    Column('source', "Источник", 'text', False, None),
    Column('state', "Состояние", 'text', False, None),
    ]
MAX_ERRORS = 50
CENT = Decimal('0.01')


class LineError(Exception):
    "A value of a line the file cannot be imported with"


def _norm(text):
    """A header as typed by hand or saved by another program: only its
    letters count (case, ё, spaces, punctuation, the required mark and a
    «²» that Windows-1251 cannot hold do not)"""
    return ''.join(c for c in str(text or '').lower().replace('ё', 'е')
        if c.isalpha())


# --- reading ------------------------------------------------------------

def read_file(kind, data, filename):
    """The lines of a CSV or XLSX file as [(line number, {key: cell})];
    raises LineError for a file that cannot be read at all"""
    try:
        rows = file_reader.read_lines(data, filename)
    except UnicodeDecodeError:
        raise LineError(gettext('crm_billing.msg_external_encoding'))
    except file_reader.NotXlsx as exception:
        raise LineError(gettext('crm_billing.msg_external_not_xlsx')
            ) from exception
    rows = [(n, r) for n, r in rows if not file_reader.is_empty(r)]
    if not rows:
        raise LineError(gettext('crm_billing.msg_external_empty'))
    (_, header), lines = rows[0], rows[1:]
    columns = KINDS[kind]
    names = {}
    for column in columns:
        names[_norm(column.header)] = names[column.key] = column.key
    index = {}
    for i, cell in enumerate(header):
        key = names.get(_norm(cell))
        if key and key not in index:
            index[key] = i
    missing = [c.header for c in columns if c.required and c.key not in index]
    if missing:
        raise LineError(gettext('crm_billing.msg_external_columns',
                columns=', '.join(f'«{m}»' for m in missing)))
    return [(n, {key: (row[i] if i < len(row) else None)
                for key, i in index.items()}) for n, row in lines]


# --- values -------------------------------------------------------------

_text = file_reader.cell_text


def _decimal(value, header):
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = re.sub(r'[\s\u202f]', '', _text(value)).replace(',', '.')
    try:
        result = Decimal(text)
        if not result.is_finite():
            raise InvalidOperation
        return result
    except InvalidOperation:
        raise LineError(gettext('crm_billing.msg_external_number',
                column=header, value=_text(value)))


def _date(value, header):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for pattern in ('%d.%m.%Y', '%Y-%m-%d', '%d.%m.%y', '%d/%m/%Y'):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise LineError(gettext('crm_billing.msg_external_date',
            column=header, value=text))


def _month(value, header):
    if isinstance(value, (dt.date, dt.datetime)):
        return _date(value, header).replace(day=1)
    text = _text(value)
    for pattern in ('%m.%Y', '%Y-%m', '%m/%Y'):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    try:
        return _date(value, header).replace(day=1)
    except LineError:
        raise LineError(gettext('crm_billing.msg_external_month',
                column=header, value=text))


def parse_line(kind, values):
    """The typed values of one line {key: value}, None for empty cells;
    raises LineError for the first bad or missing value"""
    result = {}
    for column in KINDS[kind]:
        raw = values.get(column.key)
        if raw is None or _text(raw) == '':
            if column.required:
                raise LineError(gettext('crm_billing.msg_external_required',
                        column=column.header))
            result[column.key] = None
            continue
        if column.type == 'text':
            result[column.key] = _text(raw)
        elif column.type in ('decimal', 'quantity'):
            number = _decimal(raw, column.header)
            if column.type == 'decimal':
                number = number.quantize(CENT, rounding=ROUND_HALF_UP)
            result[column.key] = number
        elif column.type == 'integer':
            number = _decimal(raw, column.header)
            if number != number.to_integral_value() or number < 0:
                raise LineError(gettext('crm_billing.msg_external_integer',
                        column=column.header, value=_text(raw)))
            result[column.key] = int(number)
        elif column.type == 'date':
            result[column.key] = _date(raw, column.header)
        elif column.type == 'month':
            result[column.key] = _month(raw, column.header)
    return result


def error_text(errors):
    "The errors of a file, line by line, the first MAX_ERRORS of them"
    lines = [gettext('crm_billing.msg_external_line', line=n, error=e)
        for n, e in sorted(errors, key=lambda x: x[0])[:MAX_ERRORS]]
    if len(errors) > MAX_ERRORS:
        lines.append(gettext('crm_billing.msg_external_more',
                count=len(errors) - MAX_ERRORS))
    return '\n'.join(lines)


# --- writing ------------------------------------------------------------

def write_file(columns, rows, fmt, title, example=None):
    """A CSV (UTF-8 with BOM, «;» as Russian Excel opens it) or XLSX file
    with a header of the columns' Russian names and rows [{key: value}];
    an XLSX gets the example row on a second sheet, where importing the
    file unchanged does not take it for data"""
    if fmt == 'csv':
        output = io.StringIO(newline='')
        writer = csv.writer(output, delimiter=';', lineterminator='\r\n')
        writer.writerow([c.header for c in columns])
        for row in rows:
            writer.writerow([text_value(row.get(c.key), c, ',')
                    for c in columns])
        return output.getvalue().encode('utf-8-sig')
    import openpyxl
    from openpyxl.styles import Font
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_xlsx_value(row.get(c.key)) for c in columns])
    for i, column in enumerate(columns, 1):
        if column.type in DIGITS:
            letter = openpyxl.utils.get_column_letter(i)
            for cell in sheet[letter][1:]:
                cell.number_format = '0.' + '0' * DIGITS[column.type]
    for i, column in enumerate(columns, 1):
        letter = openpyxl.utils.get_column_letter(i)
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 2)
        if column.type == 'text':
            # Account numbers and serials stay text: no 1,00E+06
            for cell in sheet[letter][1:]:
                cell.number_format = '@'
        elif column.type == 'date':
            for cell in sheet[letter][1:]:
                cell.number_format = 'DD.MM.YYYY'
    sheet.freeze_panes = 'A2'
    if example:
        sample = book.create_sheet("Пример")
        sample.append([c.header + (' *' if c.required else '')
                for c in columns])
        sample.append([example.get(c.key) for c in columns])
        sample.append([])
        sample.append(["* — обязательный столбец. Загружается только "
                "первый лист."])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


# Digits after the point of the numbers written: money and quantities
DIGITS = {'decimal': 2, 'quantity': 3}


def text_value(value, column, point='.'):
    """A value as text: dates as 05.11.2026 (ISO with point «.» for
    programs), numbers with their column's digits"""
    if value is None:
        return ''
    if isinstance(value, dt.date):
        return (value.strftime('%d.%m.%Y') if point == ','
            else value.isoformat())
    if isinstance(value, (Decimal, float)) and column.type in DIGITS:
        text = '%.*f' % (DIGITS[column.type], Decimal(value))
        return text.replace('.', point)
    return str(value)


def _xlsx_value(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def template(kind, fmt):
    "The empty file of a kind to fill in, with an example in an XLSX"
    columns = KINDS[kind]
    return write_file(columns, [], fmt, KIND_NAMES[kind],
        example={c.key: c.example for c in columns})
