"Reference data that shapes appeals: sources, tags, lines, reasons."
from collections import namedtuple

from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields,
    sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction


# How long an appeal of a reason may take: resolution and reaction (taken
# into work) in hours, counted round the clock or in working time
Terms = namedtuple('Terms', ['hours', 'reaction_hours', 'working_time'])
TIME_BASES = [
    ('calendar', "Round the clock"),
    ('working', "Working hours"),
    ]
_POSITIVE_OR_EMPTY = ['OR', ('reaction_hours', '=', None),
    ('reaction_hours', '>', 0)]


class CodeMixin:
    "Code is filled from the name when left empty, as admins expect."
    __slots__ = ()

    @classmethod
    def _code_from_name(cls, name):
        return '_'.join((name or '').lower().split())[:32]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('code') and values.get('name'):
            values['code'] = cls._code_from_name(values['name'])
        return values


def line_label(number, name):
    "The number and name a support line is shown by"
    return f'{number}. {name}'


# Ordered by hand, labelled «Порядок»: Tryton's own label reads
# «Последовательность», the word of its numbering sequences
Ordered = sequence_ordered('sequence', "Order")


class Source(
        CodeMixin, DeactivableMixin, Ordered, ModelSQL, ModelView):
    "Appeal source (Источник обращения)"
    __name__ = 'crm.appeal.source'
    __string__ = "Appeal source"
    _history = True
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True,
        help="The menu entries of a new appeal find their source by it: "
        "phone, email, visit.")
    schedulable = fields.Boolean(
        "Can Be Scheduled", help="Planned appeals may use this source.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code), 'crm_dispatch.msg_code_unique'),
            ]


class Tag(CodeMixin, DeactivableMixin, ModelSQL, ModelView):
    "Tag (Тег)"
    __name__ = 'crm.tag'
    __string__ = "Tag"
    _history = True
    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code), 'crm_dispatch.msg_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))


class RuleDependencyMixin:
    "Appeal record rules read lines and members: a change clears their cache"
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('res.user').crm_clear_cache()


class SupportLine(
        RuleDependencyMixin, DeactivableMixin, ModelSQL, ModelView):
    "Support line (Линия поддержки)"
    __name__ = 'crm.support_line'
    __string__ = "Support line"
    _history = True
    number = fields.Integer("Number", required=True)
    name = fields.Char("Name", required=True)
    company = fields.Many2One(
        'company.company', "Organisation",
        help="Leave empty for a line shared by all organisations.")
    members = fields.Many2Many(
        'crm.support_line-res.user', 'line', 'user', "Members")
    appeal_access = fields.Selection([
            ('all', "All appeals"),
            ('own', "Own line only"),
            ], "Access to Appeals", required=True)
    topic_access = fields.Selection([
            ('all', "All topics"),
            ('tags', "Topics with the line's tags"),
            ], "Access to Topics", required=True)
    tags = fields.Many2Many(
        'crm.support_line-crm.tag', 'line', 'tag', "Tags",
        states={'invisible': Eval('topic_access') != 'tags'})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('number_unique', Unique(t, t.number),
                'crm_dispatch.msg_line_number_unique'),
            ]
        cls._order.insert(0, ('number', 'ASC'))

    @classmethod
    def default_appeal_access(cls):
        return 'own'

    @classmethod
    def default_topic_access(cls):
        return 'all'

    def get_rec_name(self, name):
        return line_label(self.number, self.name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        domain = [bool_op, ('name', operator, value)]
        if isinstance(value, str) and value.isdigit():
            domain.append(('number', '=', int(value)))
        return domain


class SupportLineUser(RuleDependencyMixin, ModelSQL):
    "Support line member"
    __name__ = 'crm.support_line-res.user'
    __string__ = "Support line member"
    line = fields.Many2One(
        'crm.support_line', "Line", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('line')
        t = cls.__table__()
        cls._sql_constraints = [
            ('member_unique', Unique(t, t.line, t.user),
                'crm_dispatch.msg_member_unique'),
            ]


class SupportLineTag(ModelSQL):
    "Support line tag"
    __name__ = 'crm.support_line-crm.tag'
    __string__ = "Support line tag"
    line = fields.Many2One(
        'crm.support_line', "Line", required=True, ondelete='CASCADE')
    tag = fields.Many2One('crm.tag', "Tag", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('line')


class ReasonGroup(CodeMixin, DeactivableMixin, ModelSQL, ModelView):
    "Appeal reason group (Группа причин обращения)"
    __name__ = 'crm.appeal.reason.group'
    __string__ = "Appeal reason group"
    _history = True
    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True)
    service = fields.Boolean(
        "Service", help="Internal group, not offered to residents.")
    reasons = fields.One2Many('crm.appeal.reason', 'group', "Reasons")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def search(cls, domain, *args, **kwargs):
        if Transaction().context.get('crm_usable_only'):
            domain = [domain, ('reasons.usable', '=', True)]
        return super().search(domain, *args, **kwargs)


class Reason(CodeMixin, DeactivableMixin, ModelSQL, ModelView):
    "Appeal reason (Причина обращения)"
    __name__ = 'crm.appeal.reason'
    __string__ = "Appeal reason"
    _history = True
    group = fields.Many2One(
        'crm.appeal.reason.group', "Group", required=True, ondelete='RESTRICT')
    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True)
    tags = fields.Many2Many('crm.appeal.reason-crm.tag', 'reason', 'tag',
        "Tags")
    default_hours = fields.Integer(
        "Deadline (hours)",
        help="Processing deadline for sources without their own row below.")
    deadlines = fields.One2Many(
        'crm.appeal.reason.deadline', 'reason', "Deadlines per Source")
    reaction_hours = fields.Integer("Reaction (hours)",
        domain=[_POSITIVE_OR_EMPTY],
        help="Time to take an appeal into work, for sources without "
        "their own row below.")
    time_basis = fields.Selection(TIME_BASES, "Counted", required=True,
        help="Round the clock (emergencies) or in the working hours of "
        "the organisation's calendar.")
    readings_topic = fields.Boolean(
        "Meter Readings Topic", help="Opens the meter readings form.")
    portal = fields.Boolean(
        "Available on the Portal", help="Residents may choose this reason.")
    service = fields.Boolean("Service")
    usable = fields.Function(
        fields.Boolean("Usable by Me"), 'get_usable', searcher='search_usable')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.group, Index.Range())))
        cls._order.insert(0, ('name', 'ASC'))

    def get_rec_name(self, name):
        return self.name

    @classmethod
    def search(cls, domain, *args, **kwargs):
        if Transaction().context.get('crm_usable_only'):
            domain = [domain, ('usable', '=', True)]
        return super().search(domain, *args, **kwargs)

    @classmethod
    def default_time_basis(cls):
        return 'calendar'

    def deadline_terms(self, source):
        "The Terms of an appeal of this reason from source"
        for deadline in self.deadlines:
            if deadline.source == source:
                return Terms(deadline.hours, deadline.reaction_hours,
                    deadline.time_basis == 'working')
        hours = self.default_hours
        if not hours:
            Configuration = Pool().get('crm.configuration')
            hours = Configuration(1).default_deadline_hours
        return Terms(hours, self.reaction_hours,
            self.time_basis == 'working')

    def deadline_hours(self, source):
        "Hours allowed to process an appeal of this reason from source"
        return self.deadline_terms(source).hours

    @classmethod
    def _user_tag_filter(cls):
        """Return the tag ids the current user's lines restrict reasons to,
        or None when the user may use any reason."""
        pool = Pool()
        User = pool.get('res.user')
        transaction = Transaction()
        if transaction.user == 0 or not User.crm_restricted():
            return None
        user = User(transaction.user)
        if not user.crm_lines or any(
                l.topic_access == 'all' for l in user.crm_lines):
            return None
        return sorted({t.id for l in user.crm_lines for t in l.tags})

    def get_usable(self, name):
        tags = self._user_tag_filter()
        return tags is None or bool({t.id for t in self.tags} & set(tags))

    @classmethod
    def search_usable(cls, name, clause):
        _, operator, value = clause
        tags = cls._user_tag_filter()
        if tags is None:
            domain = []
        else:
            domain = [('tags', 'in', tags)]
        if (operator, value) in {('=', False), ('!=', True)}:
            return [('id', 'not in', [r.id for r in cls.search(domain)])] \
                if domain else [('id', '=', -1)]
        return domain


