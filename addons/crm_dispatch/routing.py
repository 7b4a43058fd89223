"""Routing rules (правила маршрутизации): who gets which appeal.

An organisation's rules are tried in their order and the first one whose
every filled condition holds routes the appeal; an empty condition holds for
any appeal.  Within a condition any listed value will do (one of the
reasons, one of the districts...).  The hours are the organisation's local
time (company.timezone); a window whose end comes before its start runs over
midnight, and its small hours belong to the day it began on (a Friday-night
rule still holds at 03:00 on Saturday).

The rules of an organisation are compiled once into plain tuples kept in a
Tryton cache, cleared on every server process when a rule changes: routing
an appeal reads no rule from the database and matches in Python."""
import datetime as dt
from collections import namedtuple
from functools import cached_property
from zoneinfo import ZoneInfo

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateView, Wizard

from .catalogue import TIME_BASES, Ordered
from .work_calendar import WEEKDAYS

PRIORITIES = [
    ('low', "Low"),
    ('normal', "Normal"),
    ('high', "High"),
    ('emergency', "Emergency"),
    ]
DEFAULT_ZONE = 'Europe/Moscow'

# condition of a rule: the column of crm.routing.rule.link it lists
CONDITIONS = {
    'reasons': 'reason',
    'reason_groups': 'reason_group',
    'tags': 'tag',
    'districts': 'district',
    'buildings': 'building',
    'sources': 'source',
    }

# A rule as routing needs it: condition ids as frozensets, weekdays as ints
# (Monday 0), the support line, operator and observers as ids
Spec = namedtuple('Spec', ['id', 'name', *CONDITIONS,
        'time_from', 'time_to', 'weekdays', 'support_line', 'operator',
        'priority', 'deadline_hours', 'working_time', 'observers'])


def _id(record):
    return record.id if record else None


def local_moment(company, moment):
    "moment (naive UTC, as Tryton stores it) on the organisation's clock"
    if moment is None:
        return None
    zone = getattr(company, 'timezone', None) or DEFAULT_ZONE
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(
        ZoneInfo(zone)).replace(tzinfo=None)


class Facts:
    """What the rules test of an appeal (saved or not), each read only when
    a rule asks for it"""

    def __init__(self, appeal):
        self.appeal = appeal

    def _get(self, name):
        return getattr(self.appeal, name, None)

    @cached_property
    def reason(self):
        return _id(self._get('reason'))

    @cached_property
    def reason_group(self):
        reason = self._get('reason')
        return _id(reason.group if reason else self._get('reason_group'))

    @cached_property
    def tags(self):
        reason = self._get('reason')
        return frozenset(t.id for t in reason.tags) if reason else frozenset()

    @cached_property
    def building(self):
        return _id(self._get('building'))

    @cached_property
    def district(self):
        building = self._get('building')
        return _id(building.district) if building else None

    @cached_property
    def source(self):
        return _id(self._get('source'))

    @cached_property
    def local(self):
        return local_moment(self._get('company'), self._get('received_date'))


def in_window(spec, local):
    "Whether the local moment falls within the rule's hours and days"
    if spec.time_from is None and not spec.weekdays:
        return True
    if local is None:
        return False
    day = local.weekday()
    if spec.time_from is not None:
        time, start, end = local.time(), spec.time_from, spec.time_to
        if start < end:
            if not start <= time < end:
                return False
        elif time < end:
            # after midnight: the night began the day before
            day = (day - 1) % 7
        elif time < start:
            return False
    return not spec.weekdays or day in spec.weekdays


def matches(spec, facts):
    "Whether every condition the rule sets holds for the facts"
    for condition in CONDITIONS:
        values = getattr(spec, condition)
        if not values:
            continue
        if condition == 'tags':
            if values.isdisjoint(facts.tags):
                return False
        elif getattr(facts, CONDITIONS[condition]) not in values:
            return False
    return in_window(spec, facts.local)


def first_match(specs, facts):
    "The first of specs that fires on facts, else None"
    return next((s for s in specs if matches(s, facts)), None)


