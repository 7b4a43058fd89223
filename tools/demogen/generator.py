"""generate(): the demo data of one database, step by step.

The Generator is put together from one class per subject (reference
catalogue, housing stock, people, appeal plans, appeal workflow); they share
the pool, the seeded random generator, the sizes, the «now» and what the
earlier steps created, as attributes of the one generator.
"""
import datetime as dt
import random
import time

from . import data as D
from .analytics import Analytics
from .appeal_plans import AppealPlans
from .appeal_workflow import AppealWorkflow
from .billing import Billing
from .dispatch_card import DispatchCard
from .housing import HousingStock
from .people import People
from .portal import Portal
from .reference import ReferenceData
from .routing import RoutingRules
from .runtime import Progress, as_user, in_transaction, init_pool
from .work_orders import WorkOrders

# Sizes of the issue (point 5) and of --small
SIZES = dict(
    organisations=2, districts=3, buildings=20, premises=800,
    applicants=300, appeals=2000, days=90)
SMALL = dict(SIZES, buildings=10, premises=200, applicants=80, appeals=300)


class DemoDataExists(Exception):
    "The database already holds the demo data"


def generate(database, config_file=None, sizes=None, seed=42, progress=True,
        users=True, now=None):
    """Fill database with demo data and return a summary dict.

    sizes: a dict like SIZES (missing keys taken from SIZES).
    users: create the demo users (admin gets the demo password too).
    now: the «current» moment the 90 days count back from (default: now).
    Raises DemoDataExists when the demo data is already there.
    """
    pool = init_pool(database, config_file)
    sizes = dict(SIZES, **(sizes or {}))
    now = (now or dt.datetime.now()).replace(microsecond=0)

    def run():
        generator = Generator(
            pool, sizes, seed, progress=progress, users=users, now=now)
        return generator.run()
    # The configuration singleton is created under a table lock, the
    # facts are counted ahead by day under one (crm_analytics)
    locks = ['crm_configuration']
    try:
        locks.append(pool.get('crm.analytics.rollup.clock')._table)
    except KeyError:
        pass
    # Russian context: texts the workflow writes (event log) are Russian
    return in_transaction(database, 0, run, context={'language': 'ru'},
        lock_tables=locks)


class Generator(HousingStock, ReferenceData, People, AppealPlans,
        AppealWorkflow, RoutingRules, DispatchCard, WorkOrders, Portal,
        Billing, Analytics):

    def __init__(self, pool, sizes, seed, progress=True, users=True,
            now=None):
        self.pool = pool
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.with_users = users
        self.now = (now or dt.datetime.now()).replace(microsecond=0)
        self.progress_enabled = progress
        self.summary = {}

    # -- helpers shared by the steps -------------------------------------
    def get(self, name):
        return self.pool.get(name)

    def choice_weighted(self, items, weights):
        return self.rng.choices(items, weights=weights, k=1)[0]

    def activated(self, model):
        "Whether the module of model is activated in the database"
        try:
            self.get(model)
        except KeyError:
            return False
        return True

    def company_context(self, company):
        return as_user(0, company.id)

    def check_absent(self):
        User = self.get('res.user')
        Company = self.get('company.company')
        from trytond.transaction import inactive_records
        with inactive_records():
            names = [o['name'] for o in D.ORGANISATIONS]
            if Company.search([('party.name', 'in', names)], limit=1):
                raise DemoDataExists(
                    "демо-организации уже есть")
            if self.with_users and User.search(
                    [('login', 'in', [s[0] for s in D.STAFF])], limit=1):
                raise DemoDataExists("демо-пользователи уже есть")

    # -- steps -----------------------------------------------------------
    def run(self):
        self.check_absent()
        n_appeals = self.sizes['appeals']
        total = 10 + 2 * self.sizes['premises'] + \
            self.sizes['applicants'] + int(n_appeals * 3.3)
        self.bar = Progress(self.progress_enabled, total)
        t0 = time.monotonic()
        try:
            self.make_companies()
            self.make_catalogue()
            self.make_housing()
            self.make_applicants()
            self.make_lines()
            self.make_blanks()
            self.make_users()
            self.make_appeals()
            self.make_dispatch_card()
            self.make_routing_rules()
            self.make_work_orders()
            # Only where crm_portal is activated
            self.make_portal()
            # Only where crm_billing is activated
            self.make_billing()
            # Only where crm_analytics is activated
            self.make_analytics()
        finally:
            self.bar.close()
        self.summary['seconds'] = round(time.monotonic() - t0, 1)
        return self.summary
