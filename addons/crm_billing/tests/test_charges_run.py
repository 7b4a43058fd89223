"""The charges run as a queued task with its progress (charges_run.py):
progress written per chunk, a failing chunk, re-runs, a second start."""
import datetime as dt
import unittest
from unittest.mock import patch

from sql import Column

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.crm_dispatch.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, _DBTestCase, with_transaction
from trytond.transaction import Transaction, TransactionError
from trytond.worker import run_task

from .test_charges import add_readings, computed, month
from .tools import billing_world, create_meter, create_period


def run_queue():
    "Run the queued tasks as a worker would (ir.queue's own run)"
    Queue = Pool().get('ir.queue')
    tasks = Queue.search([('finished_at', '=', None)], order=[('id', 'ASC')])
    for task in tasks:
        task.run()
    return len(tasks)


def steps(run):
    "(state, done, progress) of every write of the run, oldest first"
    Run = Pool().get('crm.billing.run')
    history = Run.__table_history__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*history.select(history.state, history.done,
            history.progress, where=history.id == run.id,
            order_by=[Column(history, '__id').asc]))
    return [(s, d, round(p or 0, 4)) for s, d, p in cursor]


class CrmBillingChargesRunTestCase(_DBTestCase):
    "Charges run with progress"
    module = 'crm_billing'
    language = 'ru'

    def start(self, w, period):
        "The accountant presses «Рассчитать» (the button queues the run)"
        Period = Pool().get('crm.billing.period')
        with acting_as(w['north_accountant']):
            Period.compute([Period(period.id)])

    @with_transaction(context={'charges_run_chunk': 2})
    def test_progress_per_chunk(self):
        "3 accounts in chunks of 2: one progress row a chunk, then done"
        pool = Pool()
        Run = pool.get('crm.billing.run')
        Period = pool.get('crm.billing.period')
        w = billing_world()
        jan = create_period(w['north'], month(1))

        self.start(w, jan)
        run, = Run.search([('period', '=', jan.id)])
        self.assertEqual(run.state, 'queued')
        self.assertEqual(computed(jan), {})  # nothing until the task runs
        self.assertEqual(run_queue(), 1)

        run = Run(run.id)
        self.assertEqual((run.state, run.total, run.done, run.progress,
                run.lines), ('done', 3, 3, 1, 15))
        self.assertEqual(run.user, w['north_accountant'])
        self.assertEqual(steps(run), [
                ('queued', 0, 0),
                ('running', 0, 0),
                ('running', 2, 0.6667),  # chunk 1: N0001, N0002
                ('running', 3, 1),  # chunk 2: N0003
                ('done', 3, 1),
                ])
        self.assertEqual(len(computed(jan)), 15)
        jan = Period(jan.id)
        self.assertEqual((jan.run_state, jan.run_progress), ('done', 1))
        self.assertEqual(jan.run_accounts, 3)

    @with_transaction(context={'charges_run_chunk': 2})
    def test_failing_chunk(self):
        """The second chunk cannot be priced: the run ends failed with the
        message, the first chunk's lines are undone and the month keeps
        its earlier charges"""
        pool = Pool()
        Run = pool.get('crm.billing.run')
        Account = pool.get('crm.account')
        Premise = pool.get('crm.premise')
        Period = pool.get('crm.billing.period')
        w = billing_world()
        jan = create_period(w['north'], month(1))
        self.start(w, jan)
        run_queue()
        before = computed(jan)
        self.assertEqual(len(before), 15)
        _, _, a3 = w['north_accounts']
        Account.write([a3], {'area': None})
        Premise.write([a3.premise], {'area': None})

        self.start(w, jan)
        self.assertEqual(run_queue(), 1)  # the task itself ends well

        failed, = Run.search([('period', '=', jan.id), ('state', '!=', 'done')])
        self.assertEqual(failed.state, 'failed')
        self.assertIn('У лицевого счёта N0003 (', failed.message)
        self.assertIn('не указана площадь', failed.message)
        self.assertIn('Содержание жилого помещения', failed.message)
        # The progress steps of this transaction went with the savepoint
        # (in production they are committed apart, PostgreSQL); the failed
        # state says how far the run got
        self.assertEqual(steps(failed)[-1], ('failed', 2, 0.6667))
        self.assertEqual(computed(jan), before)
        self.assertEqual(Period(jan.id).run_state, 'failed')
        self.assertIn('N0003', Period(jan.id).run_message)

    @with_transaction()
    def test_chunks_same_lines(self):
        """In chunks of one account (the readings' aggregate staged once)
        the lines are those of one pass: meter, average, norm, area…"""
        pool = Pool()
        Period = pool.get('crm.billing.period')
        w = billing_world()
        a1, a2, a3 = w['north_accounts']
        cold, hot = w['north_services']['cold'], w['north_services']['hot']
        add_readings(create_meter(a1, cold, 'C-1'),
            ['3', '5', '4', '6', None, '2'])  # June read: by meter
        add_readings(create_meter(a2, cold, 'C-2'), ['7', '2'])  # norm
        add_readings(create_meter(a3, hot, 'H-3'), ['1', None, '2', '9'])
        create_meter(a3, cold, 'C-3')  # never read: norm
        june = create_period(w['north'], month(6))
        Period.compute_charges([june])
        one_pass = computed(june)
        self.assertTrue({'meter', 'average', 'norm', 'area', 'fixed'}
            <= {v[0] for v in one_pass.values()})
        with Transaction().set_context(charges_run_chunk=1):
            Period.compute_charges([june])
        self.assertEqual(computed(june), one_pass)

    @with_transaction()
    def test_rerun_idempotent(self):
        "Two queued runs of the month give the very same lines"
        pool = Pool()
        Run = pool.get('crm.billing.run')
        w = billing_world()
        jan = create_period(w['north'], month(1))
        self.start(w, jan)
        run_queue()
        first = computed(jan)
        self.start(w, jan)
        run_queue()
        self.assertEqual(computed(jan), first)
        self.assertEqual([r.state for r in Run.search(
                        [('period', '=', jan.id)])], ['done', 'done'])

    @with_transaction()
    def test_second_start_refused(self):
        "A run queued or running refuses another start of the month"
        pool = Pool()
        Run = pool.get('crm.billing.run')
        w = billing_world()
        jan = create_period(w['north'], month(1))
        table = Run.__table__()
        cursor = Transaction().connection.cursor()
        self.start(w, jan)
        # Queued by the button and never taken (no worker alive): it
        # blocks for 30 minutes after its creation, then no longer
        queued, = Run.search([('period', '=', jan.id)])
        self.assertEqual((queued.state, queued.write_date), ('queued', None))
        for minutes, blocks in [(29, True), (31, False)]:
            cursor.execute(*table.update([table.create_date],
                    [dt.datetime.now() - dt.timedelta(minutes=minutes)]))
            if blocks:
                with self.assertRaises(UserError) as cm:
                    self.start(w, jan)
                self.assertIn('(В очереди, запустил', cm.exception.message)
            else:
                self.start(w, jan)
        later, = Run.search([('id', '!=', queued.id)])
        self.assertEqual(later.state, 'queued')
        Run.write([later], {'state': 'done'})
        for state in ['queued', 'running']:
            Run.write([queued], {'state': state})
            with self.assertRaises(UserError) as cm:
                self.start(w, jan)
            self.assertIn('уже рассчитываются', cm.exception.message)
            self.assertEqual(Run.search([], count=True), 2)
        # A run silent for over 30 minutes died with its process
        cursor.execute(*table.update([table.write_date],
                [dt.datetime.now() - dt.timedelta(minutes=31)]))
        self.start(w, jan)
        self.assertEqual(Run.search([], count=True), 3)
        run_queue()
        self.start(w, jan)  # once it has ended, a new run may start
        self.assertEqual(Run.search([], count=True), 4)

    @with_transaction()
    def test_access(self):
        "Another organisation sees no run; nobody writes one by hand"
        pool = Pool()
        Run = pool.get('crm.billing.run')
        w = billing_world()
        jan = create_period(w['north'], month(1))
        self.start(w, jan)
        with acting_as(w['north_operator']):
            run, = Run.search([])
            with self.assertRaises(UserError):
                Run.write([run], {'state': 'done'})
        with acting_as(w['south_accountant']):
            self.assertEqual(Run.search([]), [])


