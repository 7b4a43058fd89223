"""Certificates of a personal account as PDF: «Справка об отсутствии
задолженности» and «Выписка по лицевому счёту» (balances month by month).

Pure: it draws the plain data of receipt_data.account_header and
receipt_data.statement with the font and styles of receipt_pdf."""
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from .period import month_label
from .receipt_pdf import (
    STYLES, escape, date_text, document, grid_table, money, number,
    para, payee_lines)


def _head(h, title, subtitle):
    return [payee_lines(h['payee']), Spacer(1, 8 * mm),
        Paragraph(title, STYLES['title']), para(subtitle, 'text'),
        Spacer(1, 5 * mm)]


def _account_lines(h):
    lines = [
        f'Лицевой счёт: <b>{escape(h["account"])}</b>',
        f'Владелец (наниматель): {escape(h["holder"] or "—")}',
        f'Адрес помещения: {escape(h["address"] or "—")}',
        ]
    if h.get('area'):
        lines.append(f'Площадь: {number(h["area"], 2)} м²')
    return Paragraph('<br/>'.join(lines), STYLES['text'])


def _signatures(h):
    return [Spacer(1, 14 * mm), Table(
            [[para('Руководитель', 'text'), para('_' * 22, 'text'),
                    para('/' + '_' * 18 + '/', 'text')],
                [para('Бухгалтер', 'text'), para('_' * 22, 'text'),
                    para('/' + '_' * 18 + '/', 'text')]],
            colWidths=[40 * mm, 60 * mm, 60 * mm],
            style=[('BOTTOMPADDING', (0, 0), (-1, -1), 8)]),
        para('М.П.', 'small')]


def no_debt_flowables(c):
    "c: account_header + 'date' (as of), 'issued', 'last_month' row or None"
    h = c['header']
    story = _head(h, 'СПРАВКА об отсутствии задолженности',
        f'от {date_text(c["issued"])}')
    story.append(_account_lines(h))
    story.append(Spacer(1, 5 * mm))
    whom = f'Дана {escape(h["holder"])} в том, что' if h['holder'] else (
        'Настоящая справка подтверждает, что')
    story.append(Paragraph(
            f'{whom} по лицевому счёту № {escape(h["account"])} '
            'задолженность по оплате жилого помещения и коммунальных услуг '
            f'на {date_text(c["date"])} <b>отсутствует</b>.',
            STYLES['text']))
    balance = c['balance']
    if balance < 0:
        story.append(para(
                f'Переплата (аванс) на эту дату: {money(-balance)} руб.',
                'text'))
    story.append(Spacer(1, 3 * mm))
    story.append(para('Справка выдана для предъявления по месту '
            'требования.', 'text'))
    story.extend(_signatures(h))
    return story


def statement_flowables(s):
    "s: header, start, end, issued, lines of receipt_data.statement"
    h = s['header']
    story = _head(h, 'ВЫПИСКА по лицевому счёту',
        f'за период с {date_text(s["start"])} по {date_text(s["end"])}, '
        f'сформирована {date_text(s["issued"])}')
    story.append(_account_lines(h))
    story.append(Spacer(1, 4 * mm))
    lines = s['lines']
    rows = [[month_label(m), money(o), money(c), money(p), money(paid),
            money(closing)] for m, o, c, p, paid, closing in lines]
    total = None
    if lines:
        total = ['Итого', money(lines[0][1]),
            money(sum(l[2] for l in lines)), money(sum(l[3] for l in lines)),
            money(sum(l[4] for l in lines)), money(lines[-1][5])]
    story.append(grid_table(
            ['Месяц', 'Сальдо на начало', 'Начислено', 'Пени', 'Оплачено',
                'Сальдо на конец'],
            rows, [36, 30, 30, 30, 30, 30], total=total))
    story.append(Spacer(1, 3 * mm))
    closing = lines[-1][5] if lines else 0
    state = (f'Задолженность на конец периода: {money(closing)} руб.'
        if closing > 0 else
        f'Аванс на конец периода: {money(-closing)} руб.' if closing < 0
        else 'Задолженности на конец периода нет.')
    story.append(Paragraph(f'<b>{state}</b>', STYLES['text']))
    story.append(para('Положительное сальдо — задолженность, отрицательное '
            '— переплата (аванс).', 'small'))
    story.extend(_signatures(h))
    return story


def no_debt_pdf(certificates):
    return document(no_debt_flowables, certificates,
        'Справка об отсутствии задолженности')


def statement_pdf(statements):
    return document(statement_flowables, statements,
        'Выписка по лицевому счёту')

