"""Stage 2: matches become alerts, against the suppression state (new event, update, or nothing).

``MatchSuppressor.handle`` is called by the suppression agent once per batch of matches it takes,
in order. Each match is decided (``decide``) against the state as the matches before it in the
batch left it: the Suppressor (``streams.alerts.suppression``) writes into a ``StagedState`` per
match, stacked on one per batch, so nothing reaches the table yet. The batch's alerts are sent;
once the broker has acknowledged all of them (one round trip per batch, not per alert) the
batch's staged state is written to the table (store and changelog) and the matches are acked.
Alert before state: with state first, an alert revision was lost after kill -9 (the redelivered
match was taken for a duplicate; tests/faults/test_kill9.py). A match that cannot be handled is
dead-lettered (``match_error``) and the batch goes on.

**Rebalances (``Ownership``).** Faust has no fencing without transactions: a worker whose
partitions were revoked can still write their changelogs, and the new owner may read such a late
write in its recovery or after it (its recovery reads each changelog partition past the
high-water mark it took, the two tables' changelogs independently). An event entry read without
the markers of the articles it counted makes the new owner count those articles again
(tests/faults/test_rebalance.py: 121 of 120). So a batch writes state and acks its matches only
if no rebalance started since it was taken: the epoch (``Ownership.epoch``) changes the moment
partitions are revoked, before the worker rejoins its group, and Faust flushes the producer on
revocation, so whatever a batch queued before that is in the changelog before the next owner
reads it. Otherwise the batch leaves state and acks to whoever owns its partitions next (this
worker too), who reads the matches again from the committed offset and sends the same alerts.
A batch taken while a rebalance is still in progress (the tables are being recovered: the state
is incomplete, and rewritten under the batch) waits until it has ended; then its matches fetched
before the rebalance (``Ownership.current``; Faust's take buffer keeps them across it) are
dropped unacked.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from streams.alerts.suppression import ARTICLE_KEY_PREFIX, Suppressor
from streams.delivery.routing import message_key, topics_for
from streams.metrics import Metrics
from streams.models import Alert, Match
from streams.worker.dead_letters import DeadLetters, where
from streams.worker.failures import RecordFailures
from streams.worker.match_envelope import MatchEnvelope
from streams.worker.messages import source_record
from streams.worker.sending import Send

log = logging.getLogger("newsalert.worker")

AGENT = "suppress_matches"
SETTLE_POLL_S = 0.05  # how often a batch taken during a rebalance looks whether it has ended


class SuppressionTable(Protocol):
    """The durable suppression state: read an entry; write one to the store and to the changelog
    partition of the match that set it."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def write(self, partition: int, key: str, entry: Any) -> Awaitable[Any] | None:
        """Write one entry; returns the acknowledgement of its changelog write, if there is one."""


class FaustSuppressionTable:
    """``SuppressionTable`` over the worker's two Faust tables: ``events`` (one SuppressionEntry per
    event, rewritten on every update) and ``articles`` (the ArticleSeen markers, written once per
    article; their keys start with ``suppression.ARTICLE_KEY_PREFIX``). The table's own
    ``__setitem__`` takes the partition from the current stream event; in a batch that is not this
    key's match, so store and changelog are written explicitly."""

    def __init__(self, events: Any, articles: Any) -> None:
        self.events = events
        self.articles = articles

    def _table(self, key: str) -> Any:
        return self.articles if key.startswith(ARTICLE_KEY_PREFIX) else self.events

    def get(self, key: str, default: Any = None) -> Any:
        # the store itself, as write() does: Table.get would also run Faust's sensors on every
        # read, and an alert reads up to 25 article markers
        return self._table(key).data.get(key, default)

    def write(self, partition: int, key: str, entry: Any) -> Awaitable[Any] | None:
        table = self._table(key)
        table.data[key] = entry
        return table.send_changelog(partition, key, entry)  # type: ignore[no-any-return]


class Ownership(Protocol):
    """What the consumer group says about the partitions this worker owns (``FaustOwnership``)."""

    def epoch(self) -> int:
        """A number that changes as soon as a rebalance starts (before partitions are revoked)."""

    def settled(self) -> bool:
        """No rebalance in progress: partitions assigned, tables recovered, positions sought."""

    def current(self, event: Any) -> bool:
        """The event was fetched in the current assignment (not before the last rebalance)."""


