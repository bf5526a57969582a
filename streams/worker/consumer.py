"""Faust's Kafka consumer with two offset-bookkeeping faults fixed (tests/faults/test_kill9.py).

**Records fetched before a seek.** After a rebalance, Faust's recovery seeks every partition back
to its committed offset while the fetch loop may still be walking a batch of records fetched
before the seek. Upstream, those stale records are still delivered: the first one moves the
partition's read offset ahead of the position just sought to, so Faust takes the hole between the
committed offset and that record for a gap in the log (as left by compaction or transaction
markers) and counts it as done; the same records, fetched again from the committed offset, are
dropped as already read; and the flow-control reset after the seek clears the agents' queues. The
records are processed by nobody and the next commit moves past them. Seen as ~10 articles per
partition committed but never processed after a restart.

Here the consumer thread applies a seek to all partitions at once and numbers it; every fetch
result is stamped with the seek number current when the thread produced it. A record from a
partition whose position was reset after its fetch is not delivered (it is fetched again), and a
read offset the fetch loop recorded for a stale record after the seek is put back.

**Committing over one unacknowledged offset.** Upstream ``_new_offset`` refuses to commit when the
first acknowledged offset is more than one past the committed one, so with exactly one missing
(committed offset ``C`` not acknowledged, ``C + 1`` acknowledged) it commits past ``C``. The
consumer here refuses that too, unless ``C`` is a known gap.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import aclosing
from types import MappingProxyType
from typing import Any

from faust.transport.drivers import aiokafka as aiokafka_driver
from faust.types import TP


class ConsumerThread(aiokafka_driver.AIOKafkaConsumerThread):
    """The thread that owns the aiokafka consumer. Its coroutines run on the thread's own loop:
    ``_seek_to_committed_at_once`` when the consumer seeks to committed offsets (recovery after
    every rebalance), ``_fetch_records`` for every fetch of the fetch loop."""

    #: bumped on the consumer thread each time positions are reset
    seek_generation: int = 0
    #: seek_generation stamped on the last fetch result
    fetch_generation: int = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tp_seek_generation: dict[TP, int] = {}  # partition -> generation of its last reset

    async def seek_to_committed(self) -> Mapping[TP, int]:
        result: Mapping[TP, int] = await self.call_thread(self._seek_to_committed_at_once)
        return result

    async def _seek_to_committed_at_once(self) -> dict[TP, int | None]:
        """aiokafka's seek_to_committed, with all positions reset in one step (no fetch result can
        come in between): first read every committed offset, then seek."""
        consumer = self._ensure_consumer()
        committed = {tp: await consumer.committed(tp) for tp in consumer.assignment()}
        self.seek_generation += 1
        for tp, offset in committed.items():
            if offset and offset > 0:
                consumer.seek(tp, offset)
                self.tp_seek_generation[tp] = self.seek_generation
        return committed

    async def _fetch_records(self, consumer: Any, active_partitions: Any, timeout: float | None = None,
                             max_records: int | None = None) -> Any:
        records = await super()._fetch_records(consumer, active_partitions, timeout=timeout,
                                               max_records=max_records)
        self.fetch_generation = self.seek_generation  # one fetch at a time: read right after
        return records

    def reset_since(self, tp: TP, generation: int) -> bool:
        """Was ``tp`` sought after a fetch stamped ``generation``?"""
        return self.tp_seek_generation.get(tp, 0) > generation


class Consumer(aiokafka_driver.Consumer):
    """The aiokafka-driver consumer with the seek fence and the commit guard. Called by Faust:
    ``_getmany`` and ``getmany`` by the fetch loop, ``perform_seek`` on recovery, ``_new_offset``
    at every commit."""

    _thread: ConsumerThread
    _fetch_generation: int = 0
    _seeks_done: int = 0
    _sought: Mapping[TP, Any] = MappingProxyType({})  # read offsets as the last seek left them

    def _new_consumer_thread(self) -> ConsumerThread:
        return ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def _getmany(self, active_partitions: Any, timeout: float) -> Any:
        records = await super()._getmany(active_partitions, timeout)
        self._fetch_generation = self._thread.fetch_generation
        return records

    async def perform_seek(self) -> None:
        await super().perform_seek()
        self._seeks_done += 1
        self._sought = dict(self._read_offset)

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[TP, Any]]:  # type: ignore[override]
        stale: set[TP] = set()
        async with aclosing(super().getmany(timeout)) as records:  # type: ignore[type-var]
            async for tp, message in records:
                # the generation of this batch is read when its first record comes out
                generation = self._fetch_generation
                if self._thread.reset_since(tp, generation):
                    stale.add(tp)
                    continue
                seeks_done = self._seeks_done
                yield tp, message
                # the fetch loop has delivered the message and recorded its read offset
                if self._seeks_done != seeks_done and self._thread.reset_since(tp, generation):
                    self._restore_read_offset(tp)
        if stale:
            self.log.info("records of %d partitions fetched before a seek were left to be fetched again",
                          len(stale))

    def _restore_read_offset(self, tp: TP) -> None:
        if tp in self._sought:
            self._read_offset[tp] = self._sought[tp]
        else:
            self._read_offset.pop(tp, None)

    def _new_offset(self, tp: TP) -> int | None:
        acked = self._acked.get(tp)  # .get: the bookkeeping maps are defaultdicts
        committed = self._committed_offset.get(tp)
        if acked and committed is not None and committed >= 0 and min(acked) > committed:
            gaps = self._gap.get(tp)
            if not gaps or not gaps.overlaps(committed):
                return None  # offset `committed` is neither acknowledged nor a gap
        result: int | None = super()._new_offset(tp)
        return result


class Transport(aiokafka_driver.Transport):
    """``kafka://`` transport whose consumer is :class:`Consumer`."""

    Consumer = Consumer
