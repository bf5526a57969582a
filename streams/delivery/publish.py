"""Publishing articles to the articles topic.

``newsalert publish`` reads its input with ``streams.inputs.read_articles`` (the same reader as
``check`` and ``extract``) and hands the located articles and input problems to ``publish_items``,
which sends the one and counts the other; nothing is dropped silently.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaProducer

from streams.inputs import InputProblem, LocatedArticle
from streams.models import Article


def article_message(article: Article) -> tuple[bytes, bytes]:
    """Key (article id) and value (the article as compact UTF-8 JSON) of an articles-topic message."""
    value = json.dumps(article.to_dict(), ensure_ascii=False, separators=(",", ":"))
    return article.id.encode("utf-8"), value.encode("utf-8")


@dataclass
class PublishReport:
    """What a publish run did; ``bad`` and ``failed`` list every problem."""

    topic: str
    sent: int = 0
    bad: list[InputProblem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # 'location: reason' for sends Kafka rejected
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.bad and not self.failed

    def summary(self) -> str:
        rate = f", {self.sent / self.seconds:.0f}/s" if self.seconds > 0 and self.sent else ""
        return (
            f"published {self.sent} article(s) to {self.topic} in {self.seconds:.2f}s{rate}; "
            f"{len(self.bad)} bad input(s), {len(self.failed)} failed send(s)"
        )


def publish_items(
    producer: KafkaProducer,
    topic: str,
    items: Iterable[LocatedArticle | InputProblem],
    *,
    on_item: Callable[[LocatedArticle | InputProblem], None] | None = None,
    flush_timeout: float = 60.0,
) -> PublishReport:
    """Send every article keyed by its id; collect the input problems; wait for every acknowledgement."""
    report = PublishReport(topic)
    started = time.monotonic()
    pending: list[tuple[str, Any]] = []
    for item in items:
        if isinstance(item, InputProblem):
            report.bad.append(item)
        else:
            key, value = article_message(item.article)
            try:
                pending.append((item.location, producer.send(topic, key=key, value=value)))
            except Exception as exc:  # kafka-python raises on a full buffer or a too-large record
                report.failed.append(f"{item.location}: {type(exc).__name__}: {exc}")
        if on_item is not None:
            on_item(item)
        if len(pending) >= 1000:
            _collect(pending, report, flush_timeout)
    producer.flush(timeout=flush_timeout)
    _collect(pending, report, flush_timeout)
    report.seconds = time.monotonic() - started
    return report


def _collect(pending: list[tuple[str, Any]], report: PublishReport, timeout: float) -> None:
    for location, future in pending:
        try:
            future.get(timeout=timeout)
            report.sent += 1
        except Exception as exc:
            report.failed.append(f"{location}: {type(exc).__name__}: {exc}")
    pending.clear()
