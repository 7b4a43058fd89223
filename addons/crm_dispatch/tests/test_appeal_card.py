"The appeal's card: time left to the deadline, the other appeals."
import datetime as dt
from unittest.mock import patch

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_dispatch.tests.tools import (
    acting_as, create_staff, load_russian, write_columns)
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

NOW = dt.datetime(2026, 3, 2, 12, 0, 0)


class CrmDispatchAppealCardTestCase(_DBTestCase):
    "What the card says about the deadline and the appeals before"
    module = 'crm_dispatch'
    language = 'ru'

    @with_transaction()
    def test_time_left_edges(self):
        """The time left in Russian, at the deadline and past it, as the
        card and the queue read it"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        load_russian()
        s = self._setup()
        with set_company(s['company']):
            appeal = self._appeal(s, s['ivanov'])

        def time_left_text(state, deadline, closed, now, stopped=None):
            write_columns(appeal, state=state, deadline=deadline,
                closed_date=closed, clock_stopped=stopped)
            with patch('trytond.modules.crm_dispatch.appeal_card.dt') as clock:
                clock.datetime.now.return_value = now
                row, = Appeal.read([appeal.id], ['time_left'])
            return row['time_left']
        minute, hour, day = (dt.timedelta(minutes=1), dt.timedelta(hours=1),
            dt.timedelta(days=1))
        cases = [
            # open: the time left is rounded down, never promised
            ('draft', NOW + 3 * hour + 20 * minute, None,
                "осталось 3 ч 20 мин"),
            ('in_work', NOW + 3 * hour + 20 * minute + dt.timedelta(
                    seconds=59), None, "осталось 3 ч 20 мин"),
            ('in_work', NOW + 2 * day, None, "осталось 2 д"),
            ('in_work', NOW + day + 5 * hour + 59 * minute, None,
                "осталось 1 д 5 ч"),
            ('in_work', NOW + 45 * minute, None, "осталось 45 мин"),
            ('in_work', NOW + minute, None, "осталось 1 мин"),
            # at the deadline it is not overdue yet (as the overdue flag)
            ('in_work', NOW + dt.timedelta(seconds=59), None,
                "срок истекает сейчас"),
            ('in_work', NOW, None, "срок истекает сейчас"),
            # past it: the time overdue is rounded up, never hidden
            ('in_work', NOW - dt.timedelta(seconds=1), None,
                "просрочено на 1 мин"),
            ('draft', NOW - day - 2 * hour, None, "просрочено на 1 д 2 ч"),
            ('draft', NOW - 5 * hour, None, "просрочено на 5 ч"),
            # closed: on time or late, whenever it is read
            ('resolved', NOW, NOW, "закрыто в срок"),
            ('resolved', NOW, NOW - day, "закрыто в срок"),
            ('resolved', NOW, NOW + 5 * minute,
                "закрыто с опозданием на 5 мин"),
            ('rejected', NOW - day, NOW, None),
            ('in_work', None, None, None),
            ('resolved', None, NOW, None),
            ]
        with Transaction().set_context(language='ru'):
            for state, deadline, closed, expected in cases:
                with self.subTest(state=state, deadline=deadline):
                    self.assertEqual(
                        time_left_text(state, deadline, closed, NOW),
                        expected)
            # A millisecond from a whole minute, either side of the
            # deadline (deadlines are whole seconds, now is not)
            ms = dt.timedelta(milliseconds=1)
            self.assertEqual(time_left_text('in_work', NOW + minute, None,
                    NOW + ms), "срок истекает сейчас")
            self.assertEqual(time_left_text('in_work', NOW, None, NOW + ms),
                "просрочено на 1 мин")
            # A stopped clock: the time left as it was when it stopped
            self.assertEqual(time_left_text('in_work', NOW + 2 * hour, None,
                    NOW, stopped=NOW - 30 * minute),
                "осталось 2 ч 30 мин (пауза)")

    def _setup(self):
        "An organisation with two lines, a building with two flats"
        pool = Pool()
        Source = pool.get('crm.appeal.source')
        Line = pool.get('crm.support_line')
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        Building = pool.get('crm.building')
        Premise = pool.get('crm.premise')
        Party = pool.get('party.party')
        company = create_company()
        phone, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        group, = Group.create([{'name': 'Ремонт'}])
        leak, = Reason.create([{'group': group.id, 'name': 'Протечка',
                    'default_hours': 24}])
        line1, line2 = Line.create([{
                    'number': n, 'name': f'Линия {n}', 'company': company.id,
                    'appeal_access': 'own', 'topic_access': 'all',
                    } for n in [1, 2]])
        building, = Building.create([{'company': company.id,
                    'city': 'Вологда', 'street': 'ул. Ленина',
                    'house': '5'}])
        flat5, flat6 = Premise.create([{'building': building.id,
                    'number': n} for n in ['5', '6']])
        ivanov, petrova = Party.create([
                {'name': 'Иванов Пётр'}, {'name': 'Петрова Анна'}])
        return {
            'company': company, 'phone': phone, 'leak': leak,
            'line1': line1, 'line2': line2, 'building': building,
            'flat5': flat5, 'flat6': flat6,
            'ivanov': ivanov, 'petrova': petrova,
            }

    def _appeal(self, s, applicant, premise=None, days_ago=0, line='line1'):
        Appeal = Pool().get('crm.appeal')
        appeal, = Appeal.create([{
                    'source': s['phone'].id, 'reason': s['leak'].id,
                    'applicant': applicant.id,
                    'building': s['building'].id if premise else None,
                    'premise': premise.id if premise else None,
                    'support_line': s[line].id,
                    'received_date': NOW - dt.timedelta(days=days_ago),
                    }])
        return appeal

    @with_transaction()
    def test_other_appeals(self):
        "The applicant's and the premise's other appeals, latest first"
        Appeal = Pool().get('crm.appeal')
        s = self._setup()
        with set_company(s['company']):
            first = self._appeal(s, s['ivanov'], s['flat5'], days_ago=30)
            second = self._appeal(s, s['ivanov'], days_ago=10)
            third = self._appeal(s, s['ivanov'], s['flat5'], days_ago=1)
            neighbour = self._appeal(s, s['petrova'], s['flat5'], days_ago=5)
            elsewhere = self._appeal(s, s['petrova'], s['flat6'], days_ago=2)

            # Many-to-many values as lists (the read gives tuples)
            rows = {r['id']: {k: list(v) if isinstance(v, tuple) else v
                    for k, v in r.items()} for r in Appeal.read(
                    [a.id for a in [first, second, third, neighbour,
                            elsewhere]],
                    ['applicant_appeals', 'premise_appeals'])}
        ids = lambda *appeals: [a.id for a in appeals]  # noqa: E731
        self.assertEqual(rows[third.id]['applicant_appeals'],
            ids(second, first))
        self.assertEqual(rows[third.id]['premise_appeals'],
            ids(neighbour, first))
        self.assertEqual(rows[first.id]['applicant_appeals'],
            ids(third, second))
        # No premise: no appeals of the premise (not all those without one)
        self.assertEqual(rows[second.id]['premise_appeals'], [])
        self.assertEqual(rows[neighbour.id]['applicant_appeals'],
            ids(elsewhere))
        self.assertEqual(rows[elsewhere.id]['premise_appeals'], [])

        # A new appeal shows them as soon as the applicant is chosen
        with set_company(s['company']):
            new = Appeal(applicant=s['ivanov'], premise=s['flat5'])
            self.assertEqual(list(new.on_change_with_applicant_appeals()),
                ids(third, second, first))
            self.assertEqual(list(new.on_change_with_premise_appeals()),
                ids(third, neighbour, first))

    @with_transaction()
    def test_other_appeals_readable_only(self):
        """An operator is shown only the other appeals he may read: the
        client reads them all and a hidden one would be an access error"""
        Appeal = Pool().get('crm.appeal')
        s = self._setup()
        with set_company(s['company']):
            mine = self._appeal(s, s['ivanov'], s['flat5'], days_ago=3)
            other_line = self._appeal(s, s['ivanov'], s['flat5'],
                days_ago=2, line='line2')
            older = self._appeal(s, s['petrova'], s['flat5'], days_ago=9)
        operator = create_staff('operator1', s['company'], [s['line1']])
        with acting_as(operator):
            row, = Appeal.read([mine.id],
                ['applicant_appeals', 'premise_appeals'])
            self.assertEqual(list(row['applicant_appeals']), [])
            self.assertEqual(list(row['premise_appeals']), [older.id])
            # what the client does next
            Appeal.read(row['premise_appeals'], ['number', 'state'])
        # The supervisor's view is not the operator's: line 2 is there
        row, = Appeal.read([mine.id], ['applicant_appeals'])
        self.assertEqual(list(row['applicant_appeals']), [other_line.id])

    @with_transaction()
    def test_time_left_field(self):
        "The card's time left follows the deadline and agrees with overdue"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        load_russian()
        s = self._setup()
        with set_company(s['company']), \
                Transaction().set_context(language='ru'):
            appeal = self._appeal(s, s['ivanov'])
            now = dt.datetime.now()
            for deadline, text, overdue in [
                    (now + dt.timedelta(hours=5, minutes=30),
                        "осталось 5 ч 29 мин", False),
                    (now - dt.timedelta(days=1, hours=2),
                        "просрочено на 1 д 2 ч", True),
                    (None, None, False),
                    ]:
                write_columns(appeal, deadline=deadline)
                row, = Appeal.read([appeal.id], ['time_left', 'overdue'])
                with self.subTest(deadline=deadline):
                    self.assertIn(row['time_left'], {text, text and
                            text.replace('29 мин', '30 мин')})
                    self.assertEqual(row['overdue'], overdue)
