"""A table (title, column titles, rows) as the files managers take away:
XLSX for spreadsheets, PDF for reading, CSV for BI tools, and a
password-protected ZIP around any of them.  Reports, the pivot page and
the mailings all render through here."""
import csv
import datetime as dt
import io
from decimal import Decimal

# Debian's fonts-dejavu-core: a TTF with Cyrillic that every CI image has
FONT_DIR = '/usr/share/fonts/truetype/dejavu/'
FONT, FONT_BOLD = 'DejaVuSans', 'DejaVuSans-Bold'
MIME = {
    'xlsx': ('application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet'),
    'pdf': 'application/pdf',
    'csv': 'text/csv',
    'zip': 'application/zip',
    }


def _cell(value):
    "A value as a spreadsheet cell keeps it: numbers stay numbers"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return 'Да' if value else 'Нет'
    return value


def table_xlsx(title, headers, rows, subtitle=None):
    "The table as XLSX bytes: the title, an optional subtitle, a header row"
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    workbook = Workbook()
    sheet = workbook.active
    # A sheet's title is at most 31 characters, without []:*?/\
    sheet.title = ''.join(c for c in title if c not in '[]:*?/\\')[:31]
    sheet.append([title])
    sheet['A1'].font = Font(bold=True, size=12)
    if subtitle:
        sheet.append([subtitle])
    sheet.append([])
    sheet.append(list(headers))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) for h in headers]
    for row in rows:
        row = [_cell(v) for v in row]
        sheet.append(row)
        for i, value in enumerate(row[:len(widths)]):
            widths[i] = max(widths[i], len(str(value or '')))
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = min(
            max(width + 2, 8), 60)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def _text(value):
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'Да' if value else 'Нет'
    if isinstance(value, float):
        return f'{value:,.2f}'.replace(',', '\u00a0').replace('.', ',')
    if isinstance(value, Decimal):
        return _text(float(value))
    if isinstance(value, dt.datetime):
        return value.strftime('%d.%m.%Y %H:%M')
    if isinstance(value, dt.date):
        return value.strftime('%d.%m.%Y')
    return str(value)


def table_pdf(title, headers, rows, subtitle=None):
    "The table as PDF bytes, landscape A4, repeated header row on each page"
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import (
        Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle)
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, FONT_DIR + 'DejaVuSans.ttf'))
        pdfmetrics.registerFont(
            TTFont(FONT_BOLD, FONT_DIR + 'DejaVuSans-Bold.ttf'))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)
    cell = ParagraphStyle('cell', fontName=FONT, fontSize=8, leading=10)
    head = ParagraphStyle('head', parent=cell, fontName=FONT_BOLD)
    data = io.BytesIO()
    document = SimpleDocTemplate(data, pagesize=landscape(A4),
        leftMargin=12 * mm, rightMargin=12 * mm,
        topMargin=12 * mm, bottomMargin=12 * mm, title=title)
    story = [Paragraph(title, ParagraphStyle(
                'title', fontName=FONT_BOLD, fontSize=13, leading=16))]
    if subtitle:
        story.append(Paragraph(subtitle, cell))
    story.append(Spacer(1, 4 * mm))
    table = [[Paragraph(str(h), head) for h in headers]]
    table += [[Paragraph(_text(v), cell) for v in row] for row in rows]
    grid = Table(table, repeatRows=1)
    grid.setStyle(TableStyle([
                ('GRID', (0, 0), (-1, -1), 0.4, colors.HexColor('#9aa5b1')),
                ('BACKGROUND', (0, 0), (-1, 0), colors.HexColor('#eef1f5')),
                ('VALIGN', (0, 0), (-1, -1), 'TOP'),
                ]))
    story.append(grid)
    document.build(story)
    return data.getvalue()


def table_csv(headers, rows):
    "The table as CSV text: comma-separated, a header row, UTF-8"
    data = io.StringIO()
    writer = csv.writer(data, lineterminator='\r\n')
    writer.writerow(headers)
    for row in rows:
        writer.writerow(['' if v is None else v for v in row])
    return data.getvalue()


def render(fmt, title, headers, rows, subtitle=None):
    "The table as bytes in fmt (xlsx, pdf or csv)"
    if fmt == 'xlsx':
        return table_xlsx(title, headers, rows, subtitle=subtitle)
    if fmt == 'pdf':
        return table_pdf(title, headers, rows, subtitle=subtitle)
    if fmt == 'csv':
        return table_csv(headers, rows).encode('utf-8-sig')
    raise ValueError(fmt)
