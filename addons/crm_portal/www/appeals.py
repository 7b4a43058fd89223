"""A resident's appeals: the topics, the form of a new appeal, the list,
the detail page and the resident's steps (message, close, reopen, rate).

Reads go through the portal's record rules (the handler runs as the
portal's technical user bound to the resident); a write first finds its
record that way, then runs as the system so that the back office's own
code (numbering, routing, deadlines, stages, events) does its work."""
import datetime as dt
from http import HTTPStatus

from werkzeug.exceptions import NotFound

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from . import appeal_form
from .core import _local, route
from .uploads import MAX_FILES, UploadError, read_photos

PAGE_SIZE = 20
MAX_TEXT = 4000
CLOSE_TEXT = "Закрыто жителем через личный кабинет"
# What a resident reads when the appeal has no stage (made before stages)
STATE_NAMES = {
    'draft': "Принято",
    'in_work': "В работе",
    'resolved': "Выполнено",
    'rejected': "Отклонено",
    }
# The events that move an appeal along: its history for the resident
HISTORY_KINDS = {'created', 'taken', 'closed', 'rejected', 'reopened',
    'stage'}
OPEN_STATES = {'draft', 'in_work'}


# --- finding through the rules ----------------------------------------

def _unchecked(Model, records):
    "The records found through the rules, to read their related data"
    with without_check_access():
        return Model.browse([r.id for r in records])


def own_appeal(page, appeal_id):
    "The resident's appeal of the id, or 404 (the rules decide)"
    Appeal = page.pool.get('crm.appeal')
    appeals = Appeal.search([('id', '=', appeal_id)], limit=1)
    if not appeals:
        raise NotFound()
    appeal, = _unchecked(Appeal, appeals)
    return appeal


def own_accounts(page):
    "The personal accounts linked to the resident (the rules decide)"
    Account = page.pool.get('crm.account')
    return _unchecked(Account, Account.search([]))


def portal_reason(page, reason_id):
    "An active reason offered on the portal, or 404"
    Reason = page.pool.get('crm.appeal.reason')
    with without_check_access():
        reasons = Reason.search([
                ('id', '=', reason_id),
                ('portal', '=', True),
                ('group.active', '=', True),
                ], limit=1)
    if not reasons:
        raise NotFound()
    return reasons[0]


def stage_name(appeal):
    if appeal.stage:
        return appeal.stage.public_name
    return STATE_NAMES.get(appeal.state, '')


# --- topics and the form of a new appeal ----------------------------------

@route('/appeals/new')
def topics(page):
    Reason = page.pool.get('crm.appeal.reason')
    with without_check_access():
        reasons = Reason.search([
                ('portal', '=', True),
                ('group.active', '=', True),
                ('group.service', '!=', True),
                ], order=[('group.name', 'ASC'), ('name', 'ASC')])
    groups = []
    for reason in reasons:
        if not groups or groups[-1][0] != reason.group:
            groups.append((reason.group, []))
        groups[-1][1].append(reason)
    return page.render('appeals/topics.html', title="Новая заявка",
        groups=groups)


@route('/appeals/new/<int:reason>', methods=('GET', 'POST'),
    max_size=(MAX_FILES + 1) * 5 * 1024 * 1024)
def new_appeal(page, reason):
    reason = portal_reason(page, reason)
    with without_check_access():
        extra_fields = appeal_form.fields_of_reason(page.pool, reason)
    accounts = own_accounts(page)
    # A resident with one linked account means that one
    values = {'description': '',
        'account': str(accounts[0].id) if len(accounts) == 1 else ''}
    raw, errors = {}, {}
    if page.request.method == 'POST':
        form = page.form
        raw = appeal_form.read_raw(extra_fields, form)
        values = {
            'description': (form.get('description') or '').strip(),
            'account': (form.get('account') or '').strip(),
            }
        extra, errors = appeal_form.parse(extra_fields, raw)
        account = _chosen_account(values['account'], accounts)
        if not values['description']:
            errors['description'] = gettext(
                'crm_portal.msg_appeal_description_required')
        elif len(values['description']) > MAX_TEXT:
            errors['description'] = gettext(
                'crm_portal.msg_appeal_description_long', limit=MAX_TEXT)
        try:
            photos = read_photos(page.request)
        except UploadError as error:
            errors['photos'] = str(error)
        company = _company(page, account, accounts)
        if company is None:
            errors['account'] = gettext(
                'crm_portal.msg_appeal_account_needed')
        if not errors:
            try:
                appeal = create_appeal(page, reason, company, account,
                    values['description'], extra, photos)
            except UserError as error:
                page.rollback()
                errors[''] = page.error_text(error)
            else:
                return page.redirect('/appeals/%s' % appeal.id,
                    created=1)
    return page.render('appeals/form.html',
        status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
        title=reason.name, reason=reason,
        fields=appeal_form.widgets(extra_fields, raw),
        accounts=accounts, values=values, errors=errors,
        max_files=MAX_FILES)


def _chosen_account(value, accounts):
    "The linked account of the form, None when none; a foreign id is 404"
    if not value:
        return None
    try:
        account_id = int(value)
    except ValueError:
        raise NotFound()
    for account in accounts:
        if account.id == account_id:
            return account
    raise NotFound()


