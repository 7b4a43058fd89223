"""The residents' website (crm_portal), when it is activated: the user
agreement, two demo residents with linked personal accounts, their appeals
sent from the portal in several stages with a public conversation, a few
notifications, the verification codes of every account and the portal's
source in the configuration.

    resident1@example.com  two accounts, five appeals (new, in work with a
                           conversation, resolved and rated, resolved
                           awaiting a rating, rejected)
    resident2@example.com  one account, four appeals (new, in work,
                           resolved and rated, rejected)

Both sign in with the demo password.  The appeals go through the module's
own workflow (take, close, rate, reject) as the operator who would do it;
the moments are then written back over the workflow's «now», as for the
other demo appeals.  A generator of its own keeps the rest of the demo the
same whether or not the portal is activated.
"""
import datetime as dt
import random

from . import data as D
from .runtime import as_user

AGREEMENT_TITLE = ("Пользовательское соглашение и согласие на обработку "
    "персональных данных")
AGREEMENT_TEXT = """\
1. Общие положения
1.1. Настоящее соглашение регулирует использование личного кабинета жителя \
на сайте управляющей организации (далее — личный кабинет).
1.2. Регистрируясь в личном кабинете, пользователь подтверждает, что \
ознакомился с соглашением и принимает его условия полностью.

2. Личный кабинет
2.1. В личном кабинете пользователь может подавать обращения, следить за их \
исполнением, переписываться с диспетчерской службой и оценивать выполненные \
работы.
2.2. Пользователь обязуется указывать достоверные сведения и не передавать \
свой пароль третьим лицам. Действия, совершённые под его учётной записью, \
считаются совершёнными пользователем.
2.3. Лицевой счёт подключается по коду из платёжного документа или по \
фамилии собственника и площади помещения.

3. Согласие на обработку персональных данных
3.1. В соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ \
«О персональных данных» пользователь даёт согласие управляющей организации \
на обработку своих персональных данных: фамилии, имени, отчества, адреса \
электронной почты, номера телефона, адреса помещения, номера лицевого \
счёта, текстов обращений и приложенных фотографий.
3.2. Цель обработки — рассмотрение обращений, информирование о ходе их \
исполнения и о работах в доме, исполнение договора управления \
многоквартирным домом.
3.3. Обработка включает сбор, запись, систематизацию, хранение, уточнение, \
использование, передачу подрядным организациям в объёме, необходимом для \
выполнения заявки, обезличивание, блокирование и уничтожение данных, с \
использованием средств автоматизации и без них.
3.4. Согласие действует до его отзыва. Отозвать согласие можно письменным \
заявлением в управляющую организацию; после отзыва учётная запись \
удаляется, а данные обрабатываются только в случаях, предусмотренных \
законом.

4. Заключительные положения
4.1. Управляющая организация вправе изменять соглашение; новая редакция \
публикуется в личном кабинете и действует с даты публикации.
"""

RESIDENTS = [
    # e-mail, surname, first name, patronymic, phone, accounts
    ('resident1@example.com', "Смирнова", "Ольга", "Викторовна",
        '+79115550101', 2),
    ('resident2@example.com', "Кузнецов", "Дмитрий", "Андреевич",
        '+79115550202', 1),
    ]

