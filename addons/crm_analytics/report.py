"""Operational reports (отчёты): SQL views of the appeals under a context
form (period, organisation, line, operator, source), each grouped by its
keys, with a drill-down to the appeals behind a row and an XLSX export.

Every report counts the appeals that the reading user's own search
returns (`Appeal.search(domain, query=True)` runs his record rules), so
an operator's report never counts an appeal of another line.

The period is in the organisation's local days (Moscow's by default) and
applies to the date the report is about: received for most, closed for
the processed appeals, the event's date for transfers, done for work
orders.  A context without a date leaves that side of the period open."""
import datetime as dt

from sql import Literal, Null, Window
from sql.aggregate import Sum
from sql.conditionals import Case
from sql.functions import RowNumber

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If, PYSONEncoder
from trytond.report import Report
from trytond.transaction import (
    Transaction, check_access, without_check_access)
from trytond.wizard import StateAction, StateTransition, Wizard

from . import export
from .period import as_date, check_order, utc_bounds

FILTERS = ['company', 'support_line', 'operator', 'source']


def count_if(condition):
    "The SQL sum of rows where condition holds"
    return Sum(Case((condition, 1), else_=0))


def _id(value):
    "A context's record as its id (sao sends ids, Python callers records)"
    return getattr(value, 'id', value)


class ReportContext(ModelView):
    "Report context (Параметры отчёта)"
    __name__ = 'crm.analytics.report.context'
    __string__ = "Report parameters"
    from_date = fields.Date("From Date",
        domain=[If(Bool(Eval('from_date')) & Bool(Eval('to_date')),
                ('from_date', '<=', Eval('to_date')), ())])
    to_date = fields.Date("To Date",
        domain=[If(Bool(Eval('from_date')) & Bool(Eval('to_date')),
                ('to_date', '>=', Eval('from_date')), ())])
    company = fields.Many2One('company.company', "Organisation",
        domain=[('id', 'in', Eval('user_companies', []))],
        help="Empty: every organisation of the user.")
    user_companies = fields.Many2Many(
        'company.company', None, None, "User Organisations", readonly=True)
    support_line = fields.Many2One('crm.support_line', "Support Line",
        domain=[If(Bool(Eval('company')),
                ('company', '=', Eval('company', -1)), ())])
    operator = fields.Many2One('res.user', "Operator",
        domain=[If(Bool(Eval('company')),
                ('companies', '=', Eval('company', -1)), ())])
    source = fields.Many2One('crm.appeal.source', "Source")

    @staticmethod
    def default_from_date():
        return dt.date.today().replace(day=1)

    @staticmethod
    def default_to_date():
        today = dt.date.today()
        following = (today.replace(day=28) + dt.timedelta(days=4))
        return following - dt.timedelta(days=following.day)

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_user_companies():
        User = Pool().get('res.user')
        user = User(Transaction().user)
        return [c.id for c in user.companies]

    @fields.depends('company', 'support_line')
    def on_change_company(self):
        if self.support_line and self.support_line.company != self.company:
            self.support_line = None

    @classmethod
    def filters(cls):
        """The report's context as a dict: from_date, to_date (dates or
        None) and the ids of FILTERS (or None); a period whose start is
        after its end is refused"""
        context = Transaction().context
        values = {
            'from_date': as_date(context.get('from_date')),
            'to_date': as_date(context.get('to_date')),
            }
        for name in FILTERS:
            values[name] = _id(context.get(name))
        check_order(values['from_date'], values['to_date'])
        return values

    @classmethod
    def bounds(cls):
        """The period as naive UTC datetimes [start, end) of the
        organisation's local days (None for an open side)"""
        values = cls.filters()
        return utc_bounds(
            values['from_date'], values['to_date'], values['company'])

    @classmethod
    def subtitle(cls):
        "The context as a line under a file's title, in Russian"
        pool = Pool()
        values = cls.filters()
        start, end = values['from_date'], values['to_date']
        parts = ['Период: %s – %s' % (
                start.strftime('%d.%m.%Y') if start else '…',
                end.strftime('%d.%m.%Y') if end else '…')]
        models = {'company': 'company.company',
            'support_line': 'crm.support_line', 'operator': 'res.user',
            'source': 'crm.appeal.source'}
        with without_check_access():
            for name in FILTERS:
                if values[name]:
                    record = pool.get(models[name])(values[name])
                    parts.append('%s: %s' % (
                            cls.__names__(name)['field'], record.rec_name))
        return '; '.join(parts)


