"""A small fixed world whose figures are counted by hand below: every
analytics test (reports, pivot, feed, mailings) compares with these.

Organisation 1 «УК Север» (lines 1 and 2), organisation 2 «УК Юг»
(line 3).  Appeals (received, all in 2025; «open» = draft or in work):

 #  org line op   source reason    bldg received     deadline    state     closed       hours rating labour
 1  1   L1  op1  phone  leak      B1   01-10 09:00  01-11 09:00 resolved 01-10 15:00    6    5      60
 2  1   L1  op1  phone  leak      B1   01-12 10:00  01-13 10:00 resolved 01-14 10:00   48    2     120  late
 3  1   L1  op1  email  heating   B2   01-20 08:00  01-23 08:00 resolved 01-21 08:00   24    -      30
 4  1   L1  op1  email  leak      B2   02-03 12:00  02-04 12:00 in_work  -              -    -       -   overdue
 5  1   L1  op1  portal heating   B1   02-05 12:00  2099        in_work  -              -    -       -
 6  1   L2  op2  phone  recalc    B1   01-15 10:00  01-20 10:00 resolved 01-16 10:00   24    4      45
 7  1   L2  op2  portal recalc    B2   02-10 10:00  02-15 10:00 resolved 02-18 10:00  192    3      90  late
 8  1   L2  op2  phone  recalc    B2   02-11 10:00  02-16 10:00 rejected 02-11 12:00    2    -       -
 9  1   L2  op2  email  recalc    B1   02-20 10:00  2099        draft    -              -    -       -
10  1   -   -    phone  leak      B1   02-25 10:00  02-26 10:00 draft    -              -    -       -   overdue
11  2   L3  op3  phone  leak      B3   01-11 10:00  01-12 10:00 resolved 01-11 12:00    2    1      15
12  2   L3  op3  email  recalc    B3   02-11 10:00  02-12 10:00 in_work  -              -    -       -   overdue

Reasons leak («Протечка») and heating («Отопление») are of the group
«Ремонт», recalc («Перерасчёт») of «Начисления».  B1 is in district
«Центральный», B2 in «Заречный» (both organisation 1), B3 in «Южный».
Transfers (events «transferred»): #6 L1→L2, #7 L1→L2, #4 L2→L1.

Organisation 1 by hand: 10 appeals, 4 overdue (#2 #4 #7 #10); phone 5
(overdue 2), email 3 (overdue 1), portal 2 (overdue 1); January 4,
February 6; «Ремонт» 6, «Начисления» 4; closed (resolved or rejected)
6 with 296 hours in all; rated 4 with 14 stars (average 3.5); labour
op1 210 min, op2 135 min.  operator1 (line 1) may read #1–#5 and #10
(an appeal without a line is every operator's): 6 appeals; supervisor1
reads the 10 of organisation 1; neither reads #11 or #12."""
import datetime as dt

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_dispatch.tests.tools import create_staff
from trytond.pool import Pool
from trytond.transaction import Transaction

FAR = dt.datetime(2099, 1, 1)


def _d(month, day, hour=0, minute=0):
    return dt.datetime(2025, month, day, hour, minute)


APPEALS = [
    # org, line, operator, source, reason, building, received, deadline,
    # state, closed, rating, labour
    (1, 'L1', 'op1', 'phone', 'leak', 'B1', _d(1, 10, 9), _d(1, 11, 9),
        'resolved', _d(1, 10, 15), 5, 60),
    (1, 'L1', 'op1', 'phone', 'leak', 'B1', _d(1, 12, 10), _d(1, 13, 10),
        'resolved', _d(1, 14, 10), 2, 120),
    (1, 'L1', 'op1', 'email', 'heating', 'B2', _d(1, 20, 8), _d(1, 23, 8),
        'resolved', _d(1, 21, 8), None, 30),
    (1, 'L1', 'op1', 'email', 'leak', 'B2', _d(2, 3, 12), _d(2, 4, 12),
        'in_work', None, None, None),
    (1, 'L1', 'op1', 'portal', 'heating', 'B1', _d(2, 5, 12), FAR,
        'in_work', None, None, None),
    (1, 'L2', 'op2', 'phone', 'recalc', 'B1', _d(1, 15, 10), _d(1, 20, 10),
        'resolved', _d(1, 16, 10), 4, 45),
    (1, 'L2', 'op2', 'portal', 'recalc', 'B2', _d(2, 10, 10), _d(2, 15, 10),
        'resolved', _d(2, 18, 10), 3, 90),
    (1, 'L2', 'op2', 'phone', 'recalc', 'B2', _d(2, 11, 10), _d(2, 16, 10),
        'rejected', _d(2, 11, 12), None, None),
    (1, 'L2', 'op2', 'email', 'recalc', 'B1', _d(2, 20, 10), FAR,
        'draft', None, None, None),
    (1, None, None, 'phone', 'leak', 'B1', _d(2, 25, 10), _d(2, 26, 10),
        'draft', None, None, None),
    (2, 'L3', 'op3', 'phone', 'leak', 'B3', _d(1, 11, 10), _d(1, 12, 10),
        'resolved', _d(1, 11, 12), 1, 15),
    (2, 'L3', 'op3', 'email', 'recalc', 'B3', _d(2, 11, 10), _d(2, 12, 10),
        'in_work', None, None, None),
    ]
