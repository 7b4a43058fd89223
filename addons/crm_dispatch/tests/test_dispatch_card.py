"""The dispatch card: the expiry of deadlines (once per deadline), who is
told of a comment, comments grouped by day, the past appeals of an
account, the executors' scope and their files."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_dispatch.tests.tools import (
    acting_as, create_staff, smtp_server)
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

NOW = dt.datetime(2026, 3, 2, 12, 0, 0)
HOUR = dt.timedelta(hours=1)


class CardSetup:
    "An organisation, a reason, two flats, an account, staff with employees"
    __slots__ = ()

    def _setup(self):
        pool = Pool()
        Source = pool.get('crm.appeal.source')
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        Account = pool.get('crm.account')
        Building = pool.get('crm.building')
        Premise = pool.get('crm.premise')
        company = create_company()
        phone, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        group, = Group.create([{'name': 'Ремонт'}])
        leak, = Reason.create([{'group': group.id, 'name': 'Протечка',
                    'default_hours': 24}])
        building, = Building.create([{'company': company.id,
                    'city': 'Вологда', 'street': 'ул. Ленина', 'house': '5'}])
        flat5, flat6 = Premise.create([{'building': building.id,
                    'number': n} for n in ['5', '6']])
        account, = Account.create([{'number': '100001',
                    'company': company.id, 'premise': flat5.id}])
        staff = {}
        for login, group in [('operator1', 'group_crm_operator'),
                ('executor1', 'group_crm_executor'),
                ('executor2', 'group_crm_executor')]:
            user = create_staff(login, company, group=group)
            party, = Party.create([{'name': login.capitalize()}])
            employee, = Employee.create([{'party': party.id,
                        'company': company.id}])
            user.employees = [employee]
            user.employee = employee
            user.email = f'{login}@example.ru'
            user.save()
            staff[login] = (user, employee)
        return {'company': company, 'phone': phone, 'leak': leak,
            'flat5': flat5, 'flat6': flat6, 'account': account,
            'building': building, 'staff': staff}

    def _appeal(self, s, received=NOW, **values):
        Appeal = Pool().get('crm.appeal')
        appeal, = Appeal.create([{
                    'source': s['phone'].id, 'reason': s['leak'].id,
                    'contact_phone': '89020077998',
                    'received_date': received, **values}])
        return appeal


class CrmDispatchCardTestCase(CardSetup, _DBTestCase):
    "The dispatch card of an appeal"
    module = 'crm_dispatch'
    language = 'ru'

    @with_transaction()
    def test_expiry_once_per_deadline(self):
        """An open appeal past its deadline expires once; a stopped clock
        or a closed appeal does not; a new deadline may expire again"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Event = pool.get('crm.appeal.event')
        s = self._setup()
        with set_company(s['company']):
            late = self._appeal(s)
            stopped = self._appeal(s)
            closed = self._appeal(s)
            on_time = self._appeal(s, received=NOW + 10 * HOUR)
            Appeal.take([late, stopped, closed, on_time])
            Appeal.do_close([closed], 'Готово')
            Appeal.write([stopped], {'clock_stopped': NOW + HOUR})
            deadline = late.deadline
            self.assertEqual(deadline, NOW + 24 * HOUR)

            def expired():
                return [(e.appeal, e.old_value) for e in Event.search(
                        [('kind', '=', 'expired')], order=[('id', 'ASC')])]
            # At the deadline itself it has not expired yet
            self.assertEqual(Appeal.expire_deadlines(now=deadline), [])
            later = deadline + HOUR
            self.assertEqual(Appeal.expire_deadlines(now=later), [late])
            self.assertEqual(Appeal.expire_deadlines(now=later), [])
            self.assertEqual(Appeal.expire_deadlines(now=later + HOUR), [])
            self.assertEqual(expired(), [(late, '03.03.2026 15:00')])
            self.assertEqual(Event.search([('kind', '=', 'expired')])[0].user,
                None)

            Appeal.move_deadline([late], deadline + 2 * HOUR, 'Ждём трубу')
            self.assertEqual(
                Appeal.expire_deadlines(now=deadline + 3 * HOUR), [late])
            self.assertEqual(
                Appeal.expire_deadlines(now=deadline + 4 * HOUR), [])
            self.assertEqual(expired(), [(late, '03.03.2026 15:00'),
                    (late, '03.03.2026 17:00')])

            # Named by appeal, kind in the user's language and Moscow time
            first = Event.search([('kind', '=', 'expired')],
                order=[('id', 'ASC')], limit=1)
            Event.write(first, {'date': deadline + HOUR})
            self.assertEqual(Event(first[0].id).rec_name,
                f'{late.number}: Истёк срок ответа, 03.03.2026 16:00')

    @with_transaction()
    def test_deadline_needs_reason_and_stays(self):
        """No reason, no move; a moved deadline is not counted again when
        the reason changes"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Reason = pool.get('crm.appeal.reason')
        s = self._setup()
        with set_company(s['company']):
            appeal = self._appeal(s)
            for reason in [None, '', '   ']:
                with self.assertRaises(UserError):
                    Appeal.move_deadline([appeal], NOW + 48 * HOUR, reason)
            with self.assertRaises(UserError):
                Appeal.move_deadline([appeal], NOW - HOUR, 'Раньше')
            Appeal.move_deadline([appeal], NOW + 48 * HOUR, 'График')
            other, = Reason.create([{'group': s['leak'].group.id,
                        'name': 'Засор', 'default_hours': 4}])
            Appeal.write([appeal], {'reason': other.id})
            self.assertEqual(Appeal(appeal.id).deadline, NOW + 48 * HOUR)
            # Another question starts afresh
            copy, = Appeal.copy([appeal])
            self.assertFalse(copy.deadline_manual)

    @with_transaction()
    def test_comments_grouped_by_day(self):
        """The day heads the first comment of each day, in Moscow time; a
        comment is named by its appeal and time"""
        pool = Pool()
        Comment = pool.get('crm.appeal.comment')
        s = self._setup()
        with set_company(s['company']):
            appeal = self._appeal(s, number='О-2026-000042')
            comments = Comment.create([{'appeal': appeal.id, 'text': t}
                    for t in ['a', 'b', 'c']])
            # 20:59 and 21:01 UTC are two days in Moscow
            table = Comment.__table__()
            cursor = Transaction().connection.cursor()
            for comment, date in zip(comments, [
                        dt.datetime(2026, 5, 5, 12, 24),
                        dt.datetime(2026, 5, 5, 20, 59),
                        dt.datetime(2026, 5, 5, 21, 1)]):
                cursor.execute(*table.update([table.date], [date],
                        where=table.id == comment.id))
            comments = Comment.browse([c.id for c in comments])
            days = [(c.text, c.day) for c in comments]
            # The title of a comment's attachments, its references
            names = [c.rec_name for c in comments]
        self.assertEqual(days, [('a', '05.05.2026'), ('b', None),
                ('c', '06.05.2026')])
        self.assertEqual(names, ['О-2026-000042, 05.05.2026 15:24',
                'О-2026-000042, 05.05.2026 23:59',
                'О-2026-000042, 06.05.2026 00:01'])

    @with_transaction()
    def test_past_appeals_of_account(self):
        """The premise's past appeals also list those of the same account
        elsewhere (the account moved), with their responsible and
        executors"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        s = self._setup()
        (_, employee1) = s['staff']['executor1']
        (_, employee2) = s['staff']['executor2']
        with set_company(s['company']):
            old = self._appeal(s, received=NOW - 30 * 24 * HOUR,
                building=s['building'].id, premise=s['flat6'].id,
                accounts=[('add', [s['account'].id])],
                responsible=employee1.id,
                executors=[('add', [employee2.id, employee1.id])])
            other = self._appeal(s, building=s['building'].id,
                premise=s['flat6'].id)
            current = self._appeal(s, building=s['building'].id,
                premise=s['flat5'].id,
                accounts=[('add', [s['account'].id])])
            self.assertEqual(
                [a.id for a in Appeal(current.id).premise_appeals], [old.id])
            self.assertEqual(
                Appeal(current.id).premise_appeals[0].responsible, employee1)
            self.assertNotIn(other, Appeal(current.id).premise_appeals)
            # The list's column: the executors' names as they joined
            row, = Appeal.read([old.id], ['executor_names'])
            self.assertEqual(row['executor_names'], ', '.join(
                    e.party.name for e in [employee2, employee1]))
            self.assertEqual(Appeal.search([
                        ('executor_names', 'ilike',
                            f'%{employee2.party.name}%')]), [old])

    @with_transaction()
    def test_executor_scope(self):
        """An executor reads the appeals he is responsible for or on, no
        other; he cannot change them but comments and attaches files"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Comment = pool.get('crm.appeal.comment')
        Attachment = pool.get('ir.attachment')
        s = self._setup()
        (executor1, employee1) = s['staff']['executor1']
        (executor2, employee2) = s['staff']['executor2']
        with set_company(s['company']):
            responsible = self._appeal(s, responsible=employee1.id)
            executing = self._appeal(s,
                executors=[('add', [employee1.id])])
            foreign = self._appeal(s, responsible=employee2.id)
            with acting_as(executor1):
                self.assertEqual(set(Appeal.search([])),
                    {responsible, executing})
                with self.assertRaises(UserError):
                    Appeal.write([responsible], {'description': 'x'})
                with self.assertRaises(UserError):
                    Appeal.read([foreign.id], ['number'])
                Comment.create([{'appeal': executing.id, 'text': 'Еду'}])
                Attachment.create([{'resource': str(responsible),
                            'name': 'фото.jpg', 'data': b'JPEG'}])
                with self.assertRaises(UserError):
                    Comment.create([{'appeal': foreign.id, 'text': 'Чужое'}])
                with self.assertRaises(UserError):
                    Attachment.create([{'resource': str(foreign),
                                'name': 'фото.jpg', 'data': b'JPEG'}])
                self.assertEqual(Comment.search([], count=True), 1)



class CrmDispatchCommentMailTestCase(CardSetup, _DBTestCase):
    """Who is told of a comment: a database of its own, dropped after the
    class, because the test commits (letters leave at commit)"""
    module = 'crm_dispatch'
    language = 'ru'

    @with_transaction()
    def test_comment_recipients_and_letters(self):
        """The users of the responsible and the executors are told of a
        comment (notification and a letter), the author is not"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Comment = pool.get('crm.appeal.comment')
        Notification = pool.get('res.notification')
        s = self._setup()
        (operator, op_employee) = s['staff']['operator1']
        (executor1, employee1) = s['staff']['executor1']
        (executor2, employee2) = s['staff']['executor2']
        with smtp_server() as server, set_company(s['company']):
            appeal = self._appeal(s, responsible=employee1.id,
                executors=[('add', [employee2.id, op_employee.id])])
            Transaction().commit()
            with acting_as(executor2):
                comment, = Comment.create([{
                            'appeal': appeal.id,
                            'text': 'Нужна замена трубы',
                            'attachments': [('create', [{
                                            'name': 'труба.jpg',
                                            'data': b'JPEG'}])],
                            }])
                self.assertEqual(
                    {c: {u.login for u in users} for c, users in
                        Comment.recipients([comment]).items()},
                    {comment: {'executor1', 'operator1'}})
            Transaction().commit()
            told = Notification.search([], order=[('id', 'ASC')])
            self.assertEqual(sorted(n.user.login for n in told),
                ['executor1', 'operator1'])
            letter, = server.letters
            self.assertEqual(sorted(letter['to']),
                ['executor1@example.ru', 'operator1@example.ru'])
            self.assertIn('Нужна замена трубы',
                letter['message'].get_content())
            comment = Comment(comment.id)
            self.assertEqual((comment.author, comment.author_role),
                (executor2, 'executor'))
            self.assertEqual([a.name for a in Appeal(appeal.id).files],
                ['труба.jpg'])
