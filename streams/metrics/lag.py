"""Consumer lag per assigned partition, measured from inside the worker.

Lag is what `kafka-consumer-groups --describe` calls LAG: end offset (high watermark) minus the
group's committed offset, per partition this worker owns. Faust's Monitor has a
``track_tp_end_offset`` hook but nothing in Faust calls it, so we ask the consumer ourselves on a
timer. Partitions that were revoked are removed from the gauge, so a rebalance leaves no stale
series behind (another worker reports them now).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from typing import Any

from streams.metrics.service import Metrics

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 5.0


def compute_lag(
    end_offsets: Mapping[Any, int | None],
    committed: Mapping[Any, int | None],
    earliest: Mapping[Any, int | None],
) -> dict[Any, int]:
    """Lag per partition: end - committed, or end - earliest when the group never committed.

    Partitions whose end offset is unknown are left out (no guess is better than a wrong one).
    """
    lags: dict[Any, int] = {}
    for tp, end in end_offsets.items():
        if end is None:
            continue
        start = committed.get(tp)
        if start is None:
            start = earliest.get(tp)
        if start is None:
            continue
        lags[tp] = max(0, int(end) - int(start))
    return lags


class LagReporter:
    """Keeps ``newsalert_consumer_lag_messages`` up to date for the partitions this worker owns."""

    def __init__(self, metrics: Metrics, topics: Collection[str]) -> None:
        self.metrics = metrics
        self.topics = frozenset(topics)
        self._reported: set[tuple[str, int]] = set()

    async def refresh(self, app: Any) -> dict[tuple[str, int], int]:
        """Measure and publish the lag once; call from a Faust timer while the app runs."""
        consumer = app.consumer
        tps = [tp for tp in consumer.assignment() if not self.topics or tp.topic in self.topics]
        lags: dict[Any, int] = {}
        if tps:
            end_offsets = await consumer.highwaters(*tps)
            committed = _committed_offsets(app, consumer)
            missing = [tp for tp in tps if committed.get(tp) is None]
            earliest = await consumer.earliest_offsets(*missing) if missing else {}
            lags = compute_lag({tp: end_offsets.get(tp) for tp in tps}, committed, earliest)
        current = {(tp.topic, int(tp.partition)): lag for tp, lag in lags.items()}
        for topic, partition in self._reported - set(current):
            self.metrics.clear_consumer_lag(topic, partition)
        for (topic, partition), lag in current.items():
            self.metrics.set_consumer_lag(topic, partition, lag)
        self._reported = set(current)
        return current


def _committed_offsets(app: Any, consumer: Any) -> dict[Any, int | None]:
    # Faust keeps the group's committed offsets (read at assignment, updated on every commit) in
    # the consumer; the monitor only learns them at the first commit of this process.
    committed: dict[Any, int | None] = dict(getattr(app.monitor, "tp_committed_offsets", {}) or {})
    committed.update({tp: off for tp, off in (getattr(consumer, "_committed_offset", {}) or {}).items()
                      if off is not None})
    return committed


def install_lag_timer(
    app: Any, metrics: Metrics, topics: Collection[str], interval: float = DEFAULT_INTERVAL_S
) -> LagReporter:
    """Register a Faust timer that refreshes the lag gauge every ``interval`` seconds.

    Call once, after creating the app and before it starts (like any ``@app.timer``).
    """
    reporter = LagReporter(metrics, topics)

    async def refresh_consumer_lag() -> None:
        try:
            await reporter.refresh(app)
        except Exception as exc:  # the consumer may be mid-rebalance; the next tick will do
            log.debug("consumer lag not measured this time: %r", exc)

    app.timer(interval, name="newsalert.consumer_lag")(refresh_consumer_lag)
    return reporter
