"""The JSON API an external billing pushes its data to and takes the
readings from, served by trytond's WSGI application:

    POST /<database>/crm_billing/external/<kind>   {"rows": [{...}, ...]}
    GET  /<database>/crm_billing/external/readings?start=YYYY-MM-DD&end=...

kind is accounts, charges, payments, balances or meters; a row's keys are
the column keys of the file templates (external_file.KINDS).  The caller
authenticates with a user application key («External Billing») of a user
of the organisation: ``Authorization: Bearer <key>``.  A refused push
answers 400 with the Russian message listing the wrong rows (row N is
the N-th element of "rows"); nothing of it is written."""
import datetime as dt
import json

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.protocols.wrappers import (
    allow_null_origin, user_application, with_pool, with_transaction)
from trytond.modules.crm_dispatch.res import as_user_in_russian
from trytond.wsgi import app

from .external_file import KINDS, READING_COLUMNS, text_value, write_file

PREFIX = '/<database_name>/crm_billing/external'
APPLICATION = 'crm_billing'


def _exchange(pool):
    "The journal model, or 404 where crm_billing is not activated"
    try:
        return pool.get('crm.billing.exchange')
    except KeyError:
        raise NotFound()


def _answer(exchange):
    return {'exchange': exchange.id, 'kind': exchange.kind,
        'lines': exchange.lines or 0, 'created': exchange.created or 0,
        'updated': exchange.updated or 0, 'replaced': exchange.deleted or 0,
        'skipped': exchange.skipped or 0}


@app.route(PREFIX + '/<kind>', methods=['POST'])
@allow_null_origin
@with_pool
@with_transaction(readonly=False, context={'language': 'ru'})
@user_application(APPLICATION)
def push(request, pool, kind):
    Exchange = _exchange(pool)
    if kind not in KINDS:
        raise NotFound()
    with as_user_in_russian():
        try:
            body = json.loads(request.get_data(as_text=True) or 'null')
        except ValueError:
            raise UserError(gettext('crm_billing.msg_external_json'))
        rows = body.get('rows') if isinstance(body, dict) else body
        if (not isinstance(rows, list)
                or not all(isinstance(r, dict) for r in rows)):
            raise UserError(gettext('crm_billing.msg_external_json'))
        exchange = Exchange.import_lines(
            kind, list(enumerate(rows, 1)), channel='api')
        return _answer(exchange)


@app.route(PREFIX + '/readings', methods=['GET'])
@allow_null_origin
@with_pool
@with_transaction(readonly=False, context={'language': 'ru'})
@user_application(APPLICATION)
def readings(request, pool):
    Exchange = _exchange(pool)
    with as_user_in_russian():
        try:
            start = dt.date.fromisoformat(request.args.get('start', ''))
            end = dt.date.fromisoformat(request.args.get('end', ''))
        except ValueError:
            raise UserError(gettext('crm_billing.msg_external_dates'))
        rows = Exchange.export_readings(start, end, channel='api')
        fmt = request.args.get('format')
        if fmt in ('csv', 'xlsx'):
            content = write_file(READING_COLUMNS, rows, fmt, 'Показания')
            mimetype = ('text/csv' if fmt == 'csv' else 'application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sheet')
            response = Response(content, mimetype=mimetype)
            response.headers['Content-Disposition'] = (
                f'attachment; filename="readings-{start}-{end}.{fmt}"')
            return response
        # Dates in ISO, numbers as strings of their digits: a program
        # reads them without a float's rounding
        return {'readings': [{
                    c.key: (text_value(row[c.key], c)
                        if row[c.key] is not None else None)
                    for c in READING_COLUMNS}
                for row in rows]}
