"""Records the worker refuses go to the dead-letter topic, with their reason (``DeadLetters``).

``DeadLetters.send`` is called by the article batch stage for a message that does not decode or
whose processing failed, and by the match suppressor for a match it cannot handle. The letter
itself is built by ``streams.worker.messages.dead_letter``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable
from typing import Any

from streams.metrics import Metrics
from streams.models import ArticleError
from streams.worker.messages import SourceRecord, dead_letter
from streams.worker.sending import Send

log = logging.getLogger("newsalert.worker")


class DeadLetters:
    """Sends dead letters to ``topic`` and counts them by reason."""

    def __init__(self, send: Send, topic: str, worker: str, metrics: Metrics) -> None:
        self.send_message = send
        self.topic = topic
        self.worker = worker  # host:pid, written into each letter
        self.metrics = metrics

    async def send(self, record: SourceRecord, exc: ArticleError) -> Awaitable[Any]:
        """Queue the letter of ``record``; return the future of its broker acknowledgement."""
        self.metrics.dead_letter(exc.reason)
        log.warning("dead letter %s: %s", where(record), exc)
        letter = dead_letter(record, exc, self.worker)
        return await self.send_message(self.topic, record.key, json.dumps(letter, ensure_ascii=False).encode())


def where(record: SourceRecord) -> str:
    """topic:partition@offset, for logs."""
    return f"{record.topic}:{record.partition}@{record.offset}"