class ReportMixin(ModelSQL, ModelView):
    """A report over the records of _model (appeals by default) read under
    the context: subclasses give their keys (fields of the row that are
    paths of the record), measures and the from-item; the row's id numbers
    the rows in key order."""
    _model = 'crm.appeal'
    # The context's filters → the record's path (None: not applied)
    _filter_paths = {n: n for n in FILTERS}
    # The record's datetime the period applies to
    _date_field = 'received_date'
    # Row key field → the record's path it stands for
    _keys = {}
    # Ratio fields: name → (numerator, denominator or None, factor)
    _ratios = {}
    # What the drill-down opens
    _drill_model = 'crm.appeal'
    # The row's fields in the XLSX file, in the list's order
    _export = []

    @classmethod
    def base_domain(cls):
        "The domain of the records the report counts under the context"
        values = ReportContext.filters()
        domain = [(cls._filter_paths[n], '=', values[n]) for n in FILTERS
            if values[n] and cls._filter_paths.get(n)]
        start, end = ReportContext.bounds()
        if start:
            domain.append((cls._date_field, '>=', start))
        if end:
            domain.append((cls._date_field, '<', end))
        return domain + cls._extra_domain(values)

    @classmethod
    def _extra_domain(cls, values):
        return []

    @classmethod
    def base_query(cls):
        "The ids of the counted records, as the reading user finds them"
        Model = Pool().get(cls._model)
        return Model.search(cls.base_domain(), order=[], query=True)

    @classmethod
    def _from(cls, table):
        "The from-item and the key columns {name: column}"
        return table, {k: getattr(table, p) for k, p in cls._keys.items()}

    @classmethod
    def _measures(cls, table):
        "The measures {name: aggregate} of a group of records"
        raise NotImplementedError

    @classmethod
    def table_query(cls):
        table = Pool().get(cls._model).__table__()
        from_, keys = cls._from(table)
        measures = cls._measures(table)
        grouped = from_.select(
            *(c.as_(n) for n, c in keys.items()),
            *(c.as_(n) for n, c in measures.items()),
            where=table.id.in_(cls.base_query()),
            group_by=list(keys.values()))
        return cls._numbered(grouped, list(keys), list(measures))

    @classmethod
    def _numbered(cls, query, keys, measures):
        "The query's rows with an id (their number in key order)"
        columns = [getattr(query, n) for n in keys]
        return query.select(
            RowNumber(window=Window([], order_by=columns)).as_('id'),
            Literal(0).as_('create_uid'), Literal(Null).as_('create_date'),
            Literal(Null).as_('write_uid'), Literal(Null).as_('write_date'),
            *columns, *(getattr(query, n) for n in measures))

    def get_ratio(self, name):
        numerator, denominator, factor = self._ratios[name]
        denominator = getattr(self, denominator) if denominator else 1
        if not denominator or getattr(self, numerator) is None:
            return None
        return round(
            float(getattr(self, numerator)) * factor / denominator, 1)

    def get_rec_name(self, name):
        names = []
        for key in self._keys:
            value = getattr(self, key)
            names.append(value.rec_name if value else '—')
        return ' / '.join(names)

    def drill_domain(self):
        "The domain of the records (of _drill_model) behind the row"
        domain = self.base_domain()
        for key, path in self._keys.items():
            value = getattr(self, key)
            domain.append((path, '=', value.id if value else None))
        return domain

    @classmethod
    def export_fields(cls):
        "The fields of the rows in the file, in the list's order"
        return [n for n in cls._export if n in cls._fields]

    @classmethod
    def export_table(cls):
        """The report under the current context as (title, headers, rows):
        the rows as the user's list shows them, headers the fields'
        Russian strings"""
        names = cls.export_fields()
        strings = cls.fields_get(names)
        headers = [strings[n]['string'] for n in names]
        rows = []
        for record in cls.search([]):
            rows.append([_cell(record, n) for n in names])
        return cls.__names__()['model'], headers, rows


def _cell(record, name):
    value = getattr(record, name)
    if isinstance(value, ModelSQL):
        return value.rec_name
    return value


class ReportOpen(Wizard):
    "Open the appeals behind a report row"
    __name__ = 'crm.analytics.report.open'
    start = StateTransition()
    appeals = StateAction('crm_analytics.act_report_appeals')
    orders = StateAction('crm_analytics.act_report_work_orders')

    def transition_start(self):
        return 'orders' if self.model._drill_model == 'crm.work_order' else (
            'appeals')

    def do_appeals(self, action):
        # The rows as the user's list numbered them: under his rules
        # (a wizard's steps run without them)
        with check_access():
            records = self.model.browse([r.id for r in self.records])
            domain = ['OR'] + [r.drill_domain() for r in records]
            if len(records) == 1:
                action['name'] += ': ' + records[0].rec_name
        action['pyson_domain'] = PYSONEncoder().encode(domain)
        return action, {}

    do_orders = do_appeals


class ReportXLSX(Report):
    "A report's rows under its context as an XLSX file"
    __name__ = 'crm.analytics.report.xlsx'

    @classmethod
    def execute(cls, ids, data):
        Model = Pool().get(data['model'])
        oext, content, _, _ = super().execute(ids, data)
        return oext, content, False, Model.__names__()['model']

    @classmethod
    def _execute(cls, records, header, data, action):
        pool = Pool()
        Model = pool.get(data['model'])
        title, headers, rows = Model.export_table()
        return 'xlsx', export.render('xlsx', title, headers, rows,
            subtitle=ReportContext.subtitle())