class FaustOwnership:
    """``Ownership`` from a Faust app: ``rebalancing_count`` is raised by the consumer thread's
    rebalance listener when the revocation starts (``app.on_rebalance_start``), ``rebalancing``
    stays true until recovery is done and the streams have been sought to their committed
    offsets, and every message carries the consumer generation it was fetched in."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def epoch(self) -> int:
        return int(self.app.rebalancing_count)

    def settled(self) -> bool:
        return not self.app.rebalancing

    def current(self, event: Any) -> bool:
        return bool(event.message.generation_id == self.app.consumer_generation_id)


class SoleOwner:
    """``Ownership`` of a worker that owns every partition for ever (unit tests, benchmarks)."""

    def epoch(self) -> int:
        return 0

    def settled(self) -> bool:
        return True

    def current(self, event: Any) -> bool:
        return True


class StagedState(dict[str, Any]):
    """Staged suppression state: reads fall through to ``table`` (a SuppressionTable, or another
    StagedState), writes stay here."""

    def __init__(self, table: SuppressionTable | StagedState) -> None:
        super().__init__()
        self.table = table

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        if key in self:
            return self[key]
        return self.table.get(key, default)


@dataclass(frozen=True)
class Decision:
    """One match decided: its staged state, and the alert with its body and topics if it gives one."""

    staged: StagedState
    match: Match
    alert: Alert | None = None
    body: bytes = b""
    topics: tuple[str, ...] = ()


class MatchSuppressor:
    def __init__(self, *, table: SuppressionTable, send: Send, dead_letters: DeadLetters,
                 failures: RecordFailures, metrics: Metrics, alerts_topic: str,
                 severity_topics: Mapping[str, str], pipeline_version: str,
                 ownership: Ownership, settle_timeout_s: float = 60.0) -> None:
        self.table = table
        self.send_message = send
        self.dead_letters = dead_letters
        self.failures = failures
        self.metrics = metrics
        self.alerts_topic = alerts_topic
        self.severity_topics = severity_topics
        self.pipeline_version = pipeline_version
        self.ownership = ownership
        self.settle_timeout_s = settle_timeout_s  # longest wait for a rebalance to end before a batch
        # between a batch's marker writes and its entry writes: a new event's markers are there
        # without their event, which the expiry pass (streams.alerts.expiry) would drop as orphans
        self.writing = False

    async def _settled(self) -> bool:
        """Wait until no rebalance is in progress (the tables are recovered: the state is complete
        and no longer rewritten by the recovery); False after ``settle_timeout_s``."""
        waited = 0.0
        while not self.ownership.settled():
            if waited >= self.settle_timeout_s:
                return False
            await asyncio.sleep(SETTLE_POLL_S)
            waited += SETTLE_POLL_S
        return True

    def decide(self, value: bytes, batch: StagedState) -> Decision:
        """One match against the state. Pure: raises before anything is sent or staged in ``batch``."""
        envelope = MatchEnvelope.decode(value)
        staged = StagedState(batch)
        outcome = Suppressor(staged, self.pipeline_version).observe(envelope.match, envelope.article,
                                                                    envelope.event_time, envelope.content)
        alert = outcome.alert
        if alert is None:
            return Decision(staged, envelope.match)
        body = json.dumps(alert.to_dict(), ensure_ascii=False).encode()
        names = topics_for(alert, default_topic=self.alerts_topic, severity_topics=self.severity_topics)
        return Decision(staged, envelope.match, alert, body, tuple(names))

    async def handle(self, events: Sequence[Any], ack: Callable[[Any], Awaitable[Any]]) -> None:
        """Decide a batch of match events, send its alerts, then write its state and ack the events.

        Nothing is written or acked once a rebalance has started since the batch was taken
        (module docstring)."""
        ownership = self.ownership
        if not await self._settled():
            log.warning("a batch of %d matches waited %.0f s for a rebalance to end: left to be read again",
                        len(events), self.settle_timeout_s)
            return
        epoch = ownership.epoch()
        stale = [e for e in events if not ownership.current(e)]
        if stale:
            # fetched before the last rebalance: their partition may have another owner now, and
            # is read again from its committed offset by whoever owns it
            log.info("%d matches fetched before the last rebalance are left to be read again", len(stale))
            events = [e for e in events if ownership.current(e)]
        batch = StagedState(self.table)
        written_by: dict[str, int] = {}  # state key -> partition of the match event that staged it
        acks: list[Awaitable[Any]] = []
        emitted: list[Alert] = []
        for event in events:
            try:
                decision = self.decide(event.value, batch)
            except Exception as exc:  # noqa: BLE001 - one match's failure is its own (failures.py)
                record = source_record(event.message)
                acks.append(await self.dead_letters.send(record, self.failures.failed(AGENT, where(record), exc)))
                continue
            alert = decision.alert
            if alert is not None:
                key = message_key(alert)
                acks += [await self.send_message(name, key, decision.body) for name in decision.topics]
                emitted.append(alert)
            else:
                self.metrics.alert_suppressed(decision.match.rule_id)
            for skey, entry in decision.staged.items():
                batch[skey] = entry
                written_by[skey] = event.message.partition
        # durable (acks=all) before the table says they were sent
        await asyncio.gather(*acks)
        for alert in emitted:
            self.metrics.alert_emitted(alert.rule_id, alert.severity, alert.status)
            log.info("alert %s %s %s: %s (%s, article %s)", alert.status, alert.severity, alert.rule_id,
                     alert.title, alert.alert_id, alert.article_id)
        if ownership.epoch() != epoch:
            # A rebalance started meanwhile: these partitions may have a new owner, which reads the
            # matches again from the committed offset. State written now could reach it after its
            # recovery (module docstring): leave state and acks to it.
            log.info("rebalance during a batch of %d matches: its state is left to the next owner", len(events))
            return
        # markers before events, and durable first: an event entry on the changelog then always has
        # its articles' markers there too, so a replay after kill -9 never counts an article twice
        # (ArticleSeen.counted_at tells a marker whose entry was lost: the article is counted again)
        self.writing = True  # the expiry pass waits: it would take the new markers for orphans
        try:
            markers = [self.table.write(written_by[k], k, e)
                       for k, e in batch.items() if k.startswith(ARTICLE_KEY_PREFIX)]
            await asyncio.gather(*[m for m in markers if m is not None])
            if ownership.epoch() != epoch:
                # the markers were queued before the revocation (Faust flushed them before
                # rejoining); without their entries they count nothing (ArticleSeen.counted_at),
                # as after a kill -9 between the two writes
                log.info("rebalance while the markers of %d matches were written: the rest is left to the next owner",
                         len(events))
                return
            for skey, entry in batch.items():
                if not skey.startswith(ARTICLE_KEY_PREFIX):
                    self.table.write(written_by[skey], skey, entry)
        finally:
            self.writing = False
        for event in events:
            await ack(event)
