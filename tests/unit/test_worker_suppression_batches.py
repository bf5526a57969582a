"""SuppressionBatches: batches of matches decided on the staged state of the one before, committed
in order; without a broker."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from streams.alerts.suppression import ARTICLE_KEY_PREFIX
from streams.worker.suppression_batches import SuppressionBatches
from tests.unit.test_worker_match_suppressor import Generation, alerts, envelope_event, suppressor
from tests.unit.worker_fakes import Acks, MemoryTable, RecordingSend, match

T0 = 1_790_000_000.0


def entries(table: MemoryTable) -> list[tuple[str, int]]:
    """The event entries on the changelog, in order: (key, revision)."""
    return [(k, e["revision"]) for _, k, e in table.changelog if not k.startswith(ARTICLE_KEY_PREFIX)]


def test_the_next_batch_is_decided_on_the_staged_state_before_the_first_is_written() -> None:
    send, table, acks = RecordingSend(auto=False), MemoryTable(), Acks()
    s, _ = suppressor(send, table)
    first = [envelope_event(match(article_id="a1", killed=3), offset=0)]
    second = [envelope_event(match(article_id="a2", killed=7), event_time=T0 + 60, offset=1)]

    async def run() -> None:
        batches = SuppressionBatches(s, acks, limit=3)
        await batches.add(first)
        await batches.add(second)  # returns at once: the first is still waiting for the broker
        assert [a["status"] for a in alerts(send)] == ["new", "update"]  # the update saw the new event
        assert table.changelog == [] and acks.events == []
        send.acknowledge()
        await batches.drain()

    asyncio.run(run())
    assert [(a["revision"], a["corroboration"]) for a in alerts(send)] == [(1, 1), (2, 2)]
    assert entries(table) == [("r1|kharkiv", 1), ("r1|kharkiv", 2)]  # in batch order
    assert acks.events == first + second


def test_add_waits_for_the_oldest_batch_at_the_limit() -> None:
    send, table, acks = RecordingSend(auto=False), MemoryTable(), Acks()
    s, _ = suppressor(send, table)

    async def run() -> None:
        batches = SuppressionBatches(s, acks, limit=2)
        await batches.add([envelope_event(match(key="k1"), offset=0)])
        adding = asyncio.ensure_future(batches.add([envelope_event(match(key="k2"), offset=1)]))
        await asyncio.sleep(0.01)
        assert not adding.done()  # two in flight: the second add waits for the first
        send.acknowledge()
        await adding
        assert acks.events and acks.events[0].message.offset == 0
        send.acknowledge()
        await batches.drain()

    asyncio.run(run())
    assert [e.message.offset for e in acks.events] == [0, 1]


def test_after_a_rebalance_the_batches_in_flight_finish_first_and_write_nothing() -> None:
    send, table, acks = RecordingSend(auto=False), MemoryTable(), Acks()
    generation = Generation()
    s, _ = suppressor(send, table, generation)
    first = [envelope_event(match(article_id="a1"), offset=0)]
    second = [envelope_event(match(article_id="a2", killed=7), event_time=T0 + 60, offset=1)]

    async def run() -> None:
        batches = SuppressionBatches(s, acks, limit=3)
        await batches.add(first)
        generation.value += 1
        adding = asyncio.ensure_future(batches.add(second))
        await asyncio.sleep(0.01)
        assert not adding.done() and len(alerts(send)) == 1  # not staged on the old generation's state
        send.acknowledge()
        await asyncio.sleep(0.01)
        send.acknowledge()
        await adding
        await batches.drain()

    asyncio.run(run())
    # the first batch left its state and acks to the new owner; the second was decided on the table
    assert [a["status"] for a in alerts(send)] == ["new", "new"]
    assert entries(table) == [("r1|kharkiv", 1)] and acks.events == second


def test_a_batch_staged_on_one_that_failed_writes_nothing() -> None:
    send, table, acks = RecordingSend(auto=False), MemoryTable(), Acks()
    s, _ = suppressor(send, table)

    async def run() -> None:
        batches = SuppressionBatches(s, acks, limit=3)
        await batches.add([envelope_event(match(article_id="a1"), offset=0)])
        await batches.add([envelope_event(match(article_id="a2", killed=7), event_time=T0 + 60, offset=1)])
        send.pending[0].set_exception(RuntimeError("broker refused the alert"))
        send.acknowledge()
        results: list[Any] = await asyncio.gather(*batches.in_flight, return_exceptions=True)
        assert isinstance(results[0], RuntimeError) and results[1] is False

    asyncio.run(run())
    assert table.changelog == [] and acks.events == []
    assert json.loads(send.sent[1].value)["status"] == "update"  # sent, and sent again on redelivery
