"""Stand-ins for what Faust gives the worker's parts (events, the producer, the table), so that
the parts run in unit tests without a broker. The parts themselves are the real ones."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry

from streams.metrics import Metrics
from streams.models import Evidence, Match


@dataclass
class Message:
    topic: str
    partition: int
    offset: int
    timestamp: float
    key: bytes | None
    value: bytes | None
    generation_id: int = 1  # the consumer group generation it was fetched in


@dataclass
class Event:
    message: Message

    @property
    def value(self) -> bytes | None:
        return self.message.value


def event(value: bytes | None, *, topic: str = "articles", partition: int = 0, offset: int = 0,
          timestamp: float = 1_790_000_000.0, key: bytes | None = b"k", generation: int = 1) -> Event:
    return Event(Message(topic, partition, offset, timestamp, key, value, generation))


@dataclass
class Sent:
    topic: str
    key: bytes | None
    value: bytes


@dataclass
class RecordingSend:
    """A ``Send`` that records the messages; their acknowledgements resolve when ``acknowledge``
    is called (or at once with ``auto=True``)."""

    auto: bool = True
    sent: list[Sent] = field(default_factory=list)
    pending: list[asyncio.Future[None]] = field(default_factory=list)

    async def __call__(self, topic: str, key: bytes | None, value: bytes) -> Awaitable[Any]:
        self.sent.append(Sent(topic, key, value))
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self.auto:
            future.set_result(None)
        else:
            self.pending.append(future)
        return future

    def acknowledge(self) -> None:
        for future in self.pending:
            if not future.done():
                future.set_result(None)
        self.pending.clear()

    def on(self, topic: str) -> list[Sent]:
        return [s for s in self.sent if s.topic == topic]


@dataclass
class MemoryTable:
    """A ``SuppressionTable`` in a dict, recording the changelog writes (partition, key, entry)."""

    data: dict[str, Any] = field(default_factory=dict)
    changelog: list[tuple[int, str, Any]] = field(default_factory=list)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def write(self, partition: int, key: str, entry: Any) -> None:
        self.data[key] = entry
        self.changelog.append((partition, key, entry))


class Acks:
    """Records the events acknowledged (Faust: ``stream.ack``)."""

    def __init__(self) -> None:
        self.events: list[Any] = []

    async def __call__(self, e: Any) -> bool:
        self.events.append(e)
        return True


def metrics() -> tuple[Metrics, CollectorRegistry]:
    registry = CollectorRegistry()
    return Metrics(registry), registry


def match(rule_id: str = "r1", key: str = "kharkiv", *, article_id: str = "a1", killed: int = 3,
          min_articles: int = 1, window: int = 3600, topics: tuple[str, ...] = ()) -> Match:
    return Match(rule_id=rule_id, rule_version="v1", severity="high", tags=("conflict",),
                 title=f"{killed} killed", summary="", facts={"killed": {"value": killed}},
                 evidence=(Evidence("Three were killed.", 0, 18),), suppression_key=key,
                 window_seconds=window, min_articles=min_articles, topics=topics, article_id=article_id)
