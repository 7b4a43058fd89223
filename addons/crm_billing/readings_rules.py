"""The arithmetic of meter readings, apart from the database: the
counter's turn-over, the months between readings, the submission window.

Decisions where the rules (ПП РФ №354) are silent:
- a value below the previous one is a rollover of the counter only when the
  counter would have run less than a tenth of its range since (99 950 → 30
  on five digits: 80 m³); a bigger implied run is a typo or another meter,
  and is refused.  The consumption of a rollover is then checked against the
  average like any other (a spike through zero waits for approval);
- the average is a monthly rate: the consumption of the readings of the last
  N calendar months over the months they cover, so that readings taken every
  second month compare as well as monthly ones;
- the window may wrap over the month's end (from the 26th to the 5th); its
  last day is the month's last when the month is shorter."""
import calendar
import datetime as dt
from decimal import Decimal

# A rollover is believed when the counter ran less than this share of its
# range since the previous reading
ROLLOVER_SHARE = Decimal('0.1')


def counter_range(digits):
    "How many units a counter of these digits shows before it turns over"
    return Decimal(10) ** digits


def run(previous, value, digits):
    """(consumption, rollover) from the previous value to this one, through
    zero when the value is smaller"""
    if value >= previous:
        return value - previous, False
    return value + counter_range(digits) - previous, True


def plausible_rollover(consumption, digits):
    "Whether a turn-over of the counter this far is believed"
    return consumption < counter_range(digits) * ROLLOVER_SHARE


def months_between(start, end):
    "Calendar months from the month of start to the month of end"
    return (end.year - start.year) * 12 + end.month - start.month


def add_months(date, months):
    "The first day of the month months after (before, if negative) date's"
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def add_years(date, years):
    "The same day years later; the 29th of February falls on the 28th"
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def in_window(date, day_from, day_to):
    "Whether the date is within the days of the month day_from..day_to"
    last = calendar.monthrange(date.year, date.month)[1]
    day_from, day_to = min(day_from, last), min(day_to, last)
    if day_from <= day_to:
        return day_from <= date.day <= day_to
    return date.day >= day_from or date.day <= day_to


def monthly_average(chain, date, months):
    """The average consumption a month before date over the last months
    calendar months, or None without a basis.

    chain: the counted readings before date, oldest first, as
    (date, consumption) pairs, the first one being the meter's start
    (install date, which may be None; consumption None).  The readings dated
    in the window are summed and divided by the months from the reading
    before the first of them to the last of them."""
    start = add_months(date, -months)
    inside = [i for i, (d, _) in enumerate(chain) if d and d >= start
        and i > 0]
    if inside and chain[inside[0] - 1][0] is None:
        # the meter's start has no date: its first reading covers unknown
        # months and is only the base of the next ones
        inside = inside[1:]
    if not inside:
        return None
    base = chain[inside[0] - 1][0]
    last = chain[inside[-1]][0]
    total = sum(chain[i][1] for i in inside)
    return total / max(1, months_between(base, last))
