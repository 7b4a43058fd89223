"""Receipts (ЕПД) and certificates as PDF: the worked receipt read back
from the PDF (its text with pdftotext, its QR with pdfimages + zbarimg),
a building's batch, the no-debt certificate refused in debt, the
statement, refusals, and each organisation printing only its own."""
import datetime as dt
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.crm_dispatch.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import create_account
from .tools_receipt import (
    EXPECTED_PAYLOAD, NOVEMBER, receipt_world, set_requisites)


def _run(*args):
    return subprocess.run(args, capture_output=True, check=True).stdout


def pdf_pages(pdf):
    "The text of each page (pdftotext -layout), spaces made plain"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, 'doc.pdf')
        path.write_bytes(pdf)
        info = _run('pdfinfo', str(path)).decode()
        pages = int(next(l.split()[-1] for l in info.splitlines()
                if l.startswith('Pages:')))
        return [_run('pdftotext', '-layout', '-f', str(p), '-l', str(p),
                    str(path), '-').decode('utf-8').replace('\u00a0', ' ')
            for p in range(1, pages + 1)]


def pdf_qr_codes(pdf):
    "What zbarimg reads from every image pdfimages takes out of the PDF"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, 'doc.pdf')
        path.write_bytes(pdf)
        _run('pdfimages', '-png', str(path), str(Path(tmp, 'img')))
        return [_run('zbarimg', '--raw', '-q', str(image)).decode(
                    'utf-8').rstrip('\n')
            for image in sorted(Path(tmp).glob('img-*.png'))]


def save_output(name, content):
    "Kept in test-output/billing for a look (and the README's picture)"
    folder = Path(__file__).resolve().parents[3] / 'test-output' / 'billing'
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)


def print_report(name, ids, **data):
    "The report as the client gets it: (extension, content)"
    Report = Pool().get(name, type='report')
    oext, content, _, _ = Report.execute(
        ids, dict(data, model='crm.account'))
    return oext, bytes(content)


