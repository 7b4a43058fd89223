"""Penalties per ЖК РФ ст.155 ч.14 and the FIFO debts they are computed on:
worked examples computed by hand in the comments."""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.crm_dispatch.tests.tools import acting_as, load_russian
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from trytond.modules.crm_billing.penalty_debt import open_debts
from .tools import billing_world
from .tools_penalty import charge, only_key_rates, pay, periods, set_rule

D = dt.date
# The worked example's key rates (test data, not the Bank of Russia's) and
# a moratorium between day 31 and day 91 of the January debt
RATES = [(D(2026, 1, 1), '16.00'), (D(2026, 4, 27), '14.00'),
    (D(2026, 5, 25), '13.00')]
MORATORIUM = ('Тестовый мораторий', 'suspend', D(2026, 4, 6),
    D(2026, 4, 12), None)


def lines_of(penalty):
    return sorted((l.debt_amount, l.paid_date, l.date_from, l.date_to,
            l.days, l.rate, l.fraction, l.amount) for l in penalty.lines)


class CrmBillingPenaltyTestCase(_DBTestCase):
    "Penalties and debts"
    module = 'crm_billing'
    language = 'ru'

    def _example(self, rule):
        """January: 3000.00 charged, due 10.02.2026 (payment day 10); day 1
        of the delay is 11.02, day 31 is 13.03 (11.02 + 30), day 91 is
        12.05 (10.02 + 91: 18 days of February, 31, 30, 12).  1000.00 paid
        on 20.05.  Penalties computed for March, April and May."""
        w = billing_world()
        north = w['north']
        account = w['north_accounts'][0]
        only_key_rates(*RATES, moratoria=[MORATORIUM])
        set_rule(north, rule)
        months = periods(north, 2026, range(1, 6))
        charge(account, months[1], '3000.00')
        pay(account, D(2026, 5, 20), '1000.00')
        Period = Pool().get('crm.billing.period')
        Period.compute_penalties(list(months.values()))
        Penalty = Pool().get('crm.penalty')
        found = {p.period.date.month: p for p in Penalty.search([])}
        # January and February are before day 31; the other accounts owe
        # nothing
        self.assertEqual(sorted(found), [3, 4, 5])
        self.assertEqual({p.account for p in found.values()}, {account})
        return w, months, found

    @with_transaction()
    def test_example_rate_of_each_day(self):
        "Day 31, a moratorium, a key-rate change, day 91: each day's rate"
        _, _, found = self._example('daily')
        P, S = '300', '130'
        # March 13–31: 19 days × 3000 × 16 % / 300 = 30.40
        self.assertEqual(lines_of(found[3]), [
                (Decimal('3000'), None, D(2026, 3, 13), D(2026, 3, 31), 19,
                    Decimal('16'), P, Decimal('30.40'))])
        # April: 1–5 at 16 %: 480 × 5 / 300 = 8.00; 6–12 moratorium;
        # 13–26 at 16 %: 480 × 14 / 300 = 22.40; 27–30 at 14 %:
        # 420 × 4 / 300 = 5.60
        self.assertEqual(lines_of(found[4]), [
                (Decimal('3000'), None, D(2026, 4, 1), D(2026, 4, 5), 5,
                    Decimal('16'), P, Decimal('8.00')),
                (Decimal('3000'), None, D(2026, 4, 13), D(2026, 4, 26), 14,
                    Decimal('16'), P, Decimal('22.40')),
                (Decimal('3000'), None, D(2026, 4, 27), D(2026, 4, 30), 4,
                    Decimal('14'), P, Decimal('5.60'))])
        self.assertEqual(found[4].amount, Decimal('36.00'))
        # May: the 1000 paid on the 20th is a debt up to that day
        # inclusive: 1–11 at 1/300: 140 × 11 / 300 = 5.1333 → 5.13;
        # 12–20 at 1/130: 140 × 9 / 130 = 9.6923 → 9.69.
        # The unpaid 2000: 1–11: 280 × 11 / 300 = 10.2667 → 10.27;
        # 12–24 at 14 %: 280 × 13 / 130 = 28.00; 25–31 at 13 %:
        # 260 × 7 / 130 = 14.00
        self.assertEqual(lines_of(found[5]), [
                (Decimal('1000'), D(2026, 5, 20), D(2026, 5, 1),
                    D(2026, 5, 11), 11, Decimal('14'), P, Decimal('5.13')),
                (Decimal('1000'), D(2026, 5, 20), D(2026, 5, 12),
                    D(2026, 5, 20), 9, Decimal('14'), S, Decimal('9.69')),
                (Decimal('2000'), None, D(2026, 5, 1), D(2026, 5, 11), 11,
                    Decimal('14'), P, Decimal('10.27')),
                (Decimal('2000'), None, D(2026, 5, 12), D(2026, 5, 24), 13,
                    Decimal('14'), S, Decimal('28.00')),
                (Decimal('2000'), None, D(2026, 5, 25), D(2026, 5, 31), 7,
                    Decimal('13'), S, Decimal('14.00'))])
        self.assertEqual(found[5].amount, Decimal('67.09'))

    @with_transaction()
    def test_example_rate_of_payment_day(self):
        "The same debt with the rate of the payment day (ЖК's text)"
        w, months, found = self._example('payment')
        P, S = '300', '130'
        # March: unpaid on the 31st, the rate of the 31st (16 %): 30.40
        self.assertEqual(found[3].amount, Decimal('30.40'))
        # April: unpaid on the 30th, whose rate is 14 % for every day:
        # 1–5: 420 × 5 / 300 = 7.00; 13–30: 420 × 18 / 300 = 25.20
        self.assertEqual(lines_of(found[4]), [
                (Decimal('3000'), None, D(2026, 4, 1), D(2026, 4, 5), 5,
                    Decimal('14'), P, Decimal('7.00')),
                (Decimal('3000'), None, D(2026, 4, 13), D(2026, 4, 30), 18,
                    Decimal('14'), P, Decimal('25.20'))])
        # May: the 1000 takes the rate of its payment day 20.05 (14 %):
        # 5.13 + 9.69 as above; the unpaid 2000 the rate of 31.05 (13 %):
        # 1–11: 260 × 11 / 300 = 9.5333 → 9.53; 12–31: 260 × 20 / 130
        # = 40.00
        self.assertEqual(lines_of(found[5]), [
                (Decimal('1000'), D(2026, 5, 20), D(2026, 5, 1),
                    D(2026, 5, 11), 11, Decimal('14'), P, Decimal('5.13')),
                (Decimal('1000'), D(2026, 5, 20), D(2026, 5, 12),
                    D(2026, 5, 20), 9, Decimal('14'), S, Decimal('9.69')),
                (Decimal('2000'), None, D(2026, 5, 1), D(2026, 5, 11), 11,
                    Decimal('13'), P, Decimal('9.53')),
                (Decimal('2000'), None, D(2026, 5, 12), D(2026, 5, 31), 20,
                    Decimal('13'), S, Decimal('40.00'))])
        self.assertEqual(found[5].amount, Decimal('64.35'))
        # The balance counts the penalties: 3000 + 30.40 + 32.20 + 64.35
        # - 1000 = 2126.95
        Balance = Pool().get('crm.account.balance')
        self.assertEqual(
            Balance.debt(w['north_accounts'][0]), Decimal('2126.95'))

        # Access: the penalties of north stay in north
        Penalty = Pool().get('crm.penalty')
        Line = Pool().get('crm.penalty.line')
        with acting_as(w['north_accountant']):
            self.assertEqual(len(Penalty.search([])), 3)
            self.assertEqual(len(Line.search([])), 7)
        for user in ['south_accountant', 'south_operator']:
            with acting_as(w[user]):
                self.assertEqual(Penalty.search([]), [])
                self.assertEqual(Line.search([]), [])

    @with_transaction()
    def test_rate_rules(self):
        "ПП РФ №329 caps the rate, ПП РФ №474 fixes it, for the days inside"
        pool = Pool()
        Moratorium = pool.get('crm.penalty.moratorium')
        Period = pool.get('crm.billing.period')
        w = billing_world()
        account = w['north_accounts'][0]
        only_key_rates((D(2026, 1, 1), '16.00'), moratoria=[
                ('Потолок', 'cap', D(2026, 3, 20), D(2026, 3, 25), '9.50')])
        set_rule(w['north'], 'daily')
        months = periods(w['north'], 2026, [1, 3])
        charge(account, months[1], '3000.00')
        Period.compute_penalties([months[3]])
        penalty, = pool.get('crm.penalty').search([])
        # 13–19: 480 × 7 / 300 = 11.20; 20–25 at 9.5 %: 285 × 6 / 300
        # = 5.70; 26–31: 480 × 6 / 300 = 9.60
        self.assertEqual(
            [(l.date_from, l.days, l.rate, l.amount) for l in penalty.lines],
            [(D(2026, 3, 13), 7, Decimal('16'), Decimal('11.20')),
                (D(2026, 3, 20), 6, Decimal('9.50'), Decimal('5.70')),
                (D(2026, 3, 26), 6, Decimal('16'), Decimal('9.60'))])
        self.assertEqual(penalty.amount, Decimal('26.50'))
        # A cap above the key rate changes nothing: 480 × 19 / 300 = 30.40
        rule, = Moratorium.search([])
        rule.rate = Decimal('18')
        rule.save()
        Period.compute_penalties([months[3]])
        penalty, = pool.get('crm.penalty').search([])
        self.assertEqual(penalty.amount, Decimal('30.40'))
        # A fixed rate applies even above the key rate: 20–25 at 18 %:
        # 540 × 6 / 300 = 10.80
        rule.kind = 'fixed'
        rule.save()
        Period.compute_penalties([months[3]])
        penalty, = pool.get('crm.penalty').search([])
        self.assertEqual(penalty.lines[1].amount, Decimal('10.80'))

    @with_transaction()
    def test_fifo_debts(self):
        "Payments pay the oldest charge months first"
        w = billing_world()
        north = w['north']
        account = w['north_accounts'][0]
        months = periods(north, 2026, [1, 2, 3, 4])
        charge(account, months[1], '3000.00')
        charge(account, months[2], '2000.00')
        charge(account, months[3], '1000.00')
        pay(account, D(2026, 2, 5), '1000.00')
        pay(account, D(2026, 3, 20), '2500.00')
        # January: 1000 + 2000 of the second payment = paid; February:
        # the remaining 500 → 1500 open, due 10.03: 21 + 15 = 36 days
        # late on 15.04; March: 1000 open, due 10.04, 5 days late
        debts, age = open_debts(north, [account.id], D(2026, 4, 15))[
            account.id]
        self.assertEqual(
            [(d.month, d.amount, d.due_date, d.days_overdue) for d in debts],
            [(D(2026, 2, 1), Decimal('1500.00'), D(2026, 3, 10), 36),
                (D(2026, 3, 1), Decimal('1000.00'), D(2026, 4, 10), 5)])
        self.assertEqual(age, 2)
        # On the due day itself March is not late yet
        _, age = open_debts(north, [account.id], D(2026, 4, 10))[account.id]
        self.assertEqual(age, 1)
        # Before the second payment January is still 2000 open
        debts, age = open_debts(north, [account.id], D(2026, 3, 19))[
            account.id]
        self.assertEqual([(d.month, d.amount) for d in debts], [
                (D(2026, 1, 1), Decimal('2000.00')),
                (D(2026, 2, 1), Decimal('2000.00')),
                (D(2026, 3, 1), Decimal('1000.00'))])
        self.assertEqual(age, 2)

    @with_transaction()
    def test_recompute_and_closed(self):
        "Recomputing replaces; a closed period is refused in Russian"
        pool = Pool()
        Period = pool.get('crm.billing.period')
        Penalty = pool.get('crm.penalty')
        Line = pool.get('crm.penalty.line')
        w = billing_world()
        account = w['north_accounts'][0]
        only_key_rates((D(2026, 1, 1), '16.00'))
        months = periods(w['north'], 2026, [1, 4])
        charge(account, months[1], '3000.00')
        Period.compute_penalties([months[4]])
        Period.compute_penalties([months[4]])
        penalty, = Penalty.search([])
        # 1–30 April at 16 %: 480 × 30 / 300 = 48.00
        self.assertEqual(penalty.amount, Decimal('48.00'))
        self.assertEqual(len(Line.search([])), 1)
        # Paid on the 15th: the debt runs up to the 15th inclusive:
        # 480 × 15 / 300 = 24.00
        pay(account, D(2026, 4, 15), '3000.00')
        Period.compute_penalties([months[4]])
        penalty, = Penalty.search([])
        self.assertEqual(penalty.amount, Decimal('24.00'))
        self.assertEqual(len(Line.search([])), 1)

        months[4].state = 'closed'
        months[4].save()
        load_russian()
        with Transaction().set_context(language='ru'), \
                self.assertRaises(UserError) as cm:
            Period.compute_penalties([months[4]])
        self.assertEqual(cm.exception.message,
            "Период «апрель 2026» закрыт: пени в нём пересчитать нельзя.")
        self.assertEqual(Penalty.search([]), [penalty])

    @with_transaction()
    def test_no_key_rate(self):
        "A day without a known key rate is refused, with the date"
        Period = Pool().get('crm.billing.period')
        w = billing_world()
        account = w['north_accounts'][0]
        only_key_rates((D(2026, 3, 20), '16.00'))
        set_rule(w['north'], 'daily')
        months = periods(w['north'], 2026, [1, 3])
        charge(account, months[1], '3000.00')
        load_russian()
        with Transaction().set_context(language='ru'), \
                self.assertRaises(UserError) as cm:
            Period.compute_penalties([months[3]])
        self.assertEqual(cm.exception.message,
            "Не задана ключевая ставка на 13.03.2026: добавьте ставку "
            "Банка России в настройках расчётов.")

    @with_transaction()
    def test_seeded_key_rates(self):
        "The Bank of Russia's key rates are loaded as data"
        KeyRate = Pool().get('crm.key_rate')
        rates = {r.date: r.rate for r in KeyRate.search([])}
        self.assertEqual(rates[D(2022, 2, 28)], Decimal('20.00'))
        self.assertEqual(rates[D(2024, 10, 28)], Decimal('21.00'))
        self.assertEqual(rates[D(2025, 6, 9)], Decimal('20.00'))


del _DBTestCase
