"""Payments: bank registries imported whole or not at all, never twice;
payments by hand; each organisation sees only its own."""
import datetime as dt
import hashlib
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.crm_dispatch.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import billing_world, create_period
from .tools_payments import (
    sberbank_file, sberbank_format, sberbank_line, xlsx_file)


def import_file(user, format_, data, filename):
    """Run the import wizard as the user would from the menu; return the
    registry it opens"""
    pool = Pool()
    Import = pool.get('crm.payment.registry.import', type='wizard')
    Registry = pool.get('crm.payment.registry')
    with acting_as(user, language='ru'):
        session_id, _, _ = Import.create()
        result = Import.execute(session_id, {
                'start': {
                    'format': format_.id, 'file': data,
                    'filename': filename},
                }, 'import_')
        Import.delete(session_id)
    registry_id, = result['actions'][0][0]['res_id']
    return Registry(registry_id)


class CrmBillingPaymentsTestCase(_DBTestCase):
    "Payments and registries"
    module = 'crm_billing'
    language = 'ru'

    def refusal(self, func, *args):
        "The Russian text of the UserError func(*args) raises"
        with Transaction().set_context(language='ru'):
            with self.assertRaises(UserError) as cm:
                func(*args)
        return cm.exception.message

    @with_transaction()
    def test_sberbank_registry(self):
        "Sberbank's CSV registry with the preset: payments and totals"
        pool = Pool()
        Payment = pool.get('crm.payment')
        w = billing_world()
        n1, n2, _ = w['north_accounts']
        data = sberbank_file([
                sberbank_line('15-01-2026', 'N0001', '1500,50'),
                # dd.mm.yyyy is written by some branches of the bank
                sberbank_line('16.01.2026', 'N0002', '2000,00',
                    payer='Петрова Анна Сергеевна', operation='777'),
                sberbank_line('20-01-2026', 'N0001', '300,00'),
                ], total='3800,50')

        registry = import_file(w['north_accountant'], sberbank_format(),
            data, 'sber_0126.txt')

        self.assertEqual(registry.filename, 'sber_0126.txt')
        self.assertEqual(registry.digest, hashlib.sha256(data).hexdigest())
        self.assertEqual(registry.company, w['north'])
        self.assertEqual(registry.date, pool.get('ir.date').today())
        self.assertEqual(registry.count, 3)
        self.assertEqual(registry.total, Decimal('3800.50'))
        payments = Payment.search([], order=[('date', 'ASC')])
        self.assertEqual(
            [(p.account, p.date, p.month, p.amount, p.source, p.registry,
                    p.payer, p.document) for p in payments],
            [(n1, dt.date(2026, 1, 15), dt.date(2026, 1, 1),
                    Decimal('1500.50'), 'bank', registry,
                    'Иванов Иван Иванович', '100000000001'),
                (n2, dt.date(2026, 1, 16), dt.date(2026, 1, 1),
                    Decimal('2000.00'), 'bank', registry,
                    'Петрова Анна Сергеевна', '777'),
                (n1, dt.date(2026, 1, 20), dt.date(2026, 1, 1),
                    Decimal('300.00'), 'bank', registry,
                    'Иванов Иван Иванович', '100000000001')])
        self.assertEqual(payments[0].address, 'г. Пермь, ул. Северная, 1')

    @with_transaction()
    def test_broken_line_changes_nothing(self):
        "One bad line refuses the whole registry and names the line"
        pool = Pool()
        Payment = pool.get('crm.payment')
        Registry = pool.get('crm.payment.registry')
        w = billing_world()
        data = sberbank_file([
                sberbank_line('15-01-2026', 'N0001', '1500,50'),
                sberbank_line('16-01-2026', 'N0002', '2000,00'),
                # line 3 is broken: no such account in УК Север
                sberbank_line('17-01-2026', 'N9999', '100,00'),
                sberbank_line('18-01-2026', 'N0003', '250,00'),
                ])
        message = self.refusal(import_file, w['north_accountant'],
            sberbank_format(), data, 'sber.txt')
        self.assertEqual(message,
            'Реестр «sber.txt» не загружен, ничего не записано. Исправьте '
            'строки и загрузите его снова:\n'
            'строка 3: лицевого счёта «N9999» нет в организации')
        self.assertEqual(Payment.search([]), [])
        self.assertEqual(Registry.search([]), [])

    @with_transaction()
    def test_every_line_checked(self):
        "Every faulty line of the file is listed with its reasons"
        from ..payment_import import import_registry
        pool = Pool()
        Payment = pool.get('crm.payment')
        Date = pool.get('ir.date')
        w = billing_world()
        create_period(w['north'], dt.date(2025, 12, 1), state='closed')
        tomorrow = Date.today() + dt.timedelta(days=1)
        data = sberbank_file([
                sberbank_line('15-01-2026', 'N0001', '1500,50'),
                # 2: the account of another organisation
                sberbank_line('15-01-2026', 'S0001', '10,00'),
                # 3: letters in the amount, 4: no such date
                sberbank_line('15-01-2026', 'N0001', '1O0,00'),
                sberbank_line('32-01-2026', 'N0001', '100,00'),
                # 5: cut short
                '15-01-2026;10:15:30;8614',
                # 6: zero, 7: tomorrow, 8: into the closed December (not
                # a fault: counted in January, test_payments_late.py)
                sberbank_line('15-01-2026', 'N0002', '0,00'),
                sberbank_line(tomorrow.strftime('%d-%m-%Y'), 'N0002', '5,00'),
                sberbank_line('30.12.2025', 'N0003', '5,00'),
                # 9: two faults on one line
                sberbank_line('1.1.26', 'X1', '-'),
                ])
        message = self.refusal(import_registry, w['north'],
            sberbank_format(), data, 'sber.txt')
        self.assertEqual(message.splitlines()[1:], [
                'строка 2: лицевого счёта «S0001» нет в организации',
                'строка 3: сумма «1O0,00» — не рубли с копейками',
                'строка 4: дата «32-01-2026» не в формате '
                'ДД-ММ-ГГГГ, ДД.ММ.ГГГГ',
                'строка 5: колонок 3, нужно не меньше 10',
                'строка 6: Сумма оплаты должна быть больше нуля; возврат '
                'денег плательщику вносится с отметкой «Возврат».',
                'строка 7: Дата оплаты %s ещё не наступила.'
                % tomorrow.strftime('%d.%m.%Y'),
                'строка 9: сумма «-» — не рубли с копейками',
                'строка 9: дата «1.1.26» не в формате '
                'ДД-ММ-ГГГГ, ДД.ММ.ГГГГ',
                'строка 9: лицевого счёта «X1» нет в организации',
                ])
        self.assertEqual(Payment.search([]), [])

    @with_transaction()
    def test_many_errors_shortened(self):
        "A wholly wrong file lists its first 20 faults and counts the rest"
        from ..payment_import import import_registry
        w = billing_world()
        data = sberbank_file([
                sberbank_line('15-01-2026', f'Z{n}', '1,00')
                for n in range(1, 26)])
        lines = self.refusal(import_registry, w['north'],
            sberbank_format(), data, 'wrong.txt').splitlines()
        self.assertEqual(len(lines), 1 + 20 + 1)
        self.assertEqual(lines[20],
            'строка 20: лицевого счёта «Z20» нет в организации')
        self.assertEqual(lines[-1], '… и ещё ошибок: 5')

    @with_transaction()
    def test_same_registry_twice(self):
        "The same file is refused the second time, saying when it came"
        from ..payment_import import import_registry
        pool = Pool()
        Payment = pool.get('crm.payment')
        Registry = pool.get('crm.payment.registry')
        w = billing_world()
        data = sberbank_file([
                sberbank_line('15-01-2026', 'N0001', '1500,50'),
                sberbank_line('16-01-2026', 'N0002', '2000,00'),
                ])
        first = import_registry(w['north'], sberbank_format(), data,
            'sber.txt')
        message = self.refusal(import_registry, w['north'],
            sberbank_format(), data, 'sber-copy.txt')
        self.assertEqual(message,
            'Этот файл уже загружен: реестр «sber.txt» № %s от %s, '
            'платежей: 2 на сумму 3500,50 руб.' % (
                first.id, first.date.strftime('%d.%m.%Y')))
        self.assertEqual(Registry.search([]), [first])
        self.assertEqual(len(Payment.search([])), 2)
        # Another organisation may receive the same bytes
        Account = pool.get('crm.account')
        Account.write(w['south_accounts'], {'number': 'N0001'})
        Account.create([{'company': w['south'].id, 'number': 'N0002'}])
        other = import_registry(w['south'], sberbank_format(), data,
            'sber.txt')
        self.assertEqual(other.count, 2)

    @with_transaction()
    def test_xlsx_custom_format(self):
        "An Excel registry through a format with named columns"
        from ..payment_import import import_registry
        pool = Pool()
        Format = pool.get('crm.payment.registry.format')
        Payment = pool.get('crm.payment')
        w = billing_world()
        n1, n2, n3 = w['north_accounts']
        with acting_as(w['north_accountant']):
            format_, = Format.create([{
                        'name': 'Почта Банк (Excel)',
                        'skip_lines': 2,
                        'decimal_separator': '.',
                        'date_format': 'ГГГГ-ММ-ДД',
                        'account_column': 'Лицевой счёт',
                        'date_column': 'Дата',
                        'amount_column': 'Сумма',
                        'payer_column': 'Плательщик',
                        'document_column': '1',
                        }])
        self.assertEqual(format_.company, w['north'])
        data = xlsx_file([
                ['Реестр платежей за январь 2026'],
                ['№', 'Дата', 'Плательщик', 'Лицевой счёт', 'Сумма'],
                [1, dt.datetime(2026, 1, 5), 'Сидоров П. П.', 'N0003', 999.9],
                [2, '2026-01-06', None, 'N0001', '120.05'],
                [],
                [3, dt.date(2026, 1, 7), 'Сидоров П. П.', 'N0003', 0.1],
                ])
        registry = import_registry(w['north'], format_, data, 'pb.xlsx')
        self.assertEqual((registry.count, registry.total),
            (3, Decimal('1120.05')))
        self.assertEqual(registry.format, format_)
        self.assertEqual(
            [(p.document, p.date, p.account, p.amount, p.payer)
                for p in Payment.search([], order=[('date', 'ASC')])],
            [('1', dt.date(2026, 1, 5), n3, Decimal('999.90'),
                    'Сидоров П. П.'),
                ('2', dt.date(2026, 1, 6), n1, Decimal('120.05'), None),
                ('3', dt.date(2026, 1, 7), n3, Decimal('0.10'),
                    'Сидоров П. П.')])

        # A bad row of the sheet is named by its row number
        bad = xlsx_file([
                ['Реестр'],
                ['№', 'Дата', 'Плательщик', 'Лицевой счёт', 'Сумма'],
                [1, dt.datetime(2026, 1, 5), 'Сидоров', 'N0003', 'сто'],
                ])
        message = self.refusal(import_registry, w['north'], format_, bad,
            'pb2.xlsx')
        self.assertEqual(message.splitlines()[1:],
            ['строка 3: сумма «сто» — не рубли с копейками'])

        # A column named but missing from the header
        format_.amount_column = 'Итого'
        format_.save()
        message = self.refusal(import_registry, w['north'], format_, bad,
            'pb2.xlsx')
        self.assertEqual(message, 'В заголовке файла нет колонки «Итого».')

    @with_transaction()
    def test_format_checks(self):
        "A format's date pattern and named columns are checked"
        pool = Pool()
        Format = pool.get('crm.payment.registry.format')
        w = billing_world()
        values = {'name': 'Тест', 'company': w['north'].id,
            'account_column': '1', 'date_column': '2',
            'amount_column': '3'}
        with Transaction().set_context(language='ru'):
            with self.assertRaises(UserError) as cm:
                Format.create([{**values, 'date_format': 'день.месяц'}])
            self.assertEqual(cm.exception.message,
                '«день.месяц» — не формат даты: укажите его как '
                'ДД.ММ.ГГГГ, ДД-ММ-ГГГГ или ГГГГ-ММ-ДД, несколько через '
                'запятую.')
            with self.assertRaises(UserError) as cm:
                Format.create([{**values, 'amount_column': 'Сумма'}])
            self.assertEqual(cm.exception.message,
                'Колонка «Сумма» указана по названию: укажите число строк '
                'заголовка, последняя из них называет колонки.')

    @with_transaction()
    def test_unreadable_file(self):
        "A file in another encoding or empty is refused in Russian"
        from ..payment_import import import_registry
        w = billing_world()
        utf8 = sberbank_line('15-01-2026', 'N0001', '1,00').encode('utf-8')
        message = self.refusal(import_registry, w['north'],
            sberbank_format(), b'\xff\xfe\x00' + utf8 * 3, 'u.txt')
        self.assertTrue(message.startswith(
                'Файл не читается как реестр'), message)
        message = self.refusal(import_registry, w['north'],
            sberbank_format(), b'=0;0,00\r\n', 'empty.txt')
        self.assertEqual(message, 'В файле «empty.txt» нет платежей.')

    @with_transaction()
    def test_manual_payment(self):
        "A payment by hand: above zero unless a refund, not in the future"
        pool = Pool()
        Payment = pool.get('crm.payment')
        Date = pool.get('ir.date')
        w = billing_world()
        account = w['north_accounts'][0]
        today = Date.today()

        def create(amount, date=dt.date(2026, 1, 10), refund=False):
            with acting_as(w['north_accountant'], language='ru'):
                payment = Payment(account=account, date=date,
                    amount=Decimal(amount), refund=refund)
                payment.save()
                return payment

        payment = create('1200.00')
        self.assertEqual((payment.company, payment.source, payment.month),
            (w['north'], 'manual', dt.date(2026, 1, 1)))
        positive = ('Сумма оплаты должна быть больше нуля; возврат денег '
            'плательщику вносится с отметкой «Возврат».')
        self.assertEqual(self.refusal(create, '0'), positive)
        self.assertEqual(self.refusal(create, '-5'), positive)
        self.assertEqual(self.refusal(create, '5', dt.date(2026, 1, 1), True),
            'Сумма возврата должна быть отрицательной.')
        refund = create('-200.00', refund=True)
        self.assertEqual(refund.amount, Decimal('-200.00'))
        tomorrow = today + dt.timedelta(days=1)
        self.assertEqual(self.refusal(create, '5', tomorrow),
            'Дата оплаты %s ещё не наступила.' % tomorrow.strftime('%d.%m.%Y'))
        self.assertEqual(create('5', today).date, today)

        # A closed month keeps its payments as they were reported
        january = create_period(w['north'], dt.date(2026, 1, 1))
        january.state = 'closed'
        january.save()
        closed = ('Оплаты закрытого месяца нельзя добавить, изменить или '
            'удалить: январь 2026.')
        self.assertEqual(self.refusal(create, '5'), closed)
        self.assertEqual(
            self.refusal(Payment.write, [payment], {'amount': Decimal(1)}),
            closed)
        self.assertEqual(self.refusal(Payment.delete, [payment]), closed)
        # nor moves one in from an open month
        other = create('5', dt.date(2026, 2, 3))
        self.assertEqual(self.refusal(Payment.write, [other],
                {'date': dt.date(2026, 1, 31)}), closed)

    @with_transaction()
    def test_delete_registry(self):
        "Deleting a registry deletes its payments unless a month is closed"
        from ..payment_import import import_registry
        pool = Pool()
        Payment = pool.get('crm.payment')
        Registry = pool.get('crm.payment.registry')
        w = billing_world()
        fmt = sberbank_format()
        january = import_registry(w['north'], fmt, sberbank_file([
                    sberbank_line('15-01-2026', 'N0001', '100,00')]), 'a')
        february = import_registry(w['north'], fmt, sberbank_file([
                    sberbank_line('15-02-2026', 'N0001', '200,00'),
                    sberbank_line('16-02-2026', 'N0002', '300,00')]), 'b')
        create_period(w['north'], dt.date(2026, 1, 1), state='closed')
        with acting_as(w['north_accountant'], language='ru'):
            self.assertEqual(self.refusal(Registry.delete, [january]),
                'Оплаты закрытого месяца нельзя добавить, изменить или '
                'удалить: январь 2026.')
            Registry.delete([february])
            self.assertEqual(Registry.search([]), [january])
            self.assertEqual([p.amount for p in Payment.search([])],
                [Decimal('100.00')])
        # operators read payments but do not delete registries
        with acting_as(w['north_operator']):
            self.assertEqual(len(Payment.search([])), 1)
            with self.assertRaises(UserError):
                Registry.search([])

    @with_transaction()
    def test_access(self):
        "Organisation 2 sees no payment, registry or format of organisation 1"
        from ..payment_import import import_registry
        pool = Pool()
        Payment = pool.get('crm.payment')
        Registry = pool.get('crm.payment.registry')
        Format = pool.get('crm.payment.registry.format')
        Import = pool.get('crm.payment.registry.import', type='wizard')
        w = billing_world()
        registry = import_registry(w['north'], sberbank_format(),
            sberbank_file([sberbank_line('15-01-2026', 'N0001', '1,00')]),
            'n.txt')
        own, = Format.create([{'name': 'Свой', 'company': w['north'].id,
                    'account_column': '1', 'date_column': '2',
                    'amount_column': '3'}])
        payment, = registry.payments
        with acting_as(w['north_accountant']):
            self.assertEqual(Payment.search([]), [payment])
            self.assertEqual(Registry.search([]), [registry])
            self.assertEqual(Format.search([]), [sberbank_format(), own])
        for user in [w['south_accountant'], w['south_operator']]:
            with acting_as(user):
                self.assertEqual(Payment.search([]), [])
                self.assertEqual(Payment.search(
                        [('account', '=', payment.account.id)]), [])
                with self.assertRaises(UserError):
                    Payment.read([payment.id], ['amount'])
        with acting_as(w['south_accountant']):
            self.assertEqual(Registry.search([]), [])
            self.assertEqual(Format.search([]), [sberbank_format()])
            with self.assertRaises(UserError):
                Registry.read([registry.id], ['filename'])
        # Only accountants import registries
        with acting_as(w['north_operator']):
            with self.assertRaises(UserError):
                Import.create()


del _DBTestCase
