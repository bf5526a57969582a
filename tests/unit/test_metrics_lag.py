"""Consumer lag: end offset - committed offset per owned partition; revoked partitions vanish."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from faust.types import TP
from prometheus_client import CollectorRegistry

from streams.metrics import LagReporter, Metrics, compute_lag

A0, A1, OTHER_TOPIC = TP("articles", 0), TP("articles", 1), TP("newsalert-matches", 0)


class FakeConsumer:
    """The four consumer calls LagReporter makes, answering from dicts (no broker in unit tests)."""

    def __init__(self, assigned: set[TP], ends: Mapping[TP, int], committed: Mapping[TP, int | None],
                 earliest: Mapping[TP, int]) -> None:
        self.assigned = assigned
        self.ends = ends
        self._committed_offset = dict(committed)
        self.earliest = earliest

    def assignment(self) -> set[TP]:
        return set(self.assigned)

    async def highwaters(self, *tps: TP) -> dict[TP, int]:
        return {tp: self.ends[tp] for tp in tps}

    async def earliest_offsets(self, *tps: TP) -> dict[TP, int]:
        return {tp: self.earliest[tp] for tp in tps}


class FakeApp:
    def __init__(self, consumer: FakeConsumer) -> None:
        self.consumer = consumer
        self.monitor: Any = None


def test_compute_lag() -> None:
    lags = compute_lag({A0: 10, A1: 7, OTHER_TOPIC: None}, {A0: 4, A1: None}, {A1: 2})
    assert lags == {A0: 6, A1: 5}
    assert compute_lag({A0: 3}, {A0: 5}, {}) == {A0: 0}  # committed past a stale end offset


def test_reporter_publishes_and_clears() -> None:
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    consumer = FakeConsumer({A0, A1, OTHER_TOPIC}, {A0: 10, A1: 8, OTHER_TOPIC: 99},
                            {A0: 7, A1: None, OTHER_TOPIC: 0}, {A1: 3})
    reporter = LagReporter(metrics, ["articles"])
    assert asyncio.run(reporter.refresh(FakeApp(consumer))) == {("articles", 0): 3, ("articles", 1): 5}

    def lag(p: int) -> float | None:
        return registry.get_sample_value("newsalert_consumer_lag_messages",
                                         {"topic": "articles", "partition": str(p)})

    assert (lag(0), lag(1)) == (3, 5)
    assert registry.get_sample_value("newsalert_consumer_lag_messages",
                                     {"topic": "newsalert-matches", "partition": "0"}) is None
    consumer.assigned = {A1}  # rebalance: partition 0 went to another worker
    asyncio.run(reporter.refresh(FakeApp(consumer)))
    assert lag(0) is None and lag(1) == 5
