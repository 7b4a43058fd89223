"""A charges run of a billing month, queued and followed while it runs.

The button «Рассчитать» only records a queued run and pushes it to
Tryton's queue (`ir.queue`): a `trytond-worker` takes it, or, with no
worker configured, trytond runs it itself right after the button's
transaction commits, in the same request. The computation stays all or
nothing (one transaction, `Period.compute_charges`); what others see move
is the run's row: state, accounts done of total, a progress fraction for
sao's progressbar, written after each chunk of accounts in a transaction
of its own that commits at once.
"""
import datetime as dt

from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import (
    Transaction, TransactionError, without_check_access)

STATES = [
    ('queued', "Queued"),
    ('running', "Running"),
    ('done', "Done"),
    ('failed', "Failed"),
    ]
ACTIVE = ['queued', 'running']
# A running run writes a step at least every chunk, and a queued one is
# taken within minutes by the worker (or at once by trytond itself): one
# silent for this long died with its process, or its task was lost, and
# no longer blocks the month (a late start still waits for the period's
# lock and recomputes the same lines)
STALE = dt.timedelta(minutes=30)
# Accounts per chunk: 100k accounts give 10 progress steps; each chunk is
# one INSERT … SELECT narrowed to its account range
CHUNK = 10000


class Run(ModelSQL, ModelView):
    "Charges run (Расчёт начислений)"
    __name__ = 'crm.billing.run'
    __string__ = "Charges Run"
    # Every progress step is a write: the history keeps them, which is
    # the run's own log (and what the tests count)
    _history = True
    company = fields.Many2One(
        'company.company', "Organisation", required=True, readonly=True,
        ondelete='CASCADE')
    period = fields.Many2One('crm.billing.period', "Period", required=True,
        readonly=True, ondelete='CASCADE')
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    state_string = state.translated('state')
    total = fields.Integer("Accounts", readonly=True)
    done = fields.Integer("Accounts Done", readonly=True)
    progress = fields.Float("Progress", digits=(16, 4), readonly=True,
        help="Done of the accounts, 0 to 1.")
    lines = fields.Integer("Charge Lines", readonly=True)
    started = fields.DateTime("Started", readonly=True)
    finished = fields.DateTime("Finished", readonly=True)
    user = fields.Many2One('res.user', "Run By", readonly=True)
    message = fields.Text("Error", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.period, Index.Range()),
                (t.state, Index.Equality())))
        cls._order = [('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'queued'

    @classmethod
    def default_done(cls):
        return 0

    @classmethod
    def default_progress(cls):
        return 0

    @classmethod
    def enqueue(cls, periods):
        """Record a queued run per period and push it to the queue;
        refused while the period has a run queued or running"""
        Period = Pool().get('crm.billing.period')
        for period in periods:
            period.check_open()
        # The active run of another user is committed (its own
        # transactions): refuse before waiting for the period's lock,
        # which that run holds until it ends
        cls.check_idle(periods)
        Period.lock(periods)
        cls.check_idle(periods)
        with without_check_access():
            runs = cls.create([{
                        'company': p.company.id, 'period': p.id,
                        'user': Transaction().user,
                        } for p in periods])
        cls.__queue__.execute(runs)
        return runs

    @classmethod
    def check_idle(cls, periods):
        alive = dt.datetime.now() - STALE
        active = cls.search([
                ('period', 'in', [p.id for p in periods]),
                ('state', 'in', ACTIVE),
                ['OR',
                    ('write_date', '>=', alive),
                    [('write_date', '=', None),
                        ('create_date', '>=', alive)],
                    ],
                ], limit=1)
        if active:
            run, = active
            raise UserError(gettext('crm_billing.msg_charges_run_active',
                    period=run.period.rec_name,
                    user=run.user.rec_name if run.user else '',
                    state=run.state_string))

    @classmethod
    def execute(cls, runs):
        """The queued task. A refused run (a line that cannot be priced, a
        closed month) ends failed with its message and writes no charge:
        its work is undone to a savepoint and the task itself succeeds, so
        the failure is the run's state, not a lost queue error"""
        pool = Pool()
        Period = pool.get('crm.billing.period')
        cursor = Transaction().connection.cursor()
        for run in runs:
            if run.state not in ACTIVE:
                # Done or failed already: a task pushed twice
                continue
            # Before the savepoint: a lock retry restarts the whole task
            Period.lock([run.period])
            cursor.execute('SAVEPOINT crm_billing_run')
            # The queue drops the language: the messages in the starter's
            language = run.user.language if run.user else None
            try:
                with Transaction().set_context(
                        language=language.code if language else None):
                    Period.compute_charges([run.period], run=run)
            except UserError as exception:
                cursor.execute('ROLLBACK TO SAVEPOINT crm_billing_run')
                # How far it got: the steps written in this transaction
                # went with the savepoint
                cls.step(run, {
                        'state': 'failed',
                        'message': exception.message,
                        'finished': dt.datetime.now(),
                        'done': run.done, 'progress': run.progress,
                        'lines': run.lines,
                        })
            except TransactionError:
                raise
            except Exception as exception:
                cls.step(run, {
                        'state': 'failed',
                        'message': gettext(
                            'crm_billing.msg_charges_run_error',
                            error=str(exception)),
                        'finished': dt.datetime.now(),
                        })
                raise
            else:
                cursor.execute('RELEASE SAVEPOINT crm_billing_run')

    @classmethod
    def step(cls, run, values):
        """Write the run's progress where other users see it at once: in a
        transaction of its own, committed now. That needs PostgreSQL (SQLite
        has one writer, and the test database one connection) and a run
        committed already (queued by the button); a run created in the
        caller's transaction (compute_charges called by a script or a test)
        is written in that transaction"""
        transaction = Transaction()
        for name, value in values.items():
            setattr(run, name, value)
        if (backend.name == 'postgresql'
                and run.id not in transaction.create_records[cls.__name__]):
            # Committed when the with block ends
            with transaction.new_transaction(), without_check_access():
                if cls.search([('id', '=', run.id)]):
                    cls.write([cls(run.id)], values)
                    return
        with without_check_access():
            cls.write([run], values)

    def get_rec_name(self, name):
        return f'{self.period.rec_name}: {self.state_string}'
