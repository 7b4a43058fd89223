"""The managers' analytics of the demo (crm_analytics, where activated):
the manager of the first organisation, and each role's home dashboard
opened at login (res.user actions, as Tryton runs them after the login).

    manager  «CRM Руководитель» of the first organisation: reads its
             appeals, changes nothing; opens «Панель руководителя»"""
import json

MANAGER = ('manager', "Руководитель Соколова Ирина Львовна")
# Saved pivot layouts: (owner, name, shared, period, config)
LAYOUTS = [
    ('manager', "Причины по месяцам", True, 'year', {
            'rows': ['reason_group'], 'cols': ['month'],
            'measure': 'count', 'renderer': 'Тепловая карта'}),
    ('manager', "Просрочка по линиям и источникам", False, 'last_month', {
            'rows': ['support_line'], 'cols': ['source'],
            'measure': 'overdue_share', 'renderer': 'Тепловая карта'}),
    ('manager', "Время закрытия по операторам", False, None, {
            'rows': ['operator'], 'cols': [],
            'measure': 'avg_close_hours', 'renderer': 'Столбцы'}),
    ('manager', "Оценки по районам", True, None, {
            'rows': ['district'], 'cols': ['rating'],
            'measure': 'count', 'renderer': 'Столбцы с накоплением'}),
    ('supervisor', "Нагрузка линий по неделям", False, 'month', {
            'rows': ['support_line'], 'cols': ['week'],
            'measure': 'count', 'renderer': 'Линии'}),
    ]
# Scheduled mailings: (owner, organisation index, name, layout, period,
# frequency, weekday, format, recipients)
MAILINGS = [
    ('manager', 0, "Причины обращений за неделю", "Причины по месяцам",
        'last_week', 'weekly', '0', 'xlsx', 'direktor@sever-kvartal.ru'),
    ('supervisor', -1, "Нагрузка линий за вчера",
        "Нагрузка линий по неделям", 'yesterday', 'daily', None, 'pdf',
        'smena@sever-kvartal.ru'),
    ]
# Login → the board (crm_analytics XML id) it opens at login.  The manager
# works from his panel; operators and supervisors start from their queues
# and open their desks from the menu («Рабочий стол оператора», «Аналитика
# → Рабочий стол руководителя смены») so that a board loading at login
# never races with the list they open first.
HOME_BOARDS = {
    'manager': 'act_board_manager',
    }


class Analytics:
    "Mixed into the Generator (generator.py)"

    def make_analytics(self):
        if not self.with_users or not self.activated(
                'crm.analytics.board.line'):
            return
        User = self.get('res.user')
        ActWindow = self.get('ir.action.act_window')
        ModelData = self.get('ir.model.data')
        org1 = self.companies[0]
        login, name = MANAGER
        # The manager operates nothing: no CRM group of crm_dispatch
        user, = User.create([dict(login=login, name=name,
                    **self.user_access(name, [], [org1.id], 'one',
                        self.russian()))])
        User.write([user], {'groups': [('add', [ModelData.get_id(
                                'crm_analytics', 'group_crm_manager')])]})
        self.users[login] = user
        for login, board in HOME_BOARDS.items():
            if login in self.users:
                # res.user actions are ir.action records
                action = ActWindow(ModelData.get_id('crm_analytics', board))
                User.write([self.users[login]], {
                        'actions': [('add', [action.action.id])]})
        self.summary['users'] = len(self.users)
        self.make_layouts()
        # As the scheduled task does: the pivot reads the counted days
        self.get('crm.analytics.rollup').refresh()

    def make_layouts(self):
        "The saved pivot layouts of the manager and the supervisor"
        Layout = self.get('crm.analytics.layout')
        Layout.create([{
                    'user': self.users[login].id, 'name': name,
                    'shared': shared, 'period': period,
                    'config': json.dumps(config, ensure_ascii=False),
                    } for login, name, shared, period, config in LAYOUTS
                if login in self.users])
        self.make_mailings()

    def make_mailings(self):
        "A weekly and a daily mailing (crm_analytics's scheduler sends them)"
        Layout = self.get('crm.analytics.layout')
        Mailing = self.get('crm.analytics.mailing')
        values = []
        for (login, org, name, layout, period, frequency, weekday, fmt,
                recipients) in MAILINGS:
            if login not in self.users:
                continue
            layout, = Layout.search([('name', '=', layout)])
            values.append({
                    'name': name, 'user': self.users[login].id,
                    'company': self.companies[org].id, 'kind': 'layout',
                    'layout': layout.id, 'period': period,
                    'frequency': frequency, 'weekday': weekday,
                    'format': fmt, 'recipients': recipients, 'hour': 8})
        Mailing.create(values)
