#!/usr/bin/env python3
"""First performance figures of the appeals CRM, measured on PostgreSQL.

    TRYTOND_DATABASE_URI=postgresql://postgres@127.0.0.1:55433/ \\
    BENCH_DB=crm_bench python tools/bench.py

Creates the database BENCH_DB (dropped first if it exists, dropped again at
the end unless --keep), activates crm_dispatch, loads a small demo catalogue
with tools/demo.py and measures, with the baseline in the same run:

(a) creating N appeals through the ORM as operator1 (number from the
    sequence, deadline from the reason × source table, history and event
    log, access rights and record rules checked) versus a raw SQL INSERT of
    the very same rows into the same table;
(b) the operator queue at Q appeals in the table (bulk-loaded with
    INSERT … SELECT generate_series): line + open states, ordered by
    deadline, 80 rows, read with the list's fields, as the ORM call under
    operator1's rights versus the equivalent SQL; p50/p95 over R runs;
(d) creating one appeal per JSON-RPC call as operator1 with 10 routing
    rules (the last one fires), three extra fields of the reason and
    deadlines in working time, versus the
    same calls with no rule and deadlines round the clock; p50/p95;
(p) the managers' pivot at Q appeals (the rows of (b)), crm_analytics
    activated: the pivot page's JSON-RPC aggregate by reason group × month
    with its sums as the supervisor and as operator1 (record rules) versus
    the hand-written GROUP BY of the same rows; p50/p95 and totals; and
    the load of the supervisor's and the manager's dashboards (every pane's
    search and read through JSON-RPC);
(e) the work-order queues at W orders (default 200 000): a team's
    unallocated queue and executor1's «Мои», by planned start, 80 rows with
    the list's fields, as the ORM call under executor1's rights (record
    rules) versus hand-written SQL over the same partial indexes; p50/p95;
(f) the residents' website (crm_portal activated at that point): 50
    residents with linked accounts and appeals, 4 trytond processes on
    their ports, the residents signing in, opening their appeals list and
    an appeal's page and posting messages at once (a thread load client,
    round-robin over the processes); p50/p95, errors, requests/s per page
    once everybody has signed in (signing in, which hashes a password on
    purpose, apart) against the hand-written SQL that reads the same rows;
(g) billing (crm_billing activated at that point): N accounts × 6 services
    (BENCH_BILLING_ACCOUNTS, default 100 000) with meters and 6 months of
    readings bulk-loaded, the month's charges run (crm.billing.period
    compute, first run and re-run) versus a hand-written INSERT … SELECT
    of the same rows, compared row by row.

(r) receipts (crm_billing activated at that point): one building of N
    accounts (default 500, BENCH_RECEIPT_ACCOUNTS) with a month of
    charges, meters, readings, payments and debts; its batch of receipts
    printed as the report crm_billing.receipt for an accountant (one PDF,
    a page an account, the ГОСТ Р 56042 QR on each): receipts per second,
    the PDF's size, and the time of the data, the QR codes, the layout.

One section alone: BENCH_ONLY=portal make bench (or f, or a,e, or billing, receipts …).

Only figures are printed; nothing is asserted. The code is the package
tools/benchlib/.
"""
import sys

try:
    from .benchlib.cli import main
except ImportError:  # run as a script: tools/ is sys.path[0]
    from benchlib.cli import main

__all__ = ['main']

if __name__ == '__main__':
    sys.exit(main())
