"""One log line per interval for a message that repeats, with a count (broker outages).

While the broker is down, aiokafka logs every failed connect, metadata update, fetch and
coordinator request, several times a second per connection: about 100 lines per second on a small
worker (5,000 in the red-team run, 45 MB in 88 s). ``RepeatLimiter`` lets the first record of a
kind through, holds back the same kind for ``interval_s``, and puts the number held back on the
next one it lets through::

    [ERROR] Unable connect to node with id 1: [Errno 111] Connect call failed (...) [96 more like this in the last 10 s]

A kind is (logger, level, message template): "Unable connect to node with id %s: %s" is one kind
whatever the node and error. Only records at WARNING and above from the Kafka client libraries
are limited (``DEFAULT_PREFIXES``); newsalert's own lines (dead letters, reloads) are not.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

DEFAULT_PREFIXES = ("aiokafka", "kafka", "faust.transport")


class RepeatLimiter(logging.Filter):
    """A handler filter: at most one record per kind and interval; the rest are counted."""

    def __init__(self, interval_s: float = 10.0, prefixes: Iterable[str] = DEFAULT_PREFIXES,
                 level: int = logging.WARNING, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.interval_s = interval_s
        self.prefixes = tuple(prefixes)
        self.level = level
        self.clock = clock
        self._lock = threading.Lock()
        self._kinds: dict[tuple[str, int, str], tuple[float, int]] = {}  # kind -> (last let through, held back)
        self.suppressed = 0  # all records held back so far

    def applies(self, record: logging.LogRecord) -> bool:
        name = record.name
        return record.levelno >= self.level and any(name == p or name.startswith(p + ".") for p in self.prefixes)

    def filter(self, record: logging.LogRecord) -> bool:
        if self.interval_s <= 0 or not self.applies(record):
            return True
        decided = getattr(record, "_repeat_pass", None)
        if decided is not None:  # the same record on the next handler: the same answer
            return bool(decided)
        verdict = self._decide(record)
        setattr(record, "_repeat_pass", verdict)  # noqa: B010 (LogRecord takes extra attributes)
        return verdict

    def _decide(self, record: logging.LogRecord) -> bool:
        kind = (record.name, record.levelno, str(record.msg))
        now = self.clock()
        with self._lock:
            last, held = self._kinds.get(kind, (None, 0))
            if last is not None and now - last < self.interval_s:
                self._kinds[kind] = (last, held + 1)
                self.suppressed += 1
                return False
            self._kinds[kind] = (now, 0)
            if len(self._kinds) > 1000:  # kinds are templates, so few; never grow without bound
                self._kinds = {kind: (now, 0)}
        if held and last is not None:
            record.msg = f"{record.msg} [{held} more like this in the last {now - last:.0f} s]"
        return True


def limit_repeats(handlers: Iterable[logging.Handler], interval_s: float,
                  prefixes: Iterable[str] = DEFAULT_PREFIXES) -> RepeatLimiter:
    """Add one shared RepeatLimiter to each handler (e.g. the root logger's, once they are set up)."""
    limiter = RepeatLimiter(interval_s, prefixes)
    for handler in handlers:
        if not any(isinstance(f, RepeatLimiter) for f in handler.filters):
            handler.addFilter(limiter)
    return limiter