class RoutingRule(DeactivableMixin, Ordered,
        ModelSQL, ModelView):
    "Routing rule (Правило маршрутизации)"
    __name__ = 'crm.routing.rule'
    __string__ = "Routing rule"
    _history = True
    name = fields.Char("Name", required=True)
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    reasons = fields.Many2Many('crm.routing.rule.link', 'rule', 'reason',
        "Reasons", help="Empty: any reason.")
    reason_groups = fields.Many2Many(
        'crm.routing.rule.link', 'rule', 'reason_group', "Reason Groups",
        help="Empty: any group.")
    tags = fields.Many2Many('crm.routing.rule.link', 'rule', 'tag', "Tags",
        help="The reason carries one of these tags. Empty: any.")
    districts = fields.Many2Many(
        'crm.routing.rule.link', 'rule', 'district', "Districts",
        domain=[('company', '=', Eval('company', -1))],
        help="Empty: any district.")
    buildings = fields.Many2Many(
        'crm.routing.rule.link', 'rule', 'building', "Buildings",
        domain=[('company', '=', Eval('company', -1))],
        help="Empty: any building.")
    sources = fields.Many2Many('crm.routing.rule.link', 'rule', 'source',
        "Sources", help="Empty: any source.")
    time_from = fields.Time("From", format='%H:%M',
        states={'required': Bool(Eval('time_to'))},
        help="Local time of the organisation when the appeal was received. "
        "A window from 22:00 to 06:00 runs over midnight.")
    time_to = fields.Time("To", format='%H:%M',
        states={'required': Bool(Eval('time_from'))},
        help="Not included: a window till 08:00 ends at 07:59. "
        "00:00 is the midnight that ends the day.")
    weekdays = fields.MultiSelection(WEEKDAYS, "Days of Week", sort=False,
        help="Empty: every day. The hours after midnight of a night "
        "window belong to the day the window began on.")
    support_line = fields.Many2One('crm.support_line', "Support Line",
        ondelete='RESTRICT',
        domain=[('company', 'in', [Eval('company', -1), None])])
    operator = fields.Many2One('res.user', "Operator", ondelete='RESTRICT')
    priority = fields.Selection([(None, "")] + PRIORITIES, "Priority",
        sort=False)
    deadline_hours = fields.Integer("Deadline (hours)",
        domain=['OR', ('deadline_hours', '=', None),
            ('deadline_hours', '>', 0)],
        help="Replaces the deadline of the reason.")
    time_basis = fields.Selection(TIME_BASES, "Counted", required=True,
        states={'invisible': ~Eval('deadline_hours')},
        help="Round the clock (emergencies) or in the working hours of "
        "the organisation's calendar.")
    observers = fields.Many2Many('crm.routing.rule.link', 'rule', 'user',
        "Observers", help="Users who follow the appeals of this rule: "
        "they are told of every change of the appeal's state.")
    conditions = fields.Function(fields.Char("Conditions"), 'get_summary')
    actions = fields.Function(fields.Char("Sets"), 'get_summary')

    _specs_cache = Cache('crm_routing_rule.specs', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('company', 'ASC'), ('sequence', 'ASC NULLS FIRST'),
            ('id', 'ASC')]
        cls._buttons.update({'check': {}})

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_time_basis(cls):
        return 'calendar'

    @classmethod
    def validate_fields(cls, rules, field_names):
        super().validate_fields(rules, field_names)
        for rule in rules:
            if (rule.time_from is not None and rule.time_to is not None
                    and rule.time_from == rule.time_to):
                raise ValidationError(gettext(
                        'crm_dispatch.msg_routing_window_empty',
                        rule=rule.rec_name))
            if rule.actions_empty():
                raise ValidationError(gettext(
                        'crm_dispatch.msg_routing_rule_no_action',
                        rule=rule.rec_name))

    def actions_empty(self):
        return not (self.support_line or self.operator or self.priority
            or self.deadline_hours or self.observers)

    @classmethod
    def on_modification(cls, mode, rules, field_names=None):
        super().on_modification(mode, rules, field_names=field_names)
        cls._specs_cache.clear()

    def get_summary(self, name):
        "One line for the list: what the rule tests, or what it sets"
        def names(records):
            return ', '.join(r.rec_name for r in records)
        parts = []
        if name == 'conditions':
            for condition in CONDITIONS:
                if records := getattr(self, condition):
                    parts.append(f'{self.__names__(condition)["field"]}: '
                        f'{names(records)}')
            if self.time_from is not None and self.time_to is not None:
                parts.append(f'{self.time_from:%H:%M}–{self.time_to:%H:%M}')
            if self.weekdays:
                labels = dict(self.fields_get(['weekdays'])['weekdays'][
                        'selection'])
                parts.append(', '.join(labels[d] for d in self.weekdays))
        else:
            for field in ['support_line', 'operator']:
                if record := getattr(self, field):
                    parts.append(record.rec_name)
            if self.priority:
                labels = dict(self.fields_get(['priority'])['priority'][
                        'selection'])
                parts.append(labels[self.priority])
            if self.deadline_hours:
                parts.append(gettext('crm_dispatch.msg_routing_hours',
                        hours=self.deadline_hours))
            if self.observers:
                parts.append(names(self.observers))
        return '; '.join(parts)

    # -- routing ----------------------------------------------------------

    @classmethod
    def specs(cls, company):
        "The Specs of the active rules of company in their order"
        if not company:
            return ()
        key = int(company)
        specs = cls._specs_cache.get(key)
        if specs is None:
            specs = cls._specs_cache.set(key, cls._compile(key))
        return specs

    @classmethod
    def _compile(cls, company):
        names = [*CONDITIONS, 'observers', 'name', 'time_from', 'time_to',
            'weekdays', 'support_line', 'operator', 'priority',
            'deadline_hours', 'time_basis']
        # Routing is the organisation's policy, not the user's: his access
        # to the rules does not change where his appeal goes
        with without_check_access(), \
                Transaction().set_context(active_test=True):
            ids = [r.id for r in cls.search([('company', '=', company)])]
            rows = sorted(cls.read(ids, names),
                key=lambda row: ids.index(row['id']))
        return tuple(Spec(
                id=row['id'], name=row['name'],
                **{c: frozenset(row[c]) for c in CONDITIONS},
                time_from=row['time_from'], time_to=row['time_to'],
                weekdays=frozenset(int(d) for d in row['weekdays'] or ()),
                support_line=row['support_line'], operator=row['operator'],
                priority=row['priority'],
                deadline_hours=row['deadline_hours'],
                working_time=row['time_basis'] == 'working',
                observers=tuple(row['observers']))
            for row in rows)

    @classmethod
    def route(cls, appeal):
        "The Spec of the rule that fires on appeal (saved or not), else None"
        return first_match(
            cls.specs(getattr(appeal, 'company', None)), Facts(appeal))

    @classmethod
    def spec_of(cls, company, rule):
        "The Spec of rule among the active rules of company, else None"
        rule_id = _id(rule) if not isinstance(rule, int) else rule
        return next(
            (s for s in cls.specs(company) if s.id == rule_id), None)

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_routing_check')
    def check(cls, rules):
        pass


