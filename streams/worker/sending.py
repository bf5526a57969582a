"""How the worker's stages send a message: ``Send``, a function of (topic, key, value).

The stages (``article_batches``, ``match_suppressor``, ``dead_letters``) are given a ``Send``; it
queues the message with the producer and returns the future of its broker acknowledgement, which
the stage awaits before it acknowledges its input. ``FaustSend`` is the one the worker uses; unit
tests pass a function that records the messages.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Protocol

import faust


class Send(Protocol):
    """Queue one message; return the future of its acknowledgement by the broker (acks=all)."""

    async def __call__(self, topic: str, key: bytes | None, value: bytes) -> Awaitable[Any]: ...


class FaustSend:
    """``Send`` through a Faust app's producer, with raw keys and values. Topics the app declared
    (the matches topic is internal, with its partition count) are passed in by name; any other
    topic (alerts, per-severity and per-rule topics) is declared on first use."""

    def __init__(self, app: faust.App, declared: dict[str, faust.TopicT]) -> None:
        self.app = app
        self.topics = dict(declared)

    def topic(self, name: str) -> faust.TopicT:
        topic = self.topics.get(name)
        if topic is None:
            topic = self.topics[name] = self.app.topic(name, key_type=bytes, value_type=bytes,
                                                       key_serializer="raw", value_serializer="raw")
        return topic

    async def __call__(self, topic: str, key: bytes | None, value: bytes) -> Awaitable[Any]:
        return await self.topic(topic).send(key=key, value=value)
