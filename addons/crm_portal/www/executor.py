"""The executor's phone pages: «Мои заявки» and one work order with its
steps (take, resume, postpone with a reason, close with a decision and the
phone camera's photos) and comments on its appeal.

The handlers run as the executor's own back-office user with access
checked (see core.route), so crm_dispatch's record rules decide which
orders he sees: an order is only ever found through ``WorkOrder.search``.
Each step calls what the back office calls for it: the button (its
access and state checks) and then, for the steps that have a dialog, the
wizard's back-end (``do_postpone``, ``do_finish``) the way the wizard runs
it, without access checks once the records are checked."""
import mimetypes
import urllib.parse
from http import HTTPStatus

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from trytond.exceptions import UserError
from trytond.modules.crm_dispatch.work_order import OPEN, WAITING
from trytond.pool import Pool
from trytond.transaction import without_check_access

from .core import format_datetime, route
from .uploads import MAX_FILES, MAX_SIZE, UploadError, read_photos

# Emergency first; within a priority by the planned start
PRIORITY_RANK = {'emergency': 0, 'high': 1, 'normal': 2, 'low': 3}
# What a step says once done (the address names a key, never the text)
NOTICES = {
    'taken': "Заявка взята в работу.",
    'resumed': "Работа по заявке возобновлена.",
    'postponed': "Заявка отложена.",
    'done': "Заявка выполнена.",
    'commented': "Комментарий добавлен.",
    }


def _notice(page):
    return NOTICES.get(page.request.args.get('notice'))


def _selection(Model, name):
    "The labels of a selection field in the transaction's language"
    return dict(Model.fields_get([name])[name]['selection'])


def my_orders_domain():
    """The open orders of the «Мои» queue of the back office (the user's
    own, `mine`) and his teams' unallocated ones (as «Нераспределённые»
    shows them to him)"""
    pool = Pool()
    User = pool.get('res.user')
    teams = User.crm_executor_context()['crm_teams']
    return [
        ('state', 'in', OPEN),
        ['OR',
            ('mine', '=', True),
            [('employee', '=', None), ('state', 'in', WAITING),
                ('team', 'in', teams)],
            ],
        ]


def _order_of(page, order_id):
    "The work order the executor may see, else 404"
    WorkOrder = page.pool.get('crm.work_order')
    orders = WorkOrder.search([('id', '=', order_id)], limit=1)
    if not orders:
        raise NotFound()
    return orders[0]


def _sort_key(order):
    start = order.planned_start
    return (PRIORITY_RANK.get(order.priority, 9), start is None,
        start or 0, order.id)


@route('/orders', login='executor')
def orders(page):
    WorkOrder = page.pool.get('crm.work_order')
    records = sorted(WorkOrder.search(my_orders_domain()), key=_sort_key)
    return page.render('orders/list.html', title="Мои заявки",
        orders=records, states=_selection(WorkOrder, 'state'),
        priorities=_selection(WorkOrder, 'priority'),
        notice=_notice(page))


def _files(page, order):
    """Attachments of the order, its appeal and the appeal's comments that
    the executor may read: (attachment, is a picture)"""
    Attachment = page.pool.get('ir.attachment')
    resources = [str(order)]
    if order.appeal:
        resources.append(str(order.appeal))
        resources += [str(c) for c in order.appeal.comments]
    return Attachment.search([('resource', 'in', resources)],
        order=[('create_date', 'ASC'), ('id', 'ASC')])


def _is_picture(attachment):
    kind = mimetypes.guess_type(attachment.name or '')[0] or ''
    return kind.startswith('image/')


def render_order(page, order, status=HTTPStatus.OK, error=None,
        field=None, form=None):
    "The order's page; error: the refusal, next to field if it is one"
    pool = page.pool
    WorkOrder = pool.get('crm.work_order')
    Decision = pool.get('crm.work_order.decision')
    Comment = pool.get('crm.appeal.comment')
    appeal = order.appeal
    files = _files(page, order)
    if field in {'reason', 'decision', 'photos'} and (
            order.state != 'in_progress'):
        # Its form is gone (the order moved on): the refusal on top
        field = None
    return page.render('orders/detail.html', status=status,
        title=f"Заявка № {order.number}", order=order, appeal=appeal,
        comments=list(appeal.comments) if appeal else [],
        photos=[f for f in files if _is_picture(f)],
        documents=[f for f in files if not _is_picture(f)],
        decisions=Decision.search([]),
        states=_selection(WorkOrder, 'state'),
        priorities=_selection(WorkOrder, 'priority'),
        roles=_selection(Comment, 'author_role'),
        phone=_phone(appeal), tel=_tel(_phone(appeal)),
        planned_end=_planned_end(order),
        error=error, field=field, form=form or {},
        max_files=MAX_FILES, max_size=MAX_SIZE // (1024 * 1024),
        notice=_notice(page))


def _phone(appeal):
    "The phone to call: the appeal's contact, else the applicant's"
    if not appeal:
        return None
    applicant = appeal.applicant
    return (appeal.contact_phone
        or (applicant.phone or applicant.mobile if applicant else None))


