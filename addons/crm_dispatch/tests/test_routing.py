"""Routing rules: the time windows on their own, then rules routing
appeals in a database (order, re-routing in data entry, choices by hand,
the cache of compiled rules, observers told of state changes, access)."""
import datetime as dt
import unittest

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_dispatch.routing import (
    CONDITIONS, Spec, in_window, local_moment)
from trytond.modules.crm_dispatch.tests.tools import (
    CYRILLIC, acting_as, create_staff, load_russian)
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

H = dt.timedelta(hours=1)


def spec(time_from=None, time_to=None, weekdays=()):
    return Spec(id=1, name='Правило', **dict.fromkeys(CONDITIONS,
            frozenset()), time_from=time_from, time_to=time_to,
        weekdays=frozenset(weekdays), support_line=None, operator=None,
        priority=None, deadline_hours=None, working_time=False,
        observers=())


def msk(*args):
    "A Moscow wall-clock time as the naive UTC the database stores"
    return dt.datetime(*args) - 3 * H


class RoutingWindowTestCase(unittest.TestCase):
    "Time windows of rules (no database)"

    def test_day_window_start_in_end_out(self):
        rule = spec(dt.time(8), dt.time(20))
        day = dt.datetime(2025, 3, 5)
        self.assertTrue(in_window(rule, day.replace(hour=8)))
        self.assertTrue(in_window(rule, day.replace(hour=19, minute=59)))
        self.assertFalse(in_window(rule, day.replace(hour=20)))
        self.assertFalse(in_window(rule, day.replace(hour=7, minute=59)))

    def test_overnight_window(self):
        rule = spec(dt.time(22), dt.time(6))
        day = dt.datetime(2025, 3, 5)
        for hour, minute, inside in [(22, 0, True), (23, 59, True),
                (0, 0, True), (5, 59, True), (6, 0, False),
                (21, 59, False), (12, 0, False)]:
            with self.subTest(hour=hour, minute=minute):
                self.assertEqual(in_window(rule,
                        day.replace(hour=hour, minute=minute)), inside)

    def test_until_midnight(self):
        "00:00 as the end is the midnight that ends the day"
        rule = spec(dt.time(18), dt.time(0))
        day = dt.datetime(2025, 3, 5)
        self.assertTrue(in_window(rule, day.replace(hour=23, minute=59)))
        self.assertFalse(in_window(rule, day.replace(hour=0, minute=30)))
        self.assertFalse(in_window(rule, day.replace(hour=17)))

    def test_small_hours_belong_to_the_evening_before(self):
        "A Friday-night window still holds at 03:00 on Saturday"
        friday_nights = spec(dt.time(20), dt.time(8), weekdays=[4])
        saturday = dt.datetime(2025, 3, 8, 3, 0)
        self.assertTrue(in_window(friday_nights, saturday))
        self.assertTrue(in_window(friday_nights, saturday.replace(
                    day=7, hour=21)))
        self.assertFalse(in_window(friday_nights, saturday.replace(
                    day=7, hour=3)))
        self.assertFalse(in_window(friday_nights, saturday.replace(
                    hour=21)))

    def test_days_without_hours(self):
        weekend = spec(weekdays=[5, 6])
        self.assertTrue(in_window(weekend, dt.datetime(2025, 3, 9, 23)))
        self.assertFalse(in_window(weekend, dt.datetime(2025, 3, 10, 0)))
        self.assertFalse(in_window(weekend, None))
        self.assertTrue(in_window(spec(), None))

    def test_local_moment(self):
        "The organisation's clock, Moscow when it names none"
        class Company:
            timezone = 'Asia/Yekaterinburg'
        utc = dt.datetime(2025, 3, 5, 20, 0)
        self.assertEqual(local_moment(Company, utc),
            dt.datetime(2025, 3, 6, 1, 0))
        self.assertEqual(local_moment(None, utc),
            dt.datetime(2025, 3, 5, 23, 0))