def _company(page, account, accounts):
    """The organisation that receives the appeal: the chosen account's;
    without one, the organisation of all the resident's linked accounts
    or the only one the portal serves; None when that is ambiguous"""
    if account:
        return account.company
    Company = page.pool.get('company.company')
    companies = {a.company.id for a in accounts}
    if len(companies) != 1:
        companies = set(page.pool.get('web.user').portal_companies())
    if len(companies) == 1:
        return Company(companies.pop())
    return None


def resident_party(pool, web_user):
    "The resident's party, made from his web account when he has none"
    Party = pool.get('party.party')
    WebUser = pool.get('web.user')
    if web_user.party:
        return web_user.party
    name = (getattr(web_user, 'name', None) or web_user.email
        or getattr(web_user, 'phone', None) or "Житель")
    party, = Party.create([{'name': name}])
    WebUser.write([WebUser(web_user.id)], {'party': party.id})
    return party


def create_appeal(page, reason, company, account, description, extra,
        photos):
    "The appeal as the system creates it: routed like any other"
    pool = page.pool
    Appeal = pool.get('crm.appeal')
    Configuration = pool.get('crm.configuration')
    web_user = page.web_user
    with Transaction().set_user(0), Transaction().set_context(
            company=company.id, _check_access=False):
        source = Configuration.portal_source_of_appeals()
        party = resident_party(pool, web_user)
        values = {
            'company': company.id,
            'source': source.id,
            'applicant': party.id,
            'contact_email': web_user.email or None,
            'contact_phone': getattr(web_user, 'phone', None) or None,
            'reason_group': reason.group.id,
            'reason': reason.id,
            'description': description,
            'extra_fields': extra or None,
            }
        if account:
            values['accounts'] = [('add', [account.id])]
            if account.premise:
                values['premise'] = account.premise.id
                values['building'] = account.premise.building.id
        appeal, = Appeal.create([values])
        attach(pool, appeal, photos)
    return appeal


def attach(pool, record, photos):
    "The cleaned photos as files of record the resident sees"
    Attachment = pool.get('ir.attachment')
    if photos:
        with Transaction().set_user(0), without_check_access():
            Attachment.create([{
                        'name': name, 'resource': str(record),
                        'type': 'data', 'data': data,
                        'portal_public': True,
                        } for name, data in photos])


# --- the list and the detail page -------------------------------------------

