"""The dispatch card on part of the demo appeals: types and directions,
responsible and executors, deadlines moved with a reason, comments (some
with files), outgoing appeals, and the expiry the scheduled task writes.

Employees are found by the name of their party in the organisation before
one is created (`ensure_employee`), so that the demo's teams and this step
may name the same people in either order."""
import base64
import datetime as dt

from .runtime import as_user

# Weights of the appeal types (codes of crm_dispatch's crm.appeal.type)
TYPE_WEIGHTS = {'request': 50, 'complaint': 30, 'suggestion': 10,
    'claim': 10}
# Who works the appeals besides the demo users, per organisation index
EMPLOYEES = [
    ["Орлов Дмитрий Андреевич", "Никитина Мария Олеговна",
        "Белов Антон Ильич"],
    ["Гусев Павел Романович", "Соколова Елена Викторовна"],
    ]
COMMENTS = [
    ("dispatcher", "Запросила данные у юр. группы"),
    ("dispatcher", "Позвонила жителю, доступ в квартиру будет после 18:00"),
    ("executor", "Был на месте, перекрыл стояк. Нужна замена участка трубы"),
    ("executor", "Фото повреждения во вложении"),
    ("dispatcher", "Согласовала с жителем перенос работ на завтра"),
    ("executor", "Работы выполнены, житель претензий не имеет"),
    ]
DEADLINE_REASONS = [
    "График исполнителя: бригада занята на аварии",
    "Ожидаем поставку материалов",
    "Житель просит перенести визит",
    ]
# A 1×1 PNG (the photo of a demo comment: what matters is that it is one)
PNG = base64.b64decode(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA'
    'hKmMIQAAAABJRU5ErkJggg==')


def ensure_employee(pool, company, name):
    """The employee of company whose party is named name, created (with
    the party) if there is none"""
    Employee = pool.get('company.employee')
    Party = pool.get('party.party')
    found = Employee.search([
            ('company', '=', company.id), ('party.name', '=', name)], limit=1)
    if found:
        return found[0]
    parties = Party.search([('name', '=', name)], limit=1)
    party = parties[0] if parties else Party.create([{'name': name}])[0]
    employee, = Employee.create([{'party': party.id, 'company': company.id}])
    return employee


