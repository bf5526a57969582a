"""The batches of matches in flight in the suppression agent, decided in order and committed in order.

The suppression agent hands every batch of match events to ``SuppressionBatches.add`` as soon as
Faust gives it one. The batch is decided and its alerts are queued at once
(``MatchSuppressor.stage``), against the staged state of the batch before it when that one is
still in flight; so the agent takes the next batch while the broker acknowledges this one's
alerts, instead of idling for two round trips per batch (alerts, then the article markers).
Each batch is committed (``MatchSuppressor.commit``: state written, events acked) only after the
batch before it was, and only if that one was written: a batch whose alerts or state failed
takes the batches staged on it down with it (their events stay unacknowledged and are read
again). At most ``limit`` batches are in flight: ``add`` waits for the oldest before it returns.
A batch is never staged on one from another consumer group generation: after a rebalance ``add``
first lets the batches in flight finish (they leave their state to the new owner).
``drain`` is called when the agent stops: the batches in flight finish, even if it is cancelled.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from streams.worker.match_suppressor import MatchSuppressor, StagedBatch, StagedState, SuppressionTable


class SuppressionBatches:
    def __init__(self, suppressor: MatchSuppressor, ack: Callable[[Any], Awaitable[Any]], limit: int) -> None:
        self.suppressor = suppressor
        self.ack = ack
        self.limit = max(1, limit)
        self.in_flight: deque[asyncio.Future[bool]] = deque()
        self._last: tuple[StagedState, int, asyncio.Future[bool]] | None = None  # newest batch in flight

    async def add(self, events: Sequence[Any]) -> None:
        """Stage one batch on the one before and start its commit; return once fewer than ``limit``
        batches are in flight. A batch that failed raises here, when it is the oldest."""
        if self._last is not None and self._last[1] != self.suppressor.generation():
            await self.drain()
        base: SuppressionTable | StagedState = self.suppressor.table
        before: asyncio.Future[bool] | None = None
        if self._last is not None and not self._last[2].done():
            base, _, before = self._last
        batch = await self.suppressor.stage(events, base)
        committed = asyncio.ensure_future(self._commit(batch, before))
        self.in_flight.append(committed)
        self._last = (batch.staged, batch.generation, committed)
        while self.in_flight and (self.in_flight[0].done() or len(self.in_flight) >= self.limit):
            await self.in_flight.popleft()

    async def drain(self) -> None:
        """Let every batch in flight finish, even if the caller is cancelled (worker stop)."""
        pending, self.in_flight, self._last = list(self.in_flight), deque(), None
        if pending:
            await asyncio.shield(asyncio.gather(*pending, return_exceptions=True))

    async def _commit(self, batch: StagedBatch, before: asyncio.Future[bool] | None) -> bool:
        written = True
        if before is not None:
            try:
                written = await before
            except (Exception, asyncio.CancelledError):  # it raises in ``add`` (or was cancelled)
                written = False
        if not written:  # staged on state that never reached the table: left to a redelivery
            batch.staged.clear()
            batch.staged.table = self.suppressor.table
            return False
        return await self.suppressor.commit(batch, self.ack)
