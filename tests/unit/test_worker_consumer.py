"""The seek fence and commit guard of streams.worker.consumer, driven without a broker.

Faust's fetch loop is simulated: it takes records from ``Consumer.getmany``, "delivers" them and
records the read offset, as ``faust.transport.consumer.Consumer._drain_messages`` does. The
broker-level proof is tests/faults/test_kill9.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from faust.transport import consumer as faust_consumer
from faust.types import TP
from intervaltree import IntervalTree

from streams.worker.consumer import Consumer, ConsumerThread

P0, P1 = TP("articles", 0), TP("articles", 1)


class Record:
    def __init__(self, tp: TP, offset: int) -> None:
        self.tp, self.offset = tp, offset


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
    t = object.__new__(ConsumerThread)
    t.tp_seek_generation = {}
    return t


def fake_upstream_getmany(batch: list[Record]) -> Callable[..., AsyncIterator[tuple[TP, Record]]]:
    async def getmany(self: Any, timeout: float) -> AsyncIterator[tuple[TP, Record]]:
        await self._getmany(None, timeout)  # the fetch: stamps the generation
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


def install(monkeypatch: pytest.MonkeyPatch, thread: ConsumerThread, batch: list[Record]) -> None:
    async def fetch(self: Any, active: Any, timeout: float) -> dict[TP, list[Record]]:
        thread.fetch_generation = thread.seek_generation
        return {}
    monkeypatch.setattr(faust_consumer.ThreadDelegateConsumer, "_getmany", fetch)
    monkeypatch.setattr(faust_consumer.Consumer, "getmany", fake_upstream_getmany(batch))


def seek(thread: ConsumerThread, consumer: Consumer, positions: dict[TP, int]) -> None:
    """A seek to committed offsets as the thread applies it, then Faust's read-offset reset."""
    thread.seek_generation += 1
    for tp in positions:
        thread.tp_seek_generation[tp] = thread.seek_generation
    consumer._read_offset.update(positions)
    consumer._seeks_done += 1
    consumer._sought = dict(consumer._read_offset)


def test_records_of_a_partition_sought_after_the_fetch_are_not_delivered(monkeypatch: pytest.MonkeyPatch) -> None:
    thread = bare_thread()
    consumer = bare_consumer(thread)
    batch = [Record(P0, 80), Record(P1, 50), Record(P0, 81), Record(P1, 51)]
    install(monkeypatch, thread, batch)

    async def deliver(record: Record) -> None:
        if record.offset == 80:  # the recovery seeks partition 0 back to 70 while record 80 is handled
            seek(thread, consumer, {P0: 70})

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
    seek(thread, consumer, {P0: 70})
    install(monkeypatch, thread, [Record(P0, 70), Record(P0, 71)])
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