class CrmBillingReceiptTestCase(_DBTestCase):
    "Receipts and certificates"
    module = 'crm_billing'
    language = 'ru'

    @with_transaction()
    def test_receipt_worked_example(self):
        "N0001's November: the QR read from the PDF and its text"
        w = receipt_world()
        account = w['north_accounts'][0]
        with acting_as(w['north_operator']):
            oext, pdf = print_report('crm_billing.receipt', [account.id],
                period=w['november'].id)
        self.assertEqual(oext, 'pdf')
        save_output('receipt_N0001.pdf', pdf)
        self.assertEqual(pdf_qr_codes(pdf), [EXPECTED_PAYLOAD])
        page, = pdf_pages(pdf)
        for text in ['ЕДИНЫЙ ПЛАТЁЖНЫЙ ДОКУМЕНТ', 'за ноябрь 2026',
                'N0001', 'Иванова Мария Петровна',
                'г. Пермь, ул. Ленина, д. 15, кв. 1',
                'ИНН 5902123456, КПП 590201001', 'БИК 042202603',
                'Холодное водоснабжение', 'Горячее водоснабжение',
                'Содержание жилого помещения', 'Обращение с ТКО', 'Домофон',
                # hot water: 514,71 charged, −49,02 recalculated
                '514,71', '-49,02', '465,69',
                '2 590,24', '2 500,00', '12,34', '08.11.2026: 2 000,00',
                'Итого к оплате: 3 102,58 руб.',
                'Три тысячи сто два рубля 58 копеек',
                'Оплатить до 10.12.2026',
                '№ ХВ-1001', '100', '103,5', '3,5', 'не переданы']:
            self.assertIn(text, page)
        # The hot water reading waiting for approval is not printed
        self.assertNotIn('90', page.split('ГВ-2002')[1].split('\n')[0])

    @with_transaction()
    def test_batch_building(self):
        "One PDF for a building, each account from a new page, by flat"
        pool = Pool()
        Batch = pool.get('crm_billing.receipt.batch', type='wizard')
        w = receipt_world()
        north = w['north']
        # Flat 10 after flat 3 though its account number sorts first
        create_account(north, w['north_building'], 'N0000', '10')
        with acting_as(w['north_accountant'], checked=False):
            session_id, _, _ = Batch.create()
            batch = Batch(session_id)
            batch.start.building = w['north_building']
            batch.start.period = w['november']
            action, data = batch.do_print_(None)
        self.assertEqual(data['period'], w['november'].id)
        with acting_as(w['north_accountant']):
            _, pdf = print_report('crm_billing.receipt', data['ids'],
                period=data['period'])
        pages = pdf_pages(pdf)
        numbers = ['N0001', 'N0002', 'N0003', 'N0000']
        self.assertEqual(len(pages), len(numbers))
        for page, number in zip(pages, numbers):
            self.assertIn(f'Лицевой счёт: {number}', page)
        # N0002 owes October's upkeep: its QR says so
        codes = pdf_qr_codes(pdf)
        self.assertEqual(codes[0], EXPECTED_PAYLOAD)
        self.assertIn('|Sum=250000|', codes[1])
        self.assertIn('|persAcc=N0002|', codes[1])
        self.assertNotIn('|Sum=', codes[3])  # nothing to pay

    @with_transaction()
    def test_no_debt_certificate(self):
        "Refused in debt (by the report and by the wizard), printed paid up"
        pool = Pool()
        Payment = pool.get('crm.payment')
        Certificate = pool.get('crm_billing.certificate.print',
            type='wizard')
        w = receipt_world()
        debtor, _, paid_up = w['north_accounts']
        Payment.create([{
                    'company': w['north'].id, 'account': paid_up.id,
                    'date': dt.date(2026, 11, 20),
                    'amount': Decimal('2600.00')}])
        on = dt.date(2026, 11, 30)
        with acting_as(w['north_operator']):
            with self.assertRaises(UserError) as cm:
                print_report('crm_billing.certificate_no_debt',
                    [debtor.id], date=on)
            self.assertIn('N0001', cm.exception.message)
            self.assertIn('3\u00a0102,58', cm.exception.message)
            _, pdf = print_report('crm_billing.certificate_no_debt',
                [paid_up.id], date=on)
        with acting_as(w['north_operator'], checked=False), \
                Transaction().set_context(active_model='crm.account',
                    active_id=debtor.id, active_ids=[debtor.id]):
            session_id, _, _ = Certificate.create()
            wizard = Certificate(session_id)
            wizard.start.kind = 'no_debt'
            wizard.start.date = on
            with self.assertRaises(UserError):
                wizard.transition_choose()
        save_output('no_debt_N0003.pdf', pdf)
        page, = pdf_pages(pdf)
        for text in ['СПРАВКА об отсутствии задолженности', 'N0003',
                'на 30.11.2026 отсутствует', 'Переплата (аванс) на эту '
                'дату: 100,00 руб.']:
            self.assertIn(text, page)

    @with_transaction()
    def test_statement(self):
        "Balances month by month, a month without movement carried over"
        w = receipt_world()
        account = w['north_accounts'][0]
        with acting_as(w['north_operator']):
            _, pdf = print_report('crm_billing.account_statement',
                [account.id], start_date=dt.date(2026, 9, 1),
                end_date=dt.date(2026, 12, 31))
        save_output('statement_N0001.pdf', pdf)
        page, = pdf_pages(pdf)
        lines = {l.split()[0] + ' ' + l.split()[1]: l.split()[2:]
            for l in page.splitlines()
            if l.strip().startswith(('сентябрь', 'октябрь', 'ноябрь',
                        'декабрь', 'Итого'))}
        # opening, charged, penalty, paid, closing (no-break spaces were
        # made plain: «2 500,00» is two words)
        self.assertEqual(' '.join(lines['сентябрь 2026']),
            '0,00 0,00 0,00 0,00 0,00')
        self.assertEqual(' '.join(lines['октябрь 2026']),
            '0,00 2 500,00 0,00 0,00 2 500,00')
        self.assertEqual(' '.join(lines['ноябрь 2026']),
            '2 500,00 2 590,24 12,34 2 000,00 3 102,58')
        self.assertEqual(' '.join(lines['декабрь 2026']),
            '3 102,58 0,00 0,00 0,00 3 102,58')
        self.assertIn('Задолженность на конец периода: 3 102,58 руб.', page)

    @with_transaction()
    def test_refusals(self):
        "Missing requisites and the QR's separator in a payer's name"
        pool = Pool()
        Party = pool.get('party.party')
        w = receipt_world()
        account = w['north_accounts'][0]
        set_requisites(w['north'], bank_bic='', bank_account=None)
        with acting_as(w['north_accountant']):
            with self.assertRaises(UserError) as cm:
                print_report('crm_billing.receipt', [account.id],
                    period=w['november'].id)
        self.assertIn('УК Север', cm.exception.message)
        self.assertIn('«БИК»', cm.exception.message)
        set_requisites(w['north'])
        Party.write([w['holder']], {'name': 'Иванова | Петрова'})
        with acting_as(w['north_accountant']):
            with self.assertRaises(UserError) as cm:
                print_report('crm_billing.receipt', [account.id],
                    period=w['november'].id)
        self.assertIn('N0001', cm.exception.message)
        self.assertIn('Иванова | Петрова', cm.exception.message)

    @with_transaction()
    def test_other_organisation(self):
        "South's staff print none of north's receipts or certificates"
        w = receipt_world()
        account = w['north_accounts'][0]
        for user in [w['south_operator'], w['south_accountant']]:
            with acting_as(user):
                for name in ['crm_billing.receipt',
                        'crm_billing.certificate_no_debt',
                        'crm_billing.account_statement']:
                    with self.subTest(user=user.login, report=name):
                        with self.assertRaises(AccessError):
                            print_report(name, [account.id],
                                period=w['november'].id)
        # Nor with their own account and north's period
        with acting_as(w['south_accountant']):
            with self.assertRaises((AccessError, UserError)):
                print_report('crm_billing.receipt',
                    [w['south_accounts'][0].id], period=w['november'].id)


del _DBTestCase
