"""The reports grouped over appeals: timeliness by reason and by source,
labour time per appeal and per operator, processed appeals, operator ×
source, appeals by district and by organisation, ratings."""
from sql import Cast, Literal, Null
from sql.aggregate import Count, Sum

from trytond.model import fields
from trytond.modules.crm_dispatch.appeal_lifecycle import OPEN_STATES
from trytond.pool import Pool

from .period import hours_between
from .report import ReportMixin, count_if

CLOSED_STATES = ['resolved', 'rejected']


def _overdue(appeal):
    "The appeal's overdue flag in SQL, as the appeal computes it"
    return Pool().get('crm.appeal').column_overdue({None: (appeal, None)})


def _ratio(string, digits=1, help=''):
    return fields.Function(
        fields.Float(string, digits=(16, digits), help=help), 'get_ratio')


class TimelinessMixin(ReportMixin):
    "Appeals on time and overdue against their deadline"
    count = fields.Integer("Appeals")
    on_time = fields.Integer("On Time",
        help="Not overdue: closed by the deadline or still within it.")
    overdue = fields.Integer("Overdue",
        help="Open past the deadline, or resolved after it.")
    overdue_share = _ratio("Overdue, %")
    _ratios = {'overdue_share': ('overdue', 'count', 100)}

    @classmethod
    def _measures(cls, appeal):
        overdue = count_if(_overdue(appeal))
        return {
            'count': Count(appeal.id),
            'on_time': Count(appeal.id) - overdue,
            'overdue': overdue,
            }


class TimelinessReason(TimelinessMixin):
    "Timeliness by reason (Своевременность по причинам)"
    __name__ = 'crm.analytics.report.timeliness_reason'
    __string__ = "Timeliness by Reason"
    reason_group = fields.Many2One('crm.appeal.reason.group', "Reason Group")
    reason = fields.Many2One('crm.appeal.reason', "Reason")
    _keys = {'reason_group': 'reason_group', 'reason': 'reason'}
    _export = ['reason_group', 'reason', 'count', 'on_time', 'overdue',
        'overdue_share']

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('reason_group', 'ASC'), ('reason', 'ASC'),
            ('id', 'ASC')]


class TimelinessSource(TimelinessMixin):
    "Timeliness by source (Своевременность по источникам)"
    __name__ = 'crm.analytics.report.timeliness_source'
    __string__ = "Timeliness by Source"
    source = fields.Many2One('crm.appeal.source', "Source")
    _keys = {'source': 'source'}
    _export = ['source', 'count', 'on_time', 'overdue', 'overdue_share']

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('source', 'ASC'), ('id', 'ASC')]