class CrmBillingChargesRunLiveTestCase(_DBTestCase):
    """Another user sees the run move (PostgreSQL: the progress is
    committed apart from the charges). The class's database is dropped at
    its end, so its rows are committed for real"""
    module = 'crm_billing'
    language = 'ru'

    @unittest.skipUnless(backend.name == 'postgresql',
        "SQLite has a single writer")
    def test_seen_by_others(self):
        pool = Pool(DB_NAME)
        Period = pool.get('crm.billing.period')
        Run = pool.get('crm.billing.run')
        Charge = pool.get('crm.charge')
        Queue = pool.get('ir.queue')
        with Transaction().start(DB_NAME, 0):
            w = billing_world()
            jan = create_period(w['north'], month(1))
            period_id, accountant = jan.id, w['north_accountant'].id
        extras = {}
        while True:  # as the dispatcher: the lock asks for a retry
            with Transaction().start(DB_NAME, 0, **extras) as transaction:
                try:
                    with acting_as(pool.get('res.user')(accountant),
                            charges_run_chunk=1):
                        Period.compute([Period(period_id)])
                except TransactionError as error:
                    transaction.rollback()
                    error.fix(extras)
                    continue
                task, = Queue.search([('finished_at', '=', None)])
                task_id = task.id
                break

        seen = []  # (run's done, charge lines) read by another user

        def look():
            with Transaction().new_transaction(readonly=True):
                run, = Run.search([('period', '=', period_id)])
                seen.append((run.state, run.done, Charge.search(
                            [('period', '=', period_id)], count=True)))

        compute_chunk = Period._compute_chunk.__func__

        def observed(cls, *args, **kwargs):
            look()
            return compute_chunk(cls, *args, **kwargs)

        with patch.object(Period, '_compute_chunk', classmethod(observed)):
            run_task(DB_NAME, task_id)
        with Transaction().start(DB_NAME, 0):
            look()
        self.assertEqual(seen, [
                ('running', 0, 0), ('running', 1, 0), ('running', 2, 0),
                ('done', 3, 15)])



del _DBTestCase