# Appeals of each resident: reason code, what he wrote, how many days
# ago, the final state, the conversation, the rating; '{flat}' is his flat
# (msgs: (author, text) with author 'resident', 'staff' (a public reply)
# or 'internal' (staff only))
APPEALS = {
    'resident1@example.com': [
        dict(reason='leak', days=2, state='in_work',
            text="С потолка в ванной капает вода, сверху протекает. "
            "Кв. {flat}, прошу срочно прислать сантехника.",
            msgs=[('staff', "Здравствуйте! Заявка передана сантехникам, "
                    "мастер придёт сегодня до 17:00. Обеспечьте, "
                    "пожалуйста, доступ в квартиру."),
                ('internal', "Соседи сверху (кв. выше) не открывают, "
                    "нужен ключ от стояка у старшего по дому."),
                ('resident', "Спасибо, буду дома весь день."),
                ('staff', "Мастер перекрыл стояк, течь остановлена. "
                    "Завтра заменят участок трубы у соседей.")]),
        dict(reason='intercom', days=0, state='draft',
            text="Не работает домофон: трубка молчит, дверь подъезда "
            "не открывается с кнопки.",
            msgs=[('resident', "Добавлю: с ключа дверь открывается.")]),
        dict(reason='lighting', days=9, state='resolved', rating=5,
            rating_comment="Быстро и вежливо, спасибо!",
            text="Не горит свет на лестничной площадке 3 этажа.",
            msgs=[('staff', "Электрик заменил лампы на 3 и 4 этажах. "
                    "Проверьте, пожалуйста.")],
            work="Заменены лампы на лестничных площадках 3 и 4 этажей"),
        dict(reason='bill_question', days=4, state='resolved',
            text="В квитанции за прошлый месяц выросла сумма за отопление, "
            "прошу объяснить начисление.",
            msgs=[('staff', "Начисление выполнено по нормативу: показания "
                    "общедомового прибора за прошлый месяц не переданы. "
                    "В следующей квитанции будет перерасчёт.")],
            work="Дан ответ о начислении, перерасчёт в следующем периоде"),
        dict(reason='waste_missed', days=20, state='rejected',
            text="Не вывезли мусор с площадки во дворе.",
            msgs=[('staff', "Площадка во дворе обслуживается "
                    "региональным оператором, а не нашей организацией. "
                    "Телефон оператора указан на контейнерной площадке.")],
            reject="Вопрос не в компетенции управляющей организации"),
        ],
    'resident2@example.com': [
        dict(reason='elevator', days=1, state='in_work',
            text="Лифт во втором подъезде стоит на 5 этаже, двери не "
            "закрываются.",
            msgs=[('staff', "Вызвали лифтовую службу, ориентировочно "
                    "починят до вечера.")]),
        dict(reason='clean_entrance', days=12, state='resolved', rating=4,
            rating_comment="Убрали, но не с первого раза",
            text="В подъезде не моют полы уже две недели.",
            msgs=[('resident', "На первом этаже тоже грязно."),
                ('staff', "Уборка проведена, график уборки вывешен у "
                    "почтовых ящиков.")],
            work="Проведена влажная уборка подъезда"),
        dict(reason='no_heating', days=0, state='draft',
            text="В квартире {flat} холодные батареи в спальне."),
        dict(reason='capital_schedule', days=30, state='rejected',
            text="Когда будет капитальный ремонт крыши нашего дома?",
            msgs=[('staff', "Вопрос повторный: ответ дан по заявке "
                    "месяц назад, график капремонта — на сайте фонда.")],
            reject="Повторное обращение"),
        ],
    }

# Notifications: (resident, appeal index, kind, title, read)
NOTIFICATIONS = [
    ('resident1@example.com', 0, 'stage', "Заявка взята в работу", True),
    ('resident1@example.com', 0, 'reply', "Новый ответ по заявке", False),
    ('resident1@example.com', 2, 'stage', "Заявка выполнена", True),
    ('resident1@example.com', 3, 'reply', "Новый ответ по заявке", False),
    ('resident2@example.com', 0, 'stage', "Заявка взята в работу", False),
    ('resident2@example.com', 1, 'stage', "Заявка выполнена", True),
    ]


