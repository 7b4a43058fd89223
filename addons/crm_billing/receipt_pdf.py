"""Receipts (ЕПД) as PDF with reportlab, and what the certificates share
with them: the Cyrillic font, styles, money and amounts in words.

Pure: it draws the plain data receipt_data.py gathers (dicts and lists);
no database.  One receipt starts a page; a long one flows onto more."""
import datetime as dt
import io
from decimal import Decimal

from num2words import num2words
from num2words.lang_RU import Num2Word_RU
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer,
    Table, TableStyle)

from . import receipt_qr
from .labels import date_text, money_text as money, number

# Debian's fonts-dejavu-core: a TTF with Cyrillic that every CI image has
FONT_DIR = '/usr/share/fonts/truetype/dejavu/'
FONT, FONT_BOLD = 'DejaVuSans', 'DejaVuSans-Bold'
WIDTH = A4[0] - 24 * mm
GRID = colors.HexColor('#9aa5b1')
SHADE = colors.HexColor('#eef1f5')

_RU = Num2Word_RU()
ROUBLES = ('рубль', 'рубля', 'рублей')
KOPECKS = ('копейка', 'копейки', 'копеек')


def _register_fonts():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, FONT_DIR + 'DejaVuSans.ttf'))
        pdfmetrics.registerFont(
            TTFont(FONT_BOLD, FONT_DIR + 'DejaVuSans-Bold.ttf'))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)


def _style(name, size=8.5, bold=False, **kwargs):
    return ParagraphStyle(name, fontName=FONT_BOLD if bold else FONT,
        fontSize=size, leading=size * 1.25, **kwargs)


STYLES = {
    'text': _style('text'),
    'small': _style('small', 7),
    'cell': _style('cell', 7.5),
    'num': _style('num', 7.5, alignment=TA_RIGHT),
    'head': _style('head', 7.5, bold=True, alignment=TA_CENTER),
    'title': _style('title', 13, bold=True),
    'title_right': _style('title_right', 13, bold=True, alignment=TA_RIGHT),
    'section': _style('section', 9.5, bold=True, spaceBefore=4,
        spaceAfter=2),
    'total': _style('total', 11, bold=True),
    'caption': _style('caption', 6.5, alignment=TA_CENTER),
    }


def amount_in_words(amount):
    """«Одна тысяча двести тридцать четыре рубля 56 копеек»: roubles in
    words, kopecks in figures, as payment documents write them"""
    amount = Decimal(amount).quantize(Decimal('0.01'))
    sign = 'минус ' if amount < 0 else ''
    amount = abs(amount)
    roubles = int(amount)
    kopecks = int((amount - roubles) * 100)
    words = sign + num2words(roubles, lang='ru')
    return (f'{words[0].upper()}{words[1:]} '
        f'{_RU.pluralize(roubles, ROUBLES)} '
        f'{kopecks:02d} {_RU.pluralize(kopecks, KOPECKS)}')


def para(text, style='cell'):
    "A paragraph of plain text"
    return Paragraph(escape(text), STYLES[style])


def grid_table(header, rows, widths, total=None, numeric_from=1):
    """A bordered table: header shaded, numbers right-aligned from column
    numeric_from, an optional bold total row"""
    data = [[para(h, 'head') for h in header]]
    for row in rows:
        data.append([para(c, 'num' if i >= numeric_from else 'cell')
                for i, c in enumerate(row)])
    style = [
        ('GRID', (0, 0), (-1, -1), 0.4, GRID),
        ('BACKGROUND', (0, 0), (-1, 0), SHADE),
        ('VALIGN', (0, 0), (-1, -1), 'MIDDLE'),
        ('TOPPADDING', (0, 0), (-1, -1), 1.5),
        ('BOTTOMPADDING', (0, 0), (-1, -1), 1.5),
        ]
    if total:
        data.append([Paragraph(f'<b>{c}</b>',
                    STYLES['num' if i >= numeric_from else 'cell'])
                for i, c in enumerate(total)])
        style.append(('BACKGROUND', (0, -1), (-1, -1), SHADE))
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def payee_lines(payee):
    "The organisation's requisites as receipts and certificates print them"
    lines = [f'<b>{escape(payee["name"])}</b>']
    if payee.get('inn') or payee.get('kpp'):
        lines.append(f'ИНН {payee.get("inn") or "—"}, '
            f'КПП {payee.get("kpp") or "—"}')
    if payee.get('account'):
        lines.append(f'Р/с {payee["account"]}')
    if payee.get('bank_name'):
        lines.append(f'Банк: {escape(payee["bank_name"])}')
    if payee.get('bic') or payee.get('corr_account'):
        lines.append(f'БИК {payee.get("bic") or "—"}, '
            f'к/с {payee.get("corr_account") or "—"}')
    return Paragraph('<br/>'.join(lines), STYLES['text'])


def escape(text):
    "Plain text for a Paragraph (reportlab reads <, > and & as markup)"
    return ('' if text is None else str(text)).replace(
        '&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


def document(flowables_of, items, title):
    """PDF bytes: the flowables of every item, each item from a new page"""
    _register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title,
        author='CRM обращений', leftMargin=12 * mm, rightMargin=12 * mm,
        topMargin=10 * mm, bottomMargin=10 * mm)
    story = []
    for item in items:
        if story:
            story.append(PageBreak())
        story.extend(flowables_of(item))
    if not story:
        story.append(para('Нет данных', 'text'))
    doc.build(story)
    return buffer.getvalue()


def _qr_image(payload):
    size = 40 * mm
    return Image(io.BytesIO(receipt_qr.image(payload)),
        width=size, height=size)


