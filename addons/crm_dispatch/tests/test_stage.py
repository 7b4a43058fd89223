"""Stages of appeals: the default set, the moves allowed, the life cycle
kept on the stages of its state, the deadline clock stopped, and the
breach forecast of the queue."""
import datetime as dt
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_dispatch.tests.tools import load_russian
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

H = dt.timedelta(hours=1)
NOW = 'trytond.modules.crm_dispatch.stage._now'


def msk(*args):
    "A Moscow wall-clock time as the naive UTC the database stores"
    return dt.datetime(*args) - 3 * H


class CrmDispatchStageTestCase(_DBTestCase):
    "Stages of appeals"
    module = 'crm_dispatch'
    language = 'ru'

    def _setup(self, working=False, hours=24):
        pool = Pool()
        Source = pool.get('crm.appeal.source')
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        Calendar = pool.get('crm.calendar')
        load_russian()
        company = create_company()
        with set_company(company):
            Calendar.create([{'name': 'Офис', 'timezone': 'Europe/Moscow'}])
        source, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        group, = Group.create([{'name': 'Ремонт'}])
        reason, = Reason.create([{'group': group.id, 'name': 'Протечка',
                    'default_hours': hours,
                    'time_basis': 'working' if working else 'calendar'}])
        return company, source, reason

    def _appeal(self, company, source, reason, received=None):
        Appeal = Pool().get('crm.appeal')
        with set_company(company):
            appeal, = Appeal.create([{'source': source.id,
                        'reason_group': reason.group.id, 'reason': reason.id,
                        'received_date': received or dt.datetime.now()}])
        return appeal

    def _stage(self, company, name):
        Stage = Pool().get('crm.stage')
        stage, = Stage.search([
                ('company', '=', company.id), ('name', '=', name)])
        return stage

    @with_transaction()
    def test_default_stages(self):
        "A new organisation has the default stages and moves"
        Stage = Pool().get('crm.stage')
        company = create_company()
        stages = Stage.search([('company', '=', company.id)])
        self.assertEqual([(s.name, s.kind, s.stops_clock) for s in stages], [
                ("Новое", 'new', False),
                ("В работе", 'in_work', False),
                ("Ожидает ответа жителя", 'waiting', True),
                ("Ожидает поставщика", 'waiting', True),
                ("Выполнено", 'done', False),
                ("Отменено", 'cancelled', False),
                ])
        work = self._stage(company, "В работе")
        self.assertEqual(sorted(s.name for s in work.next_stages), [
                "Выполнено", "Ожидает ответа жителя", "Ожидает поставщика",
                "Отменено"])
        # An organisation made before stages existed gets them on first use
        Stage.delete(stages)
        self.assertEqual(Stage.first(company, 'new').name, "Новое")

    @with_transaction()
    def test_life_cycle_keeps_stage(self):
        "take, close, reopen, reject land on the first stage of their kind"
        Appeal = Pool().get('crm.appeal')
        company, source, reason = self._setup()
        appeal = self._appeal(company, source, reason)
        self.assertEqual(appeal.stage.name, "Новое")
        with set_company(company):
            Appeal.take([appeal])
            self.assertEqual((appeal.state, appeal.stage.name),
                ('in_work', "В работе"))
            Appeal.do_close([appeal], "Кран заменён")
            self.assertEqual((appeal.state, appeal.stage.name),
                ('resolved', "Выполнено"))
            Appeal.reopen([appeal])
            self.assertEqual((appeal.state, appeal.stage.name),
                ('in_work', "В работе"))
            Appeal.do_reject([appeal], "Дубль")
            self.assertEqual((appeal.state, appeal.stage.name),
                ('rejected', "Отменено"))
        # Each step's own event tells the stage move, oldest first
        self.assertEqual([(e.kind, e.from_stage and e.from_stage.name,
                        e.to_stage and e.to_stage.name)
                for e in reversed(appeal.events)], [
                ('created', None, "Новое"),
                ('taken', "Новое", "В работе"),
                ('closed', "В работе", "Выполнено"),
                ('reopened', "Выполнено", "В работе"),
                ('rejected', "В работе", "Отменено"),
                ])

    @with_transaction()
    def test_moves(self):
        """An allowed move writes a 'stage' event; one not allowed, into
        another state's stage or another organisation's is refused"""
        Appeal = Pool().get('crm.appeal')
        company, source, reason = self._setup()
        appeal = self._appeal(company, source, reason)
        resident = self._stage(company, "Ожидает ответа жителя")
        supplier = self._stage(company, "Ожидает поставщика")
        with set_company(company), Transaction().set_context(language='ru'):
            with self.assertRaises(UserError) as cm:
                Appeal.move_stage([appeal], resident)
            self.assertEqual(cm.exception.message,
                f"Обращение {appeal.number} в состоянии «Ввод данных» не "
                "может перейти на этап «Ожидает ответа жителя».")
            with self.assertRaises(UserError) as cm:
                Appeal.move_stage([appeal], self._stage(company, "В работе"))
            self.assertIn("кнопкой «Взять в работу»", cm.exception.message)
            Appeal.take([appeal])
            Appeal.move_stage([appeal], resident, "Жду доступа в квартиру")
            self.assertEqual(appeal.stage, resident)
            event = appeal.events[0]
            self.assertEqual((event.kind, event.from_stage.name,
                    event.to_stage, event.comment), ('stage', "В работе",
                    resident, "Жду доступа в квартиру"))
            with self.assertRaises(UserError) as cm:
                Appeal.move_stage([appeal], supplier)
            self.assertEqual(cm.exception.message,
                f"Обращение {appeal.number} нельзя перевести с этапа "
                "«Ожидает ответа жителя» на этап «Ожидает поставщика». "
                "Разрешённые этапы: «В работе», «Выполнено», «Отменено».")
            with self.assertRaises(UserError) as cm:
                Appeal.move_stage([appeal], self._stage(company, "Выполнено"))
            self.assertIn("кнопкой «Закрыть обращение»", cm.exception.message)
            other = create_company()
            with self.assertRaises(UserError) as cm:
                Appeal.move_stage([appeal], self._stage(other, "В работе"))
            self.assertIn("другой организации", cm.exception.message)
        self.assertEqual(appeal.stage, resident)

    @with_transaction()
    def test_clock_stop_moves_deadline(self):
        """8 working hours from Friday 10:00 (office 09–18, lunch 13–14):
        due Monday 10:00; waiting for the resident from Friday 17:00 to
        Monday 10:00 stops 2 working hours: due Monday 12:00"""
        Appeal = Pool().get('crm.appeal')
        company, source, reason = self._setup(working=True, hours=8)
        appeal = self._appeal(
            company, source, reason, msk(2027, 3, 12, 10))
        self.assertEqual(appeal.deadline, msk(2027, 3, 15, 10))
        resident = self._stage(company, "Ожидает ответа жителя")
        work = self._stage(company, "В работе")
        with set_company(company):
            Appeal.take([appeal])
            with patch(NOW, return_value=msk(2027, 3, 12, 17)):
                Appeal.move_stage([appeal], resident)
            self.assertEqual(appeal.clock_stopped, msk(2027, 3, 12, 17))
            # While stopped nothing runs overdue, even past the deadline
            self.assertEqual(self._flags(appeal, msk(2027, 3, 15, 11)),
                (False, False))
            with patch(NOW, return_value=msk(2027, 3, 15, 10)):
                Appeal.move_stage([appeal], work)
        self.assertEqual(appeal.clock_stopped, None)
        self.assertEqual(appeal.deadline, msk(2027, 3, 15, 12))
        self.assertEqual(self._flags(appeal, msk(2027, 3, 15, 11)),
            (False, True))
        self.assertEqual(self._flags(appeal, msk(2027, 3, 15, 12, 1)),
            (True, False))

    @with_transaction()
    def test_clock_stop_round_the_clock(self):
        "A round-the-clock deadline moves by the whole time stopped"
        Appeal = Pool().get('crm.appeal')
        company, source, reason = self._setup(working=False, hours=24)
        appeal = self._appeal(company, source, reason, msk(2027, 3, 12, 10))
        with set_company(company):
            Appeal.take([appeal])
            with patch(NOW, return_value=msk(2027, 3, 12, 17)):
                Appeal.move_stage([appeal], self._stage(
                        company, "Ожидает поставщика"))
            # Closed while waiting: the clock stops no more
            with patch(NOW, return_value=msk(2027, 3, 14, 17)):
                Appeal.do_close([appeal], "Поставили счётчик")
        self.assertEqual(appeal.deadline, msk(2027, 3, 15, 10))
        self.assertEqual(appeal.clock_stopped, None)

    def _flags(self, appeal, now):
        "(overdue, breach_soon) of appeal as the database computes them at now"
        Appeal = Pool().get('crm.appeal')
        (_, overdue, breach), = Appeal.select_rows([appeal], lambda t: [
                Appeal.column_overdue({None: (t, None)}, now=now),
                Appeal.column_breach_soon({None: (t, None)}, now=now)])
        return bool(overdue), bool(breach)

    @with_transaction()
    def test_breach_soon_margin(self):
        """Within the margin (4 h by default) the row is yellow: at
        deadline - margin exactly it is, a second earlier not; closed
        appeals never are"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Configuration = pool.get('crm.configuration')
        company, source, reason = self._setup(hours=24)
        appeal = self._appeal(company, source, reason)
        margin = dt.timedelta(hours=Configuration(1).desk_due_hours)
        edge = appeal.deadline - margin
        self.assertEqual(self._flags(appeal, edge), (False, True))
        self.assertEqual(self._flags(
                appeal, edge - dt.timedelta(seconds=1)), (False, False))
        self.assertEqual(self._flags(appeal, appeal.deadline),
            (False, True))
        config = Configuration(1)
        config.desk_due_hours = 2
        config.save()
        self.assertEqual(self._flags(appeal, edge), (False, False))
        with set_company(company):
            Appeal.take([appeal])
            Appeal.do_close([appeal], "Готово")
        self.assertEqual(self._flags(appeal, appeal.deadline),
            (False, False))

    @with_transaction()
    def test_breach_soon_read(self):
        "The list reads breach_soon with the other columns, by SQL"
        Appeal = Pool().get('crm.appeal')
        company, source, reason = self._setup(hours=1)
        soon = self._appeal(company, source, reason)
        later = self._appeal(company, source, reason,
            dt.datetime.now() + 10 * H)
        with set_company(company):
            rows = Appeal.read([soon.id, later.id], ['breach_soon'])
            self.assertEqual({r['id']: r['breach_soon'] for r in rows},
                {soon.id: True, later.id: False})
            self.assertEqual(
                Appeal.search([('breach_soon', '=', True)]), [soon])