class CrmDispatchRoutingTestCase(_DBTestCase):
    "Routing rules on appeals"
    module = 'crm_dispatch'
    language = 'ru'

    def _setup(self):
        pool = Pool()
        Source = pool.get('crm.appeal.source')
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        Line = pool.get('crm.support_line')
        Building = pool.get('crm.building')
        company = create_company()
        phone, email = Source.create([
                {'name': 'Телефон', 'code': 'phone'},
                {'name': 'Почта', 'code': 'email'}])
        group, = Group.create([{'name': 'Ремонт'}])
        leak, noise = Reason.create([
                {'group': group.id, 'name': 'Протечка', 'default_hours': 24},
                {'group': group.id, 'name': 'Шум', 'default_hours': 72}])
        line1, line2 = Line.create([
                {'number': 1, 'name': 'Аварийная', 'company': company.id},
                {'number': 2, 'name': 'Общая', 'company': company.id}])
        building, = Building.create([{'company': company.id,
                    'city': 'Вологда', 'street': 'ул. Ленина',
                    'house': '1'}])
        return {'company': company, 'phone': phone, 'email': email,
            'leak': leak, 'noise': noise, 'line1': line1, 'line2': line2,
            'building': building}

    def _rules(self, s, *vlist):
        Rule = Pool().get('crm.routing.rule')
        with set_company(s['company']):
            return Rule.create([dict(v, company=s['company'].id)
                    for v in vlist])

    def _appeal(self, s, **values):
        Appeal = Pool().get('crm.appeal')
        with set_company(s['company']):
            appeal, = Appeal.create([dict({'source': s['phone'].id},
                        **values)])
        return appeal

    @with_transaction()
    def test_first_match_wins_and_sets(self):
        "Rules are tried in order; the first that fires sets its values"
        s = self._setup()
        night, leak_rule = self._rules(s, {
                'name': 'Ночь', 'sequence': 1,
                'time_from': dt.time(22), 'time_to': dt.time(6),
                'support_line': s['line1'].id, 'priority': 'emergency',
                'deadline_hours': 2,
                }, {
                'name': 'Протечки', 'sequence': 2,
                'reasons': [('add', [s['leak'].id])],
                'support_line': s['line2'].id, 'priority': 'high',
                })
        at_night = self._appeal(s, reason=s['leak'].id,
            received_date=msk(2025, 3, 5, 23, 0))
        self.assertEqual(at_night.routing_rule, night)
        self.assertEqual(at_night.support_line, s['line1'])
        self.assertEqual(at_night.priority, 'emergency')
        self.assertEqual(at_night.deadline, at_night.received_date + 2 * H)
        by_day = self._appeal(s, reason=s['leak'].id,
            received_date=msk(2025, 3, 5, 12, 0))
        self.assertEqual(
            (by_day.routing_rule, by_day.support_line, by_day.priority),
            (leak_rule, s['line2'], 'high'))
        self.assertEqual(by_day.deadline, by_day.received_date + 24 * H)
        # Reordered, the reason rule fires first at night too
        leak_rule.sequence = 0
        leak_rule.save()
        again = self._appeal(s, reason=s['leak'].id,
            received_date=msk(2025, 3, 5, 23, 0))
        self.assertEqual(again.routing_rule, leak_rule)
        # Archived, a rule fires no more
        leak_rule.active = False
        leak_rule.save()
        other = self._appeal(s, reason=s['noise'].id,
            received_date=msk(2025, 3, 5, 12, 0))
        self.assertIsNone(other.routing_rule)
        self.assertEqual(other.priority, 'normal')

    @with_transaction()
    def test_reroute_in_data_entry_only(self):
        "A new reason routes again in data entry, not once in work"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        s = self._setup()
        leak_rule, noise_rule = self._rules(s, {
                'name': 'Протечки', 'reasons': [('add', [s['leak'].id])],
                'support_line': s['line1'].id, 'priority': 'high',
                'deadline_hours': 4,
                }, {
                'name': 'Шум', 'reasons': [('add', [s['noise'].id])],
                'support_line': s['line2'].id,
                })
        received = msk(2025, 3, 5, 12, 0)
        appeal = self._appeal(s, reason=s['leak'].id, received_date=received)
        self.assertEqual(appeal.deadline, received + 4 * H)
        Appeal.write([appeal], {'reason': s['noise'].id})
        appeal = Appeal(appeal.id)
        self.assertEqual(appeal.routing_rule, noise_rule)
        self.assertEqual(appeal.support_line, s['line2'])
        # The former rule's priority and deadline went with it
        self.assertEqual(appeal.priority, 'normal')
        self.assertEqual(appeal.deadline, received + 72 * H)

        with set_company(s['company']):
            Appeal.take([appeal])
        Appeal.write([appeal], {'reason': s['leak'].id})
        appeal = Appeal(appeal.id)
        self.assertEqual(appeal.routing_rule, noise_rule)
        self.assertEqual(appeal.support_line, s['line2'])
        self.assertEqual(appeal.priority, 'normal')

    @with_transaction()
    def test_choice_by_hand_kept(self):
        "A line named at creation or set by hand is not routed away"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        s = self._setup()
        rule, = self._rules(s, {
                'name': 'Протечки', 'reasons': [('add', [s['leak'].id])],
                'support_line': s['line1'].id, 'priority': 'high'})
        named = self._appeal(s, reason=s['leak'].id,
            support_line=s['line2'].id)
        self.assertTrue(named.routing_manual)
        self.assertEqual(named.support_line, s['line2'])
        self.assertEqual(named.priority, 'normal')
        self.assertEqual(named.routing_rule, rule)

        # Written together with the reason, a line is the caller's choice
        plain = self._appeal(s, reason=s['noise'].id)
        self.assertFalse(plain.routing_manual)
        Appeal.write([plain], {
                'reason': s['leak'].id, 'support_line': s['line2'].id})
        plain = Appeal(plain.id)
        self.assertEqual(
            (plain.routing_rule, plain.support_line, plain.priority),
            (rule, s['line2'], 'high'))

        # The form: a line picked by hand stays when the reason changes
        with set_company(s['company']):
            form = Appeal(source=s['phone'], state='draft',
                received_date=dt.datetime.now(), reason=None,
                reason_group=None, building=None, support_line=None,
                operator=None, priority='normal', routing_rule=None,
                routing_manual=False, observers=[])
            form.reason = s['leak']
            form.on_change_reason()
            self.assertEqual(
                (form.routing_rule, form.support_line, form.priority),
                (rule, s['line1'], 'high'))
            form.support_line = s['line2']
            form.on_change_support_line()
            self.assertTrue(form.routing_manual)
            form.reason = s['noise']
            form.on_change_reason()
            self.assertIsNone(form.routing_rule)
            self.assertEqual(form.support_line, s['line2'])
            # Cleared, routing takes over again
            form.reason = s['leak']
            form.on_change_reason()
            form.routing_manual = False
            form.on_change_routing_manual()
            self.assertEqual(form.support_line, s['line1'])

    @with_transaction()
    def test_transfer_in_data_entry_is_by_hand(self):
        "A transfer before work is kept when the reason changes"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        s = self._setup()
        self._rules(s, {'name': 'Протечки',
                'reasons': [('add', [s['leak'].id])],
                'support_line': s['line1'].id})
        appeal = self._appeal(s, reason=s['noise'].id)
        with set_company(s['company']):
            Appeal.do_transfer([appeal], support_line=s['line2'])
        Appeal.write([appeal], {'reason': s['leak'].id})
        appeal = Appeal(appeal.id)
        self.assertTrue(appeal.routing_manual)
        self.assertEqual(appeal.support_line, s['line2'])

    @with_transaction()
    def test_conditions_by_address_tag_source(self):
        "District, building, tag and source conditions; all must hold"
        pool = Pool()
        District = pool.get('crm.district')
        Building = pool.get('crm.building')
        Tag = pool.get('crm.tag')
        Reason = pool.get('crm.appeal.reason')
        s = self._setup()
        district, = District.create([{'name': 'Заречный',
                    'company': s['company'].id}])
        riverside, = Building.create([{'company': s['company'].id,
                    'district': district.id, 'city': 'Вологда',
                    'street': 'ул. Садовая', 'house': '3'}])
        urgent, = Tag.create([{'name': 'Срочно', 'code': 'urgent'}])
        Reason.write([s['leak']], {'tags': [('add', [urgent.id])]})
        by_mail, by_district, by_tag = self._rules(s, {
                'name': 'Почта в Заречном',
                'districts': [('add', [district.id])],
                'sources': [('add', [s['email'].id])],
                'priority': 'low',
                }, {
                'name': 'Заречный', 'districts': [('add', [district.id])],
                'support_line': s['line2'].id,
                }, {
                'name': 'Срочные', 'tags': [('add', [urgent.id])],
                'priority': 'high',
                })
        cases = [
            ({'building': riverside.id, 'source': s['email'].id}, by_mail),
            ({'building': riverside.id, 'reason': s['leak'].id}, by_district),
            ({'building': s['building'].id, 'reason': s['leak'].id}, by_tag),
            ({'building': s['building'].id, 'reason': s['noise'].id}, None),
            ]
        for values, rule in cases:
            with self.subTest(values=values):
                self.assertEqual(self._appeal(s, **values).routing_rule, rule)

    @with_transaction()
    def test_compiled_once_per_change(self):
        "Routing reads the rules once; a change of a rule is seen at once"
        pool = Pool()
        Rule = pool.get('crm.routing.rule')
        s = self._setup()
        rule, = self._rules(s, {'name': 'Протечки',
                'reasons': [('add', [s['leak'].id])],
                'support_line': s['line1'].id})
        specs = Rule.specs(s['company'])
        self.assertIs(Rule.specs(s['company']), specs)
        Rule.write([rule], {'support_line': s['line2'].id})
        self.assertEqual(Rule.specs(s['company'])[0].support_line,
            s['line2'].id)
        appeal = self._appeal(s, reason=s['leak'].id)
        self.assertEqual(appeal.support_line, s['line2'])

    @with_transaction()
    def test_rule_checks(self):
        "Empty windows and rules that set nothing are refused in Russian"
        load_russian()
        s = self._setup()
        with Transaction().set_context(language='ru'):
            for values in [
                    {'name': 'Пусто', 'time_from': dt.time(8),
                        'time_to': dt.time(8), 'priority': 'high'},
                    {'name': 'Ничего', 'reasons': [
                            ('add', [s['leak'].id])]},
                    ]:
                with self.subTest(values=values), \
                        self.assertRaises(ValidationError) as cm:
                    self._rules(s, values)
                self.assertRegex(cm.exception.message, CYRILLIC)
                self.assertIn(values['name'], cm.exception.message)
            with self.assertRaises(ValidationError):
                self._rules(s, {'name': 'Без конца',
                        'time_from': dt.time(8), 'priority': 'high'})

    @with_transaction()
    def test_observers_told_of_state_changes(self):
        "Observers get a notification of a state change, not its author"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Notification = pool.get('res.notification')
        Email = pool.get('ir.email')
        User = pool.get('res.user')
        s = self._setup()
        watcher = create_staff('watcher', s['company'])
        User.write([watcher], {'email': 'watcher@example.ru'})
        operator = create_staff('operator', s['company'], [s['line1']])
        self._rules(s, {'name': 'Протечки',
                'reasons': [('add', [s['leak'].id])],
                'observers': [('add', [watcher.id, operator.id])]})
        appeal = self._appeal(s, reason=s['leak'].id)
        self.assertEqual(set(appeal.observers), {watcher, operator})
        # The list's optional columns, read by SQL
        row, = Appeal.read([appeal.id],
            ['observer_names', 'routing_rule_name'])
        self.assertEqual(set(row['observer_names'].split(', ')),
            {watcher.rec_name, operator.rec_name})
        self.assertEqual(row['routing_rule_name'], 'Протечки')
        transaction = Transaction()
        with transaction.set_user(operator.id), set_company(s['company']):
            Appeal.take([appeal])
        transaction._store_user_notifications()
        notified = Notification.search([])
        self.assertEqual([n.user for n in notified], [watcher])
        self.assertIn(appeal.number, notified[0].label)
        self.assertEqual(notified[0].model, 'crm.appeal')
        letter, = Email.search([
                ('resource', '=', str(Appeal(appeal.id)))])
        self.assertEqual(letter.recipients, 'watcher@example.ru')
        self.assertIn(appeal.number, letter.subject)
        self.assertIn('В работе', notified[0].label)

        # A move between the stages of one state is told as well, once
        Stage = pool.get('crm.stage')
        waiting, = Stage.search([('company', '=', s['company'].id),
                ('name', '=', 'Ожидает ответа жителя')])
        with transaction.set_user(operator.id), set_company(s['company']):
            Appeal.move_stage([Appeal(appeal.id)], waiting)
        transaction._store_user_notifications()
        notified = Notification.search([], order=[('id', 'ASC')])
        self.assertEqual([n.user for n in notified], [watcher, watcher])
        self.assertIn('Ожидает ответа жителя', notified[-1].label)
        self.assertEqual(len(Email.search([
                        ('resource', '=', str(Appeal(appeal.id)))])), 2)

    @with_transaction()
    def test_access(self):
        """Operators read rules but cannot change them; an observer reads
        an appeal outside his lines but cannot write it"""
        pool = Pool()
        Rule = pool.get('crm.routing.rule')
        Appeal = pool.get('crm.appeal')
        s = self._setup()
        Line = pool.get('crm.support_line')
        Line.write([s['line1'], s['line2']], {'appeal_access': 'own'})
        operator = create_staff('operator', s['company'], [s['line1']])
        rule, = self._rules(s, {'name': 'Шум',
                'reasons': [('add', [s['noise'].id])],
                'support_line': s['line2'].id,
                'observers': [('add', [operator.id])]})
        watched = self._appeal(s, reason=s['noise'].id)
        unwatched = self._appeal(s, support_line=s['line2'].id)
        with acting_as(operator):
            self.assertEqual(Rule.search([]), [rule])
            with self.assertRaises(AccessError):
                Rule.write([rule], {'name': 'Взлом'})
            with self.assertRaises(AccessError):
                Rule.create([{'name': 'Своё', 'company': s['company'].id,
                            'priority': 'high'}])
            self.assertEqual(Appeal.search([]), [watched])
            self.assertEqual(Appeal(watched.id).number, watched.number)
            with self.assertRaises(AccessError):
                Appeal.write([Appeal(watched.id)], {'description': 'Моё'})
            with self.assertRaises(AccessError):
                Appeal.read([unwatched.id], ['number'])


del _DBTestCase