class DispatchCard:
    "Needs the companies, users and appeals of the earlier steps"

    def make_dispatch_card(self):
        pool = self.pool
        Appeal = pool.get('crm.appeal')
        Type = pool.get('crm.appeal.type')
        types = {t.code: t for t in Type.search([])}
        codes = list(TYPE_WEIGHTS)
        counts = {'responsible': 0, 'comments': 0, 'files': 0,
            'outgoing': 0, 'deadline_moves': 0}
        for index, company in enumerate(self.companies):
            with as_user(0, company.id):
                appeals = Appeal.search([('company', '=', company.id)],
                    order=[('id', 'ASC')])
                # Types on every appeal, by SQL-free batches of one type
                by_type = {}
                for appeal in appeals:
                    code = self.choice_weighted(codes,
                        [TYPE_WEIGHTS[c] for c in codes])
                    by_type.setdefault(code, []).append(appeal)
                for code, group in by_type.items():
                    Appeal.write(group, {'appeal_type': types[code].id})
                staff = self.card_staff(company, index)
                if not staff['employees']:
                    continue
                worked = [a for a in appeals
                    if a.state in {'in_work', 'resolved'}]
                chosen = self.rng.sample(worked, k=min(len(worked),
                        max(1, len(worked) * 2 // 5)))
                self.assign_people(chosen, staff, counts)
                chosen = Appeal.browse([a.id for a in chosen])
            self.card_comments(chosen, staff, company, counts)
            self.card_deadlines(chosen, staff, company, counts)
            self.card_outgoing(chosen, staff, company, counts)
            if index == 0:
                self.card_example(company, staff, counts)
                self.card_due_soon(company, staff, counts)
        with as_user(0, self.companies[0].id):
            counts['expired'] = len(Appeal.expire_deadlines())
        self.summary['dispatch_card'] = counts
        self.bar.step("карточка обращения")

    def card_staff(self, company, index):
        """Employees of company who work appeals, the users behind the
        demo's, and the dispatchers who comment"""
        pool = self.pool
        Employee = pool.get('company.employee')
        users = getattr(self, 'users', {}) or {}
        dispatchers, executors = [], []
        # The supervisor first: he may act on every appeal of his
        # organisations, an operator on those of his lines only
        for login, user in sorted(users.items(),
                key=lambda i: not i[0].startswith('supervisor')):
            if company not in user.companies:
                continue
            if login.startswith('executor'):
                executors.append(user)
            elif login.startswith(('operator', 'supervisor')):
                dispatchers.append(user)
        employees = [e for u in executors for e in u.employees
            if e.company == company]
        names = EMPLOYEES[index] if index < len(EMPLOYEES) else []
        employees += [ensure_employee(pool, company, n) for n in names]
        responsible = [e for u in dispatchers for e in u.employees
            if e.company == company] + employees
        return {
            'employees': Employee.browse(employees),
            'responsible': Employee.browse(responsible),
            'dispatchers': dispatchers, 'executors': executors,
            }

    def assign_people(self, appeals, staff, counts):
        """A responsible and one or two executors; executor1 (the first
        executor's employee) gets a fair share, open ones among them"""
        Appeal = self.pool.get('crm.appeal')
        own = [e for u in staff['executors'] for e in u.employees]
        for i, appeal in enumerate(appeals):
            if own and i % 3 == 0:
                responsible = own[0]
            else:
                responsible = self.rng.choice(staff['responsible'])
            executors = self.rng.sample(list(staff['employees']),
                k=min(len(staff['employees']), self.rng.choice([1, 1, 2])))
            if own and i % 3 == 1 and own[0] not in executors:
                executors.append(own[0])
            Appeal.write([appeal], {
                    'responsible': responsible.id,
                    'executors': [('add', [e.id for e in executors])],
                    })
            counts['responsible'] += 1

    def card_comments(self, appeals, staff, company, counts):
        """One to three comments on half of the appeals, in the days after
        receipt, by a dispatcher and an executor of it; some with a
        file"""
        pool = self.pool
        Comment = pool.get('crm.appeal.comment')
        table = Comment.__table__()
        from trytond.transaction import Transaction
        cursor = Transaction().connection.cursor()
        for appeal in appeals[::2]:
            authors = {
                'dispatcher': [u for u in staff['dispatchers']
                    if u.login.startswith('supervisor')
                    or appeal.support_line in u.crm_lines],
                'executor': [u for u in staff['executors']
                    if set(u.employees) & set(appeal.executors
                        + ((appeal.responsible,)
                            if appeal.responsible else ()))],
                }
            moment = appeal.received_date
            for n in range(self.rng.choice([1, 2, 3])):
                role, text = self.rng.choice(COMMENTS)
                users = authors[role] or authors['dispatcher']
                if not users:
                    continue
                user = self.rng.choice(users)
                files = []
                if role == 'executor' or n == 2:
                    files = [{'name': f'фото_{appeal.number}_{n + 1}.png',
                            'data': PNG}]
                    counts['files'] += 1
                with as_user(user.id, company.id):
                    comment, = Comment.create([{
                                'appeal': appeal.id, 'text': text,
                                'attachments': [('create', files)]
                                if files else [],
                                }])
                moment = min(moment + dt.timedelta(
                        hours=self.rng.randint(2, 30)), self.now)
                cursor.execute(*table.update([table.date], [moment],
                        where=table.id == comment.id))
                counts['comments'] += 1

    def card_deadlines(self, appeals, staff, company, counts):
        "Some open appeals get a later deadline, with a reason"
        Appeal = self.pool.get('crm.appeal')
        if not staff['dispatchers']:
            return
        user = staff['dispatchers'][0]
        for appeal in [a for a in appeals if a.state == 'in_work'][:6]:
            deadline = max(appeal.deadline or self.now, self.now) + \
                dt.timedelta(days=self.rng.randint(1, 5))
            with as_user(user.id, company.id):
                Appeal.move_deadline([Appeal(appeal.id)], deadline,
                    self.rng.choice(DEADLINE_REASONS))
            counts['deadline_moves'] += 1

    def card_outgoing(self, appeals, staff, company, counts):
        "A few outgoing appeals made from incoming ones"
        Appeal = self.pool.get('crm.appeal')
        if not staff['dispatchers']:
            return
        user = staff['dispatchers'][0]
        for appeal in [a for a in appeals if a.applicant][:4]:
            with as_user(user.id, company.id):
                Appeal(appeal.id).make_outgoing(
                    "Сообщить жителю о сроках выполнения работ")
            counts['outgoing'] += 1

    def card_example(self, company, staff, counts, wanted=3):
        """A few appeals in work of line 1 show the whole card to their
        operator: a responsible, a comment with a file, past appeals of
        their premise that he may read, no extra fields (their panel pushes
        the executors below the fold).  Chance leaves none on some days
        (the appeals' states follow the clock), and a visitor (and the
        browser test, as operator1) opens one; the browser tests that take,
        transfer or close appeals of line 1 may have used up one or two."""
        from trytond.transaction import check_access
        Appeal = self.pool.get('crm.appeal')
        Comment = self.pool.get('crm.appeal.comment')
        operators = [u for u in staff['dispatchers']
            if not u.login.startswith('supervisor')
            and 1 in [line.number for line in u.crm_lines]]
        if not operators:
            return
        with as_user(operators[0].id, company.id), check_access():
            appeals = [a for a in Appeal.search([
                        ('state', '=', 'in_work'),
                        ('direction', '=', 'incoming'),
                        ('premise', '!=', None),
                        ('support_line.number', '=', 1),
                        ], order=[('id', 'ASC')])
                if a.premise_appeals and not a.extra_fields]
            done = [a for a in appeals
                if a.responsible and a.comments and a.files]
            chosen = [a for a in appeals if a not in done][
                :max(wanted - len(done), 0)]
        for appeal in chosen:
            with as_user(0, company.id):
                appeal = Appeal(appeal.id)
                if not appeal.responsible:
                    self.assign_people([appeal], staff, counts)
            photo = {'name': f'фото_{appeal.number}.png', 'data': PNG}
            with as_user(operators[0].id, company.id):
                Comment.create([{
                            'appeal': appeal.id, 'text': COMMENTS[1][1],
                            'attachments': [('create', [photo])],
                            }])
            counts['comments'] += 1
            counts['files'] += 1

    def card_due_soon(self, company, staff, counts):
        """Two overdue appeals of line 1 get a deadline 3.5 hours away: the
        desks' «Срок истекает» panes (4 hours) are never empty for the
        first hours of a demo, whatever the clock did to the others"""
        Appeal = self.pool.get('crm.appeal')
        if not staff['dispatchers']:
            return
        with as_user(0, company.id):
            appeals = Appeal.search([
                    ('company', '=', company.id),
                    ('state', '=', 'in_work'),
                    ('support_line.number', '=', 1),
                    ('overdue', '=', True),
                    ], order=[('id', 'ASC')], limit=2)
        user = staff['dispatchers'][0]
        deadline = self.now + dt.timedelta(hours=3, minutes=30)
        for appeal in appeals:
            with as_user(user.id, company.id):
                Appeal.move_deadline([Appeal(appeal.id)], deadline,
                    DEADLINE_REASONS[2])
            counts['deadline_moves'] += 1
