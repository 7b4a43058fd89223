"""The resident's personal accounts: the list, linking one with a proof that
he holds it, unlinking.

Linking looks the account up with full rights (the resident cannot read an
account before it is linked), so the pages answer every wrong proof with
the same words and throttle the attempts: a code of eight digits cannot be
guessed at five tries a minute."""
from http import HTTPStatus

from werkzeug.exceptions import NotFound

from trytond.i18n import gettext
from trytond.transaction import Transaction

from ..account_link import clean_number, parse_area
from .core import route

THROTTLE_KIND = 'link'
NOTICES = {
    'linked': "Лицевой счёт привязан.",
    'unlinked': "Лицевой счёт отвязан. Его можно привязать снова.",
    }


def _rows(page):
    """What the resident sees of his accounts: found through the portal's
    rules, then described with full rights (organisation, address)"""
    pool = page.pool
    Link = pool.get('crm.portal.account.link')
    Account = pool.get('crm.account')
    links = Link.search([('active', '=', True)])
    linked = {}
    for link in links:
        linked.setdefault(link.account.id, link)
    ids = [a.id for a in Account.search([('id', 'in', list(linked))])]
    rows = []
    with Transaction().set_user(0), \
            Transaction().set_context(_check_access=False):
        for account in Account.browse(ids):
            link = Link(linked[account.id].id)
            rows.append({
                    'id': account.id,
                    'number': account.number,
                    'company': account.company.rec_name,
                    'address': (account.premise.rec_name
                        if account.premise else ''),
                    'holder': _short_name(account.holder),
                    'linked_date': link.linked_date,
                    'method': link.method,
                    })
    return rows


def _short_name(party):
    "«Иванова А. П.»: enough to recognise, not the whole name on the screen"
    if not party or not party.name:
        return ''
    surname, *others = party.name.split()
    return ' '.join([surname] + [w[0] + '.' for w in others[:2]])


def _own_account(page, account_id):
    "The account the resident has linked, or 404 (a foreign one too)"
    Account = page.pool.get('crm.account')
    accounts = Account.search([('id', '=', account_id)])
    if not accounts:
        raise NotFound()
    return accounts[0]


def _render(page, status=HTTPStatus.OK, **values):
    values.setdefault('form', {})
    values.setdefault('errors', {})
    values.setdefault('method', 'code')
    return page.render('accounts/list.html', status=status,
        title="Лицевые счета", accounts=_rows(page), **values)


@route('/accounts')
def accounts(page):
    notice = NOTICES.get(page.request.args.get('done', ''))
    return _render(page, notice=notice)


def _check_form(form):
    "The link form's field errors (the proof itself is checked later)"
    errors = {}
    if not clean_number(form['number']):
        errors['number'] = gettext('crm_portal.msg_link_number_required')
    if form['method'] == 'code':
        if not form['code']:
            errors['code'] = gettext('crm_portal.msg_link_code_required')
    else:
        if not form['surname']:
            errors['surname'] = gettext(
                'crm_portal.msg_link_surname_required')
        if parse_area(form['area']) is None:
            errors['area'] = gettext('crm_portal.msg_link_area_invalid')
    return errors


@route('/accounts/link', methods=('POST',))
def link(page):
    pool = page.pool
    Link = pool.get('crm.portal.account.link')
    Attempt = pool.get('crm.portal.attempt')
    form = {k: page.form.get(k, '').strip()
        for k in ['number', 'code', 'surname', 'area']}
    # The code form sends a code, the other one a surname and an area
    form['method'] = method = (
        'holder' if not form['code'] and (form['surname'] or form['area'])
        else 'code')
    errors = _check_form(form)
    if errors:
        return _render(page, HTTPStatus.BAD_REQUEST, form=form,
            errors=errors, method=method)
    # Per resident, per address and per account: many residents or many
    # addresses together do not make guessing one account's code faster
    keys = ['web_user:%s' % page.web_user.id, page.request.remote_addr,
        'account:' + clean_number(form['number'])]
    with Transaction().set_user(0):
        blocked = Attempt.blocked(THROTTLE_KIND, keys)
        if blocked:
            Attempt.add(THROTTLE_KIND, keys)
    if blocked:
        return _render(page, HTTPStatus.TOO_MANY_REQUESTS, form=form,
            method=method, error=gettext('crm_portal.msg_throttled'))
    if method == 'code':
        accounts = Link.verified_accounts(form['number'], code=form['code'])
    else:
        accounts = Link.verified_accounts(form['number'],
            surname=form['surname'], area=parse_area(form['area']))
    if not accounts:
        with Transaction().set_user(0):
            Attempt.add(THROTTLE_KIND, keys)
        return _render(page, HTTPStatus.BAD_REQUEST, form=form,
            method=method, error=gettext('crm_portal.msg_link_failed'))
    if not Link.link(page.web_user, accounts, method):
        return _render(page, notice=gettext('crm_portal.msg_link_already'))
    return page.redirect('/accounts', done='linked')


@route('/accounts/<int:account_id>/unlink', methods=('GET', 'POST'))
def unlink(page, account_id):
    pool = page.pool
    Link = pool.get('crm.portal.account.link')
    account = _own_account(page, account_id)
    if page.request.method == 'GET':
        row, = [r for r in _rows(page) if r['id'] == account.id]
        return page.render('accounts/unlink.html', title="Отвязать счёт",
            account=row)
    links = Link.search([('account', '=', account.id), ('active', '=', True)])
    with Transaction().set_user(0), \
            Transaction().set_context(_check_access=False):
        Link.deactivate(Link.browse([l.id for l in links]))
    return page.redirect('/accounts', done='unlinked')
