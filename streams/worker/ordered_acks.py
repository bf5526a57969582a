"""The batches of articles in flight, and the order in which they are sent and acknowledged.

The article agent hands every batch to ``OrderedAcks.add`` as soon as Faust gives it one. The
batch is prepared at once (decode and pipeline, ``prepared``), so the pipeline works on it while
earlier batches wait for the broker; but its messages are sent only after the batch before it has
queued its own (matches leave in batch order), and its input events are acknowledged (which lets
Faust commit their offsets) only once the broker has acknowledged every message it sent. At most
``limit`` batches are in flight: ``add`` waits for the oldest before it returns. ``drain`` is
called when the agent stops: batches already started finish, so a clean stop leaves nothing to do
again; after a crash they stay unacknowledged and are read again.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

P = TypeVar("P")

#: queues a prepared batch's messages; returns the futures of their broker acknowledgements
SendBatch = Callable[[P], Awaitable[list[Awaitable[Any]]]]
#: acknowledges one input event (Faust: ``stream.ack``)
AckEvent = Callable[[Any], Awaitable[Any]]


class OrderedAcks(Generic[P]):
    def __init__(self, limit: int, send: SendBatch[P], ack: AckEvent) -> None:
        self.limit = max(1, limit)
        self.send = send
        self.ack = ack
        self.in_flight: deque[asyncio.Future[None]] = deque()
        self._last_sent: asyncio.Future[None] | None = None

    async def add(self, events: Sequence[Any], prepared: Awaitable[P]) -> None:
        """Take one batch (its events, and the coroutine that prepares it); return once fewer than
        ``limit`` batches are in flight. A batch that failed raises here, when it is the oldest."""
        sent: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.in_flight.append(asyncio.ensure_future(
            self._complete(events, asyncio.ensure_future(prepared), self._last_sent, sent)))
        self._last_sent = sent
        while self.in_flight and (self.in_flight[0].done() or len(self.in_flight) >= self.limit):
            await self.in_flight.popleft()

    async def drain(self) -> None:
        """Let every batch in flight finish, even if the caller is cancelled (worker stop)."""
        if self.in_flight:
            pending, self.in_flight = list(self.in_flight), deque()
            await asyncio.shield(asyncio.gather(*pending, return_exceptions=True))

    async def _complete(self, events: Sequence[Any], prepared: asyncio.Future[P],
                        after: asyncio.Future[None] | None, sent: asyncio.Future[None]) -> None:
        try:
            batch = await prepared
            if after is not None:
                await after
            acks = await self.send(batch)
        finally:
            if not sent.done():
                sent.set_result(None)
        await asyncio.gather(*acks)
        for event in events:
            await self.ack(event)
