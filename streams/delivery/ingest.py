"""Polling feeds and publishing their new entries as articles, once each across restarts.

``FeedIngester.poll_once`` is called by ``newsalert ingest feed`` every --interval seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaProducer

from streams.delivery.feeds import FeedError, fetch_feed, parse_feed
from streams.delivery.ingest_state import IngestState
from streams.delivery.publish import article_message


@dataclass
class FeedResult:
    url: str
    entries: int = 0
    published: int = 0
    already_seen: int = 0
    not_modified: bool = False
    error: str | None = None
    skipped: list[str] = field(default_factory=list)
    warning: str | None = None

    def line(self) -> str:
        if self.error:
            return f"error: {self.error}"
        if self.not_modified:
            return f"{self.url}: not modified"
        extra = f", {len(self.skipped)} skipped" if self.skipped else ""
        return (f"{self.url}: {self.entries} entries, {self.published} published, "
                f"{self.already_seen} already seen{extra}")


@dataclass
class PollReport:
    feeds: list[FeedResult] = field(default_factory=list)

    @property
    def published(self) -> int:
        return sum(f.published for f in self.feeds)

    @property
    def failed(self) -> list[FeedResult]:
        return [f for f in self.feeds if f.error]


class FeedIngester:
    """Fetch → parse → skip seen → publish → wait for acks → remember. One feed's failure does not
    stop the others; an entry is remembered only once Kafka acknowledged it."""

    def __init__(self, producer: KafkaProducer, topic: str, state: IngestState, *,
                 max_text_chars: int | None = None, fetch_timeout: float = 20.0, allow_file: bool = False,
                 on_result: Callable[[FeedResult], None] = lambda r: None) -> None:
        self.producer = producer
        self.topic = topic
        self.state = state
        self.max_text_chars = max_text_chars
        self.fetch_timeout = fetch_timeout
        self.allow_file = allow_file  # file:// feed URLs only when asked for (newsalert ingest --allow-file)
        self.on_result = on_result

    def poll_once(self, urls: Sequence[str]) -> PollReport:
        report = PollReport()
        for url in urls:
            result = self._poll_feed(url)
            if result.error:
                self.state.feed_failed(url, result.error)
            report.feeds.append(result)
            self.on_result(result)
        return report

    def _poll_feed(self, url: str) -> FeedResult:
        result = FeedResult(url)
        try:
            fetched = fetch_feed(url, self.state.cache(url), timeout=self.fetch_timeout, allow_file=self.allow_file)
            if fetched.body is None:
                result.not_modified = True
                return result
            parsed = parse_feed(url, fetched.body, headers=fetched.headers, max_text_chars=self.max_text_chars)
        except FeedError as exc:
            result.error = str(exc)
            return result
        result.entries = len(parsed.entries)
        result.skipped = list(parsed.skipped)
        result.warning = parsed.warning
        this_poll: set[str] = set()
        pending: list[tuple[tuple[str, ...], str, Any]] = []
        for entry in parsed.entries:
            if self.state.seen(entry.keys) or this_poll.intersection(entry.keys):
                result.already_seen += 1
                continue
            this_poll.update(entry.keys)
            key, value = article_message(entry.article)
            pending.append((entry.keys, entry.article.id, self.producer.send(self.topic, key=key, value=value)))
        self.producer.flush(timeout=60)
        failures = []
        for keys, article_id, future in pending:
            try:
                future.get(timeout=60)
            except Exception as exc:
                failures.append(f"{article_id}: {type(exc).__name__}: {exc}")
                continue
            self.state.mark(keys, article_id, url)
            result.published += 1
        if failures:
            # keep the old validators so the next poll fetches the feed again and retries these
            result.error = f"{url}: {len(failures)} article(s) not published: {'; '.join(failures[:3])}"
        else:
            self.state.feed_ok(url, fetched.cache)
        return result
