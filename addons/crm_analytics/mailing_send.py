"""What a mailing run produces and sends, free of the models: the schedule
(next run in the organisation's local time), the attachment's name, the
password-protected ZIP and the e-mail through Tryton's SMTP settings."""
import calendar
import datetime as dt
import io
import re
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from trytond import config
from trytond.sendmail import get_smtp_server

DEFAULT_ZONE = 'Europe/Moscow'
# Characters no file system or mail client takes in a file name
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def zone_of(company):
    return ZoneInfo(getattr(company, 'timezone', None) or DEFAULT_ZONE)


def to_local(moment, zone):
    "A naive UTC datetime (as Tryton stores them) in the zone, naive"
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(zone).replace(
        tzinfo=None)


def to_utc(local, zone):
    "A naive local datetime of the zone as naive UTC"
    return local.replace(tzinfo=zone).astimezone(dt.timezone.utc).replace(
        tzinfo=None)


def _month_day(year, month, day):
    "The day of the month, or its last day when the month is shorter"
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def next_run(after, frequency, hour, weekday=None, day=None,
        zone=ZoneInfo(DEFAULT_ZONE)):
    """The first moment strictly after `after` (naive UTC) at which the
    schedule falls, as naive UTC: daily at hour:00 local time; weekly on
    the weekday (0 = Monday); monthly on the day, or on the month's last
    day when it has fewer days (the 31st runs on 30 April, 28 February)"""
    local = to_local(after, zone)
    at = dt.time(int(hour or 0))
    if frequency == 'daily':
        candidate = dt.datetime.combine(local.date(), at)
        if candidate <= local:
            candidate += dt.timedelta(days=1)
    elif frequency == 'weekly':
        ahead = (int(weekday or 0) - local.weekday()) % 7
        candidate = dt.datetime.combine(
            local.date() + dt.timedelta(days=ahead), at)
        if candidate <= local:
            candidate += dt.timedelta(days=7)
    elif frequency == 'monthly':
        year, month = local.year, local.month
        while True:
            candidate = dt.datetime.combine(
                _month_day(year, month, int(day or 1)), at)
            if candidate > local:
                break
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        raise ValueError(frequency)
    return to_utc(candidate, zone)


def file_name(name, day, extension):
    "`[name]_[yyyy-mm-dd].ext`: the seed's template, Cyrillic kept"
    stem = re.sub(r'[\s_]+', '_', _UNSAFE.sub('_', name).strip()) or 'report'
    return f'{stem}_{day.isoformat()}.{extension}'


def zip_protected(name, content, password):
    "A ZIP holding the file `name`, AES-256 encrypted with the password"
    import pyzipper
    data = io.BytesIO()
    with pyzipper.AESZipFile(data, 'w', compression=pyzipper.ZIP_DEFLATED,
            encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(password.encode('utf-8'))
        archive.writestr(name, content)
    return data.getvalue()


def ascii_address(address):
    "The address with its domain in IDNA (почта.рф → xn--80a1acny.xn--p1ai)"
    local, _, domain = address.rpartition('@')
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def letter(recipients, subject, body, attachment_name, content, mime):
    "The e-mail: Tryton's sender, every recipient in To, one attachment"
    message = EmailMessage()
    message['From'] = config.get('email', 'from')
    message['To'] = ', '.join(ascii_address(a) for a in recipients)
    message['Subject'] = subject
    message.set_content(body)
    maintype, subtype = mime.split('/', 1)
    message.add_attachment(content, maintype=maintype, subtype=subtype,
        filename=attachment_name)
    return message


def send(message, recipients):
    """Send now through the [email] uri; raise on any failure, including a
    recipient the server refused (the history says why)"""
    server = get_smtp_server(strict=True)
    try:
        refused = server.send_message(
            message, None, [ascii_address(a) for a in recipients])
    finally:
        try:
            server.quit()
        except Exception:
            pass
    if refused:
        raise RuntimeError('; '.join(
                f'{address}: {code} {reply.decode("utf-8", "replace")}'
                for address, (code, reply) in refused.items()))