def receipt_flowables(r):
    "The flowables of one receipt (r: a dict of receipt_data.gather)"
    story = [
        Table([[para('ЕДИНЫЙ ПЛАТЁЖНЫЙ ДОКУМЕНТ', 'title'),
                    para(f'за {r["period_label"]}', 'title_right')]],
            colWidths=[WIDTH * 0.62, WIDTH * 0.38],
            style=[('LEFTPADDING', (0, 0), (-1, -1), 0),
                ('RIGHTPADDING', (0, 0), (-1, -1), 0)]),
        Spacer(1, 2 * mm),
        ]
    payer = [
        f'Лицевой счёт: <b>{escape(r["account"])}</b>',
        f'<b>{escape(r["holder"] or "—")}</b>',
        f'Адрес: {escape(r["address"] or "—")}',
        ]
    details = []
    if r.get('area'):
        details.append(f'площадь {number(r["area"], 2)} м²')
    if r.get('residents') is not None:
        details.append(f'зарегистрировано {r["residents"]} чел.')
    if details:
        payer.append(', '.join(details).capitalize())
    left = [
        para('Получатель платежа', 'section'),
        payee_lines(r['payee']),
        para('Плательщик', 'section'),
        Paragraph('<br/>'.join(payer), STYLES['text']),
        ]
    right = [_qr_image(r['qr']),
        para('Оплата по QR-коду в приложении банка', 'caption')]
    story.append(Table([[left, right]],
            colWidths=[WIDTH - 46 * mm, 46 * mm],
            style=[('VALIGN', (0, 0), (-1, -1), 'TOP'),
                ('ALIGN', (1, 0), (1, 0), 'CENTER'),
                ('LEFTPADDING', (0, 0), (0, 0), 0),
                ('BOX', (1, 0), (1, 0), 0.4, GRID)]))

    story.append(para('Начисления за период', 'section'))
    services = r['services']
    rows = [[s['name'], s['unit'], number(s['quantity']),
            money(s['rate']) if s['rate'] is not None else '',
            money(s['charged']),
            money(s['recalculation']) if s['recalculation'] else '',
            money(s['total'])] for s in services]
    if rows:
        story.append(grid_table(
            ['Услуга', 'Ед. изм.', 'Объём', 'Тариф, руб.', 'Начислено',
                'Перерасчёт', 'Итого'],
            rows, [54, 14, 18, 20, 26, 28, 26],
            total=['Всего', '', '', '',
                money(sum(s['charged'] for s in services)),
                money(sum(s['recalculation'] for s in services)),
                money(sum(s['total'] for s in services))],
            numeric_from=2))
        reasons = [f'{s["name"]}: {money(amount)} — {reason}'
            for s in services for amount, reason in s['reasons']]
        if reasons:
            story.append(para('Перерасчёты: ' + '; '.join(reasons) + '.',
                    'small'))
    else:
        story.append(para('Начислений за период нет.', 'text'))

    story.append(para('Приборы учёта и показания', 'section'))
    meters = r['meters']
    if meters:
        story.append(grid_table(
            ['Прибор учёта', 'Услуга', 'Поверка до', 'Предыдущие',
                'Текущие', 'Расход'],
            [[m['meter'], m['service'], date_text(m['verification_due']),
                    number(m['previous']),
                    number(m['current']) if m['current'] is not None
                    else 'не переданы',
                    number(m['consumption'])] for m in meters],
            [40, 44, 22, 28, 28, 24], numeric_from=2))
    else:
        story.append(para('Индивидуальных приборов учёта нет.', 'text'))

    story.append(para('Расчёт суммы к оплате', 'section'))
    paid = money(r['paid'])
    if r['payments']:
        paid += ' (' + ', '.join(
            f'{date_text(d)}: {money(a)}' for d, a in r['payments']) + ')'
    opening = r['opening']
    summary = [
        ['Задолженность на начало периода' if opening >= 0
            else 'Аванс на начало периода', money(abs(opening))],
        ['Начислено за период', money(r['charged'])],
        ['Пени', money(r['penalty'])],
        ['Оплачено в периоде', paid],
        ]
    table = Table([[para(a), para(b, 'num')] for a, b in summary],
        colWidths=[WIDTH - 90 * mm, 90 * mm],
        style=[('GRID', (0, 0), (-1, -1), 0.4, GRID),
            ('TOPPADDING', (0, 0), (-1, -1), 1.5),
            ('BOTTOMPADDING', (0, 0), (-1, -1), 1.5)])
    story.append(table)
    story.append(Spacer(1, 3 * mm))
    to_pay = r['to_pay']
    closing_note = ''
    if r['closing'] < 0:
        closing_note = (f' Аванс на конец периода '
            f'{money(-r["closing"])} руб.')
    story.append(KeepTogether([
                Paragraph(f'Итого к оплате: {money(to_pay)} руб.',
                    STYLES['total']),
                para(f'Сумма прописью: {amount_in_words(to_pay)}.'
                    + closing_note, 'text'),
                para(f'Оплатить до {date_text(r["due_date"])}. '
                    'Пени за просрочку начисляются по ч. 14 ст. 155 '
                    'ЖК РФ.', 'small'),
                ]))
    story.append(Spacer(1, 4 * mm))
    story.append(para(f'{r["organisation"]}. Квитанция сформирована '
            f'{date_text(r.get("printed") or dt.date.today())}.', 'small'))
    return story


def receipts_pdf(receipts):
    "One PDF of the receipts, each from a new page"
    title = 'Квитанции' if len(receipts) != 1 else (
        f'Квитанция {receipts[0]["account"]} за {receipts[0]["period_label"]}')
    return document(receipt_flowables, receipts, title)