class ReasonTag(ModelSQL):
    "Reason tag"
    __name__ = 'crm.appeal.reason-crm.tag'
    __string__ = "Reason tag"
    reason = fields.Many2One(
        'crm.appeal.reason', "Reason", required=True, ondelete='CASCADE')
    tag = fields.Many2One('crm.tag', "Tag", required=True, ondelete='CASCADE')


class ReasonDeadline(ModelSQL, ModelView):
    "Processing deadline of a reason for a source (Срок отработки)"
    __name__ = 'crm.appeal.reason.deadline'
    __string__ = "Processing deadline of a reason for a source"
    _history = True
    reason = fields.Many2One(
        'crm.appeal.reason', "Reason", required=True, ondelete='CASCADE')
    source = fields.Many2One(
        'crm.appeal.source', "Source", required=True, ondelete='CASCADE')
    hours = fields.Integer("Hours", required=True,
        domain=[('hours', '>', 0)])
    reaction_hours = fields.Integer("Reaction (hours)",
        domain=[_POSITIVE_OR_EMPTY],
        help="Time to take the appeal into work.")
    time_basis = fields.Selection(TIME_BASES, "Counted", required=True)

    @classmethod
    def default_time_basis(cls):
        return 'calendar'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('reason_source_unique', Unique(t, t.reason, t.source),
                'crm_dispatch.msg_deadline_unique'),
            ]

    def get_rec_name(self, name):
        # A reason has one row per source (reason_source_unique)
        return ' — '.join(
            r.rec_name for r in [self.reason, self.source] if r)


class Result(DeactivableMixin, Ordered, ModelSQL, ModelView):
    "Processing result template (Шаблон результата обработки)"
    __name__ = 'crm.appeal.result'
    __string__ = "Processing result template"
    _history = True
    name = fields.Char("Name", required=True)
    text = fields.Text("Work Done Text",
        help="Inserted into «work done» when the result is picked.")
    company = fields.Many2One('company.company', "Organisation")
    support_line = fields.Many2One('crm.support_line', "Support Line")