# (appeal number in APPEALS, 1-based; from line; to line)
TRANSFERS = [(6, 'L1', 'L2'), (7, 'L1', 'L2'), (4, 'L2', 'L1')]


def analytics_world():
    """Create the world above in the current transaction (as root); return
    a dict: org1, org2, the sources, groups, reasons, districts,
    buildings, lines and users by their short names, and 'appeals' (the
    list in the order of the table)"""
    pool = Pool()
    Source = pool.get('crm.appeal.source')
    Line = pool.get('crm.support_line')
    Group = pool.get('crm.appeal.reason.group')
    Reason = pool.get('crm.appeal.reason')
    District = pool.get('crm.district')
    Building = pool.get('crm.building')
    Appeal = pool.get('crm.appeal')
    Event = pool.get('crm.appeal.event')
    w = {}
    w['org1'] = org1 = create_company(name='УК Север')
    w['org2'] = org2 = create_company(
        name='УК Юг', currency=org1.currency)
    orgs = {1: org1, 2: org2}
    for code, name in [('phone', 'Телефон'), ('email', 'Электронная почта'),
            ('portal', 'Портал')]:
        w[code], = Source.create([{'name': name, 'code': code}])
    w['repairs'], w['charges'] = Group.create([
            {'name': 'Ремонт', 'code': 'repairs'},
            {'name': 'Начисления', 'code': 'charges'}])
    w['leak'], w['heating'], w['recalc'] = Reason.create([
            {'group': w['repairs'].id, 'name': 'Протечка', 'code': 'leak',
                'default_hours': 24},
            {'group': w['repairs'].id, 'name': 'Отопление',
                'code': 'heating', 'default_hours': 72},
            {'group': w['charges'].id, 'name': 'Перерасчёт',
                'code': 'recalc', 'default_hours': 120}])
    w['D1'], w['D2'], w['D3'] = District.create([
            {'name': 'Центральный', 'company': org1.id},
            {'name': 'Заречный', 'company': org1.id},
            {'name': 'Южный', 'company': org2.id}])
    w['B1'], w['B2'], w['B3'] = Building.create([
            {'company': org1.id, 'district': w['D1'].id, 'city': 'Вологда',
                'street': 'ул. Ленина', 'house': '1'},
            {'company': org1.id, 'district': w['D2'].id, 'city': 'Вологда',
                'street': 'ул. Мира', 'house': '2'},
            {'company': org2.id, 'district': w['D3'].id, 'city': 'Череповец',
                'street': 'ул. Южная', 'house': '3'}])
    w['L1'], w['L2'], w['L3'] = Line.create([
            {'number': n, 'name': f'Линия {n}', 'company': c.id,
                'appeal_access': 'own'}
            for n, c in [(1, org1), (2, org1), (3, org2)]])
    w['op1'] = create_staff('operator1', org1, [w['L1']])
    w['op2'] = create_staff('operator2', org1, [w['L2']])
    w['op3'] = create_staff('operator3', org2, [w['L3']])
    w['supervisor1'] = create_staff(
        'supervisor1', org1, group='group_crm_supervisor')

    table = Appeal.__table__()
    cursor = Transaction().connection.cursor()
    appeals = []
    for (org, line, op, source, reason, building, received, deadline,
            state, closed, rating, labour) in APPEALS:
        with set_company(orgs[org]):
            appeal, = Appeal.create([{
                        'company': orgs[org].id,
                        'source': w[source].id,
                        'reason_group': w[reason].group.id,
                        'reason': w[reason].id,
                        'building': w[building].id,
                        }])
        # Written by SQL: the life cycle and routing would set them from
        # the clock, the rules and the reason's terms
        cursor.execute(*table.update(
                [table.support_line, table.operator, table.received_date,
                    table.deadline, table.state, table.closed_date,
                    table.rating, table.labour_minutes],
                [w[line].id if line else None, w[op].id if op else None,
                    received, deadline, state, closed, rating, labour],
                where=table.id == appeal.id))
        appeals.append(appeal)
    # The local days of the times written by SQL
    Appeal._set_received_day([a.id for a in appeals])
    Event.create([{
                'appeal': appeals[n - 1].id, 'kind': 'transferred',
                'date': APPEALS[n - 1][6] + dt.timedelta(hours=1),
                'from_line': w[a].id, 'to_line': w[b].id, 'state': 'draft',
                } for n, a, b in TRANSFERS])
    w['appeals'] = Appeal.browse([a.id for a in appeals])
    return w
