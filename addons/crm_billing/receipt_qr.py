"""The payment QR of ГОСТ Р 56042-2014 printed on receipts.

Pure: no database, no Tryton. The payload is the service block ``ST0001``
+ the encoding tag ``2`` (UTF-8) followed by ``Name=value`` requisites
joined by the separator ``|``: the five required ones first, in the order
of the standard's table 1, then the additional ones in the order of its
tables 2 and 3.  Bank applications read the names case-insensitively; the
spelling here is the one most housing receipts (and the banks' own
examples) use.

Errors are ``QRError`` with a key and the requisites concerned; the
Tryton side turns them into the Russian message of that key."""
import io
import re

import segno

HEADER = 'ST00012'
SEPARATOR = '|'

# name: (maximum length, pattern the value must match or None)
_DIGITS = r'\d+'
REQUIRED = {
    'Name': (160, None),
    'PersonalAcc': (20, r'\d{20}'),
    'BankName': (45, None),
    'BIC': (9, r'\d{9}'),
    'CorrespAcc': (20, r'\d{20}|0'),
    }
# Tables 2 and 3 of the standard, in their order, the ones receipts use
ADDITIONAL = {
    'Sum': (18, _DIGITS),
    'Purpose': (210, None),
    'PayeeINN': (12, r'\d{10}|\d{12}'),
    'KPP': (9, r'\d{9}'),
    'LastName': (None, None),
    'FirstName': (None, None),
    'MiddleName': (None, None),
    'PayerAddress': (None, None),
    'persAcc': (None, None),
    'paymPeriod': (6, r'(0[1-9]|1[0-2])\d{4}'),
    'category': (None, None),
    }


class QRError(ValueError):
    """A payload that cannot be made: key is 'missing', 'separator',
    'format' or 'unknown'; fields the requisites at fault"""

    def __init__(self, key, fields):
        self.key = key
        self.fields = list(fields)
        super().__init__(f'{key}: {", ".join(self.fields)}')


def _text(value):
    if value is None:
        return ''
    return ' '.join(str(value).split())


def payload(values):
    """The payload string of values {requisite name: value}; empty values
    of additional requisites are left out.  Refused (QRError) when a
    required requisite is empty, a value holds the separator, a value
    breaks its requisite's format or a name is not known."""
    unknown = [n for n in values if n not in REQUIRED and n not in ADDITIONAL]
    if unknown:
        raise QRError('unknown', unknown)
    cleaned = {n: _text(v) for n, v in values.items()}
    missing = [n for n in REQUIRED if not cleaned.get(n)]
    if missing:
        raise QRError('missing', missing)
    with_separator = [n for n, v in cleaned.items() if SEPARATOR in v]
    if with_separator:
        raise QRError('separator', with_separator)
    parts = [HEADER]
    wrong = []
    for table in (REQUIRED, ADDITIONAL):
        for name, (length, pattern) in table.items():
            value = cleaned.get(name)
            if not value:
                continue
            if ((length and len(value) > length)
                    or (pattern and not re.fullmatch(pattern, value))):
                wrong.append(name)
            parts.append(f'{name}={value}')
    if wrong:
        raise QRError('format', wrong)
    return SEPARATOR.join(parts)


def kopecks(amount):
    "The Sum requisite: a Decimal of roubles as whole kopecks"
    return str(int((amount * 100).to_integral_value()))


def period(date):
    "The paymPeriod requisite: MMYYYY of the month of date"
    return f'{date.month:02d}{date.year:04d}'


# The data mask, fixed: choosing the best of the 8 (ISO/IEC 18004 penalty
# scoring) took most of a receipt's time (4.7 receipts/s for 500). Any
# mask decodes, its number is in the code's format information; 2 had the
# lowest mean penalty over 40 payloads of our receipts and was segno's own
# choice for 26 of them (then 3 or 4).
MASK = 2


def image(text, scale=4):
    """The QR of text as PNG bytes: error correction M (what the standard's
    examples and the banks' readers use, not boosted), byte mode in UTF-8
    as the ST00012 header announces, a quiet zone of 4 modules"""
    qr = segno.make(text, error='m', boost_error=False, micro=False,
        encoding='utf-8', mask=MASK)
    buffer = io.BytesIO()
    qr.save(buffer, kind='png', scale=scale, border=4)
    return buffer.getvalue()
