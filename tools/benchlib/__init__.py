"""The benchmark of the appeals CRM on PostgreSQL (run it as tools/bench.py).

    database.py  the throw-away database, module activation, user context,
                 root cursor
    create.py    (a) creating appeals: ORM versus raw INSERT
    intake.py    (d) creating appeals through JSON-RPC with routing rules
                 and working-time deadlines versus without
    queue.py     (b) the operator queue: ORM versus hand-written SQL
    portal.py    (f) the residents' website under load: set-up, trytond
                 processes, the SQL baseline, the report
    portal_load.py  (f) the load client: residents in threads
    receipts.py  (r) a building's receipts as one PDF: data, QR, layout
    report.py    printing: lines, tables, percentiles
    processes.py stopping the servers it starts (the tests use it too)
    cli.py       main(): the command line and the run
"""
try:
    from .. import demogen
except ImportError:  # tools/bench.py run as a script: tools/ is sys.path[0]
    import demogen

__all__ = ['demogen']
