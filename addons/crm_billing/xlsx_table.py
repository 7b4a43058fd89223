"""A report table as an XLSX workbook, the way accountants print them: a
bold title, a blank line, bold column titles, the rows, a bold total line;
money columns as #,##0.00. Used by the turnover statement and the debtors
report."""
import io


def table_xlsx(sheet_title, title, headers, rows, total=None, money=(),
        widths=()):
    """XLSX bytes. headers: column titles; rows: lists of cells; total: the
    total line's cells (None: no total line); money: 0-based indexes of
    money columns; widths: column widths in characters"""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append([title])
    sheet['A1'].font = Font(bold=True)
    sheet.append([])
    sheet.append(list(headers))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    if total is not None:
        sheet.append(list(total))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for index in money:
        letter = get_column_letter(index + 1)
        for cell in sheet[letter][3:]:
            cell.number_format = '#,##0.00'
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = 'A4'
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()
