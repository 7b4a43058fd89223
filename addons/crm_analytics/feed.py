"""The data feed for BI tools (Superset, Power BI, Excel), served by
trytond's WSGI application:

    GET /<database>/crm_analytics/facts.json?after=0&limit=1000&start=&end=
    GET /<database>/crm_analytics/facts.csv?...
    GET /<database>/crm_analytics/facts.json?group=source,month&start=&end=

One row per appeal (``crm.analytics.fact.facts``, keyset pages in id
order) or, with ``group``, the sums and ratios by those dimensions
(``aggregate``), both counted under the record rules of the key's user as
the pivot page counts them.  The caller authenticates with a user
application key «Аналитика: выгрузка фактов обращений»
(``crm_analytics``): ``Authorization:
Bearer <key>`` or HTTP basic with the key as password."""
import datetime as dt
import json
from decimal import Decimal
from urllib.parse import urlencode

from werkzeug.exceptions import Forbidden, NotFound
from werkzeug.wrappers import Response

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.pool import PoolMeta
from trytond.protocols.wrappers import (
    allow_null_origin, user_application, with_pool, with_transaction)
from trytond.modules.crm_dispatch.res import as_user_in_russian
from trytond.wsgi import app

from . import export
from .facts import DIMENSIONS, MAX_PAGE, RATIOS, SUMS

APPLICATION = 'crm_analytics'
PREFIX = '/<database_name>/crm_analytics'
DEFAULT_PAGE = 1000


class UserApplication(metaclass=PoolMeta):
    "The key a BI tool reads the appeal facts with"
    __name__ = 'res.user.application'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        application = (APPLICATION, "Analytics (BI Feed)")
        if application not in cls.application.selection:
            cls.application.selection.append(application)


def _date(request, name):
    value = request.args.get(name) or None
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UserError(gettext('crm_analytics.msg_feed_date',
                name=name, value=value))


def _integer(request, name, default):
    value = request.args.get(name) or None
    if value is None:
        return default
    if not value.isdigit():
        raise UserError(gettext('crm_analytics.msg_feed_integer',
                name=name, value=value))
    return int(value)


def _group(request):
    value = request.args.get('group') or ''
    return [n.strip() for n in value.split(',') if n.strip()]


def _columns(Fact, group):
    "(name, title) of the output's columns"
    strings = Fact.fields_get(list(DIMENSIONS) + SUMS + list(RATIOS))
    if group is None:
        names = ['id', 'number', *DIMENSIONS, *SUMS]
        titles = {'id': 'ID', 'number': '№'}
    else:
        names = [*group, *SUMS, *RATIOS]
        titles = {}
    return [(n, titles.get(n) or strings[n]['string']) for n in names]


def _json_value(value):
    "Plain JSON for BI tools: ISO dates, numbers as numbers"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(repr(value))


def _next_url(request, after):
    args = request.args.to_dict()
    args['after'] = str(after)
    return f'{request.base_url}?{urlencode(args)}'


def _feed(request, pool, fmt):
    Fact = pool.get('crm.analytics.fact')
    with as_user_in_russian():
        start, end = _date(request, 'start'), _date(request, 'end')
        group = _group(request)
        next_after = None
        try:
            if group:
                rows = Fact.aggregate(group, start=start, end=end)['rows']
                # Times as the row feed gives them: ISO texts, which BI
                # tools read as dates
                for row in rows:
                    row.update(row['_sort'])
                columns = _columns(Fact, group)
            else:
                after = _integer(request, 'after', 0)
                limit = min(max(_integer(request, 'limit', DEFAULT_PAGE), 1),
                    MAX_PAGE)
                rows = Fact.facts(after=after, limit=limit,
                    start=start, end=end)
                columns = _columns(Fact, None)
                # A full page may have a next one; the last page is short
                # (or empty)
                if len(rows) == limit:
                    next_after = rows[-1]['id']
        except AccessError:
            # A valid key of a user who may not read appeals
            raise Forbidden()
    names = [n for n, _ in columns]
    if fmt == 'csv':
        content = export.render('csv', '', names,
            [[row.get(n) for n in names] for row in rows])
        response = Response(content, content_type='text/csv; charset=utf-8')
        response.headers['Content-Disposition'] = (
            'attachment; filename="crm-facts.csv"')
    else:
        body = {
            'columns': [{'name': n, 'title': t} for n, t in columns],
            'rows': [{n: row.get(n) for n in names} for row in rows],
            'group': group or None,
            'start': start, 'end': end,
            'next_after': next_after,
            'next': _next_url(request, next_after) if next_after else None,
            }
        response = Response(
            json.dumps(body, default=_json_value, ensure_ascii=False),
            content_type='application/json; charset=utf-8')
    if next_after:
        response.headers['X-Next-After'] = str(next_after)
        response.headers['Link'] = (
            f'<{_next_url(request, next_after)}>; rel="next"')
    return response


@app.route(PREFIX + '/facts.<fmt>', methods=['GET'])
@app.route(PREFIX + '/facts', methods=['GET'])
@allow_null_origin
@with_pool
@with_transaction(context={'language': 'ru'})
@user_application(APPLICATION)
def facts(request, pool, fmt=None):
    fmt = fmt or request.args.get('format') or 'json'
    if fmt not in {'json', 'csv'}:
        raise NotFound()
    try:
        pool.get('crm.analytics.fact')
    except KeyError:
        raise NotFound()
    return _feed(request, pool, fmt)
