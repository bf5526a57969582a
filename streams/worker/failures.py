"""What the worker does when handling one record raises: dead-letter that record, count it, go on;
and when an agent body itself keeps crashing: tell liveness (``/healthz``).

``RecordFailures.failed`` is called by both agents (streams.worker.app) inside the loop over one
batch, with the record whose handling raised. It logs, counts
(``newsalert_record_failures_total{agent, error}``) and returns the ``RecordFailed`` the agent
dead-letters: the record's offset then moves on like any other, so one bad record never blocks
its partition. ``AgentCrashes`` wraps each agent body: N crashes within a window make
``health()`` unhealthy with the reason (N and the window: NEWSALERT_AGENT_CRASH_LIMIT and
NEWSALERT_AGENT_CRASH_WINDOW_S).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from streams.metrics import Metrics
from streams.metrics.http import Unhealthy
from streams.models import ArticleError

log = logging.getLogger("newsalert.worker")

#: dead-letter reason per agent for a record whose handling raised
REASONS = {"process_articles": "processing_error", "suppress_matches": "match_error"}


class RecordFailed(ArticleError):
    """A record whose handling raised ``error_class``; dead-lettered with ``reason``."""

    def __init__(self, reason: str, exc: BaseException) -> None:
        super().__init__(reason, f"{type(exc).__name__}: {exc}")
        self.error_class = type(exc).__name__


class RecordFailures:
    """Turns an exception raised while handling one record into a dead letter, and counts it."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def failed(self, agent: str, where: str, exc: BaseException) -> RecordFailed:
        """``agent``: the agent's name; ``where``: topic:partition@offset, for the log."""
        log.error("%s: handling %s raised %s; dead-lettered, the partition goes on",
                  agent, where, type(exc).__name__, exc_info=exc)
        self.metrics.record_failure(agent, type(exc).__name__)
        return RecordFailed(REASONS.get(agent, "processing_error"), exc)


class AgentCrashes:
    """Counts agent crashes (the body raised; Faust restarts it) in a sliding window."""

    def __init__(self, metrics: Metrics, *, limit: int, window_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.metrics = metrics
        self.limit = max(1, limit)
        self.window_s = window_s
        self.clock = clock
        self._crashes: dict[str, deque[tuple[float, str]]] = {}
        self._lock = threading.Lock()  # health() is called from the HTTP server's threads

    @asynccontextmanager
    async def watch(self, agent: str) -> AsyncIterator[None]:
        """Wrap an agent body: an exception (not a cancellation) is recorded and raised again."""
        try:
            yield
        except Exception as exc:
            self.crashed(agent, exc)
            raise

    def crashed(self, agent: str, exc: BaseException) -> None:
        log.error("agent %s crashed: %s: %s", agent, type(exc).__name__, exc)
        self.metrics.agent_crash(agent)
        with self._lock:
            self._crashes.setdefault(agent, deque(maxlen=self.limit)).append((self.clock(), type(exc).__name__))

    def health(self) -> bool | Unhealthy:
        """True, or Unhealthy naming the agent that crashed ``limit`` times within the window."""
        now = self.clock()
        with self._lock:
            for agent, crashes in self._crashes.items():
                recent = [c for c in crashes if now - c[0] <= self.window_s]
                if len(recent) >= self.limit:
                    return Unhealthy(f"agent {agent} crashed {len(recent)} times in the last "
                                     f"{self.window_s:g} s (last: {recent[-1][1]})")
        return True
