"""Debtors in Excel: the debtors report as XLSX, and debts (opening
balances of the external billing) loaded from an Excel workbook."""
import datetime as dt
import io
from decimal import Decimal

import openpyxl

from trytond.exceptions import UserError
from trytond.modules.crm_billing.penalty_debtor import select_debtors
from trytond.modules.crm_dispatch.tests.tools import acting_as, load_russian
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction

from .test_external import external_mode
from .tools_external import xlsx_file
from .tools_penalty import debtors_world


def sheet_rows(data):
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [list(r) for r in book.worksheets[0].iter_rows(
                    values_only=True)]
    finally:
        book.close()


class CrmBillingDebtorsExcelTestCase(_DBTestCase):
    "Debtors in Excel"
    module = 'crm_billing'
    language = 'ru'

    @with_transaction()
    def test_report_xlsx(self):
        """The selected cases with their amounts and a total line, titles
        in Russian; another organisation's cases cannot be exported"""
        pool = Pool()
        Report = pool.get('crm.debtor.case.xlsx', type='report')
        w = debtors_world()
        load_russian()
        cases = select_debtors(w['north'], Decimal('2999.99'), 3,
            dt.date(2026, 4, 11))
        ids = [c.id for c in cases]
        data = {'model': 'crm.debtor.case', 'id': ids[0], 'ids': ids}
        with acting_as(w['north_accountant'], language='ru'):
            oext, content, direct, name = Report.execute(ids, data)
        self.assertEqual(oext, 'xlsx')
        today = pool.get('ir.date').today()
        self.assertEqual(name, f'Должники {today:%Y-%m-%d}')
        rows = sheet_rows(content)
        today = today.strftime('%d.%m.%Y')
        self.assertEqual(rows[0][0], f'Должники на {today}: дел — 2')
        self.assertEqual(rows[2][:8], ['Лицевой счёт', 'Должник', 'Дом',
                'Стадия', 'Статус', 'Долг', 'Возраст долга, мес.', 'Пени'])
        body = rows[3:-1]
        self.assertEqual([(r[0], r[5], r[6]) for r in body], [
                ('N0001', 3000, 3), ('N0002', 2999.99, 3)])
        stage = body[0][3]
        self.assertTrue(stage and isinstance(stage, str))
        # 3000.00 + 2999.99 = 5999.99
        self.assertEqual(rows[-1][0], 'Итого')
        self.assertAlmostEqual(rows[-1][5], 5999.99)
        with acting_as(w['south_accountant']):
            with self.assertRaises(Exception):
                Report.execute(ids, data)

    @with_transaction()
    def test_debts_from_xlsx(self):
        """Opening balances (the debt a month opens with) from a workbook
        as Excel types its cells: account numbers as numbers, months as
        dates, amounts as floats; a broken workbook loads nothing and says
        which lines"""
        pool = Pool()
        Exchange = pool.get('crm.billing.exchange')
        Opening = pool.get('crm.account.opening')
        Balance = pool.get('crm.account.balance')
        w = debtors_world()
        north, accountant = w['north'], w['north_accountant']
        a1, a2, _ = w['north_accounts']
        pool.get('crm.account').write([a1], {'number': '1000123'})
        external_mode(north)
        load_russian()

        def load(data):
            with acting_as(accountant, language='ru'):
                return Exchange.import_file('balances', data, 'долги.xlsx')

        bad = xlsx_file('balances', [
                [1000123, dt.datetime(2026, 4, 1), 1250.5],
                ['N9999', '04.2026', '10'],
                [a2.number, 'апрель', '10'],
                ])
        with self.assertRaises(UserError) as cm:
            load(bad)
        self.assertIn('Строка 3:', cm.exception.message)
        self.assertIn('N9999', cm.exception.message)
        self.assertIn('Строка 4:', cm.exception.message)
        self.assertIn('«апрель»', cm.exception.message)
        self.assertNotIn('Строка 2', cm.exception.message)
        self.assertEqual(Opening.search([]), [])

        exchange = load(xlsx_file('balances', [
                    [1000123, dt.datetime(2026, 4, 1), 1250.5],
                    [a2.number, '04.2026', '-20,5'],
                    ]))
        self.assertEqual(exchange.created, 2)
        self.assertEqual(sorted((o.account.number, o.month, o.amount)
                for o in Opening.search([])), [
                ('1000123', dt.date(2026, 4, 1), Decimal('1250.50')),
                ('N0002', dt.date(2026, 4, 1), Decimal('-20.50'))])
        # April opens with the imported debt, not January–March's 3000
        april, = Balance.search([('account', '=', a1.id),
                ('month', '=', dt.date(2026, 4, 1))])
        self.assertEqual(april.opening, Decimal('1250.50'))


del _DBTestCase
