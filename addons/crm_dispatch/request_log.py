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


def quick(msg, args, threshold):
    "Whether msg % args is a request's line of under threshold ms"
    # The duration is the last argument of both lines ('... in %i ms')
    return (isinstance(msg, str) and msg.endswith(' in %i ms')
        and isinstance(args, tuple) and bool(args)
        and isinstance(args[-1], (int, float)) and args[-1] < threshold)


class SlowRequests(logging.Filter):
    "Lets a request's INFO line through only when it took threshold ms"

    def __init__(self, threshold):
        super().__init__()
        self.threshold = threshold

    def filter(self, record):
        if record.levelno != logging.INFO or record.exc_info:
            return True
        return not quick(record.msg, record.args, self.threshold)


def quick_info(logger, threshold):
    """logger.info that drops a quick request's line before its record is
    made: the filter alone still paid for the record (the caller's frame
    looked up, the time, the thread), a tenth of a millisecond a line"""
    info = logging.Logger.info.__get__(logger)

    def quick_info(msg, *args, **kwargs):
        if not kwargs.get('exc_info') and quick(msg, args, threshold):
            return
        return info(msg, *args, **kwargs)
    quick_info.threshold = threshold
    return quick_info


def patch_request_log():
    threshold = config.getint(
        'crm', 'slow_request', default=SLOW_REQUEST_MS)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for kept in [f for f in logger.filters
                if isinstance(f, SlowRequests)]:
            logger.removeFilter(kept)
        logger.addFilter(SlowRequests(threshold))
        logger.info = quick_info(logger, threshold)