@route('/appeals')
def appeals(page):
    Appeal = page.pool.get('crm.appeal')
    try:
        number = max(int(page.request.args.get('page', 1)), 1)
    except ValueError:
        number = 1
    total = Appeal.search_count([])
    found = Appeal.search([],
        order=[('received_date', 'DESC'), ('id', 'DESC')],
        offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    rows = [{
            'appeal': a,
            'stage': stage_name(a),
            'open': a.state in OPEN_STATES,
            } for a in _unchecked(Appeal, found)]
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return page.render('appeals/list.html', title="Мои заявки", rows=rows,
        total=total, number=number, pages=pages)


# What the detail page says after a step succeeded (?<key>=1)
NOTICES = {
    'created': "Заявка отправлена. Мы сообщим, когда она будет выполнена.",
    'sent': "Сообщение отправлено.",
    'closed': "Заявка закрыта.",
    'reopened': "Заявка возобновлена и снова в работе.",
    'rated': "Спасибо за оценку!",
    }


@route('/appeals/<int:id>')
def appeal_detail(page, id):
    appeal = own_appeal(page, id)
    notice = next((text for key, text in NOTICES.items()
            if page.request.args.get(key)), None)
    return page.render('appeals/detail.html', notice=notice,
        **detail_values(page, appeal))


def detail_values(page, appeal):
    pool = page.pool
    Message = pool.get('crm.appeal.message')
    Event = pool.get('crm.appeal.event')
    Attachment = pool.get('ir.attachment')
    ExtraField = pool.get('crm.appeal.extra_field')
    messages = _unchecked(Message, Message.search([
                ('appeal', '=', appeal.id)],
            order=[('date', 'ASC'), ('id', 'ASC')]))
    with without_check_access():
        events = Event.search([
                ('appeal', '=', appeal.id),
                ('kind', 'in', sorted(HISTORY_KINDS)),
                ], order=[('date', 'ASC'), ('id', 'ASC')])
        files = Attachment.search([
                ('resource', 'in',
                    [str(appeal)] + [str(m) for m in messages]),
                ('portal_public', '=', True),
                ], order=[('create_date', 'ASC'), ('id', 'ASC')])
        extra = (appeal_form.formatted(
                ExtraField.of_reason(appeal.reason), appeal.extra_fields)
            if appeal.reason else [])
        history = [{
                'date': e.date,
                'name': (e.to_stage.public_name if e.to_stage
                    else STATE_NAMES.get(e.state, '')),
                } for e in events]
    by_resource = {}
    for file in files:
        by_resource.setdefault(str(file.resource), []).append(file)
    # Two events of one step (state and stage) tell the same name once
    history = [h for i, h in enumerate(history)
        if i == 0 or h['name'] != history[i - 1]['name']]
    return {
        'title': "Заявка № %s" % appeal.number,
        'appeal': appeal,
        'stage': stage_name(appeal),
        'extra': extra,
        'history': history,
        'messages': messages,
        'files': by_resource,
        'may_close': may_close(appeal),
        'may_reopen': reopen_refusal(appeal) is None,
        'may_rate': appeal.state == 'resolved' and appeal.rating is None,
        'max_files': MAX_FILES,
        }


# --- the resident's steps ------------------------------------------------

def _refused(page, appeal, message, **values):
    "The detail page again with the refusal; nothing of the step is kept"
    page.rollback()
    values.setdefault('errors', {})
    values['errors'].setdefault('', message)
    return page.render('appeals/detail.html', status=HTTPStatus.BAD_REQUEST,
        **detail_values(page, own_appeal(page, appeal.id)), **values)


@route('/appeals/<int:id>/message', methods=('POST',),
    max_size=(MAX_FILES + 1) * 5 * 1024 * 1024)
def post_message(page, id):
    Message = page.pool.get('crm.appeal.message')
    appeal = own_appeal(page, id)
    text = (page.form.get('text') or '').strip()
    errors = {}
    if not text:
        errors['text'] = gettext('crm_portal.msg_appeal_message_required')
    elif len(text) > MAX_TEXT:
        errors['text'] = gettext(
            'crm_portal.msg_appeal_message_long', limit=MAX_TEXT)
    try:
        photos = read_photos(page.request)
    except UploadError as error:
        errors['photos'] = str(error)
    if errors:
        return _refused(page, appeal, None, errors=errors, text=text)
    try:
        with Transaction().set_user(0), without_check_access():
            message, = Message.create([{
                        'appeal': appeal.id,
                        'author_kind': 'resident',
                        'web_user': page.web_user.id,
                        'date': dt.datetime.now(),
                        'text': text,
                        'public': True,
                        }])
        attach(page.pool, message, photos)
    except UserError as error:
        return _refused(page, appeal, page.error_text(error), text=text)
    return page.redirect('/appeals/%s' % appeal.id, sent=1)


def may_close(appeal):
    return (appeal.state in OPEN_STATES and bool(appeal.stage)
        and bool(appeal.stage.resident_may_close))


@route('/appeals/<int:id>/close', methods=('POST',))
def close(page, id):
    Appeal = page.pool.get('crm.appeal')
    appeal = own_appeal(page, id)
    if not may_close(appeal):
        return _refused(page, appeal, gettext(
                'crm_portal.msg_appeal_close_refused', appeal=appeal.number))
    try:
        with Transaction().set_user(0), without_check_access():
            Appeal.do_close([Appeal(appeal.id)], CLOSE_TEXT, notify=False)
    except UserError as error:
        return _refused(page, appeal, page.error_text(error))
    return page.redirect('/appeals/%s' % appeal.id, closed=1)


def reopen_refusal(appeal, now=None):
    """Why the resident may not reopen the appeal (Russian), or None: only
    a resolved one, within the days of the settings, counted in calendar
    days on the organisation's clock"""
    Configuration = Pool().get('crm.configuration')
    if appeal.state != 'resolved' or not appeal.closed_date:
        return gettext('crm_portal.msg_appeal_reopen_refused')
    days = Configuration.reopen_days()
    now = now or dt.datetime.now()
    elapsed = (_local(now).date() - _local(appeal.closed_date).date()).days
    if elapsed > days:
        return gettext('crm_portal.msg_appeal_reopen_late',
            appeal=appeal.number, days=days)
    return None


@route('/appeals/<int:id>/reopen', methods=('POST',))
def reopen(page, id):
    Appeal = page.pool.get('crm.appeal')
    appeal = own_appeal(page, id)
    refusal = reopen_refusal(appeal)
    if refusal:
        return _refused(page, appeal, refusal)
    try:
        with Transaction().set_user(0), without_check_access():
            Appeal.reopen([Appeal(appeal.id)])
    except UserError as error:
        return _refused(page, appeal, page.error_text(error))
    return page.redirect('/appeals/%s' % appeal.id, reopened=1)


@route('/appeals/<int:id>/rate', methods=('POST',))
def rate(page, id):
    Appeal = page.pool.get('crm.appeal')
    appeal = own_appeal(page, id)
    comment = (page.form.get('comment') or '').strip()[:MAX_TEXT] or None
    try:
        rating = int(page.form.get('rating') or '')
    except ValueError:
        rating = None
    if appeal.rating is not None:
        return _refused(page, appeal, gettext(
                'crm_portal.msg_appeal_rated_already', appeal=appeal.number))
    if rating not in range(1, 6):
        return _refused(page, appeal,
            gettext('crm_portal.msg_appeal_rating_invalid'),
            comment=comment or '')
    try:
        with Transaction().set_user(0), without_check_access():
            Appeal.do_rate([Appeal(appeal.id)], rating, comment)
    except UserError as error:
        return _refused(page, appeal, page.error_text(error))
    return page.redirect('/appeals/%s' % appeal.id, rated=1)
