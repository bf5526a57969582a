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
                 generation: Callable[[], int]) -> None:
        self.table = table
        self.send_message = send
        self.dead_letters = dead_letters
        self.failures = failures
        self.metrics = metrics
        self.alerts_topic = alerts_topic
        self.severity_topics = severity_topics
        self.pipeline_version = pipeline_version
        self.generation = generation  # the consumer group generation: changes with every rebalance

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
        """Decide a batch of match events, send its alerts, then write its state and ack the events."""
        generation = self.generation()
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
        if self.generation() != generation:
            # A rebalance happened meanwhile: these partitions may have a new owner, which reads
            # the matches again from the committed offset. Writing the state now could land in
            # the changelog after that owner's: leave state and acks to it.
            log.info("rebalance during a batch of %d matches: its state is left to the new owner", len(events))
            return
        # markers before events, and durable first: an event entry on the changelog then always has
        # its articles' markers there too, so a replay after kill -9 never counts an article twice
        # (ArticleSeen.counted_at tells a marker whose entry was lost: the article is counted again)
        markers = [self.table.write(written_by[k], k, e) for k, e in batch.items() if k.startswith(ARTICLE_KEY_PREFIX)]
        await asyncio.gather(*[m for m in markers if m is not None])
        for skey, entry in batch.items():
            if not skey.startswith(ARTICLE_KEY_PREFIX):
                self.table.write(written_by[skey], skey, entry)
        for event in events:
            await ack(event)
