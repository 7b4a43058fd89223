"""Files of an external billing for the tests: CSV as Russian Excel saves
it, XLSX as openpyxl writes it, and a way to read a file back."""
import csv
import io

from ..external_file import KINDS


def headers(kind):
    return [c.header for c in KINDS[kind]]


def csv_file(kind, rows, encoding='utf-8-sig', delimiter=';', header=None):
    "rows: lists of cells under the template's header"
    output = io.StringIO(newline='')
    writer = csv.writer(output, delimiter=delimiter, lineterminator='\r\n')
    writer.writerow(header or headers(kind))
    writer.writerows(rows)
    # Excel writes what the code page lacks (м²) as «?»
    return output.getvalue().encode(encoding, errors='replace')


def xlsx_file(kind, rows, header=None):
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header or headers(kind))
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def read_back(data, fmt):
    "The cells of a file we wrote, first sheet only for an XLSX"
    if fmt == 'csv':
        text = data.decode('utf-8-sig')
        return list(csv.reader(io.StringIO(text, newline=''), delimiter=';'))
    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [list(r) for r in book.worksheets[0].iter_rows(
                    values_only=True)]
    finally:
        book.close()
