"""The managers' pivot page: served by trytond under the database's path
(``GET /<database>/crm_analytics/pivot``) so that the back office's session
cookie (``tryton_session``, path ``/<database>``) reaches it and the page's
JSON-RPC calls; PivotTable.js draws the groups that
``crm.analytics.fact.aggregate`` counted in the database under the user's
rules.  Here also: the RPC methods the page needs beyond the facts (its
layouts with their dates, the export of what it shows) and the wizard that
opens it from the back office's menu or a layout's form."""
import datetime as dt
import json
import numbers
from pathlib import Path
from urllib.parse import quote

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView
from trytond.pool import PoolMeta
from trytond.protocols.wrappers import with_pool
from trytond.rpc import RPC
from trytond.transaction import Transaction
from trytond.wizard import StateAction, Wizard
from trytond.wsgi import app

from . import export

STATIC = Path(__file__).resolve().parent / 'static'
# The page's own files; the libraries come from the web client's
# node_modules (trytond's web root)
STATIC_FILES = {
    'pivot.js': 'text/javascript; charset=utf-8',
    'pivot_drawing.js': 'text/javascript; charset=utf-8',
    'pivot.css': 'text/css; charset=utf-8',
    }
EXPORT_FORMATS = {'xlsx', 'csv', 'pdf'}
MAX_EXPORT_CELLS = 500000


def pivot_url(database, layout=None):
    "The page's path for the database (and a layout to open)"
    url = f'/{quote(database)}/crm_analytics/pivot'
    if layout:
        url += f'?layout={int(layout)}'
    return url


def _html(name, **values):
    "A page of static/ with its __NAME__ placeholders filled"
    text = (STATIC / name).read_text(encoding='utf-8')
    for key, value in values.items():
        text = text.replace(f'__{key.upper()}__', value)
    return Response(text, content_type='text/html; charset=utf-8')


@app.route('/<database_name>/crm_analytics/pivot', methods=['GET'])
@with_pool
def pivot_page(request, pool):
    try:
        pool.get('crm.analytics.fact')
    except KeyError:
        # The database has not activated crm_analytics
        raise NotFound()
    database = pool.database_name
    # request.user_id checks the session cookie of the back office
    user_id = request.user_id
    if not user_id:
        response = _html('pivot_nosession.html',
            back_office=f'/#{quote(database)}')
        response.status_code = 401
        return response
    with Transaction().start(database, 0, readonly=True):
        user_name = pool.get('res.user')(user_id).rec_name
    layout = request.args.get('layout', '')
    config = {
        'database': database,
        'user': user_id,
        'user_name': user_name,
        'layout': int(layout) if layout.isdigit() else None,
        'rpc': f'/{quote(database)}/rpc/',
        'static': f'/{quote(database)}/crm_analytics/static/',
        }
    # </ would end the script element the configuration is written in
    data = json.dumps(config, ensure_ascii=False).replace('</', '<\\/')
    response = _html('pivot.html', config=data, static=config['static'])
    response.headers['Cache-Control'] = 'no-store'
    return response


@app.route('/<database_name>/crm_analytics/static/<name>', methods=['GET'])
def pivot_static(request, database_name, name):
    if name not in STATIC_FILES:
        raise NotFound()
    response = Response((STATIC / name).read_bytes(),
        content_type=STATIC_FILES[name])
    response.headers['Cache-Control'] = 'no-cache'
    return response


def _export_cell(value):
    "A cell of the page's table: text, a number or empty; else refused"
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return value
    raise UserError(gettext('crm_analytics.msg_pivot_export_invalid'))


class Fact(metaclass=PoolMeta):
    __name__ = 'crm.analytics.fact'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__['render_table'] = RPC()

    @classmethod
    def render_table(cls, fmt, title, headers, rows, subtitle=None):
        """The table the pivot page shows (its numbers were computed from
        aggregate's groups) as a file: bytes of XLSX, CSV or PDF"""
        if (fmt not in EXPORT_FORMATS
                or not isinstance(title, str)
                or not isinstance(headers, list)
                or not isinstance(rows, list)
                or not all(isinstance(r, list) for r in rows)
                or (subtitle is not None and not isinstance(subtitle, str))):
            raise UserError(gettext('crm_analytics.msg_pivot_export_invalid'))
        if (len(headers) + 1) * (len(rows) + 1) > MAX_EXPORT_CELLS:
            raise UserError(gettext('crm_analytics.msg_pivot_export_large',
                    limit=MAX_EXPORT_CELLS))
        headers = [str(_export_cell(h) or '') for h in headers]
        rows = [[_export_cell(v) for v in row] for row in rows]
        return export.render(fmt, title[:200], headers, rows,
            subtitle=subtitle)


class Layout(metaclass=PoolMeta):
    __name__ = 'crm.analytics.layout'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__['pivot_layouts'] = RPC()
        cls._buttons.update({
                'open_pivot': {'icon': 'tryton-launch'},
                })

    @classmethod
    def pivot_layouts(cls):
        """The layouts the user reads (his own, then the shared ones) as
        the pivot page opens them: settings, the dates of their period,
        whether he may change them"""
        user = Transaction().user
        result = []
        for layout in cls.search([]):
            try:
                settings = layout.settings
            except UserError:
                # A layout broken by hand does not hide the others
                continue
            start, end = layout.dates()
            result.append({
                    'id': layout.id,
                    'name': layout.name,
                    'shared': bool(layout.shared),
                    'own': layout.user.id == user,
                    'period': layout.period,
                    'config': settings,
                    'start': _iso(start),
                    'end': _iso(end),
                    })
        result.sort(key=lambda l: (not l['own'], l['name'], l['id']))
        return result

    @classmethod
    @ModelView.button_action('crm_analytics.wizard_pivot_open')
    def open_pivot(cls, layouts):
        pass


def _iso(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value or None


class PivotOpen(Wizard):
    "Open the Pivot Table"
    __name__ = 'crm.analytics.pivot.open'
    start_state = 'open'
    open = StateAction('crm_analytics.url_pivot')

    def do_open(self, action):
        # The URL names the database: the page is served under its path,
        # where the back office's session cookie applies
        layout = None
        if (self.model and self.model.__name__ == 'crm.analytics.layout'
                and self.record):
            layout = self.record.id
        action['url'] = pivot_url(Transaction().database.name, layout)
        return action, {}
