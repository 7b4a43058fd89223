"""The pool a server has loaded is kept out of the garbage collector's walks.

A full collection walks every object of the process; with a database's
pool loaded (models, fields, views, translations) it took about 100 ms and
stalled whichever request set it off: the slowest of 400 queue reads at a
million appeals took 110 ms, against 45 ms with the pool frozen.  The
pool's objects live as long as the pool, so once a pool is loaded the
collector is told to leave every object of that moment alone
(gc.freeze), and before a pool is loaded again they are handed back
(gc.unfreeze), so that what a reloaded pool drops is still freed.

On with [crm] gc_freeze (set in the shipped configurations); off by
default, as in the tests, which load pools by the hundred and would pay a
full collection each time."""
import gc
import functools

from trytond import config
from trytond.pool import Pool


def frozen(init):
    "Pool.init that freezes what exists once the pool is loaded"
    @functools.wraps(init)
    def init_frozen(self, *args, **kwargs):
        if not config.getboolean('crm', 'gc_freeze', default=False):
            return init(self, *args, **kwargs)
        gc.unfreeze()
        try:
            return init(self, *args, **kwargs)
        finally:
            gc.collect()
            gc.freeze()
    init_frozen.crm_gc_freeze = True
    return init_frozen


def patch_gc_freeze():
    # crm_dispatch is imported when trytond registers the modules
    # (Pool.start), before any database's pool is loaded
    if not getattr(Pool.init, 'crm_gc_freeze', False):
        Pool.init = frozen(Pool.init)
