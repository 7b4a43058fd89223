#!/usr/bin/env python3
"""Demo data of the appeals CRM (CRM обращений), generated through Tryton.

    python tools/demo.py -c var/trytond.conf -d crm            # full size
    python tools/demo.py -c var/trytond.conf -d crm --small    # quick

Runs inside trytond (no server needed), on SQLite or PostgreSQL. It creates,
through the ORM, so that numbers, deadlines, history and the event log are
real: two organisations, districts, buildings, premises, personal accounts,
applicants with phones and e-mails, the reason catalogue, two support lines
with tags, the demo users (password ``demo1234``) and appeals received over
the last 90 days in every state. The same seed gives the same data.
If demo data is already there, it says so and changes nothing.

``generate()`` is the reusable entry point (tools/bench.py uses it); the
generator itself is the package tools/demogen/.
"""
import sys

try:
    from .demogen import (
        SIZES, SMALL, D, DemoDataExists, generate, in_transaction, main)
    from .demogen import chunks as _chunks
except ImportError:  # run as a script: tools/ is sys.path[0]
    from demogen import (
        SIZES, SMALL, D, DemoDataExists, generate, in_transaction, main)
    from demogen import chunks as _chunks

__all__ = ['generate', 'in_transaction', 'SIZES', 'SMALL', 'DemoDataExists',
    'main', 'D', '_chunks']

if __name__ == '__main__':
    sys.exit(main())
