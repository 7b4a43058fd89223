"""Days and hours as every analytics figure counts them: a period is whole
local days of the organisation (its time zone, Moscow by default), the
database keeps naive UTC; hours between two datetimes in SQL on either
backend."""
import datetime as dt
from zoneinfo import ZoneInfo

from sql.functions import Extract

from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.modules.crm_dispatch.routing import DEFAULT_ZONE
from trytond.modules.crm_dispatch.sql_time import JulianDay
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access


def hours_between(start, end):
    "The SQL hours from start to end (datetimes) as a float"
    if backend.name == 'postgresql':
        return Extract('EPOCH', end - start) / 3600
    return (JulianDay(end) - JulianDay(start)) * 24


def as_date(value):
    "A date from a date, a datetime or an ISO text (None stays None)"
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def zone(company_id=None):
    "The time zone of the organisation (the context's by default)"
    Company = Pool().get('company.company')
    if company_id is None:
        company_id = Transaction().context.get('company')
    name = DEFAULT_ZONE
    if company_id:
        with without_check_access():
            name = Company(company_id).timezone or name
    return ZoneInfo(name)


def check_order(start, end):
    "Refuse in Russian a period whose start is after its end"
    if start and end and start > end:
        raise UserError(gettext('crm_analytics.msg_fact_period_order',
                start=start.strftime('%d.%m.%Y'),
                end=end.strftime('%d.%m.%Y')))


def utc_bounds(start, end, company_id=None):
    """The local days start…end (both included; None: open) as naive UTC
    datetimes [from, to)"""
    start, end = as_date(start), as_date(end)
    check_order(start, end)
    tz = zone(company_id)

    def utc(day):
        if not day:
            return None
        local = dt.datetime.combine(day, dt.time(), tz)
        return local.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return utc(start), utc(end + dt.timedelta(days=1) if end else None)
