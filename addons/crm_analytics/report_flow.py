"""The reports over what moves appeals on: transfers from line to line
(the «transferred» events) and the executors' work orders done on time."""
from sql import Null
from sql.aggregate import Count

from trytond.model import fields

from .report import ReportMixin, count_if
from .report_appeal import _ratio


class Transfer(ReportMixin):
    "Transfers between lines (Передачи между линиями)"
    __name__ = 'crm.analytics.report.transfer'
    __string__ = "Transfers between Lines"
    from_line = fields.Many2One('crm.support_line', "From Line")
    to_line = fields.Many2One('crm.support_line', "To Line")
    count = fields.Integer("Transfers")
    _model = 'crm.appeal.event'
    # The line of the context is either end of the transfer
    _filter_paths = {'company': 'appeal.company', 'support_line': None,
        'operator': 'appeal.operator', 'source': 'appeal.source'}
    _date_field = 'date'
    _keys = {'from_line': 'from_line', 'to_line': 'to_line'}
    _export = ['from_line', 'to_line', 'count']

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('from_line', 'ASC'), ('to_line', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def _extra_domain(cls, values):
        domain = [('kind', '=', 'transferred')]
        if values['support_line']:
            domain.append(['OR',
                    ('from_line', '=', values['support_line']),
                    ('to_line', '=', values['support_line'])])
        return domain

    @classmethod
    def _measures(cls, event):
        return {'count': Count(event.id)}

    def drill_domain(self):
        "The appeals with a transfer of the row in the period"
        return [('events', 'where', super().drill_domain())]


class WorkOrder(ReportMixin):
    "Work orders done on time (Заявки, выполненные в срок)"
    __name__ = 'crm.analytics.report.work_order'
    __string__ = "Work Orders Done on Time"
    team = fields.Many2One('crm.executor.team', "Team")
    employee = fields.Many2One('company.employee', "Executor")
    done = fields.Integer("Done")
    on_time = fields.Integer("Done on Time",
        help="By the planned end, or without one.")
    late = fields.Integer("Late", help="Done after the planned end.")
    on_time_share = _ratio("On Time, %")
    _model = 'crm.work_order'
    _drill_model = 'crm.work_order'
    _filter_paths = {'company': 'company',
        'support_line': 'appeal.support_line',
        'operator': 'appeal.operator', 'source': 'appeal.source'}
    _date_field = 'done_date'
    _keys = {'team': 'team', 'employee': 'employee'}
    _ratios = {'on_time_share': ('on_time', 'done', 100)}
    _export = ['team', 'employee', 'done', 'on_time', 'late',
        'on_time_share']

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('team', 'ASC'), ('employee', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def _extra_domain(cls, values):
        return [('state', '=', 'done')]

    @classmethod
    def _measures(cls, order):
        late = (order.planned_end != Null) & (
            order.done_date > order.planned_end)
        return {
            'done': Count(order.id),
            'on_time': Count(order.id) - count_if(late),
            'late': count_if(late),
            }
