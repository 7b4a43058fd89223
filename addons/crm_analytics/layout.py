"""Saved pivot layouts: which dimensions go to rows and columns, which
measure fills the cells, how it is drawn and over which period.  A layout
is its owner's; a shared one is read by everybody, changed by its owner."""
import datetime as dt
import json

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .facts import DIMENSIONS, MEASURES, RATIOS, SUMS, ratio

# The period of a layout, relative to the day it is read
PERIODS = [
    (None, "As Saved"),
    ('yesterday', "Yesterday"),
    ('last_week', "Last Week"),
    ('last_month', "Last Month"),
    ('month', "This Month"),
    ('year', "This Year"),
    ]


def period_dates(period, today=None):
    "The first and last day of a relative period, or (None, None)"
    today = today or dt.date.today()
    if period == 'yesterday':
        day = today - dt.timedelta(days=1)
        return day, day
    if period == 'last_week':
        monday = today - dt.timedelta(days=today.weekday() + 7)
        return monday, monday + dt.timedelta(days=6)
    if period == 'last_month':
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    if period == 'month':
        return today.replace(day=1), today
    if period == 'year':
        return today.replace(month=1, day=1), today
    return None, None


class Layout(ModelSQL, ModelView):
    "Pivot Layout"
    __name__ = 'crm.analytics.layout'
    __string__ = "Pivot Layout"
    name = fields.Char("Name", required=True)
    user = fields.Many2One('res.user', "Owner", required=True,
        readonly=True, ondelete='CASCADE')
    shared = fields.Boolean("Shared",
        help="Everybody sees the layout (with his own numbers); "
        "only its owner changes it.")
    config = fields.Text("Layout",
        help="Rows, columns, measure and drawing of the pivot page, "
        "as the page saves them (JSON).")
    period = fields.Selection(PERIODS, "Period",
        help="Relative to the day the layout is opened or mailed.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_user():
        return Transaction().user

    @staticmethod
    def default_shared():
        return False

    @staticmethod
    def default_config():
        return json.dumps({'rows': [], 'cols': [], 'measure': 'count'})

    @classmethod
    def create(cls, vlist):
        # The owner is who saves it, whatever the client sends
        user = Transaction().user
        vlist = [dict(v) for v in vlist]
        if Transaction().check_access:
            for values in vlist:
                values['user'] = user
        return super().create(vlist)

    @classmethod
    def validate_fields(cls, layouts, field_names):
        super().validate_fields(layouts, field_names)
        if field_names is None or 'config' in field_names:
            for layout in layouts:
                layout.settings

    @property
    def settings(self):
        """The layout's config as a dict with rows, cols (dimension names)
        and measure; refused in Russian when unreadable"""
        def invalid(error):
            return UserError(gettext('crm_analytics.msg_layout_invalid',
                    name=self.name, error=error))
        try:
            config = json.loads(self.config or '{}')
        except ValueError as exception:
            raise invalid(str(exception))
        if not isinstance(config, dict):
            raise invalid('{…}')
        rows, cols = config.get('rows') or [], config.get('cols') or []
        for name in rows + cols:
            if name not in DIMENSIONS:
                raise invalid(gettext(
                        'crm_analytics.msg_fact_dimension_unknown',
                        name=name))
        measure = config.get('measure') or 'count'
        if measure not in MEASURES:
            raise invalid(gettext('crm_analytics.msg_fact_measure_unknown',
                    name=measure))
        return dict(config, rows=rows, cols=cols, measure=measure)

    def dates(self, today=None):
        "The period the layout reads: relative, else as saved"
        if self.period:
            return period_dates(self.period, today=today)
        settings = self.settings
        return settings.get('start'), settings.get('end')

    def table(self, start=None, end=None):
        """The layout as a table (title, headers, rows) of the user's
        numbers: row dimensions, one column per combination of the column
        dimensions' values and a total column"""
        Fact = Pool().get('crm.analytics.fact')
        settings = self.settings
        rows, cols, measure = (
            settings['rows'], settings['cols'], settings['measure'])
        if start is None and end is None:
            start, end = self.dates()
        result = Fact.aggregate(rows + cols, start=start, end=end)
        strings = Fact.fields_get(rows + cols + [measure])
        col_keys, table, order = [], {}, {}

        def key(group, names):
            "The titles of the group's values and the order they sort in"
            titles = tuple(group[n] for n in names)
            order[titles] = tuple(
                group['_sort'].get(n, group[n]) for n in names)
            return titles
        for group in result['rows']:
            row_key = key(group, rows)
            col_key = key(group, cols)
            if col_key not in col_keys:
                col_keys.append(col_key)
            cells = table.setdefault(row_key, {})
            cells[col_key] = group
            total = cells.setdefault(None, dict.fromkeys(SUMS, 0))
            for name in SUMS:
                total[name] += group[name] or 0
        col_keys.sort(key=order.get)
        total_title = gettext('crm_analytics.msg_layout_total')
        headers = [strings[n]['string'] for n in rows]
        if cols:
            headers += [' / '.join(k) for k in col_keys] + [total_title]
        else:
            headers.append(strings[measure]['string'])

        def value(sums):
            if sums is None:
                return None
            if measure in RATIOS:
                return ratio(sums, measure)
            return sums[measure]
        lines = []
        for row_key in sorted(table, key=order.get):
            cells = table[row_key]
            line = list(row_key)
            if cols:
                line += [value(cells.get(k)) for k in col_keys]
            line.append(value(cells[None]))
            lines.append(line)
        period = ''
        if start or end:
            period = ' — '.join(
                d.strftime('%d.%m.%Y') if isinstance(d, dt.date) else str(d)
                for d in [start, end] if d)
        title = self.name + (f' ({period})' if period else '')
        return title, headers, lines


# Models of crm_analytics whose rules name the user himself (his layouts,
# his mailings and their history)
OWN_RECORDS = {'crm.analytics.layout', 'crm.analytics.mailing',
    'crm.analytics.mailing.log'}


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name in OWN_RECORDS:
            context['user_id'] = Transaction().user
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if OWN_RECORDS & set(model_names):
            key = (*key, Transaction().user)
        return key
