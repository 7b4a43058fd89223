"""(r) Receipts (ЕПД) of one building: crm_billing activated on the bench
database, a building of N accounts (default 500) with a holder, five
services charged in a month, two meters with readings, a payment and the
previous month's debt each; the batch printed as the report
crm_billing.receipt runs for an accountant (access checked, data read in
a few queries, the PDF drawn with reportlab, one page an account).
Printed: receipts per second, the PDF's size, and where the time goes
(reading the data, encoding the QR codes, laying out the pages)."""
import datetime as dt
import time
from decimal import Decimal

from .database import user_context
from .report import out, table

MONTH = dt.date(2026, 11, 1)
PREVIOUS = dt.date(2026, 10, 1)


def activate_billing(pool):
    "What `trytond-admin -u crm_billing --activate-dependencies` does"
    pool.init(update=['crm_billing'], lang=['ru'], activatedeps=True)


def make_building(pool, database, n):
    """A building of n accounts with their month (batch ORM creates: a few
    calls in all, not one a row); returns (accountant login, account ids
    in print order, period id)"""
    from trytond.modules.crm_billing import receipt_data
    from trytond.modules.crm_billing.tests.tools import (
        create_accountant, create_building, create_period, create_services)
    from trytond.modules.crm_billing.tests.tools_receipt import (
        set_requisites)
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        Premise = pool.get('crm.premise')
        Account = pool.get('crm.account')
        Charge = pool.get('crm.charge')
        Payment = pool.get('crm.payment')
        Meter = pool.get('crm.meter')
        Reading = pool.get('crm.meter.reading')
        company = Company.search([], order=[('id', 'ASC')], limit=1)[0]
        with transaction.set_context(company=company.id):
            set_requisites(company)
            login = 'bench_accountant'
            create_accountant(login, company)
            building = create_building(company, 'ул. Нагрузочная', '500')
            services = create_services(company)
            previous = create_period(company, PREVIOUS)
            period = create_period(company, MONTH)
            parties = Party.create([{'name': f'Житель Квитанций {i}'}
                    for i in range(1, n + 1)])
            premises = Premise.create([{
                        'building': building.id, 'number': str(i),
                        'area': Decimal(30 + i % 50)}
                    for i in range(1, n + 1)])
            accounts = Account.create([{
                        'company': company.id, 'number': f'Б{i:06d}',
                        'premise': p.id, 'holder': h.id,
                        'residents': 1 + i % 4}
                    for i, (p, h) in enumerate(zip(premises, parties), 1)])
            charges = [{
                    'company': company.id, 'period': previous.id,
                    'account': a.id, 'service': services['upkeep'].id,
                    'method': 'area', 'quantity': p.area,
                    'rate': Decimal('32.50'),
                    'amount': (p.area * Decimal('32.50')).quantize(
                        Decimal('0.01'))}
                for a, p in zip(accounts, premises)]
            for a, p in zip(accounts, premises):
                for code, quantity, rate in [
                        ('cold', Decimal('3.5'), Decimal('52.30')),
                        ('hot', Decimal('2.1'), Decimal('245.10')),
                        ('upkeep', p.area, Decimal('32.50')),
                        ('waste', Decimal(a.residents), Decimal('120')),
                        ('intercom', Decimal(1), Decimal('60'))]:
                    charges.append({
                            'company': company.id, 'period': period.id,
                            'account': a.id, 'service': services[code].id,
                            'method': services[code].method,
                            'quantity': quantity, 'rate': rate,
                            'amount': (quantity * rate).quantize(
                                Decimal('0.01'))})
            Charge.create(charges)
            Payment.create([{
                        'company': company.id, 'account': a.id,
                        'date': dt.date(2026, 11, 9),
                        'amount': Decimal('1500.00')} for a in accounts])
            meters = Meter.create([{
                        'company': company.id, 'kind': 'individual',
                        'account': a.id, 'service': services[code].id,
                        'serial': f'{code}-{a.number}',
                        'verification_date': dt.date(2025, 1, 15),
                        'verification_interval': 6}
                    for a in accounts for code in ['cold', 'hot']])
            readings = [{
                    'meter': m.id, 'company': company.id,
                    'date': dt.date(2026, month, 24),
                    'value': Decimal(value),
                    'consumption': Decimal(value) - Decimal(start),
                    'state': 'accepted'}
                for m in meters
                for month, start, value in [
                    (10, '0', '40.5'), (11, '40.5', '44')]]
            Reading.create(readings)
            ids = [a.id for a in receipt_data.building_accounts(building)]
            period_id = period.id
        transaction.commit()
    return login, ids, period_id


def bench_receipts(pool, database, n):
    from trytond.modules.crm_billing import (
        receipt_data, receipt_pdf, receipt_qr)
    from trytond.transaction import Transaction
    t0 = time.perf_counter()
    activate_billing(pool)
    activated = time.perf_counter() - t0
    t0 = time.perf_counter()
    login, ids, period_id = make_building(pool, database, n)
    loaded = time.perf_counter() - t0
    user_id, context, _ = user_context(pool, database, login)
    Report = pool.get('crm_billing.receipt', type='report')
    Account = pool.get('crm.account')
    Period = pool.get('crm.billing.period')
    with Transaction().start(database, user_id, readonly=True,
            context=context):
        t0 = time.perf_counter()
        oext, pdf, _, _ = Report.execute(
            ids, {'model': 'crm.account', 'period': period_id})
        report = time.perf_counter() - t0
        # The same batch in its parts
        t0 = time.perf_counter()
        receipts = receipt_data.gather(Account.browse(ids),
            Period(period_id))
        gather = time.perf_counter() - t0
        t0 = time.perf_counter()
        for receipt in receipts:
            receipt_qr.image(receipt['qr'])
        qr = time.perf_counter() - t0
        t0 = time.perf_counter()
        receipt_pdf.receipts_pdf(receipts)
        render = time.perf_counter() - t0
    return dict(n=n, activated=activated, loaded=loaded, oext=oext,
        size=len(pdf), report=report, gather=gather, qr=qr, render=render,
        payload=len(receipts[0]['qr'].encode('utf-8')))


def report_receipts(r):
    n = r['n']
    out(f"(r) Receipts of one building: {n} accounts, 5 services, "
        f"2 meters each (crm_billing activated in {r['activated']:.1f} s, "
        f"building loaded in {r['loaded']:.1f} s)")
    table(['step', 'seconds', 'receipts/s'], [
            ['report crm_billing.receipt (all of it)',
                f"{r['report']:.2f}", f"{n / r['report']:.1f}"],
            ['  reading the data (receipt_data.gather)',
                f"{r['gather']:.2f}", f"{n / r['gather']:.1f}"],
            ['  QR codes alone (segno, mask 2)',
                f"{r['qr']:.2f}", f"{n / r['qr']:.1f}"],
            ['  PDF with the QR codes (reportlab)',
                f"{r['render']:.2f}", f"{n / r['render']:.1f}"],
            ])
    out(f"  one {r['oext'].upper()} of {r['size'] / 1e6:.2f} MB, "
        f"{r['size'] / n / 1024:.1f} KB a receipt; QR payload "
        f"{r['payload']} bytes")
