"""OrderedAcks: batches are prepared at once, sent in batch order, acked after their broker acks."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import pytest

from streams.worker.ordered_acks import OrderedAcks
from tests.unit.worker_fakes import Acks


class Recorder:
    def __init__(self) -> None:
        self.order: list[str] = []
        self.broker: dict[str, asyncio.Future[None]] = {}

    async def send(self, batch: str) -> list[Awaitable[Any]]:
        self.order.append(batch)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.broker[batch] = future
        return [future]


async def prepared(name: str, gate: asyncio.Event | None = None) -> str:
    if gate is not None:
        await gate.wait()
    return name


def test_a_batch_prepared_early_waits_for_the_one_before_to_be_sent() -> None:
    async def run() -> None:
        rec, acks = Recorder(), Acks()
        batches: OrderedAcks[str] = OrderedAcks(3, rec.send, acks)
        first_ready = asyncio.Event()
        await batches.add(["e1"], prepared("b1", first_ready))
        await batches.add(["e2"], prepared("b2"))  # ready at once
        await asyncio.sleep(0.01)
        assert rec.order == []  # b2 waits for b1
        first_ready.set()
        await asyncio.sleep(0.01)
        assert rec.order == ["b1", "b2"]
        assert acks.events == []  # the broker has acknowledged nothing yet
        rec.broker["b2"].set_result(None)
        await asyncio.sleep(0.01)
        assert acks.events == ["e2"]  # each batch's events once its own messages are acknowledged
        rec.broker["b1"].set_result(None)
        await batches.drain()
        assert acks.events == ["e2", "e1"]

    asyncio.run(run())


def test_add_waits_while_limit_batches_are_in_flight() -> None:
    async def run() -> None:
        rec, acks = Recorder(), Acks()
        batches: OrderedAcks[str] = OrderedAcks(2, rec.send, acks)
        await batches.add(["e1"], prepared("b1"))
        adding = asyncio.ensure_future(batches.add(["e2"], prepared("b2")))
        await asyncio.sleep(0.01)
        assert not adding.done()  # b1 and b2 in flight: add waits for b1
        rec.broker["b1"].set_result(None)
        await asyncio.wait_for(adding, 1)
        assert acks.events == ["e1"]
        rec.broker["b2"].set_result(None)
        await batches.drain()
        assert acks.events == ["e1", "e2"] and not batches.in_flight

    asyncio.run(run())


def test_a_failed_batch_is_never_acked_and_does_not_stop_the_next_from_being_sent() -> None:
    async def broken() -> str:
        raise RuntimeError("pipeline down")

    async def run() -> None:
        rec, acks = Recorder(), Acks()
        batches: OrderedAcks[str] = OrderedAcks(3, rec.send, acks)
        await batches.add(["e1"], broken())
        await batches.add(["e2"], prepared("b2"))
        await asyncio.sleep(0.01)
        assert rec.order == ["b2"]
        rec.broker["b2"].set_result(None)
        with pytest.raises(RuntimeError):  # surfaces when the failed batch is the oldest
            await batches.add(["e3"], prepared("b3"))
        await asyncio.sleep(0.01)
        rec.broker["b3"].set_result(None)
        await batches.drain()
        assert "e1" not in acks.events and acks.events == ["e2", "e3"]

    asyncio.run(run())


def test_drain_finishes_started_batches_even_when_cancelled() -> None:
    async def run() -> None:
        rec, acks = Recorder(), Acks()
        batches: OrderedAcks[str] = OrderedAcks(3, rec.send, acks)
        await batches.add(["e1"], prepared("b1"))
        await asyncio.sleep(0.01)
        draining = asyncio.ensure_future(batches.drain())
        await asyncio.sleep(0.01)
        draining.cancel()
        rec.broker["b1"].set_result(None)
        await asyncio.sleep(0.01)
        assert acks.events == ["e1"]

    asyncio.run(run())
