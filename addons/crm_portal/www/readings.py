"""A resident gives the readings of his meters.

The meters are found through the portal's rules (only those of the
accounts linked to him); the reading is then taken by the billing's one
entry point, ``crm.meter.reading.submit(meter, value, source='portal',
photo=...)``, with full rights, so that the same checks as for an
operator apply: a refusal (below the previous reading, verification
expired, outside the days of the month) comes back as a UserError with
its Russian message, a spike is saved waiting for approval."""
from decimal import Decimal, InvalidOperation
from http import HTTPStatus

from werkzeug.exceptions import NotFound

from trytond.exceptions import UserError
from trytond.transaction import Transaction, without_check_access

from .appeals import _unchecked
from .billing import own_account  # noqa: F401 - registers the filters
from .core import route
from .uploads import UploadError, read_photos

READINGS = ('crm.meter', 'crm.meter.reading')
COUNTED = ['accepted', 'late']
MAX_VALUE = 20
NOTICES = {
    'accepted': "Показание принято.",
    'late': "Показание принято с опозданием: месяц уже рассчитывается, "
    "оно войдёт в следующий.",
    'approval': "Показание отправлено на согласование: расход намного "
    "больше обычного, его проверит сотрудник.",
    }
UNAVAILABLE = ("Передать показания через личный кабинет пока нельзя: "
    "сообщите их диспетчеру.")


def _submit(Reading):
    "The billing's entry point of readings, when the module has it"
    return getattr(Reading, 'submit', None)


def _meters(page):
    "[{meter data}] of the active meters of the resident's accounts"
    pool = page.pool
    Meter = pool.get('crm.meter')
    Reading = pool.get('crm.meter.reading')
    meters = _unchecked(Meter, Meter.search([
                ('state', '=', 'active'), ('kind', '=', 'individual')],
            order=[('account', 'ASC'), ('service', 'ASC'), ('id', 'ASC')]))
    rows = []
    for meter in meters:
        last = Reading.search([
                ('meter', '=', meter.id), ('state', 'in', COUNTED)],
            order=[('date', 'DESC'), ('id', 'DESC')], limit=1)
        waiting = Reading.search([
                ('meter', '=', meter.id), ('state', '=', 'approval')],
            order=[('date', 'DESC'), ('id', 'DESC')], limit=1)
        last = _unchecked(Reading, last)
        waiting = _unchecked(Reading, waiting)
        due = None
        if meter.verification_date and meter.verification_interval:
            verified = meter.verification_date
            try:
                due = verified.replace(
                    year=verified.year + meter.verification_interval)
            except ValueError:
                # Verified on the 29th of February
                due = verified.replace(
                    year=verified.year + meter.verification_interval,
                    day=28)
        rows.append({
                'id': meter.id,
                'account': meter.account.number,
                'address': (meter.account.premise.rec_name
                    if meter.account.premise else ''),
                'service': meter.service.name,
                'unit': meter.service.unit,
                'serial': meter.serial,
                'place': meter.place,
                'last': ({'value': last[0].value, 'date': last[0].date}
                    if last else {'value': meter.initial_value,
                        'date': None}),
                'waiting': ({'value': waiting[0].value,
                        'date': waiting[0].date} if waiting else None),
                'due': due,
                })
    return rows


def _render(page, status=HTTPStatus.OK, **values):
    Reading = page.pool.get('crm.meter.reading')
    values.setdefault('errors', {})
    values.setdefault('form', {})
    return page.render('readings/list.html', status=status,
        title="Показания счётчиков", meters=_meters(page),
        available=_submit(Reading) is not None, unavailable=UNAVAILABLE,
        **values)


@route('/readings', requires=READINGS)
def readings(page):
    notice = NOTICES.get(page.request.args.get('done', ''))
    return _render(page, notice=notice)


def own_meter(page, meter_id):
    "The active meter of the resident's account of the id, or 404"
    Meter = page.pool.get('crm.meter')
    found = Meter.search([('id', '=', meter_id), ('state', '=', 'active'),
            ('kind', '=', 'individual')], limit=1)
    if not found:
        raise NotFound()
    return _unchecked(Meter, found)[0]


@route('/readings/<int:meter_id>', methods=('POST',), requires=READINGS,
    max_size=6 * 1024 * 1024)
def submit(page, meter_id):
    Meter = page.pool.get('crm.meter')
    Reading = page.pool.get('crm.meter.reading')
    meter = own_meter(page, meter_id)
    value = page.form.get('value', '').strip()
    form = {'meter': meter.id, 'value': value}

    def refuse(message, status=HTTPStatus.BAD_REQUEST):
        return _render(page, status, form=form, errors={meter.id: message})
    take = _submit(Reading)
    if take is None:
        return refuse(UNAVAILABLE, HTTPStatus.SERVICE_UNAVAILABLE)
    if not value:
        return refuse("Введите показание счётчика.")
    try:
        number = Decimal(value.replace(' ', '').replace('\xa0', '')
            .replace(',', '.'))
        if len(value) > MAX_VALUE or not number.is_finite() or number < 0:
            raise InvalidOperation
    except InvalidOperation:
        return refuse("Введите показание числом, например 123,45.")
    try:
        photos = read_photos(page.request, field='photo', limit=1)
    except UploadError as error:
        return refuse(str(error))
    photo = photos[0][1] if photos else None
    try:
        # The meter was found through the rules: the billing's checks run
        # with full rights, as for an operator
        with Transaction().set_user(0), without_check_access():
            meter = Meter(meter.id)
            reading = take(meter, number, source='portal', photo=photo)
            state = reading.state
    except UserError as error:
        page.rollback()
        return refuse(page.error_text(error))
    return page.redirect('/readings', done=state if state in NOTICES
        else 'accepted')
