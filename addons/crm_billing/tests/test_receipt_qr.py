"""The payment QR of ГОСТ Р 56042-2014, without a database: the payload
byte for byte, refusals, the image decoded by zbarimg, amounts in words."""
import datetime as dt
import subprocess
import tempfile
import unittest
from decimal import Decimal
from pathlib import Path

from trytond.modules.crm_billing import receipt_qr
from trytond.modules.crm_billing.receipt_pdf import amount_in_words, money

REQUIRED = {
    'Name': 'ООО «УК Север»',
    'PersonalAcc': '40702810949770012345',
    'BankName': 'Волго-Вятский банк ПАО Сбербанк',
    'BIC': '042202603',
    'CorrespAcc': '30101810900000000603',
    }


def zbar(png):
    "The text zbarimg reads from PNG bytes"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, 'qr.png')
        path.write_bytes(png)
        return subprocess.run(['zbarimg', '--raw', '-q', str(path)],
            capture_output=True, check=True).stdout.decode('utf-8').rstrip(
            '\n')


class ReceiptQRTestCase(unittest.TestCase):
    "Payment QR payload"

    def test_payload_worked_example(self):
        "Header ST00012, required requisites first, then tables 2 and 3"
        # Given in a scrambled order on purpose: the order is the standard's
        values = dict(reversed(list({
                        **REQUIRED,
                        'PayeeINN': '5902123456', 'KPP': '590201001',
                        'LastName': 'Иванова Мария Петровна',
                        'PayerAddress': 'г. Пермь, ул. Ленина, д. 15, кв. 1',
                        'persAcc': 'N0001',
                        'paymPeriod': receipt_qr.period(dt.date(2026, 11, 1)),
                        'Sum': receipt_qr.kopecks(Decimal('3102.58')),
                        'Purpose': '',
                        }.items())))
        expected = (
            'ST00012|Name=ООО «УК Север»|PersonalAcc=40702810949770012345'
            '|BankName=Волго-Вятский банк ПАО Сбербанк|BIC=042202603'
            '|CorrespAcc=30101810900000000603|Sum=310258'
            '|PayeeINN=5902123456|KPP=590201001'
            '|LastName=Иванова Мария Петровна'
            '|PayerAddress=г. Пермь, ул. Ленина, д. 15, кв. 1'
            '|persAcc=N0001|paymPeriod=112026')
        payload = receipt_qr.payload(values)
        self.assertEqual(payload, expected)
        # Byte-exact: UTF-8 as the encoding tag 2 announces
        self.assertEqual(payload.encode('utf-8'), expected.encode('utf-8'))
        self.assertEqual(payload.encode('utf-8')[:8], b'ST00012|')

    def test_kopecks_and_period(self):
        self.assertEqual(receipt_qr.kopecks(Decimal('0.01')), '1')
        self.assertEqual(receipt_qr.kopecks(Decimal('1200.50')), '120050')
        self.assertEqual(receipt_qr.kopecks(Decimal('5')), '500')
        self.assertEqual(receipt_qr.period(dt.date(2027, 1, 1)), '012027')

    def test_refused(self):
        "Missing required requisites, the separator, broken formats"
        for name in REQUIRED:
            with self.subTest(missing=name):
                with self.assertRaises(receipt_qr.QRError) as cm:
                    receipt_qr.payload(dict(REQUIRED, **{name: ' '}))
                self.assertEqual(
                    (cm.exception.key, cm.exception.fields),
                    ('missing', [name]))
        with self.assertRaises(receipt_qr.QRError) as cm:
            receipt_qr.payload(dict(REQUIRED, LastName='Иванов|Петров'))
        self.assertEqual((cm.exception.key, cm.exception.fields),
            ('separator', ['LastName']))
        for name, value in [('BIC', '04220260'), ('PersonalAcc', '4070281'),
                ('PayeeINN', '59021'), ('Sum', '12.50'),
                ('paymPeriod', '132026'), ('BankName', 'Б' * 46)]:
            with self.subTest(wrong=name):
                with self.assertRaises(receipt_qr.QRError) as cm:
                    receipt_qr.payload(dict(REQUIRED, **{name: value}))
                self.assertEqual((cm.exception.key, cm.exception.fields),
                    ('format', [name]))
        with self.assertRaises(receipt_qr.QRError) as cm:
            receipt_qr.payload(dict(REQUIRED, Foo='1'))
        self.assertEqual(cm.exception.key, 'unknown')

    def test_image_decodes(self):
        "zbarimg reads back the very payload, Cyrillic included"
        payload = receipt_qr.payload(dict(REQUIRED, persAcc='N0001'))
        self.assertEqual(zbar(receipt_qr.image(payload)), payload)

    def test_fixed_mask_decodes(self):
        """With the mask fixed (not the best of 8), payloads of other
        sizes and letters still read back, and the mask is the fixed one"""
        import segno
        for extra in [{}, {'LastName': 'Ёлкина-Щукина Юлия Эдуардовна',
                    'PayerAddress': 'г. Пермь, ул. Героев Хасана, д. 105, '
                    'корп. 3, кв. 281', 'Sum': '99999999'},
                {'Sum': '1', 'persAcc': '1'}]:
            payload = receipt_qr.payload(dict(REQUIRED, **extra))
            with self.subTest(payload=payload):
                self.assertEqual(zbar(receipt_qr.image(payload)), payload)
        qr = segno.make(payload, error='m', boost_error=False, micro=False,
            encoding='utf-8', mask=receipt_qr.MASK)
        self.assertEqual(qr.mask, 2)

    def test_amount_in_words(self):
        for amount, words in [
                ('3102.58', 'Три тысячи сто два рубля 58 копеек'),
                ('1.01', 'Один рубль 01 копейка'),
                ('21.22', 'Двадцать один рубль 22 копейки'),
                ('11.11', 'Одиннадцать рублей 11 копеек'),
                ('1000000', 'Один миллион рублей 00 копеек'),
                ('0', 'Ноль рублей 00 копеек'),
                ('2004.05', 'Две тысячи четыре рубля 05 копеек'),
                ]:
            with self.subTest(amount=amount):
                self.assertEqual(amount_in_words(Decimal(amount)), words)
        self.assertEqual(money(Decimal('1234567.5')), '1\u00a0234\u00a0567,50')
