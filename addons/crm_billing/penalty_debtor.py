"""Debtor work: cases built from the accounts' open debts, moved through
configurable stages and statuses, with the state duty of a configurable
scale, court costs and tasks."""
from decimal import ROUND_HALF_UP, Decimal

from sql.aggregate import Sum

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.modules.crm_dispatch.address import default_company
from trytond.pool import Pool
from trytond.pyson import Eval, PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from .labels import money_text
from .penalty_debt import money, open_debts

DUTY_KINDS = [
    ('court_order', "Court order"),
    ('lawsuit', "Lawsuit"),
    ]


class DebtorError(UserError):
    pass


class Stage(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Stage of debtor work"
    __name__ = 'crm.debtor.stage'
    __string__ = "Debtor stage"
    _history = True
    name = fields.Char("Name", required=True)
    duty_kind = fields.Selection([(None, "")] + DUTY_KINDS, "State Duty",
        help="The scale the state duty of a case at this stage follows.")


class Status(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Status of a debtor case"
    __name__ = 'crm.debtor.status'
    __string__ = "Debtor status"
    _history = True
    name = fields.Char("Name", required=True)
    closed = fields.Boolean("Closes the Case",
        help="A case in this status is over: the account may get a new "
        "case.")


class DutyScale(ModelSQL, ModelView):
    "Row of the state duty scale"
    __name__ = 'crm.debtor.duty_scale'
    __string__ = "State duty scale"
    _history = True
    kind = fields.Selection(DUTY_KINDS, "Kind", required=True)
    kind_string = kind.translated('kind')
    from_amount = fields.Numeric("Claim Above", digits=(16, 2),
        required=True, domain=[('from_amount', '>=', 0)],
        help="The row applies to a claim above this amount.")
    to_amount = fields.Numeric("Claim Up To", digits=(16, 2),
        domain=['OR', ('to_amount', '=', None),
            ('to_amount', '>', Eval('from_amount', 0))],
        help="Inclusive; empty: no upper bound.")
    fixed = fields.Numeric("Fixed", digits=(16, 2), required=True)
    percent = fields.Numeric("Percent of the Excess", digits=(16, 4),
        required=True, help="Of the part of the claim above «Claim Above».")
    minimum = fields.Numeric("Minimum", digits=(16, 2))
    maximum = fields.Numeric("Maximum", digits=(16, 2))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('kind', 'ASC'), ('from_amount', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        # «Судебный приказ: свыше 100 000,00 ₽ до 200 000,00 ₽»
        text = f'{self.kind_string}: свыше {money_text(self.from_amount)} ₽'
        if self.to_amount is not None:
            text += f' до {money_text(self.to_amount)} ₽'
        return text

    @classmethod
    def default_kind(cls):
        return 'court_order'

    @classmethod
    def default_percent(cls):
        return Decimal(0)

    @classmethod
    def duty(cls, claim, kind='court_order'):
        """The duty of the claim by the scale's row with from < claim <= to,
        in whole roubles (НК РФ ст.52 п.6: 50 kopecks and more round up)"""
        rows = cls.search([
                ('kind', '=', kind),
                ('from_amount', '<', claim),
                ['OR', ('to_amount', '=', None), ('to_amount', '>=', claim)],
                ], order=[('from_amount', 'DESC')], limit=1)
        if not rows:
            raise DebtorError(gettext('crm_billing.msg_debtor_no_duty_scale',
                    claim=claim))
        row, = rows
        duty = row.fixed + (claim - row.from_amount) * row.percent / 100
        if row.minimum is not None:
            duty = max(duty, row.minimum)
        if row.maximum is not None:
            duty = min(duty, row.maximum)
        return duty.quantize(Decimal(1), rounding=ROUND_HALF_UP)


class Case(ModelSQL, ModelView):
    "Debtor case (Дело должника)"
    __name__ = 'crm.debtor.case'
    __string__ = "Debtor case"
    _history = True
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    account = fields.Many2One(
        'crm.account', "Account", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    building = fields.Many2One('crm.building', "Building", readonly=True,
        ondelete='RESTRICT')
    party = fields.Many2One('party.party', "Debtor", ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'})
    date = fields.Date("Opened", required=True)
    close_date = fields.Date("Closed",
        domain=['OR', ('close_date', '=', None),
            ('close_date', '>=', Eval('date'))])
    stage = fields.Many2One('crm.debtor.stage', "Stage", required=True,
        ondelete='RESTRICT')
    status = fields.Many2One('crm.debtor.status', "Status", required=True,
        ondelete='RESTRICT')
    responsible = fields.Many2One('res.user', "Responsible",
        ondelete='RESTRICT')
    debt = fields.Numeric("Debt", digits=(16, 2), readonly=True,
        help="The overdue unpaid charges on the day of the last update.")
    age = fields.Integer("Debt Age, Months", readonly=True)
    penalty = fields.Numeric("Penalties", digits=(16, 2), readonly=True,
        help="The penalties charged to the account up to the update.")
    claim = fields.Function(fields.Numeric("Claim", digits=(16, 2)),
        'get_claim')
    updated = fields.Date("Amounts On", readonly=True)
    state_duty = fields.Numeric("State Duty", digits=(16, 2),
        domain=['OR', ('state_duty', '=', None), ('state_duty', '>=', 0)],
        help="By the duty scale of the stage on update; may be corrected.")
    court_costs = fields.Numeric("Court Costs", digits=(16, 2),
        domain=['OR', ('court_costs', '=', None), ('court_costs', '>=', 0)])
    notes = fields.Text("Notes")
    tasks = fields.One2Many('crm.debtor.task', 'case', "Tasks")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.account, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'update_amounts': {'icon': 'tryton-refresh'},
                })

    default_company = staticmethod(default_company)

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_stage(cls):
        stages = Pool().get('crm.debtor.stage').search([], limit=1)
        return stages[0].id if stages else None

    @classmethod
    def default_status(cls):
        statuses = Pool().get('crm.debtor.status').search([], limit=1)
        return statuses[0].id if statuses else None

    @classmethod
    def default_responsible(cls):
        return Transaction().user

    def get_rec_name(self, name):
        return self.account.rec_name if self.account else ''

    def get_claim(self, name):
        return (self.debt or 0) + (self.penalty or 0)

    @classmethod
    @ModelView.button
    def update_amounts(cls, cases, date=None):
        "Read the debt, its age, the penalties and the duty again"
        date = date or Pool().get('ir.date').today()
        by_company = {}
        for case in cases:
            by_company.setdefault(case.company, []).append(case)
        to_save = []
        for company, company_cases in by_company.items():
            amounts = debtor_amounts(
                company, [c.account.id for c in company_cases], date)
            for case in company_cases:
                debt, age, penalty = amounts[case.account.id]
                case.debt, case.age, case.penalty = debt, age, penalty
                case.updated = date
                case.state_duty = case.compute_duty()
                to_save.append(case)
        cls.save(to_save)

    def compute_duty(self):
        kind = self.stage.duty_kind if self.stage else None
        claim = self.get_claim('claim')
        if not kind or claim <= 0:
            return getattr(self, 'state_duty', None)
        return Pool().get('crm.debtor.duty_scale').duty(claim, kind)

    @classmethod
    def informing_recipients(cls, cases):
        """The people to inform of the cases, as the informing campaigns
        take them: [{case, account, party, phones, emails}], the debtor
        and the parties linked to the account, each once per case"""
        recipients = []
        for case in cases:
            parties = [case.party] if case.party else []
            parties += [p for p in case.account.parties if p not in parties]
            for party in parties:
                mechanisms = party.contact_mechanisms
                recipients.append({
                        'case': case, 'account': case.account,
                        'party': party,
                        # compact: the gateways take +7XXXXXXXXXX
                        'phones': [m.value_compact for m in mechanisms
                            if m.type in {'phone', 'mobile'}],
                        'emails': [m.value for m in mechanisms
                            if m.type == 'email'],
                        })
        return recipients


def debtor_amounts(company, account_ids, date):
    """{account id: (overdue debt, age in months, penalties)} on date;
    only months past their due date make the debt"""
    pool = Pool()
    Penalty = pool.get('crm.penalty')
    Period = pool.get('crm.billing.period')
    penalty = Penalty.__table__()
    period = Period.__table__()
    cursor = Transaction().connection.cursor()
    penalties = {}
    if account_ids:
        cursor.execute(*penalty.join(period,
                condition=penalty.period == period.id
                ).select(penalty.account, Sum(penalty.amount),
                where=penalty.account.in_(account_ids)
                & (period.date <= date),
                group_by=[penalty.account]))
        penalties = {a: money(s) for a, s in cursor}
    result = {}
    for account_id, (debts, age) in open_debts(
            company, account_ids, date).items():
        debt = sum((d.amount for d in debts if d.days_overdue > 0),
            Decimal(0))
        result[account_id] = (
            debt, age, penalties.get(account_id, Decimal('0.00')))
    return result


class Task(ModelSQL, ModelView):
    "Task of debtor work"
    __name__ = 'crm.debtor.task'
    __string__ = "Debtor task"
    _history = True
    case = fields.Many2One('crm.debtor.case', "Case", required=True,
        ondelete='CASCADE')
    name = fields.Char("Task", required=True)
    due_date = fields.Date("Due Date")
    responsible = fields.Many2One('res.user', "Responsible",
        ondelete='RESTRICT')
    done = fields.Boolean("Done")
    result = fields.Text("Result")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('done', 'ASC'), ('due_date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_responsible(cls):
        return Transaction().user


class SelectStart(ModelView):
    "Select debtors"
    __name__ = 'crm.debtor.select.start'
    __string__ = "Debtor selection"
    company = fields.Many2One('company.company', "Organisation",
        required=True)
    building = fields.Many2One('crm.building', "Building",
        domain=[('company', '=', Eval('company', -1))])
    min_debt = fields.Numeric("Debt At Least", digits=(16, 2),
        required=True, domain=[('min_debt', '>', 0)])
    min_age = fields.Integer("Months Unpaid At Least", required=True,
        domain=[('min_age', '>=', 1)])
    date = fields.Date("On", required=True)

    default_company = staticmethod(default_company)

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_min_age(cls):
        return 3


class Select(Wizard):
    "Select debtors"
    __name__ = 'crm.debtor.select'
    start = StateView('crm.debtor.select.start',
        'crm_billing.debtor_select_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create Cases", 'open_', 'tryton-ok', default=True),
            ])
    open_ = StateAction('crm_billing.act_debtor_case')

    def do_open_(self, action):
        cases = select_debtors(self.start.company, self.start.min_debt,
            self.start.min_age, self.start.date, self.start.building)
        if not cases:
            raise DebtorError(gettext('crm_billing.msg_debtor_none_selected'))
        action['domain'] = PYSONEncoder().encode(
            [('id', 'in', [c.id for c in cases])])
        return action, {}


def select_debtors(company, min_debt, min_age, date, building=None):
    """Open a case for each account of the organisation (or building)
    whose overdue debt is at least min_debt and at least min_age months old
    on date, unless it has an open case; return the new cases"""
    pool = Pool()
    Account = pool.get('crm.account')
    Case = pool.get('crm.debtor.case')
    domain = [('company', '=', company.id)]
    if building:
        domain.append(('premise.building', '=', building.id))
    accounts = Account.search(domain)
    busy = {c.account.id for c in Case.search([
                ('account', 'in', [a.id for a in accounts]),
                ('status.closed', '=', False)])}
    amounts = debtor_amounts(company, [a.id for a in accounts], date)
    cases = []
    for account in accounts:
        debt, age, penalty = amounts[account.id]
        if account.id in busy or debt < min_debt or age < min_age:
            continue
        cases.append(Case(company=company, account=account,
                stage=Case.default_stage(), status=Case.default_status(),
                responsible=Case.default_responsible(),
                building=account.building, party=account.holder, date=date,
                debt=debt, age=age, penalty=penalty, updated=date))
    for case in cases:
        case.state_duty = case.compute_duty()
    Case.save(cases)
    return cases
