"""External-billing mode: files of each kind loaded all or nothing, the
errors listed by line, the same month loaded twice replaces, opening
balances restart the running balance, templates, the readings sent back,
and who may do it."""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.modelstorage import AccessError
from trytond.modules.crm_dispatch.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction

from ..external_file import KINDS, READING_COLUMNS, template
from .tools import billing_world, create_meter
from .tools_external import csv_file, headers, read_back, xlsx_file

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def external_mode(company, on=True):
    Settings = Pool().get('crm.billing.settings')
    settings = Settings.get(company)
    settings.external_billing = on
    settings.save()


class CrmBillingExternalTestCase(_DBTestCase):
    "Exchange with an external billing"
    module = 'crm_billing'
    language = 'ru'

    def load(self, user, kind, data, filename='file.csv'):
        Exchange = Pool().get('crm.billing.exchange')
        with acting_as(user, language='ru'):
            return Exchange.import_file(kind, data, filename)

    def refused(self, user, kind, data, filename='file.csv'):
        "The Russian message of a refused file"
        with self.assertRaises(UserError) as cm:
            self.load(user, kind, data, filename)
        return cm.exception.message

    @with_transaction()
    def test_templates(self):
        "A template of each kind has the header of the kind, in both formats"
        Report = Pool().get('crm.billing.exchange.file', type='report')
        w = billing_world()
        for kind in KINDS:
            for fmt in ['xlsx', 'csv']:
                with self.subTest(kind=kind, fmt=fmt):
                    data = template(kind, fmt)
                    self.assertEqual(read_back(data, fmt), [headers(kind)])
        self.assertEqual(headers('charges'), [
                "Лицевой счёт", "Месяц", "Код услуги", "Количество",
                "Тариф", "Сумма", "Причина перерасчёта"])
        # The wizard's download: the file and its Russian name
        with acting_as(w['north_accountant'], language='ru'):
            oext, content, _, name = Report.execute([], {
                    'what': 'template', 'kind': 'payments', 'format': 'xlsx'})
        self.assertEqual((oext, name), ('xlsx', "Шаблон - Оплаты"))
        self.assertEqual(read_back(content, 'xlsx'), [headers('payments')])
        # An operator does not load files, so gets no templates (the
        # client sends the action's id)
        action_id = Pool().get('ir.model.data').get_id(
            'crm_billing', 'report_exchange_file')
        with acting_as(w['north_operator']), self.assertRaises(AccessError):
            Report.execute([], {'action_id': action_id,
                    'what': 'template', 'kind': 'payments', 'format': 'csv'})

    @with_transaction()
    def test_accounts(self):
        "Accounts with their addresses: created, then updated, not doubled"
        pool = Pool()
        Account = pool.get('crm.account')
        Building = pool.get('crm.building')
        w = billing_world()
        north, accountant = w['north'], w['north_accountant']
        # Windows-1251 with «;»: what Russian Excel saves
        data = csv_file('accounts', [
                ['7001', 'Пермь', 'ул. Мира', '5', '', '1', 'Орлова Ольга',
                    '3', '61,40', 'EXT-1'],
                ['7002', 'Пермь', 'ул. Мира', '5', '', '2', '', '1', '', ''],
                ['N0001', '', '', '', '', '', 'Новиков Н. Н.', '4', '', ''],
                ], encoding='cp1251')
        exchange = self.load(accountant, 'accounts', data)
        self.assertEqual((exchange.lines, exchange.created, exchange.updated),
            (3, 2, 1))
        first, = Account.search([('number', '=', '7001')])
        self.assertEqual(first.premise.rec_name, 'г. Пермь, ул. Мира, д. 5, кв. 1')
        self.assertEqual((first.holder.name, first.residents, first.area,
                first.external_id), ('Орлова Ольга', 3, Decimal('61.40'),
                'EXT-1'))
        second, = Account.search([('number', '=', '7002')])
        self.assertEqual(second.premise.building, first.premise.building)
        old, = Account.search([('number', '=', 'N0001')])
        self.assertEqual((old.residents, old.holder.name),
            (4, 'Новиков Н. Н.'))
        self.assertEqual(old.premise, w['north_accounts'][0].premise)

        # The same file again: nothing new
        counts = (Account.search_count([]), Building.search_count([]))
        self.load(accountant, 'accounts', data)
        self.assertEqual(
            (Account.search_count([]), Building.search_count([])), counts)

        # Broken lines: nothing of the good ones is written
        broken = csv_file('accounts', [
                ['7003', 'Пермь', 'ул. Мира', '5', '', '3', '', '2', '', ''],
                ['7004', 'Пермь', '', '5', '', '4', '', '', '', ''],
                ['7005', '', '', '', '', '', '', 'два', '', ''],
                ['7003', '', '', '', '', '', '', '', '', ''],
                ])
        message = self.refused(accountant, 'accounts', broken)
        self.assertIn("Ничего не загружено: в данных ошибок — 3", message)
        self.assertIn("Строка 3: для адреса нужны город, улица и дом.",
            message)
        self.assertIn("Строка 4: «Проживающих»: «два» — не число.", message)
        self.assertIn("Строка 5: повторяет строку 2.", message)
        self.assertEqual(Account.search([('number', 'in', ['7003', '7004'])]),
            [])

        # A file without a required column
        message = self.refused(accountant, 'accounts',
            csv_file('accounts', [['Пермь']], header=['Город']))
        self.assertIn("нет столбцов «Лицевой счёт»", message)

    @with_transaction()
    def test_charges_replace_month(self):
        """Charges of a month: the same month loaded again replaces the
        accounts' lines of the file, keeps the others'"""
        pool = Pool()
        Charge = pool.get('crm.charge')
        Period = pool.get('crm.billing.period')
        w = billing_world()
        north, accountant = w['north'], w['north_accountant']
        a1, a2, a3 = [a.number for a in w['north_accounts']]
        external_mode(north)
        data = xlsx_file('charges', [
                # 4.850 × 52.30 = 253.655 → 253.66 (half up)
                [a1, '01.2026', 'cold', '4,850', '52,30', None, None],
                [a1, JAN, 'upkeep', 54.2, 32.5, 1761.5, None],
                [a2, '2026-01', 'upkeep', None, None, '1 200,00', None],
                [a3, '01.2026', 'intercom', None, None, 60, None],
                [a1, '01.2026', 'upkeep', None, None, '-100',
                    'Перерасчёт за декабрь'],
                ])
        exchange = self.load(accountant, 'charges', data, 'jan.xlsx')
        self.assertEqual((exchange.created, exchange.deleted), (5, 0))
        period, = Period.search([('date', '=', JAN)])
        self.assertEqual(period.state, 'open')
        rows = Charge.search([('account.number', '=', a1)],
            order=[('amount', 'ASC')])
        self.assertEqual(
            [(r.service.code, r.kind, r.method, r.amount) for r in rows],
            [('upkeep', 'recalculation', 'area', Decimal('-100.00')),
                ('cold', 'charge', 'meter', Decimal('253.66')),
                ('upkeep', 'charge', 'area', Decimal('1761.50'))])
        self.assertEqual(rows[0].reason, 'Перерасчёт за декабрь')

        # January again, corrected, for a1 and a2 only: a3 keeps his
        again = csv_file('charges', [
                [a1, '01.2026', 'upkeep', '', '', '1761,50', ''],
                [a2, '01.2026', 'upkeep', '', '', '1150,00', ''],
                ])
        exchange = self.load(accountant, 'charges', again)
        self.assertEqual((exchange.created, exchange.deleted), (2, 4))
        self.assertEqual(
            sorted((c.account.number, c.amount) for c in Charge.search([])),
            [(a1, Decimal('1761.50')), (a2, Decimal('1150.00')),
                (a3, Decimal('60.00'))])
        # And once more: idempotent
        self.load(accountant, 'charges', again)
        self.assertEqual(Charge.search_count([]), 3)

        # A broken line: nothing is replaced
        broken = csv_file('charges', [
                [a1, '01.2026', 'upkeep', '', '', '999', ''],
                [a1, '13.2026', 'upkeep', '', '', '1', ''],
                ['N9999', '01.2026', 'gas', '', '', '', ''],
                ])
        message = self.refused(accountant, 'charges', broken)
        self.assertIn("Строка 3: «Месяц»: «13.2026» — не месяц вида 11.2026.",
            message)
        self.assertIn(
            "Строка 4: в организации нет лицевого счёта «N9999».", message)
        self.assertIn("Строка 4: в организации нет услуги с кодом «gas».",
            message)
        self.assertIn("Строка 4: заполните сумму или количество и тариф.",
            message)
        self.assertNotIn("Строка 2", message)
        self.assertEqual(Charge.search_count([('amount', '=', 999)]), 0)
        self.assertEqual(Charge.search_count([]), 3)

        # A closed month cannot change
        Period.write([period], {'state': 'closed'})
        message = self.refused(accountant, 'charges', again)
        self.assertIn("Строка 2: месяц январь 2026 закрыт.", message)

        # Without the external-billing mode charges are this system's own
        external_mode(north, False)
        message = self.refused(accountant, 'charges', again)
        self.assertIn("только в режиме внешнего биллинга", message)

    @with_transaction()
    def test_payments_once(self):
        "Payments: a file sent twice pays once; a broken line loads nothing"
        Payment = Pool().get('crm.payment')
        w = billing_world()
        north, accountant = w['north'], w['north_accountant']
        a1, a2, _ = [a.number for a in w['north_accounts']]
        external_mode(north)
        data = csv_file('payments', [
                [a1, '05.02.2026', '1253,66', '774512', 'Новиков'],
                [a1, '05.02.2026', '500', '', ''],
                [a2, '2026-02-07', '1 000,00', '774513', ''],
                ], delimiter=',')
        exchange = self.load(accountant, 'payments', data)
        self.assertEqual((exchange.created, exchange.skipped), (3, 0))
        payment, = Payment.search([('document', '=', '774512')])
        self.assertEqual((payment.source, payment.month, payment.amount),
            ('import', FEB, Decimal('1253.66')))
        exchange = self.load(accountant, 'payments', data)
        self.assertEqual((exchange.created, exchange.skipped), (0, 3))
        self.assertEqual(Payment.search_count([]), 3)

        broken = csv_file('payments', [
                [a1, '06.02.2026', '10', '1', ''],
                [a2, '31.02.2026', '10', '2', ''],
                [a2, '07.02.2026', '0', '3', ''],
                ])
        message = self.refused(accountant, 'payments', broken)
        self.assertIn("Строка 3: «Дата оплаты»: «31.02.2026» — не дата", message)
        self.assertIn("Строка 4: сумма равна нулю.", message)
        self.assertEqual(Payment.search_count([]), 3)

    @with_transaction()
    def test_opening_balance(self):
        """An imported opening balance restarts the running balance in its
        month; the months before keep their own history"""
        pool = Pool()
        Balance = pool.get('crm.account.balance')
        Opening = pool.get('crm.account.opening')
        w = billing_world()
        north, accountant = w['north'], w['north_accountant']
        account = w['north_accounts'][0]
        n = account.number
        external_mode(north)
        self.load(accountant, 'charges', csv_file('charges', [
                    [n, '01.2026', 'cold', '4,85', '52,30', '', ''],
                    [n, '01.2026', 'upkeep', '', '', '1000', ''],
                    [n, '02.2026', 'upkeep', '', '', '1000', ''],
                    ]))
        self.load(accountant, 'payments', csv_file('payments', [
                    [n, '05.02.2026', '1253,66', '1', ''],
                    [n, '10.03.2026', '100', '2', ''],
                    ]))
        self.load(accountant, 'balances', csv_file('balances', [
                    [n, '02.2026', '300'],
                    ]))
        rows = Balance.search([('account', '=', account.id)],
            order=[('month', 'ASC')])
        # jan: 0 + 253.66 + 1000 = 1253.66
        # feb: the billing says 300 at the start (not 1253.66):
        #      300 + 1000 - 1253.66 = 46.34
        # mar: 46.34 - 100 = -53.66 (an advance)
        self.assertEqual(
            [(r.month, r.opening, r.charged, r.paid, r.closing)
                for r in rows],
            [(JAN, 0, Decimal('1253.66'), 0, Decimal('1253.66')),
                (FEB, Decimal('300.00'), Decimal('1000.00'),
                    Decimal('1253.66'), Decimal('46.34')),
                (MAR, Decimal('46.34'), 0, Decimal('100.00'),
                    Decimal('-53.66'))])
        self.assertEqual(Balance.debt(account), Decimal('-53.66'))

        # Corrected by the billing: replaced, not added
        exchange = self.load(accountant, 'balances', csv_file('balances', [
                    [n, '02.2026', '350'],
                    [w['north_accounts'][1].number, '04.2026', '-20,5'],
                    ]))
        self.assertEqual((exchange.created, exchange.updated), (1, 1))
        self.assertEqual(Opening.search_count([]), 2)
        self.assertEqual(Balance.debt(account), Decimal('-3.66'))
        # An opening alone makes its month's row
        self.assertEqual(Balance.debt(w['north_accounts'][1]),
            Decimal('-20.50'))

        message = self.refused(accountant, 'balances', csv_file('balances', [
                    [n, '03.2026', '1'], [n, '03.2026', '2'],
                    [n, '04.2026', '']]))
        self.assertIn("Строка 3: повторяет строку 2.", message)
        self.assertIn("Строка 4: не заполнен столбец «Входящее сальдо».",
            message)
        self.assertEqual(Opening.search_count([]), 2)

    @with_transaction()
    def test_meters(self):
        "Meters by account and serial: created, updated; wrong ones refused"
        Meter = Pool().get('crm.meter')
        w = billing_world()
        accountant = w['north_accountant']
        a1, a2, _ = [a.number for a in w['north_accounts']]
        data = csv_file('meters', [
                [a1, 'cold', 'ХВ-1', 'СВК-15', 'Кухня', '5', '12,5',
                    '15.01.2025', '15.01.2025', '6'],
                [a2, 'hot', 'ГВ-2', '', '', '', '', '', '01.03.2024', '4'],
                ])
        exchange = self.load(accountant, 'meters', data)
        self.assertEqual(exchange.created, 2)
        meter, = Meter.search([('serial', '=', 'ХВ-1')])
        self.assertEqual((meter.account.number, meter.service.code,
                meter.digits, meter.initial_value, meter.verification_date,
                meter.verification_interval, meter.kind),
            (a1, 'cold', 5, Decimal('12.500'), dt.date(2025, 1, 15), 6,
                'individual'))
        other, = Meter.search([('serial', '=', 'ГВ-2')])
        self.assertEqual((other.digits, other.initial_value), (5, 0))

        exchange = self.load(accountant, 'meters', csv_file('meters', [
                    [a1, 'cold', 'ХВ-1', '', '', '6', '', '', '20.01.2026',
                        '6']]))
        self.assertEqual((exchange.created, exchange.updated), (0, 1))
        self.assertEqual((meter.digits, meter.verification_date),
            (6, dt.date(2026, 1, 20)))
        self.assertEqual(Meter.search_count([]), 2)

        message = self.refused(accountant, 'meters', csv_file('meters', [
                    [a1, 'upkeep', 'П-1', '', '', '', '', '', '', ''],
                    [a1, 'cold', 'П-2', '', '', '13', '', '', '', '0'],
                    ]))
        self.assertIn(
            "Строка 2: услуга «upkeep» начисляется не по прибору учёта.",
            message)
        self.assertIn("Строка 3: разрядность 13 — не от 1 до 12.", message)
        self.assertIn("Строка 3: межповерочный интервал равен нулю.", message)
        self.assertEqual(Meter.search_count([]), 2)

    @with_transaction()
    def test_export_readings(self):
        """The readings sent back: counted ones taken here in the dates,
        not the imported, waiting or rejected ones"""
        pool = Pool()
        Reading = pool.get('crm.meter.reading')
        Exchange = pool.get('crm.billing.exchange')
        Report = pool.get('crm.billing.exchange.file', type='report')
        w = billing_world()
        north = w['north']
        account = w['north_accounts'][0]
        meter = create_meter(account, w['north_services']['cold'], 'ХВ-77')
        south = create_meter(w['south_accounts'][0],
            w['south_services']['cold'], 'ЮГ-1')

        def reading(day, value, source='operator', state='accepted',
                meter=meter):
            Reading.load_history([{
                        'meter': meter.id, 'company': meter.company.id,
                        'date': dt.date(2026, 3, day),
                        'value': Decimal(value), 'source': source,
                        'state': state, 'consumption': Decimal('1.5')}])
        reading(23, '10.5')
        reading(24, '11', source='portal', state='late')
        reading(24, '12', source='import')
        reading(25, '13', state='approval')
        reading(25, '14', state='rejected')
        reading(26, '15', source='robot')
        reading(22, '9')                       # before the dates
        reading(24, '99', meter=south)         # another organisation

        with acting_as(w['north_accountant'], language='ru'):
            rows = Exchange.export_readings(
                dt.date(2026, 3, 23), dt.date(2026, 3, 26))
            self.assertEqual([(r['account'], r['serial'], r['date'].day,
                        r['value'], r['source'], r['state']) for r in rows],
                [(account.number, 'ХВ-77', 23, Decimal('10.500'),
                        'оператор', 'принято'),
                    (account.number, 'ХВ-77', 24, Decimal('11.000'),
                        'личный кабинет', 'принято с опозданием'),
                    (account.number, 'ХВ-77', 26, Decimal('15.000'),
                        'робот', 'принято')])
            oext, content, _, name = Report.execute([], {
                    'what': 'readings', 'format': 'csv',
                    'start': '2026-03-23', 'end': '2026-03-26'})
        self.assertEqual((oext, name),
            ('csv', "Показания 2026-03-23 - 2026-03-26"))
        cells = read_back(content, 'csv')
        self.assertEqual(cells[0], [c.header for c in READING_COLUMNS])
        self.assertEqual(cells[1], [account.number,
                account.premise.rec_name, 'cold', 'ХВ-77', '23.03.2026',
                '10,500', '1,500', 'оператор', 'принято'])
        self.assertEqual(len(cells), 4)
        journal, = Exchange.search([('kind', '=', 'readings')], limit=1)
        self.assertEqual((journal.direction, journal.lines), ('export', 3))
        with acting_as(w['north_accountant'], language='ru'), \
                self.assertRaises(UserError):
            Exchange.export_readings(dt.date(2026, 3, 26), dt.date(2026, 3, 1))

    @with_transaction()
    def test_access(self):
        """Only accountants and administrators load; an organisation sees
        its own journal and opening balances, loads only its own accounts"""
        pool = Pool()
        Exchange = pool.get('crm.billing.exchange')
        Opening = pool.get('crm.account.opening')
        w = billing_world()
        north, south = w['north'], w['south']
        external_mode(north)
        external_mode(south)
        n = w['north_accounts'][0].number
        data = csv_file('balances', [[n, '02.2026', '300']])
        for kind, rows in [('balances', data), ('accounts', csv_file(
                        'accounts', [['9001', '', '', '', '', '', '', '',
                                '', '']]))]:
            with self.subTest(kind=kind), self.assertRaises(AccessError):
                self.load(w['north_operator'], kind, rows)
        self.load(w['north_accountant'], 'balances', data)
        # South's accountant: north's account is not his
        message = self.refused(w['south_accountant'], 'balances', data)
        self.assertIn(f"Строка 2: в организации нет лицевого счёта «{n}».",
            message)
        with acting_as(w['north_operator']):
            self.assertEqual(len(Opening.search([])), 1)
        with acting_as(w['north_accountant']):
            self.assertEqual(len(Exchange.search([])), 1)
        # A refused file leaves no journal row either
        self.assertEqual(Exchange.search_count([]), 1)
        with acting_as(w['south_accountant']):
            self.assertEqual(Exchange.search([]), [])
        for user in ['south_accountant', 'south_operator']:
            with acting_as(w[user]):
                self.assertEqual(Opening.search([]), [])
        # Operators do not read the journal at all
        with acting_as(w['north_operator']), self.assertRaises(AccessError):
            Exchange.search([])


del _DBTestCase
