"""Who hears of a work order: its executor when it is assigned or
redirected to him, its dispatcher when it is postponed or done (a
notification in the web client and a letter, archived on the order, as
`appeal_routing.notify_observers` does for observers), and the appeal
when its last order is done."""
from email.message import EmailMessage

import trytond.config as config
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction, without_check_access


def _values(order):
    return {
        'number': order.number,
        'address': order.address or '—',
        'description': order.description or '',
        'state': dict(order.fields_get(['state'])['state']['selection'])[
            order.state],
        'reason': order.postpone_reason or '',
        'decision': order.decision.rec_name if order.decision else '',
        'comment': order.redirect_comment or '',
        }


def _users_of(employees):
    "The users who are employees"
    UserEmployee = Pool().get('res.user-company.employee')
    ids = {e.id for e in employees if e}
    if not ids:
        return []
    with without_check_access():
        links = UserEmployee.search([('employee', 'in', list(ids))])
        return sorted({l.user for l in links if l.user.active},
            key=lambda u: u.id)


def _send(order, users, label, description):
    Email = Pool().get('ir.email')
    WorkOrder = type(order)
    user_id = Transaction().user
    users = [u for u in users if u.id != user_id]
    # A notification is one line (a Char): the letter keeps the lines
    short = ' · '.join(l for l in description.splitlines() if l.strip())
    for user in users:
        WorkOrder.notify_user([order], 'tryton-notification', label,
            description=short, user=user.id)
    addresses = sorted({u.email for u in users if u.email})
    if not addresses:
        return None
    msg = EmailMessage()
    msg['From'] = config.get('email', 'from')
    msg['To'] = ', '.join(addresses)
    msg['Subject'] = label
    msg.set_content(description)
    send_message_transactional(msg)
    return Email.from_message(msg, body=description, resource=order)


def assigned(orders, redirected=False):
    """Tell the executor (else the team's people) that the order is his"""
    Email = Pool().get('ir.email')
    emails = []
    key = 'redirected' if redirected else 'assigned'
    for order in orders:
        if order.employee:
            users = _users_of([order.employee])
        elif order.team:
            users = _users_of(order.team.employees)
        else:
            continue
        values = _values(order)
        label = gettext(f'crm_dispatch.msg_work_order_{key}_label', **values)
        description = gettext(
            f'crm_dispatch.msg_work_order_{key}_text', **values)
        if email := _send(order, users, label, description):
            emails.append(email)
    Email.save(emails)


def to_dispatcher(orders, kind):
    "Tell the dispatcher of each order that it is postponed or done"
    Email = Pool().get('ir.email')
    emails = []
    for order in orders:
        if not order.dispatcher:
            continue
        values = _values(order)
        label = gettext(f'crm_dispatch.msg_work_order_{kind}_label', **values)
        description = gettext(
            f'crm_dispatch.msg_work_order_{kind}_text', **values)
        if email := _send(order, [order.dispatcher], label, description):
            emails.append(email)
    Email.save(emails)


def appeals_done(orders):
    "Write «Работы выполнены» on the appeals whose last open order is done"
    pool = Pool()
    Event = pool.get('crm.appeal.event')
    appeals = {o.appeal for o in orders if o.appeal}
    done = [a for a in appeals if a.works_done]
    Event.record(sorted(done, key=lambda a: a.id), 'works_done')