class RoutingRuleLink(ModelSQL):
    """What a routing rule lists: one row per reason, reason group, tag,
    district, building, source or observer (the other columns empty)"""
    __name__ = 'crm.routing.rule.link'
    __string__ = "Routing rule condition"
    rule = fields.Many2One(
        'crm.routing.rule', "Rule", required=True, ondelete='CASCADE')
    # RESTRICT: a reason, building... that a rule names cannot vanish
    # from under it and silently widen the rule to every appeal
    reason = fields.Many2One(
        'crm.appeal.reason', "Reason", ondelete='RESTRICT')
    reason_group = fields.Many2One(
        'crm.appeal.reason.group', "Reason Group", ondelete='RESTRICT')
    tag = fields.Many2One('crm.tag', "Tag", ondelete='RESTRICT')
    district = fields.Many2One(
        'crm.district', "District", ondelete='RESTRICT')
    building = fields.Many2One(
        'crm.building', "Building", ondelete='RESTRICT')
    source = fields.Many2One(
        'crm.appeal.source', "Source", ondelete='RESTRICT')
    user = fields.Many2One('res.user', "Observer", ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('rule')


class CheckStart(ModelView):
    "Check routing"
    __name__ = 'crm.routing.check.start'
    __string__ = "Check routing"
    company = fields.Many2One('company.company', "Organisation",
        required=True)
    reason = fields.Many2One('crm.appeal.reason', "Reason")
    building = fields.Many2One('crm.building', "Building",
        domain=[('company', '=', Eval('company', -1))])
    source = fields.Many2One('crm.appeal.source', "Source")
    received_date = fields.DateTime("Received", required=True)
    rule = fields.Many2One('crm.routing.rule', "Rule", readonly=True)
    support_line = fields.Many2One(
        'crm.support_line', "Support Line", readonly=True)
    operator = fields.Many2One('res.user', "Operator", readonly=True)
    priority = fields.Selection(PRIORITIES, "Priority", readonly=True,
        sort=False)
    deadline = fields.DateTime("Deadline", readonly=True)
    observers = fields.Many2Many(
        'res.user', None, None, "Observers", readonly=True)
    verdict = fields.Text("Verdict", readonly=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_received_date(cls):
        return dt.datetime.now().replace(microsecond=0)

    @fields.depends('company', 'reason', 'building', 'source',
        'received_date', 'rule', 'support_line', 'operator', 'priority',
        'deadline', 'observers', 'verdict')
    def _fill(self):
        for name, value in self.check().items():
            setattr(self, name, value)

    on_change_company = on_change_reason = on_change_building = _fill
    on_change_source = on_change_received_date = _fill

    def check(self):
        """What routing does to a new appeal with these data, by the code
        that routes appeals: {field: value}"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Rule = pool.get('crm.routing.rule')
        appeal = Appeal(company=self.company, reason=self.reason,
            reason_group=self.reason.group if self.reason else None,
            building=self.building, source=self.source,
            received_date=self.received_date, state='draft',
            routing_rule=None, routing_manual=False, support_line=None,
            operator=None, priority=Appeal.default_priority(), observers=[])
        appeal.apply_routing(force=True)
        spec = appeal.routing_spec()
        if spec:
            verdict = gettext('crm_dispatch.msg_routing_check_rule',
                rule=spec.name)
        else:
            verdict = gettext('crm_dispatch.msg_routing_check_none')
        if local := local_moment(self.company, self.received_date):
            weekdays = dict(Rule.fields_get(['weekdays'])['weekdays'][
                    'selection'])
            verdict += '\n' + gettext('crm_dispatch.msg_routing_check_clock',
                weekday=weekdays[str(local.weekday())],
                time=local.strftime('%d.%m.%Y %H:%M'),
                zone=getattr(self.company, 'timezone', None) or DEFAULT_ZONE)
        return {
            'rule': spec.id if spec else None,
            'support_line': _id(appeal.support_line),
            'operator': _id(appeal.operator),
            'priority': appeal.priority,
            'deadline': appeal.deadline,
            'observers': [u.id for u in appeal.observers],
            'verdict': verdict,
            }


class Check(Wizard):
    """Which rule fires on an appeal of a reason, address, source and time,
    and what it sets"""
    __name__ = 'crm.routing.check'
    start = StateView('crm.routing.check.start',
        'crm_dispatch.routing_check_start_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        Start = Pool().get('crm.routing.check.start')
        values = {'company': Start.default_company(),
            'received_date': Start.default_received_date(),
            'reason': None, 'building': None, 'source': None}
        if self.model and self.model.__name__ == 'crm.routing.rule' \
                and self.record:
            values.update(self.example(self.record))
        start = Start(**values)
        if start.company:
            values.update(start.check())
        return values

    @staticmethod
    def example(rule):
        """Data of an appeal the rule is about: its first reason (or one
        of its groups or tags), building (or one of its districts), source
        and the next moment within its hours and days"""
        pool = Pool()
        Reason = pool.get('crm.appeal.reason')
        Building = pool.get('crm.building')
        values = {'company': rule.company.id}
        reasons = list(rule.reasons)
        if not reasons and (rule.reason_groups or rule.tags):
            reasons = Reason.search([
                    ('group', 'in', [g.id for g in rule.reason_groups])]
                if rule.reason_groups else [
                    ('tags', 'in', [t.id for t in rule.tags])], limit=1)
        buildings = list(rule.buildings) or (Building.search(
                [('district', 'in', [d.id for d in rule.districts])],
                limit=1) if rule.districts else [])
        values['reason'] = _id(reasons[0]) if reasons else None
        values['building'] = _id(buildings[0]) if buildings else None
        values['source'] = _id(rule.sources[0]) if rule.sources else None
        now = local_moment(rule.company, dt.datetime.now()).replace(
            second=0, microsecond=0)
        weekdays = {int(d) for d in rule.weekdays or ()}
        for days in range(8):
            moment = now + dt.timedelta(days=days)
            if rule.time_from is not None:
                moment = dt.datetime.combine(moment.date(), rule.time_from)
            if (moment >= now or days == 7) and (
                    not weekdays or moment.weekday() in weekdays):
                break
        zone = ZoneInfo(rule.company.timezone or DEFAULT_ZONE)
        values['received_date'] = moment.replace(tzinfo=zone).astimezone(
            dt.timezone.utc).replace(tzinfo=None)
        return values