def _planned_end(order):
    "The end of the plan: its time alone when on the day of the start"
    end, start = order.planned_end, order.planned_start
    if not end:
        return ''
    # Compared on the organisation's clock, as shown
    if start and (format_datetime(start, with_time=False)
            == format_datetime(end, with_time=False)):
        return format_datetime(end)[-5:]
    return format_datetime(end)


def _tel(phone):
    "The tel: address of a phone as written on the appeal"
    if not phone:
        return None
    digits = ''.join(c for c in phone if c.isdigit() or c == '+')
    return 'tel:' + urllib.parse.quote(digits, safe='+') if digits else None


@route('/orders/<int:order_id>', login='executor')
def order(page, order_id):
    return render_order(page, _order_of(page, order_id))


@route('/orders/<int:order_id>/files/<int:file_id>', login='executor')
def order_file(page, order_id, file_id):
    "A file of the order, its appeal or its comments, as its rules allow"
    order = _order_of(page, order_id)
    found = [f for f in _files(page, order) if f.id == file_id]
    if not found:
        raise NotFound()
    attachment, = found
    kind = mimetypes.guess_type(attachment.name or '')[0]
    inline = bool(kind) and kind.startswith('image/')
    response = Response(attachment.data or b'',
        mimetype=kind if inline else 'application/octet-stream')
    response.headers['Content-Disposition'] = '%s; filename*=UTF-8\'\'%s' % (
        'inline' if inline else 'attachment',
        urllib.parse.quote(attachment.name or 'file'))
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['Cache-Control'] = 'private, max-age=600'
    return response


def _step(page, order_id, action, field=None):
    """Run action(order) on the executor's order; a refusal shows the page
    again with its Russian text, nothing written.  field: the form field
    the refusal is about, or a function of the refusal naming it"""
    order = _order_of(page, order_id)
    try:
        action(order)
    except (UserError, UploadError) as exception:
        page.rollback()
        if callable(field):
            field = field(exception)
        order = _order_of(page, order_id)
        return render_order(page, order, status=HTTPStatus.BAD_REQUEST,
            error=page.error_text(exception), field=field,
            form=page.form.to_dict())
    return None


@route('/orders/<int:order_id>/take', methods=('POST',), login='executor')
def take(page, order_id):
    WorkOrder = page.pool.get('crm.work_order')
    refused = _step(page, order_id, lambda o: WorkOrder.take([o]))
    return refused or page.redirect(
        f'/orders/{order_id}', notice='taken')


@route('/orders/<int:order_id>/resume', methods=('POST',), login='executor')
def resume(page, order_id):
    WorkOrder = page.pool.get('crm.work_order')
    refused = _step(page, order_id, lambda o: WorkOrder.resume([o]))
    return refused or page.redirect(
        f'/orders/{order_id}', notice='resumed')


def _through_dialog(button, backend, order, *args, **kwargs):
    """As the back office: the button opens the dialog (its access and
    state checks under the user's rights), the dialog's end runs the
    back-end as a wizard does, without access checks.  Both dialogs are
    of orders in progress: an order that moved on since the page was
    shown is refused first by the model's own words for where it is now
    (the button's refusal names the method)"""
    order.lock_states([order], ['in_progress'])
    button([order])
    with without_check_access():
        backend([order], *args, **kwargs)


@route('/orders/<int:order_id>/postpone', methods=('POST',),
    login='executor')
def postpone(page, order_id):
    WorkOrder = page.pool.get('crm.work_order')
    reason = page.form.get('reason', '')
    refused = _step(page, order_id, lambda o: _through_dialog(
            WorkOrder.postpone, WorkOrder.do_postpone, o, reason),
        field='reason')
    return refused or page.redirect(
        '/orders', notice='postponed')


@route('/orders/<int:order_id>/close', methods=('POST',), login='executor',
    max_size=(MAX_FILES + 1) * MAX_SIZE)
def close(page, order_id):
    pool = page.pool
    WorkOrder = pool.get('crm.work_order')
    Decision = pool.get('crm.work_order.decision')

    def finish(order):
        decision = None
        value = page.form.get('decision', '')
        if value.isdigit():
            # Only a decision the executor may read
            found = Decision.search([('id', '=', int(value))], limit=1)
            decision = found[0] if found else None
        photos = read_photos(page.request)
        _through_dialog(WorkOrder.finish, WorkOrder.do_finish, order,
            decision, measures=page.form.get('measures', ''), photos=photos)
    def field(exception):
        if isinstance(exception, UploadError):
            return 'photos'
        return None if page.form.get('decision') else 'decision'
    refused = _step(page, order_id, finish, field=field)
    return refused or page.redirect(
        '/orders', notice='done')


@route('/orders/<int:order_id>/comment', methods=('POST',),
    login='executor')
def comment(page, order_id):
    Comment = page.pool.get('crm.appeal.comment')

    def post(order):
        if not order.appeal:
            raise NotFound()
        # What the card's «Комментарий» dialog creates, under the
        # executor's own rights (an executor may comment on his appeals)
        Comment.create([{
                    'appeal': order.appeal.id,
                    'text': page.form.get('text', ''),
                    }])
    refused = _step(page, order_id, post, field='text')
    return refused or page.redirect(
        f'/orders/{order_id}', notice='commented')
