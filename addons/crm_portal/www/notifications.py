"""The resident's notifications: events of his appeals and, later,
campaign messages; opening the page marks what it shows as read."""
from .core import route

PER_PAGE = 20


def _page_number(page):
    try:
        return max(1, int(page.request.args.get('page', 1)))
    except ValueError:
        return 1


@route('/notifications')
def notifications(page):
    Notification = page.pool.get('crm.portal.notification')
    number = _page_number(page)
    # The portal's rules keep the search to the resident's own rows
    total = Notification.search_count([])
    pages = max(1, -(-total // PER_PAGE))
    number = min(number, pages)
    rows = Notification.search([],
        offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
    # Shown as they were before this visit: the unread ones in bold
    items = [{
            'title': n.title,
            'text': n.text,
            'kind': n.kind,
            'date': n.create_date,
            'unread': not n.read_date,
            'appeal': n.appeal.id if n.appeal else None,
            } for n in rows]
    Notification.mark_read(rows)
    return page.render('notifications/list.html', title="Уведомления",
        items=items, number=number, pages=pages, total=total,
        notice="Все уведомления прочитаны." if page.request.args.get(
            'read') else None)


@route('/notifications/read', methods=('POST',))
def read_all(page):
    Notification = page.pool.get('crm.portal.notification')
    Notification.mark_read(Notification.search([('read_date', '=', None)]))
    return page.redirect('/notifications', read=1)
