"""The seek fence and commit guard of streams.worker.consumer, driven without a broker.

Faust's fetch loop is simulated: it takes records from ``Consumer.getmany``, "delivers" them and
records the read offset, as ``faust.transport.consumer.Consumer._drain_messages`` does. The
overridden methods are the real ones, called through Faust's own chains (``perform_seek`` ->
``seek_to_committed`` -> ``_seek_to_committed_at_once``; ``_getmany`` -> the thread's
``getmany`` -> ``_fetch_records``); only aiokafka below them is stubbed (``FakeKafkaConsumer``,
the network fetch) and the thread's calls run on the test's loop. The broker-level proof is
tests/faults/test_kill9.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from faust.transport import consumer as faust_consumer
from faust.transport.drivers import aiokafka as aiokafka_driver
from faust.types import TP
from intervaltree import IntervalTree

from streams.worker.consumer import Consumer, ConsumerThread

P0, P1 = TP("articles", 0), TP("articles", 1)


class Record:
    def __init__(self, tp: TP, offset: int) -> None:
        self.tp, self.offset = tp, offset


class FakeKafkaConsumer:
    """The part of aiokafka's consumer that the overridden thread methods call."""

    _max_poll_records = 500

    def __init__(self) -> None:
        self.committed_offsets: dict[TP, int] = {}
        self.positions: dict[TP, int] = {}

    def assignment(self) -> set[TP]:
        return set(self.committed_offsets)

    async def committed(self, tp: TP) -> int:
        return self.committed_offsets[tp]

    def seek(self, tp: TP, offset: int) -> None:
        self.positions[tp] = offset


def bare_consumer(thread: ConsumerThread) -> Consumer:
    """A Consumer without Faust's service machinery: only the bookkeeping the fixes touch."""
    c = object.__new__(Consumer)
    c._thread = thread
    c._read_offset = defaultdict(lambda: None)
    c._acked = defaultdict(list)
    c._acked_index = defaultdict(set)
    c._committed_offset = defaultdict(lambda: None)
    c._gap = defaultdict(IntervalTree)
    c.log = logging.getLogger("test")  # type: ignore[assignment]
    return c


def bare_thread() -> ConsumerThread:
    """A ConsumerThread whose calls run on the test's loop, on a FakeKafkaConsumer."""
    t = object.__new__(ConsumerThread)
    t.tp_seek_generation = {}
    kafka = FakeKafkaConsumer()
    t._ensure_consumer = lambda: kafka  # type: ignore[method-assign]

    async def call_thread(fun: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await fun(*args, **kwargs)

    t.call_thread = call_thread  # type: ignore[method-assign]
    return t


def fake_upstream_getmany(batch: list[Record]) -> Callable[..., AsyncIterator[tuple[TP, Record]]]:
    async def getmany(self: Any, timeout: float) -> AsyncIterator[tuple[TP, Record]]:
        await self._getmany(None, timeout)  # the fetch, through the real overrides: stamps the generation
        for r in batch:
            yield r.tp, r
    return getmany


async def drain(consumer: Consumer, on_deliver: Callable[[Record], Any] | None = None) -> list[tuple[TP, int]]:
    """What Faust's drain loop does with each record: deliver it, then record its read offset."""
    delivered = []
    async for tp, record in consumer.getmany(timeout=1.0):
        if on_deliver is not None:
            await on_deliver(record)
        delivered.append((tp, record.offset))
        consumer._read_offset[tp] = record.offset
    return delivered


def install(monkeypatch: pytest.MonkeyPatch, batch: list[Record]) -> None:
    """Stub the network below the overrides: aiokafka's fetch (the records come from ``batch``)."""
    async def network_fetch(self: Any, consumer: Any, active: Any, timeout: float | None = None,
                            max_records: int | None = None) -> dict[TP, list[Record]]:
        return {}
    monkeypatch.setattr(aiokafka_driver.AIOKafkaConsumerThread, "_fetch_records", network_fetch)
    monkeypatch.setattr(faust_consumer.Consumer, "getmany", fake_upstream_getmany(batch))


async def seek(thread: ConsumerThread, consumer: Consumer, committed: dict[TP, int]) -> None:
    """Recovery's seek to the committed offsets, through the real perform_seek chain."""
    thread._ensure_consumer().committed_offsets.update(committed)  # type: ignore[attr-defined]
    await consumer.perform_seek()


def test_records_of_a_partition_sought_after_the_fetch_are_not_delivered(monkeypatch: pytest.MonkeyPatch) -> None:
    thread = bare_thread()
    consumer = bare_consumer(thread)
    batch = [Record(P0, 80), Record(P1, 50), Record(P0, 81), Record(P1, 51)]
    install(monkeypatch, batch)

    async def deliver(record: Record) -> None:
        if record.offset == 80:  # the recovery seeks partition 0 back to 70 while record 80 is handled
            await seek(thread, consumer, {P0: 70})

    delivered = asyncio.run(drain(consumer, deliver))
    # 80 was delivered before the seek (it comes again from 70); 81 is not delivered at all
    assert delivered == [(P0, 80), (P1, 50), (P1, 51)]
    # the read offset the fetch loop wrote for the stale 80 after the seek is put back to 70,
    # so the refetched 70..79 are not dropped as "already read" nor taken for a gap
    assert consumer._read_offset[P0] == 70
    assert consumer._read_offset[P1] == 51


def test_a_batch_fetched_after_the_seek_is_delivered(monkeypatch: pytest.MonkeyPatch) -> None:
    thread = bare_thread()
    consumer = bare_consumer(thread)
    install(monkeypatch, [Record(P0, 70), Record(P0, 71)])
    asyncio.run(seek(thread, consumer, {P0: 70}))
    assert thread._ensure_consumer().positions == {P0: 70}  # type: ignore[attr-defined]
    assert asyncio.run(drain(consumer)) == [(P0, 70), (P0, 71)]
    assert consumer._read_offset[P0] == 71


def test_commit_guard_refuses_to_skip_one_unacknowledged_offset() -> None:
    consumer = bare_consumer(bare_thread())
    consumer._committed_offset[P0] = 10
    consumer._acked[P0] = [11, 12]
    consumer._acked_index[P0] = {11, 12}
    assert consumer._new_offset(P0) is None  # offset 10 was never acknowledged


def test_commit_guard_commits_a_contiguous_run() -> None:
    consumer = bare_consumer(bare_thread())
    consumer._committed_offset[P0] = 10
    consumer._acked[P0] = [10, 11, 12]
    consumer._acked_index[P0] = {10, 11, 12}
    assert consumer._new_offset(P0) == 13


def test_commit_guard_lets_a_known_gap_through() -> None:
    consumer = bare_consumer(bare_thread())
    consumer._committed_offset[P0] = 10
    consumer._gap[P0].addi(10, 11)  # offset 10 is a transaction marker, say
    consumer._acked[P0] = [11, 12]
    consumer._acked_index[P0] = {11, 12}
    assert consumer._new_offset(P0) == 13
