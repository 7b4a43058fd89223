"""The one reader of the table files accountants load: bank registries
(payment_format.py) and the files of an external billing (external_file.py).

A file is an Excel workbook (XLSX, its first sheet: recognised by its
content, or by the name when the content is not a ZIP at all) or a text
file with columns (CSV), in one of the given encodings and with a given
or guessed delimiter. Lines come numbered as the user sees them: the
sheet's row, or the text's line where the record ends, so an error
message points at the line an editor shows."""
import csv
import io

XLSX_MAGIC = b'PK\x03\x04'
# Russian Excel saves CSV with «;», other programs with «,» or tabs
DELIMITERS = [';', ',', '\t']


class NotXlsx(ValueError):
    "The file is named or looks like a workbook but cannot be opened as one"


def is_xlsx(data, filename=None):
    return (data.startswith(XLSX_MAGIC)
        or (filename or '').lower().endswith('.xlsx'))


def decode(data, encodings):
    """The text of data in the first encoding that fits; the last
    UnicodeDecodeError when none does"""
    error = None
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exception:
            error = exception
    raise error


def guess_delimiter(text):
    "The delimiter the first line uses most"
    first = text.split('\n', 1)[0]
    return max(DELIMITERS, key=first.count)


def read_lines(data, filename=None, encodings=('utf-8-sig', 'cp1251'),
        delimiter=None):
    """[(line number, [cells])] of every line, empty ones included; text
    cells stripped, XLSX numbers and dates as openpyxl gives them.
    Raises NotXlsx or UnicodeDecodeError for a file that cannot be read"""
    if is_xlsx(data, filename):
        return _xlsx_lines(data)
    text = decode(data, encodings)
    reader = csv.reader(io.StringIO(text, newline=''),
        delimiter=delimiter or guess_delimiter(text))
    return [(reader.line_num, [c.strip() for c in cells])
        for cells in reader]


def _xlsx_lines(data):
    import openpyxl
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exception:
        raise NotXlsx(str(exception)) from exception
    try:
        sheet = book.worksheets[0]
        return [(number, [c.strip() if isinstance(c, str) else c
                    for c in cells])
            for number, cells in enumerate(
                sheet.iter_rows(values_only=True), 1)]
    finally:
        book.close()


def is_empty(cells):
    return not any(c is not None and str(c).strip() for c in cells)


def cell_text(value):
    """A cell as text: Excel keeps an account number typed as a number as
    a float (1000123.0), and a no-break space from a copied amount"""
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace('\xa0', ' ').strip()
