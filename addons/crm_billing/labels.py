"""How billing names a date, a month and a sum to a Russian reader: on the
receipts and in the display names of its records (the titles of their
attachments and notes, their links, the errors that name them)."""
from decimal import Decimal

MONTHS = [
    'январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август',
    'сентябрь', 'октябрь', 'ноябрь', 'декабрь']


def month_label(date):
    "«ноябрь 2026»"
    return f'{MONTHS[date.month - 1]} {date.year}'


def date_text(date):
    return date.strftime('%d.%m.%Y') if date else ''


def money_text(amount):
    "1 234,56 (a no-break space between thousands, a comma for kopecks)"
    amount = Decimal(amount or 0).quantize(Decimal('0.01'))
    return f'{amount:,.2f}'.replace(',', '\u00a0').replace('.', ',')


def number(value, digits=3):
    "A quantity without trailing zeros: 4,85; 12; 0,125"
    if value is None:
        return ''
    value = Decimal(value).quantize(Decimal(1).scaleb(-digits))
    text = f'{value:f}'
    if '.' in text:
        text = text.rstrip('0').rstrip('.')
    return text.replace('.', ',')


def account_label(account):
    "«л/с 3500010070»: an account by its number, without its address"
    return f'л/с {account.number}' if account else ''


def joined(*parts):
    "The parts that are there, separated by commas"
    return ', '.join(p for p in parts if p)
