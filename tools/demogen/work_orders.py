"""Executor teams, their people and work orders in every state.

Three teams of the first organisation (plumbers, electricians and a lift
contractor), six executors (executor1 … executor6, created with the other
demo users) with positions; work orders on part of the demo appeals, moved
through the module's own steps as the executor or the dispatcher would:
open orders on appeals in work, done and cancelled ones on resolved
appeals; photos of the result on some done orders."""
import datetime as dt
import struct
import zlib

TEAMS = [
    # key, name, department, contractor party, working hours
    ('plumbers', "Сантехники", 'plumbing', None,
        "Пн–Пт 08:00–17:00, дежурный круглосуточно"),
    ('electricians', "Электрики", 'electrical', None,
        "Пн–Пт 08:00–17:00"),
    ('lifts', "Лифтсервис (подрядчик)", 'repair', "ООО «Лифтсервис-Вологда»",
        "Круглосуточно"),
    ]
EXECUTORS = [
    # login, team, position
    ('executor1', 'plumbers', "слесарь-сантехник"),
    ('executor2', 'plumbers', "слесарь-сантехник"),
    ('executor3', 'electricians', "электромонтёр"),
    ('executor4', 'electricians', "электромонтёр"),
    ('executor5', 'lifts', "электромеханик по лифтам"),
    ('executor6', 'lifts', "электромеханик по лифтам"),
    ]
TASKS = {
    'plumbers': ["Осмотреть стояк ХВС, устранить протечку",
        "Заменить смеситель на кухне", "Прочистить канализационный стояк",
        "Проверить давление в системе отопления"],
    'electricians': ["Заменить автомат в этажном щитке",
        "Восстановить освещение в подъезде", "Проверить проводку в щитке"],
    'lifts': ["Устранить остановку лифта между этажами",
        "Проверить работу дверей кабины лифта"],
    }
PLANNED_TASKS = {
    'plumbers': "Плановый осмотр подвала и стояков перед отопительным "
    "сезоном",
    'electricians': "Плановый осмотр этажных щитков",
    'lifts': "Ежемесячное техническое обслуживание лифтов",
    }
MEASURES = ["Заменена прокладка, течь устранена", "Установлен новый смеситель",
    "Стояк прочищен, проверен пролив", "Заменён автомат 16 А",
    "Заменены лампы, освещение восстановлено", "Отрегулированы двери кабины"]
POSTPONE_REASONS = ["Нет доступа в квартиру, жильцов нет дома",
    "Нужна запчасть, заказана у поставщика",
    "Требуется отключение стояка по графику"]
# state of the order: how many of each (open states on appeals in work)
OPEN_PLAN = [('unallocated', 6), ('assigned', 6), ('in_progress', 5),
    ('postponed', 4), ('redirected', 3)]
CLOSED_PLAN = [('done', 12), ('cancelled', 3)]
PLANNED = ['unallocated', 'assigned', 'in_progress']


