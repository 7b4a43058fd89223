"""The one reader of registries and external-billing files
(file_reader.py): encodings, delimiters, workbooks, line numbers."""
import datetime as dt
import io
import unittest

import openpyxl

from trytond.modules.crm_billing import file_reader


def xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


class FileReaderTestCase(unittest.TestCase):
    "One reader for both importers"

    def test_csv_encodings_and_delimiter(self):
        "UTF-8 with BOM or Windows-1251; the first line's delimiter wins"
        text = 'Лицевой счёт;Сумма\r\n 1000123 ; 1 500,00\r\n'
        for encoding in ['utf-8-sig', 'cp1251']:
            self.assertEqual(
                file_reader.read_lines(text.encode(encoding)),
                [(1, ['Лицевой счёт', 'Сумма']),
                    (2, ['1000123', '1 500,00'])])
        self.assertEqual(file_reader.read_lines(b'a,b\tc\n1,2\tx\n'),
            [(1, ['a', 'b\tc']), (2, ['1', '2\tx'])])
        # a registry's format says its delimiter and encoding
        self.assertEqual(file_reader.read_lines(
                'а|б;в\n'.encode('cp866'), encodings=['cp866'],
                delimiter='|'), [(1, ['а', 'б;в'])])

    def test_line_numbers(self):
        """The numbers an editor shows: blank lines count, a quoted cell
        over two lines ends its record on the second"""
        data = 'h1;h2\n\n1;"две\nстроки"\n3;4\n'.encode('utf-8')
        self.assertEqual(file_reader.read_lines(data), [
                (1, ['h1', 'h2']), (2, []), (4, ['1', 'две\nстроки']),
                (5, ['3', '4'])])

    def test_unreadable(self):
        with self.assertRaises(UnicodeDecodeError):
            file_reader.read_lines(b'\x81\x98', encodings=['utf-8', 'cp1251'])
        with self.assertRaises(file_reader.NotXlsx):
            file_reader.read_lines(b'not a workbook', filename='ОСВ.XLSX')
        with self.assertRaises(file_reader.NotXlsx):
            file_reader.read_lines(file_reader.XLSX_MAGIC + b'broken')

    def test_xlsx(self):
        "The first sheet by content (any name); text stripped, values kept"
        data = xlsx([['Счёт ', 'Дата'], [1000123, dt.datetime(2026, 11, 5)],
                [], [' 77 ', 12.5]])
        self.assertEqual(file_reader.read_lines(data, 'registry.txt'), [
                (1, ['Счёт', 'Дата']),
                (2, [1000123, dt.datetime(2026, 11, 5)]),
                (3, [None, None]), (4, ['77', 12.5])])
        self.assertTrue(file_reader.is_empty([None, '', ' ']))
        self.assertFalse(file_reader.is_empty([None, 0]))

    def test_cell_text(self):
        self.assertEqual(file_reader.cell_text(1000123.0), '1000123')
        self.assertEqual(file_reader.cell_text('1\xa0500,00 '), '1 500,00')
        self.assertEqual(file_reader.cell_text(None), '')
        self.assertEqual(file_reader.cell_text(12.5), '12.5')
