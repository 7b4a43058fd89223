"""Penalties (пени) per ЖК РФ ст.155 ч.14: key rates, moratoria, amounts.

From the 31st to the 90th day after the due date a day of delay costs 1/300
of the key rate, from the 91st day 1/130; a day inside a moratorium costs
nothing, a day inside a rate rule (ПП РФ №474, №329) takes the fixed or
capped rate.  Which key rate: see Settings.penalty_rate_rule."""
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.crm_dispatch.address import default_company
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import StateAction, StateTransition, Wizard

from .account import AccountBuildingMixin
from .labels import date_text, month_label, number
from .penalty_debt import charge_months, next_month

# ЖК РФ ст.155 ч.14: the tiers of the delay, counted from the day after
# the due date
FIRST_DAY, SECOND_TIER_DAY = 31, 91
FRACTIONS = {300: Decimal(1) / 300, 130: Decimal(1) / 130}


class KeyRate(ModelSQL, ModelView):
    "Key rate of the Bank of Russia"
    __name__ = 'crm.key_rate'
    __string__ = "Key rate"
    _history = True
    date = fields.Date("Since", required=True)
    rate = fields.Numeric("Rate, %", digits=(16, 2), required=True,
        domain=[('rate', '>=', 0)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('date_unique', Unique(t, t.date),
                'crm_billing.msg_key_rate_unique'),
            ]
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        # «16 % с 28.10.2024»
        return f'{number(self.rate, 2)} % с {date_text(self.date)}'


class Moratorium(ModelSQL, ModelView):
    "Moratorium on penalties"
    __name__ = 'crm.penalty.moratorium'
    __string__ = "Moratorium on penalties"
    _history = True
    name = fields.Char("Name", required=True,
        help="The act that introduced it, e.g. ПП РФ №474.")
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date", required=True,
        domain=[('end_date', '>=', Eval('start_date'))],
        help="The last day of the moratorium (inclusive).")
    kind = fields.Selection([
            ('suspend', "No penalties"),
            ('fixed', "Fixed rate"),
            ('cap', "Rate at most"),
            ], "Kind", required=True,
        help="No penalties: the days inside cost nothing (ПП РФ №424, "
        "№497). Fixed rate: the days inside take this rate (ПП РФ №474: "
        "9.5 %, the key rate of 27.02.2022). Rate at most: the lower of "
        "this rate and the key rate (ПП РФ №329).")
    rate = fields.Numeric("Rate, %", digits=(16, 2),
        states={
            'required': Eval('kind').in_(['fixed', 'cap']),
            'invisible': Eval('kind') == 'suspend',
            },
        domain=['OR', ('rate', '=', None), ('rate', '>=', 0)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_kind(cls):
        return 'suspend'

    def applies(self, day):
        return self.start_date <= day <= self.end_date

    def adjust(self, rate):
        "The key rate for a day inside this rule, None when no penalty"
        if self.kind == 'suspend':
            return None
        if self.kind == 'fixed':
            return self.rate
        return min(self.rate, rate)


class Penalty(AccountBuildingMixin, ModelSQL, ModelView):
    "Penalty of an account for a period"
    __name__ = 'crm.penalty'
    __string__ = "Penalty"
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    account = fields.Many2One(
        'crm.account', "Account", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    period = fields.Many2One(
        'crm.billing.period', "Period", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    amount = fields.Numeric("Amount", digits=(16, 2), required=True)
    lines = fields.One2Many('crm.penalty.line', 'penalty', "Breakdown",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.period, Index.Range()), (t.account, Index.Range())))
        cls._order = [('period', 'DESC'), ('account', 'ASC'), ('id', 'ASC')]

    default_company = staticmethod(default_company)

    def get_rec_name(self, name):
        return f'{self.account.rec_name} — {self.period.rec_name}'


class PenaltyLine(ModelSQL, ModelView):
    "Penalty breakdown line: one debt month over days of one rate"
    __name__ = 'crm.penalty.line'
    __string__ = "Penalty line"
    penalty = fields.Many2One('crm.penalty', "Penalty", required=True,
        ondelete='CASCADE')
    debt_month = fields.Date("Debt Month", required=True,
        help="The charge month whose unpaid part the line is on.")
    due_date = fields.Date("Due Date", required=True)
    debt_amount = fields.Numeric("Debt", digits=(16, 2), required=True)
    paid_date = fields.Date("Paid On",
        help="The day this part of the debt was paid; empty: unpaid at "
        "the end of the period.")
    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To", required=True)
    days = fields.Integer("Days", required=True)
    rate = fields.Numeric("Key Rate, %", digits=(16, 2), required=True)
    fraction = fields.Selection([
            ('300', "1/300"),
            ('130', "1/130"),
            ], "Fraction", required=True)
    moratorium = fields.Many2One('crm.penalty.moratorium', "Rate Rule",
        ondelete='RESTRICT')
    amount = fields.Numeric("Amount", digits=(16, 2), required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.penalty, Index.Range())))
        cls._order = [
            ('debt_month', 'ASC'), ('date_from', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        # «л/с 3500010070 — март 2026: долг за январь 2026,
        # 13.03.2026–31.03.2026»
        return (f'{self.penalty.rec_name}: долг за '
            f'{month_label(self.debt_month)}, '
            f'{date_text(self.date_from)}–{date_text(self.date_to)}')


class Settings(metaclass=PoolMeta):
    __name__ = 'crm.billing.settings'
    penalty_rate_rule = fields.Selection([
            ('payment', "On the day of payment"),
            ('daily', "On each day"),
            ], "Penalty Key Rate", required=True,
        help="On the day of payment (ЖК РФ ст.155 ч.14): each paid part of "
        "a debt takes the key rate of its payment day, the part unpaid at "
        "the end of the period the rate of the period's last day. On each "
        "day: every day takes the rate in force that day.")

    @staticmethod
    def default_penalty_rate_rule():
        return 'payment'


class KeyRates:
    "The key-rate history and the rate rules, read once per computation"

    def __init__(self):
        pool = Pool()
        KeyRate = pool.get('crm.key_rate')
        Moratorium = pool.get('crm.penalty.moratorium')
        self.rates = sorted(
            (r.date, r.rate) for r in KeyRate.search([]))
        self.moratoria = Moratorium.search([])

    def changes(self):
        return [d for d, _ in self.rates]

    def rate(self, day):
        found = None
        for date, rate in self.rates:
            if date > day:
                break
            found = rate
        if found is None:
            raise PenaltyError(gettext(
                    'crm_billing.msg_penalty_no_key_rate',
                    date=date_text(day)))
        return found

    def adjust(self, day, rate):
        """(rate, rule) for the day: rate None inside a moratorium; the
        moratorium wins over rate rules, the lowest rate rule over others"""
        rules = [m for m in self.moratoria if m.applies(day)]
        if any(m.kind == 'suspend' for m in rules):
            return None, None
        best = None
        for rule in rules:
            adjusted = rule.adjust(rate)
            if best is None or adjusted < best[0]:
                best = (adjusted, rule)
        return best or (rate, None)


class PenaltyError(UserError):
    pass


def penalty_lines(months, start, end, rates, rule):
    """The breakdown lines (dicts) of one account's charge months for the
    days from start to end inclusive.  Each paid part of a month is a
    debt until (and including) its payment day, the unpaid rest until
    end."""
    lines = []
    for month in months:
        parts = [(a, p) for p, a in month.allocations if p <= end]
        unpaid = month.amount - sum(a for a, _ in parts)
        if unpaid > 0:
            parts.append((unpaid, None))
        for amount, paid in parts:
            last = min(end, paid) if paid else end
            rate_day = paid or end
            lines.extend(_part_lines(
                    month, amount, paid, start, last, rate_day, rates, rule))
    return lines


def _part_lines(month, amount, paid, start, last, rate_day, rates, rule):
    due = month.due_date
    first = max(start, due + dt.timedelta(days=FIRST_DAY))
    if first > last or amount <= 0:
        return []
    tier2 = due + dt.timedelta(days=SECOND_TIER_DAY)
    cuts = {first, last + dt.timedelta(days=1), tier2}
    for m in rates.moratoria:
        cuts.update([m.start_date, m.end_date + dt.timedelta(days=1)])
    if rule == 'daily':
        cuts.update(rates.changes())
    cuts = sorted(c for c in cuts if first <= c <= last + dt.timedelta(1))
    lines = []
    for a, b in zip(cuts, cuts[1:]):
        base = rates.rate(a if rule == 'daily' else rate_day)
        rate, moratorium = rates.adjust(a, base)
        if rate is None:
            continue
        divisor = 130 if a >= tier2 else 300
        days = (b - a).days
        value = (amount * rate / 100 * days * FRACTIONS[divisor]
            ).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)
        lines.append({
                'debt_month': month.month, 'due_date': due,
                'debt_amount': amount, 'paid_date': paid,
                'date_from': a, 'date_to': b - dt.timedelta(days=1),
                'days': days, 'rate': rate, 'fraction': str(divisor),
                'moratorium': moratorium.id if moratorium else None,
                'amount': value})
    return lines


class Period(metaclass=PoolMeta):
    __name__ = 'crm.billing.period'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # A button so that only the accountants (ir.model.button) run it,
        # from a form, the wizard or RPC
        cls._buttons.update({
                'compute_penalties': {
                    'invisible': Eval('state') == 'closed',
                    'icon': 'tryton-launch',
                    'depends': ['state'],
                    },
                })

    @classmethod
    @ModelView.button
    def compute_penalties(cls, periods):
        """Replace the penalties of the periods by those of the days of
        their month, for every account of the organisation"""
        pool = Pool()
        Penalty = pool.get('crm.penalty')
        Account = pool.get('crm.account')
        Settings = pool.get('crm.billing.settings')
        for period in periods:
            if period.state == 'closed':
                raise PenaltyError(gettext(
                        'crm_billing.msg_penalty_period_closed',
                        period=period.rec_name))
        cls.lock(periods)
        rates = KeyRates()
        for period in periods:
            Penalty.delete(Penalty.search([('period', '=', period.id)]))
            with Transaction().set_context(active_test=False):
                account_ids = [a.id for a in Account.search(
                        [('company', '=', period.company.id)])]
            end = next_month(period.date) - dt.timedelta(days=1)
            rule = Settings.get(period.company).penalty_rate_rule
            to_create = []
            for account_id, months in charge_months(
                    period.company, account_ids, end).items():
                lines = penalty_lines(months, period.date, end, rates, rule)
                lines = [l for l in lines if l['amount']]
                if lines:
                    to_create.append({
                            'company': period.company.id,
                            'account': account_id, 'period': period.id,
                            'amount': sum(l['amount'] for l in lines),
                            'lines': [('create', lines)]})
            Penalty.create(to_create)


class ComputePenalties(Wizard):
    "Compute penalties"
    __name__ = 'crm.billing.period.compute_penalties'
    start = StateTransition()
    open_ = StateAction('crm_billing.act_penalty')

    def transition_start(self):
        self.model.compute_penalties(self.records)
        return 'open_'

    def do_open_(self, action):
        action['domain'] = PYSONEncoder().encode(
            [('period', 'in', [p.id for p in self.records])])
        return action, {}
