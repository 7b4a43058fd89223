"""Stages of appeals per organisation (ADM-17): the staff's and the
resident's names, the kind each maps to in the life cycle, the moves
allowed, and the stages that stop the deadline clock.

The life-cycle buttons (take, close, reject, reopen) set the state and
land the appeal on the first stage of the matching kind; «Сменить этап»
moves it between the stages of its state only, along the allowed moves.
Time spent in a clock-stopping stage moves the deadline on by the working
time stopped when the appeal leaves it."""
import datetime as dt
import weakref

from sql import Literal, Null
from sql.conditionals import Case

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import work_calendar, worktime
from .appeal_lifecycle import OPEN_STATES, locked
from .appeal_wizard import AppealWizardMixin
from .catalogue import Ordered
from .exceptions import AppealError
from .supervisor import due_soon_hours

KINDS = [
    ('new', "New"),
    ('in_work', "In Work"),
    ('waiting', "Waiting"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]
# The kinds of stage an appeal in a state may stand on; the first is
# where the life-cycle buttons put it
STATE_KINDS = {
    'draft': ['new'],
    'in_work': ['in_work', 'waiting'],
    'resolved': ['done'],
    'rejected': ['cancelled'],
    }
# The life-cycle button that leads into a kind («Сменить этап» does not)
KIND_BUTTONS = {
    'in_work': 'take',
    'done': 'close',
    'cancelled': 'reject',
    }
# The set every organisation starts with: (code, staff name, resident's
# name, kind, colour, stops the clock, resident may close, next codes)
DEFAULT_STAGES = [
    ('new', "Новое", "Принято", 'new', '#f0ad4e', False, True,
        ['work', 'cancelled']),
    ('work', "В работе", "В работе", 'in_work', '#337ab7', False, True,
        ['resident', 'supplier', 'done', 'cancelled']),
    ('resident', "Ожидает ответа жителя", "Ждём вашего ответа", 'waiting',
        '#999999', True, True, ['work', 'done', 'cancelled']),
    ('supplier', "Ожидает поставщика", "Ожидаем поставку материалов",
        'waiting', '#999999', True, True, ['work', 'done', 'cancelled']),
    ('done', "Выполнено", "Выполнено", 'done', '#5cb85c', False, False,
        ['work']),
    ('cancelled', "Отменено", "Отменено", 'cancelled', '#777777', False,
        False, ['work']),
    ]


# appeal → the stage a life-cycle step is moving it from, until the step's
# event is built (Model instances take no attributes of their own)
_STAGE_FROM = weakref.WeakKeyDictionary()


def _now():
    "The moment of a stage move (naive UTC); tests set it"
    return dt.datetime.now()


class Stage(Ordered, DeactivableMixin,
        ModelSQL, ModelView):
    "Appeal stage (Этап обращения)"
    __name__ = 'crm.stage'
    __string__ = "Appeal stage"
    _history = True
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True,
        help="What the staff see.")
    public_name = fields.Char("Name for Residents", required=True,
        help="What the resident sees in the portal.")
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False,
        help="The life-cycle state the stage belongs to: «Взять в работу», "
        "«Закрыть», «Отклонить» and «Вернуть в работу» put the appeal on "
        "the first stage of their kind.")
    colour = fields.Char("Colour", help="An HTML colour, e.g. #336699.")
    next_stages = fields.Many2Many(
        'crm.stage-crm.stage', 'stage', 'next', "Allowed Next Stages",
        domain=[
            ('company', '=', Eval('company', -1)),
            ('id', '!=', Eval('id', -1)),
            ],
        help="The stages «Сменить этап» may move an appeal to from this "
        "one.")
    stops_clock = fields.Boolean("Stops the Deadline Clock",
        help="Waiting for the resident or a supplier: the time spent in "
        "this stage does not count towards the deadline.")
    resident_may_close = fields.Boolean("Resident May Close",
        help="The resident may close the appeal from the portal while it "
        "is on this stage.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('company', 'ASC'))

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_kind(cls):
        return 'in_work'

    @classmethod
    @without_check_access
    def create_defaults(cls, companies):
        """Create the default set of stages for the companies without any
        (also one the creating user is no member of yet)"""
        have = {s.company.id for s in cls.search([
                    ('company', 'in', [int(c) for c in companies]),
                    ('active', 'in', [True, False]),
                    ])}
        for company in companies:
            if int(company) in have:
                continue
            stages = cls.create([{
                        'company': int(company), 'sequence': i * 10,
                        'name': name, 'public_name': public, 'kind': kind,
                        'colour': colour, 'stops_clock': stops,
                        'resident_may_close': may_close}
                    for i, (_, name, public, kind, colour, stops, may_close,
                        _) in enumerate(DEFAULT_STAGES, 1)])
            by_code = {d[0]: s for d, s in zip(DEFAULT_STAGES, stages)}
            # The moves make cycles: saved as rows, not through the stages
            Pool().get('crm.stage-crm.stage').create([
                    {'stage': stage.id, 'next': by_code[code].id}
                    for stage, default in zip(stages, DEFAULT_STAGES)
                    for code in default[-1]])

    @classmethod
    def first(cls, company, kind):
        """The first active stage of kind of the company, the default set
        created when it has no stage at all (an organisation made before
        stages existed).  Looked up as the system: a user sent to another
        organisation's appeal (refused later by its record rule, in
        Russian) must not miss its stages and create them again without
        end."""
        def search():
            return cls.search([
                    ('company', '=', int(company)), ('kind', '=', kind)],
                limit=1)
        with without_check_access():
            stages = search()
            if not stages and not cls.search([
                        ('company', '=', int(company)),
                        ('active', 'in', [True, False])], limit=1):
                cls.create_defaults([company])
                stages = search()
        # An instance of the caller's context, not of the lookup's
        return cls(stages[0].id) if stages else None


class StageNext(ModelSQL):
    "Allowed move between stages"
    __name__ = 'crm.stage-crm.stage'
    __string__ = "Allowed move between stages"
    stage = fields.Many2One(
        'crm.stage', "Stage", required=True, ondelete='CASCADE')
    next = fields.Many2One(
        'crm.stage', "Next Stage", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('stage')


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    @classmethod
    def create(cls, vlist):
        companies = super().create(vlist)
        Pool().get('crm.stage').create_defaults(companies)
        return companies


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'
    stage = fields.Many2One('crm.stage', "Stage", readonly=True,
        ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    clock_stopped = fields.DateTime("Clock Stopped Since", readonly=True,
        help="The appeal waits on a stage that stops the deadline clock: "
        "the deadline moves on by the working time stopped when it leaves "
        "the stage.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'change_stage': {
                    # A new appeal's only stage is «Новое» until taken
                    'invisible': ((Eval('state') != 'in_work')
                        | (Eval('id', -1) < 0)),
                    'depends': ['state'],
                    },
                })

    # The breach forecast: the same window as the supervisor's «due soon»
    # (desk_due_hours), so that the desk's count and the queue's yellow
    # rows are the same appeals.  Computed by SQL as overdue is.
    breach_soon = fields.Function(fields.Boolean("Breach Soon",
            help="Open, not overdue, the clock running, and the deadline "
            "comes within the hours of «Due Soon Window» in the appeals "
            "settings."),
        None, loading='eager')

    @classmethod
    def column_overdue(cls, tables, now=None):
        "No overdue runs while the clock is stopped"
        table, _ = tables[None]
        return Case((table.clock_stopped != Null, Literal(False)),
            else_=super().column_overdue(tables, now=now))

    @classmethod
    def column_due_soon(cls, tables, hours, now=None):
        table, _ = tables[None]
        return (super().column_due_soon(tables, hours, now=now)
            & (table.clock_stopped == Null))

    @classmethod
    def column_breach_soon(cls, tables, now=None):
        return cls.column_due_soon(tables, due_soon_hours(), now=now)

    @classmethod
    def domain_breach_soon(cls, domain, tables):
        _, operator, value = domain
        return fields.SQL_OPERATORS[operator](
            cls.column_breach_soon(tables), bool(value))

    @classmethod
    def order_breach_soon(cls, tables):
        return [cls.column_breach_soon(tables)]

    @classmethod
    def create(cls, vlist):
        Stage = Pool().get('crm.stage')
        vlist = [v.copy() for v in vlist]
        default_company = cls.default_company()
        for values in vlist:
            company = values.get('company', default_company)
            if not values.get('stage') and company:
                kind = STATE_KINDS[values.get('state') or 'draft'][0]
                stage = Stage.first(company, kind)
                values['stage'] = stage.id if stage else None
        return super().create(vlist)

    @classmethod
    def copy(cls, appeals, default=None):
        default = default.copy() if default else {}
        default.setdefault('stage', None)
        default.setdefault('clock_stopped', None)
        return super().copy(appeals, default=default)

    # The life-cycle steps land the appeal on a stage of their kind: set
    # before the step (under its row lock), saved with it and told by its
    # own event
    @classmethod
    def take(cls, appeals):
        cls._follow_state(appeals, ['draft'], 'in_work')
        super().take(appeals)

    @classmethod
    def do_close(cls, appeals, *args, **kwargs):
        cls._follow_state(appeals, OPEN_STATES, 'resolved')
        super().do_close(appeals, *args, **kwargs)

    @classmethod
    def do_reject(cls, appeals, *args, **kwargs):
        cls._follow_state(appeals, OPEN_STATES, 'rejected')
        super().do_reject(appeals, *args, **kwargs)

    @classmethod
    def reopen(cls, appeals):
        cls._follow_state(appeals, ['resolved', 'rejected'], 'in_work')
        super().reopen(appeals)

    @classmethod
    def _follow_state(cls, appeals, from_states, state):
        """Put the appeals (in from_states, locked as the step locks them)
        whose stage is not of state on the first stage that is, unsaved:
        the step saves them"""
        Stage = Pool().get('crm.stage')
        cls.lock_states(appeals, from_states)
        kinds = STATE_KINDS[state]
        now = _now()
        # As committed: what was read before the lock may be stale
        for appeal, fresh in zip(appeals, cls.browse(appeals)):
            if fresh.stage and fresh.stage.kind in kinds:
                continue
            stage = Stage.first(fresh.company, kinds[0])
            if stage:
                _STAGE_FROM[appeal] = fresh.stage
                for name, value in fresh._enter_stage(stage, now).items():
                    setattr(appeal, name, value)

    def _enter_stage(self, stage, now):
        """The values that put the appeal on stage; leaving a stage that
        stops the clock moves the deadlines on by the time stopped"""
        values = {'stage': stage}
        if self.clock_stopped and not stage.stops_clock:
            values.update(self.shifted_deadlines(self.clock_stopped, now))
            values['clock_stopped'] = None
        elif stage.stops_clock and not self.clock_stopped:
            values['clock_stopped'] = now
        return values

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_appeal_stage')
    def change_stage(cls, appeals):
        pass

    @classmethod
    @locked(OPEN_STATES)
    def move_stage(cls, appeals, stage, comment=None):
        """Move the appeals to stage, along the allowed moves and within
        the stages of their state; refused in Russian otherwise"""
        for appeal in appeals:
            appeal.check_stage_move(stage)
        cls._set_stage(appeals, stage, comment=comment)

    def check_stage_move(self, stage):
        if stage.company != self.company:
            raise AppealError(gettext(
                    'crm_dispatch.msg_stage_other_company',
                    appeal=self.rec_name, stage=stage.rec_name))
        if stage.kind not in STATE_KINDS[self.state]:
            if stage.kind in KIND_BUTTONS:
                button = self._buttons_string(KIND_BUTTONS[stage.kind])
                raise AppealError(gettext(
                        'crm_dispatch.msg_stage_use_button',
                        appeal=self.rec_name, stage=stage.rec_name,
                        button=button))
            raise AppealError(gettext(
                    'crm_dispatch.msg_stage_wrong_state',
                    appeal=self.rec_name, stage=stage.rec_name,
                    state=dict(self.fields_get(['state'])['state'][
                            'selection'])[self.state]))
        if self.stage and stage != self.stage and (
                stage not in self.stage.next_stages):
            raise AppealError(gettext(
                    'crm_dispatch.msg_stage_not_allowed',
                    appeal=self.rec_name, from_stage=self.stage.rec_name,
                    to_stage=stage.rec_name,
                    allowed=', '.join(
                        f'«{s.rec_name}»' for s in self.stage.next_stages)
                    or '—'))

    @classmethod
    def _buttons_string(cls, name):
        "The button's label as the user sees it"
        Button = Pool().get('ir.model.button')
        buttons = Button.search([
                ('model.model', '=', cls.__name__), ('name', '=', name)],
            limit=1)
        return buttons[0].string if buttons else name

    @classmethod
    def _set_stage(cls, appeals, stage, comment=None):
        "Put appeals on stage, with a 'stage' event each"
        Event = Pool().get('crm.appeal.event')
        now = _now()
        events, moved = [], []
        for appeal in appeals:
            if appeal.stage == stage:
                continue
            moved.append(appeal)
            event = Event.build(appeal, 'stage',
                from_stage=appeal.stage, to_stage=stage, comment=comment)
            event.date = now
            events.append(event)
            for name, value in appeal._enter_stage(stage, now).items():
                setattr(appeal, name, value)
        cls.save(appeals)
        Event.save(events)
        cls.notify_observers(moved)

    def shifted_deadlines(self, begin, end):
        """The deadlines moved on by the running time between begin and
        end (UTC), counted on the clock each deadline is counted on"""
        pool = Pool()
        Calendar = pool.get('crm.calendar')
        working_time = False
        if self.reason and self.source:
            working_time = self.reason.deadline_terms(
                self.source).working_time
        calendar = (Calendar.for_company(self.company)
            if working_time else None)
        stopped = worktime.elapsed(
            begin, end, calendar.schedule() if calendar else None)
        values = {}
        for name in ['deadline', 'reaction_deadline']:
            if (value := getattr(self, name)) and stopped:
                values[name] = work_calendar.deadline(
                    self.company, value, stopped, working_time)
        return values


class ChangeStageStart(ModelView):
    "Change the stage"
    __name__ = 'crm.appeal.stage.start'
    __string__ = "Change the stage"
    current = fields.Many2One('crm.stage', "Current Stage", readonly=True)
    stage = fields.Many2One('crm.stage', "New Stage", required=True,
        domain=[
            ('id', 'in', Eval('allowed', [])),
            ])
    allowed = fields.Many2Many('crm.stage', None, None, "Allowed Stages",
        readonly=True)
    comment = fields.Text("Comment")


class ChangeStage(AppealWizardMixin, Wizard):
    "Change the stage of an appeal"
    __name__ = 'crm.appeal.stage'
    __string__ = "Change the stage of an appeal"
    start = StateView('crm.appeal.stage.start',
        'crm_dispatch.appeal_stage_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Change", 'change', 'tryton-ok', default=True),
            ])
    change = StateTransition()

    def default_start(self, fields):
        self.check_records()
        appeal = self.records[0]
        current = appeal.stage
        if current:
            candidates = current.next_stages
        else:
            Stage = Pool().get('crm.stage')
            candidates = Stage.search([('company', '=', appeal.company.id)])
        kinds = STATE_KINDS[appeal.state]
        return {
            'current': current.id if current else None,
            'allowed': [s.id for s in candidates if s.kind in kinds],
            }

    def transition_change(self):
        self.check_records()
        self.model.move_stage(
            self.records, self.start.stage, self.start.comment)
        return 'end'


class AppealEvent(metaclass=PoolMeta):
    __name__ = 'crm.appeal.event'

    @classmethod
    def build(cls, appeal, kind, state=None, **values):
        """The event of a life-cycle step tells the stage it moved the
        appeal to (Appeal._follow_state); the creation its first stage"""
        if kind == 'created':
            values.setdefault('to_stage', appeal.stage)
        elif kind != 'stage' and appeal in _STAGE_FROM:
            values.setdefault('from_stage', _STAGE_FROM.pop(appeal))
            values.setdefault('to_stage', appeal.stage)
        return super().build(appeal, kind, state=state, **values)