def png(width, height, rgb):
    "A plain PNG picture of one colour (a stand-in for a photo)"
    raw = b''.join(b'\x00' + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        body = kind + data
        return (struct.pack('>I', len(data)) + body
            + struct.pack('>I', zlib.crc32(body) & 0xffffffff))
    return (b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
        + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


class WorkOrders:
    "Needs the users, the companies, the buildings and the appeals"

    def make_work_orders(self):
        if not self.users or 'executor6' not in self.users:
            return
        company = self.companies[0]
        from .runtime import as_user
        with as_user(0, company.id):
            self._make_blank()
            teams = self._make_teams(company)
            employees = self._place_executors(teams)
            self._make_orders(company, teams, employees)

    def _make_blank(self):
        "«Наряд-заказ» from the example, for the emergency dispatch line"
        Blank = self.get('crm.blank')
        Blank.create([{'name': "Наряд-заказ", 'kind': 'work_order',
                    'lines': [('add', [self.lines[2].id])]}])
        self.summary['blanks'] = self.summary.get('blanks', 0) + 1

    def _make_teams(self, company):
        Team = self.get('crm.executor.team')
        Party = self.get('party.party')
        buildings = [b.id for b in self.buildings if b.company == company]
        teams = {}
        for key, name, department, contractor, hours in TEAMS:
            party = None
            if contractor:
                party, = Party.create([{'name': contractor}])
            served = buildings if not contractor else buildings[::2]
            teams[key], = Team.create([{
                        'name': name, 'company': company.id,
                        'department': department,
                        'contractor': party.id if party else None,
                        'working_hours': hours,
                        'buildings': [('add', served)],
                        }])
        self.summary['teams'] = len(teams)
        return teams

    def _place_executors(self, teams):
        "{login: employee} of the executors, in their teams with positions"
        Employee = self.get('company.employee')
        Team = self.get('crm.executor.team')
        employees = {}
        for login, team, position in EXECUTORS:
            employee = self.users[login].employee
            Employee.write([employee], {'crm_position': position})
            Team.write([teams[team]], {'employees': [('add', [employee.id])]})
            employees[login] = employee
        self.summary['executors'] = len(employees)
        return employees

    def _make_orders(self, company, teams, employees):
        pool = self.pool
        Appeal = pool.get('crm.appeal')
        WorkOrder = pool.get('crm.work_order')
        ModelData = pool.get('ir.model.data')
        Decision = pool.get('crm.work_order.decision')
        from .runtime import as_user
        rng = self.rng
        appeals = Appeal.search([('company', '=', company.id),
                ('building', '!=', None)], order=[('id', 'ASC')])
        # Orders go out from the emergency dispatch line (2), not from
        # the billing questions of line 1
        line2 = self.lines[2].id
        operators = {self.users[l].id for l in ['operator1', 'operator2']}
        done = Decision(ModelData.get_id('crm_dispatch', 'decision_done'))
        by_team = {}
        for login, team, _ in EXECUTORS:
            by_team.setdefault(team, []).append(login)
        plan = []
        for state, states in [('in_work', OPEN_PLAN),
                ('resolved', CLOSED_PLAN)]:
            pool_ = [a for a in appeals if a.state == state
                and a.support_line and a.support_line.id == line2] or [
                a for a in appeals if a.state == state]
            rng.shuffle(pool_)
            kinds = [k for k, n in states for _ in range(n)]
            # Several orders on one appeal where appeals are few
            plan += [(pool_[j % len(pool_)], k)
                for j, k in enumerate(kinds)]
        # Planned work, on no appeal
        plan += [(None, k) for k in PLANNED]
        buildings = [b for b in self.buildings if b.company == company]
        counts = {}
        now = self.now
        for i, (appeal, kind) in enumerate(plan):
            # executor1 gets the first order of each open kind
            team = 'plumbers' if i < len(OPEN_PLAN) * 2 else rng.choice(
                list(teams))
            login = ('executor1' if team == 'plumbers' and i % 2 == 0
                else rng.choice(by_team[team]))
            if kind in {'done', 'cancelled'}:
                start = (appeal.closed_date or now) - dt.timedelta(hours=3)
            else:
                # Within the working day on Moscow's clock (09–17, naive
                # UTC 06–14), today or in the next days
                start = (now + dt.timedelta(days=rng.randint(0, 3))).replace(
                    hour=rng.randint(6, 14), minute=0, second=0,
                    microsecond=0)
                if start <= now:
                    start += dt.timedelta(days=1)
            # The appeal's operator dispatches (he sees it), else the
            # supervisor
            dispatcher = (appeal.operator.id if appeal and appeal.operator
                and appeal.operator.id in operators
                else self.users['supervisor'].id)
            building = appeal.building if appeal else rng.choice(buildings)
            with as_user(dispatcher, company.id):
                order, = WorkOrder.create([{
                            'company': company.id,
                            'appeal': appeal.id if appeal else None,
                            'building': building.id,
                            'premise': appeal.premise.id
                            if appeal and appeal.premise else None,
                            'team': teams[team].id,
                            'priority': rng.choice(
                                ['normal', 'normal', 'high', 'emergency']),
                            'planned_start': start,
                            'planned_end': start + dt.timedelta(hours=2),
                            'description': rng.choice(TASKS[team])
                            if appeal else PLANNED_TASKS[team],
                            }])
                if kind == 'unallocated':
                    counts[kind] = counts.get(kind, 0) + 1
                    continue
                if kind == 'cancelled':
                    WorkOrder.cancel([order])
                    counts[kind] = counts.get(kind, 0) + 1
                    continue
                WorkOrder.do_dispatch([order], employee=employees[login])
            user = self.users[login].id
            if kind == 'redirected':
                other = rng.choice([t for t in teams if t != team])
                with as_user(user, company.id):
                    WorkOrder.do_redirect([order], team=teams[other],
                        comment="Нужен специалист другого профиля")
            elif kind in {'in_progress', 'postponed', 'done'}:
                with as_user(user, company.id):
                    WorkOrder.take([order])
                    if kind == 'postponed':
                        WorkOrder.do_postpone([order],
                            rng.choice(POSTPONE_REASONS))
                    elif kind == 'done':
                        photos = [(f'{order.number}.png', png(160, 120,
                                        (rng.randint(60, 200), 140, 90)))
                            ] if i % 2 == 0 else []
                        WorkOrder.do_finish([order], done,
                            measures=rng.choice(MEASURES), photos=photos)
            counts[kind] = counts.get(kind, 0) + 1
        self.summary['work_orders'] = dict(sorted(counts.items()))
