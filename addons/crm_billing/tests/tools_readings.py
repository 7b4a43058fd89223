"""Fixtures of the readings tests: a fixed «today», the organisation's
readings settings, a meter with a history of monthly readings."""
import datetime as dt
from contextlib import contextmanager
from decimal import Decimal
from unittest.mock import patch

from trytond.pool import Pool

from .tools import create_meter


@contextmanager
def on_day(date):
    "Run as if today were date (ir.date.today, which the checks ask)"
    Date = Pool().get('ir.date')
    with patch.object(Date, 'today', return_value=date):
        yield


def set_settings(company, **values):
    "Save the organisation's billing settings with these values"
    Settings = Pool().get('crm.billing.settings')
    settings = Settings.get(company)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def monthly(meter, values, start, day=24):
    """Submit values as the readings of consecutive months from start's
    month, on day; return the readings"""
    Reading = Pool().get('crm.meter.reading')
    readings = []
    year, month = start.year, start.month
    for value in values:
        date = dt.date(year, month, day)
        with on_day(date):
            readings.append(Reading.submit(meter, Decimal(value)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return readings


def history_meter(account, service, serial='100200', initial='100',
        install=dt.date(2025, 12, 24), values=(110, 120, 130, 140, 150, 160),
        **kwargs):
    """A meter installed on install with initial, read monthly from the
    next month with values (10 m³ a month by default: Jan–Jun 2026)"""
    meter = create_meter(account, service, serial, initial=initial, **kwargs)
    meter.install_date = install
    meter.save()
    first = dt.date(install.year + install.month // 12,
        install.month % 12 + 1, 1)
    monthly(meter, values, first)
    return meter