class Portal:
    "Needs the users, the companies, the sources, the reasons, the accounts"

    def portal_activated(self):
        return self.activated('crm.portal.agreement')

    def make_portal(self):
        if not self.portal_activated():
            return
        self.portal_rng = random.Random(f'portal{self.sizes}')
        self._portal_configuration()
        self._portal_codes()
        agreement = self._portal_agreement()
        if not self.users:
            return
        residents = self._portal_residents(agreement)
        counts = {'appeals': 0, 'messages': 0, 'notifications': 0}
        for web_user, accounts in residents:
            appeals = self._portal_appeals(web_user, accounts, counts)
            self._portal_notifications(web_user, appeals, counts)
        self.summary['portal'] = dict(residents=len(residents), **counts)

    def _portal_configuration(self):
        Configuration = self.get('crm.configuration')
        config = Configuration(1)
        config.portal_source = self.sources['portal']
        config.save()

    def _portal_codes(self):
        "The verification code printed on the receipt of every account"
        Account = self.get('crm.account')
        rng = self.portal_rng
        args = []
        for account in self.accounts:
            args += [[account], {'portal_code': '%08d' % rng.randrange(
                        10 ** 8)}]
        if args:
            Account.write(*args)

    def _portal_agreement(self):
        Agreement = self.get('crm.portal.agreement')
        agreement, = Agreement.create([{
                    'version': "1.0",
                    'title': AGREEMENT_TITLE,
                    'text': AGREEMENT_TEXT,
                    'date': (self.now - dt.timedelta(days=180)).date(),
                    }])
        return agreement

    def _portal_accounts(self, n, taken):
        "n residential accounts of one building of the first organisation"
        company = self.companies[0]
        for account in self.accounts:
            premise = self.account_premise[account.id]
            if (self.account_company[account.id] != company
                    or premise.type != 'flat'
                    or account.id in taken):
                continue
            mine = [account]
            if n > 1:
                mine += [a for a in self.accounts
                    if a.id not in taken and a != account
                    and self.account_premise[a.id].building
                    == premise.building
                    and self.account_premise[a.id].type == 'flat'
                    ][:n - 1]
            taken.update(a.id for a in mine)
            return mine
        return []

    def _portal_residents(self, agreement):
        WebUser = self.get('web.user')
        Party = self.get('party.party')
        Link = self.get('crm.portal.account.link')
        residents = []
        taken = set()
        for email, surname, first, patronymic, phone, n in RESIDENTS:
            accounts = self._portal_accounts(n, taken)
            party, = Party.create([{
                        'name': f"{surname} {first} {patronymic}",
                        'contact_mechanisms': [('create', [
                                    {'type': 'mobile', 'value': phone},
                                    {'type': 'email', 'value': email}])],
                        'pd_consent': True,
                        'pd_consent_date': (self.now - dt.timedelta(
                                days=60)).date(),
                        'crm_accounts': [('add', [a.id for a in accounts])],
                        }])
            values = {
                'email': email,
                'email_valid': True,
                'password': D.DEMO_PASSWORD,
                'party': party.id,
                'phone': phone,
                'agreement': agreement.id,
                'agreement_date': self.now - dt.timedelta(days=60),
                }
            # The profile's name, if the web user has one of its own
            if 'name' in WebUser._fields:
                values['name'] = f"{first} {surname}"
            web_user, = WebUser.create([values])
            Link.create([{
                        'web_user': web_user.id,
                        'account': account.id,
                        'method': 'code',
                        'linked_date': self.now - dt.timedelta(days=60),
                        'active': True,
                        } for account in accounts])
            residents.append((web_user, accounts))
        return residents

    def _portal_step(self, appeal, when, user, func):
        """func() as user on the appeal's organisation, its events dated
        when (a few seconds apart)"""
        Event = self.get('crm.appeal.event')
        last = Event.search([], order=[('id', 'DESC')], limit=1)
        mark = last[0].id if last else 0
        with as_user(user, appeal.company.id):
            func()
        events = Event.search([('id', '>', mark), ('appeal', '=', appeal.id)],
            order=[('id', 'ASC')])
        for i, event in enumerate(events):
            Event.write([event], {'date': when + dt.timedelta(seconds=20 * i)})

    def _portal_appeals(self, web_user, accounts, counts):
        pool = self.pool
        Appeal = pool.get('crm.appeal')
        Message = pool.get('crm.appeal.message')
        rng = self.portal_rng
        party = web_user.party
        account = accounts[0]
        premise = self.account_premise[account.id]
        building = premise.building
        company = self.account_company[account.id]
        appeals = []
        for plan in APPEALS[web_user.email]:
            reason = self.reasons[plan['reason']]
            # The line of the topic and its operator work the appeal
            tags = set(self.reason_info[plan['reason']]['tags'])
            line = min(n for n, t in self.line_tags.items()
                if t & tags and n in self.lines)
            operator = self.users['operator1' if line == 1
                else 'operator2'].id
            received = (self.now - dt.timedelta(days=plan['days'],
                    hours=rng.randint(2, 6), minutes=rng.randint(0, 59)))
            with as_user(0, company.id):
                appeal, = Appeal.create([{
                            'company': company.id,
                            'source': self.sources['portal'].id,
                            'received_date': received,
                            'reason': reason.id,
                            'reason_group': reason.group.id,
                            'support_line': self.lines[line].id,
                            'applicant': party.id,
                            'contact_email': web_user.email,
                            'contact_phone': web_user.phone,
                            'accounts': [('add', [account.id])],
                            'premise': premise.id,
                            'building': building.id,
                            'description': plan['text'].format(
                                flat=premise.number),
                            }])
            appeals.append(appeal)
            # Events of the registration at the moment it was received
            Event = self.get('crm.appeal.event')
            Event.write(list(Event.search([('appeal', '=', appeal.id)])),
                {'date': received})
            moment = received
            state = plan['state']
            if state in {'in_work', 'resolved', 'rejected'}:
                moment += dt.timedelta(minutes=rng.randint(10, 50))
                self._portal_step(appeal, moment, operator,
                    lambda: Appeal.take([appeal]))
                Appeal.write([appeal], {'work_started': moment})
            for author, text in plan.get('msgs', []):
                moment += dt.timedelta(minutes=rng.randint(20, 180))
                Message.create([self._portal_message(
                            appeal, web_user, author, text, moment,
                            operator)])
                counts['messages'] += 1
            if state == 'resolved':
                moment += dt.timedelta(hours=rng.randint(1, 5))
                self._portal_step(appeal, moment, operator,
                    lambda: Appeal.do_close([appeal], plan['work']))
                Appeal.write([appeal], {'closed_date': moment})
                if plan.get('rating'):
                    moment += dt.timedelta(hours=rng.randint(1, 20))
                    self._portal_step(appeal, moment, operator,
                        lambda: Appeal.do_rate([appeal], plan['rating'],
                            plan.get('rating_comment')))
            elif state == 'rejected':
                moment += dt.timedelta(minutes=rng.randint(10, 60))
                self._portal_step(appeal, moment, operator,
                    lambda: Appeal.do_reject([appeal], plan['reject']))
                Appeal.write([appeal], {'closed_date': moment})
            counts['appeals'] += 1
        return appeals

    @staticmethod
    def _portal_message(appeal, web_user, author, text, date, operator):
        if author == 'resident':
            return {'appeal': appeal.id, 'author_kind': 'resident',
                'web_user': web_user.id, 'public': True, 'text': text,
                'date': date}
        return {'appeal': appeal.id, 'author_kind': 'staff',
            'author': operator, 'public': author == 'staff', 'text': text,
            'date': date}

    def _portal_notifications(self, web_user, appeals, counts):
        Notification = self.get('crm.portal.notification')
        vlist = []
        for email, index, kind, title, read in NOTIFICATIONS:
            if email != web_user.email:
                continue
            appeal = appeals[index]
            # The stage the appeal was on then, as the resident calls it
            text = f"Заявка № {appeal.number}"
            if kind == 'stage' and appeal.stage:
                text += f": «{appeal.stage.public_name}»"
            vlist.append({
                    'web_user': web_user.id,
                    'appeal': appeal.id,
                    'kind': kind,
                    'title': title,
                    'text': text,
                    'read_date': self.now if read else None,
                    })
        Notification.create(vlist)
        counts['notifications'] += len(vlist)
