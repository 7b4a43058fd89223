"""The demo-data generator of the appeals CRM (run it as tools/demo.py).

    data/            static Russian dictionaries (catalogue, names, texts)
    generator.py     generate(), SIZES, SMALL, DemoDataExists, the steps
    housing.py       organisations, districts, buildings, premises, accounts
    reference.py     sources, tags, reasons, results, support lines
    people.py        applicants and the demo users
    appeal_plans.py  who, what, when and the final state of each appeal
    appeal_workflow.py  the plans run through the module's workflow
    runtime.py       pool, transaction, acting as a user, mail, progress
    portal.py        the residents' website (when crm_portal is activated):
                     agreement, demo residents, their appeals and messages
    billing.py       billing (when crm_billing is activated): a year of
                     readings, charges, payments, penalties; accountant1
    cli.py           main(): the command line
"""
from . import data as D
from .cli import main
from .generator import SIZES, SMALL, DemoDataExists, generate
from .runtime import chunks, in_transaction

__all__ = ['generate', 'in_transaction', 'SIZES', 'SMALL', 'DemoDataExists',
    'main', 'D', 'chunks']