class LabourAppeal(ReportMixin):
    "Labour time per appeal (Трудозатраты по обращениям)"
    __name__ = 'crm.analytics.report.labour_appeal'
    __string__ = "Labour Time per Appeal"
    appeal = fields.Many2One('crm.appeal', "Appeal")
    company = fields.Many2One('company.company', "Organisation")
    support_line = fields.Many2One('crm.support_line', "Support Line")
    operator = fields.Many2One('res.user', "Operator")
    received_date = fields.DateTime("Received")
    labour_minutes = fields.Integer("Labour Time, min")
    labour_hours = _ratio("Labour Time, h")
    _ratios = {'labour_hours': ('labour_minutes', None, 1 / 60)}
    _export = ['appeal', 'company', 'support_line', 'operator',
        'received_date', 'labour_minutes', 'labour_hours']

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('received_date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _extra_domain(cls, values):
        return [('labour_minutes', '!=', None)]

    @classmethod
    def table_query(cls):
        # One row per appeal: its id is the appeal's
        appeal = Pool().get('crm.appeal').__table__()
        return appeal.select(
            appeal.id.as_('id'), Literal(0).as_('create_uid'),
            Literal(Null).as_('create_date'), Literal(Null).as_('write_uid'),
            Literal(Null).as_('write_date'), appeal.id.as_('appeal'),
            appeal.company, appeal.support_line, appeal.operator,
            appeal.received_date, appeal.labour_minutes,
            where=appeal.id.in_(cls.base_query()))

    def get_rec_name(self, name):
        return self.appeal.rec_name if self.appeal else str(self.id)

    def drill_domain(self):
        return [('id', '=', self.appeal.id if self.appeal else None)]


class LabourOperator(ReportMixin):
    "Labour time per operator (Трудозатраты по операторам)"
    __name__ = 'crm.analytics.report.labour_operator'
    __string__ = "Labour Time per Operator"
    operator = fields.Many2One('res.user', "Operator")
    count = fields.Integer("Appeals",
        help="Appeals with the labour time recorded.")
    labour_minutes = fields.Integer("Labour Time, min")
    labour_hours = _ratio("Labour Time, h")
    average_minutes = _ratio("Average per Appeal, min")
    _keys = {'operator': 'operator'}
    _ratios = {
        'labour_hours': ('labour_minutes', None, 1 / 60),
        'average_minutes': ('labour_minutes', 'count', 1),
        }
    _export = ['operator', 'count', 'labour_minutes', 'labour_hours',
        'average_minutes']

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('operator', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _extra_domain(cls, values):
        return [('labour_minutes', '!=', None)]

    @classmethod
    def _measures(cls, appeal):
        return {
            'count': Count(appeal.id),
            'labour_minutes': Sum(appeal.labour_minutes),
            }


class LineOperatorMixin(ReportMixin):
    "A report keyed by support line and operator, in that order"
    support_line = fields.Many2One('crm.support_line', "Support Line")
    operator = fields.Many2One('res.user', "Operator")
    _keys = {'support_line': 'support_line', 'operator': 'operator'}

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('support_line', 'ASC'), ('operator', 'ASC'),
            ('id', 'ASC')]


class Processed(LineOperatorMixin):
    "Processed appeals (Обработанные обращения)"
    __name__ = 'crm.analytics.report.processed'
    __string__ = "Processed Appeals"
    closed = fields.Integer("Closed")
    resolved = fields.Integer("Resolved")
    rejected = fields.Integer("Rejected")
    hours = fields.Float("Hours to Close, Total", digits=(16, 1))
    average_hours = _ratio("Average Hours to Close",
        help="From receipt to closing.")
    _date_field = 'closed_date'
    _ratios = {'average_hours': ('hours', 'closed', 1)}
    _export = ['support_line', 'operator', 'closed', 'resolved',
        'rejected', 'hours', 'average_hours']

    @classmethod
    def _extra_domain(cls, values):
        return [('state', 'in', CLOSED_STATES)]

    @classmethod
    def _measures(cls, appeal):
        return {
            'closed': Count(appeal.id),
            'resolved': count_if(appeal.state == 'resolved'),
            'rejected': count_if(appeal.state == 'rejected'),
            'hours': Sum(Cast(hours_between(
                        appeal.received_date, appeal.closed_date), 'FLOAT')),
            }


class OperatorSource(ReportMixin):
    "Operators by source (Операторы × источники)"
    __name__ = 'crm.analytics.report.operator_source'
    __string__ = "Operators by Source"
    operator = fields.Many2One('res.user', "Operator")
    source = fields.Many2One('crm.appeal.source', "Source")
    count = fields.Integer("Appeals")
    overdue = fields.Integer("Overdue")
    _keys = {'operator': 'operator', 'source': 'source'}
    _export = ['operator', 'source', 'count', 'overdue']

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('operator', 'ASC'), ('source', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def _measures(cls, appeal):
        return {
            'count': Count(appeal.id),
            'overdue': count_if(_overdue(appeal)),
            }


class VolumeMixin(ReportMixin):
    "How many appeals came, are open, closed and overdue"
    count = fields.Integer("Appeals")
    open = fields.Integer("Open")
    closed = fields.Integer("Closed")
    overdue = fields.Integer("Overdue")
    overdue_share = _ratio("Overdue, %")
    _ratios = {'overdue_share': ('overdue', 'count', 100)}

    @classmethod
    def _measures(cls, appeal):
        return {
            'count': Count(appeal.id),
            'open': count_if(appeal.state.in_(OPEN_STATES)),
            'closed': count_if(appeal.state.in_(CLOSED_STATES)),
            'overdue': count_if(_overdue(appeal)),
            }


class District(VolumeMixin):
    "Appeals by district (Обращения по районам)"
    __name__ = 'crm.analytics.report.district'
    __string__ = "Appeals by District"
    company = fields.Many2One('company.company', "Organisation")
    district = fields.Many2One('crm.district', "District")
    _keys = {'company': 'company', 'district': 'building.district'}
    _export = ['company', 'district', 'count', 'open', 'closed', 'overdue',
        'overdue_share']

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('company', 'ASC'), ('district', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def _from(cls, appeal):
        building = Pool().get('crm.building').__table__()
        return appeal.join(building, 'LEFT',
            condition=appeal.building == building.id), {
            'company': appeal.company, 'district': building.district}

    def drill_domain(self):
        domain = self.base_domain() + [('company', '=', self.company.id)]
        if self.district:
            return domain + [('building.district', '=', self.district.id)]
        # No district: no building, or a building without one
        return domain + [['OR', ('building', '=', None),
                ('building.district', '=', None)]]


class Organisation(VolumeMixin):
    "Appeals by organisation (Обращения по управляющим компаниям)"
    __name__ = 'crm.analytics.report.organisation'
    __string__ = "Appeals by Organisation"
    company = fields.Many2One('company.company', "Organisation")
    _keys = {'company': 'company'}
    _export = ['company', 'count', 'open', 'closed', 'overdue',
        'overdue_share']

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('company', 'ASC'), ('id', 'ASC')]


class Rating(LineOperatorMixin):
    "Applicants' ratings (Оценки заявителей)"
    __name__ = 'crm.analytics.report.rating'
    __string__ = "Applicants' Ratings"
    rated = fields.Integer("Rated")
    rating_sum = fields.Integer("Stars, Total")
    average = _ratio("Average Rating", digits=2)
    stars_1 = fields.Integer("1 Star")
    stars_2 = fields.Integer("2 Stars")
    stars_3 = fields.Integer("3 Stars")
    stars_4 = fields.Integer("4 Stars")
    stars_5 = fields.Integer("5 Stars")
    _ratios = {'average': ('rating_sum', 'rated', 1)}
    _export = ['support_line', 'operator', 'rated', 'average',
        'stars_1', 'stars_2', 'stars_3', 'stars_4', 'stars_5']

    @classmethod
    def _extra_domain(cls, values):
        return [('rating', '!=', None)]

    @classmethod
    def _measures(cls, appeal):
        measures = {
            'rated': Count(appeal.id),
            'rating_sum': Sum(appeal.rating),
            }
        for stars in range(1, 6):
            measures[f'stars_{stars}'] = count_if(appeal.rating == stars)
        return measures
