"""Publishing articles to the articles topic.

``newsalert publish`` reads its input with ``streams.inputs.read_articles`` (the same reader as
``check`` and ``extract``) and hands the located articles and input problems to ``publish_items``,
which sends the one and counts the other; nothing is dropped silently.

Delivery has one deadline per message, as Kafka's ``delivery.timeout.ms``: a message the broker
has not acknowledged within ``delivery_timeout_s`` of its send is *not acknowledged*, and its
location (``file:line``) is reported so that it can be sent again (the worker drops a repeated
article id, so re-sending one that was written after all is harmless). The waits do not add up: a
broker outage costs at most one deadline after the last send, not one per message. A message is
reported as *failed* only when the producer says it was refused; an acknowledgement that arrives
late still counts as sent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaProducer
from kafka import errors as kerr

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
    # locations whose message got no answer within the delivery deadline: re-send them
    unacknowledged: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.bad and not self.failed and not self.unacknowledged

    def summary(self) -> str:
        rate = f", {self.sent / self.seconds:.0f}/s" if self.seconds > 0 and self.sent else ""
        text = (
            f"published {self.sent} article(s) to {self.topic} in {self.seconds:.2f}s{rate}; "
            f"{len(self.bad)} bad input(s), {len(self.failed)} failed send(s)"
        )
        if self.unacknowledged:
            text += f", {len(self.unacknowledged)} not acknowledged (listed above: re-send them)"
        return text


def publish_items(
    producer: KafkaProducer,
    topic: str,
    items: Iterable[LocatedArticle | InputProblem],
    *,
    on_item: Callable[[LocatedArticle | InputProblem], None] | None = None,
    delivery_timeout_s: float = 120.0,
) -> PublishReport:
    """Send every article keyed by its id; collect the input problems; wait for the acknowledgements.

    Each message is waited for until ``delivery_timeout_s`` after it was sent (give the producer
    the same ``delivery_timeout_ms``, so that it gives up by itself at that point).
    """
    report = PublishReport(topic)
    started = time.monotonic()
    pending: list[tuple[str, Any, float]] = []
    late: list[tuple[str, Any]] = []
    for item in items:
        if isinstance(item, InputProblem):
            report.bad.append(item)
        else:
            key, value = article_message(item.article)
            try:
                future = producer.send(topic, key=key, value=value)
            except Exception as exc:  # kafka-python raises on a full buffer or a too-large record: not written
                report.failed.append(f"{item.location}: {type(exc).__name__}: {exc}")
            else:
                pending.append((item.location, future, time.monotonic()))
        if on_item is not None:
            on_item(item)
        if len(pending) >= 1000:
            _collect(pending, report, late, delivery_timeout_s)
    _collect(pending, report, late, delivery_timeout_s)
    for location, future in late:  # an answer may have come in while later messages were waited for
        if _succeeded(future):
            report.sent += 1
        elif _refused(future):
            report.failed.append(f"{location}: {_reason(future)}")
        else:
            report.unacknowledged.append(location)
    report.seconds = time.monotonic() - started
    return report


GRACE_S = 1.0  # past the producer's own deadline, so that it reports first


def _collect(pending: list[tuple[str, Any, float]], report: PublishReport, late: list[tuple[str, Any]],
             delivery_timeout_s: float) -> None:
    for location, future, sent_at in pending:
        wait = sent_at + delivery_timeout_s + GRACE_S - time.monotonic()
        try:
            future.get(timeout=max(0.0, wait))
            report.sent += 1
        except kerr.KafkaTimeoutError:
            late.append((location, future))  # no answer, or the producer gave up: unknown whether written
        except Exception as exc:
            report.failed.append(f"{location}: {type(exc).__name__}: {exc}")
    pending.clear()


def _succeeded(future: Any) -> bool:
    return bool(getattr(future, "is_done", False)) and getattr(future, "exception", None) is None


def _refused(future: Any) -> bool:
    """The producer reported an error other than running out of time (that one may have been written)."""
    exc = getattr(future, "exception", None)
    return bool(getattr(future, "is_done", False)) and exc is not None and not isinstance(exc, kerr.KafkaTimeoutError)


def _reason(future: Any) -> str:
    exc = getattr(future, "exception", None)
    return f"{type(exc).__name__}: {exc}"
