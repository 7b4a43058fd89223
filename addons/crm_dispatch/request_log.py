"""The server's log names the slow requests, not every request.

trytond logs each request twice at INFO: the HTTP request, then the call
with its arguments, each with its duration.  Formatting and writing the two
lines took about 1 ms of every request (12 % of a small one), and the log
of a day of operators' work would be mostly lines no one reads.  Those
lines are written only for a request that took at least [crm] slow_request
milliseconds (300 by default, 0 logs them all); every other record of
these loggers (warnings, errors, anything with a traceback) is written as
before."""
import logging

from trytond import config

LOGGERS = ['trytond.wsgi', 'trytond.protocols.dispatcher']
SLOW_REQUEST_MS = 300


class SlowRequests(logging.Filter):
    "Lets a request's INFO line through only when it took threshold ms"

    def __init__(self, threshold):
        super().__init__()
        self.threshold = threshold

    def filter(self, record):
        if record.levelno != logging.INFO or record.exc_info:
            return True
        args = record.args
        # The duration is the last argument of both lines ('... in %i ms')
        if not (isinstance(args, tuple) and args
                and isinstance(record.msg, str)
                and record.msg.endswith(' in %i ms')):
            return True
        return args[-1] >= self.threshold


def patch_request_log():
    threshold = config.getint(
        'crm', 'slow_request', default=SLOW_REQUEST_MS)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for kept in [f for f in logger.filters
                if isinstance(f, SlowRequests)]:
            logger.removeFilter(kept)
        logger.addFilter(SlowRequests(threshold))
