"""Stage 1: a batch of article messages becomes matches (and dead letters).

``ArticleBatchStage.prepare`` is called once per batch the article agent takes, as soon as it has
it: it decodes every message (``streams.worker.messages``; a refused one becomes a dead letter
with its reason) and runs the decoded articles through the pipeline in the thread executor (the
thread waits for the child process when there is one). It sends nothing. ``send`` is called by
``OrderedAcks`` once the batch before has been sent: it queues the batch's dead letters and one
``MatchEnvelope`` per match on the matches topic, and returns the acknowledgement futures.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Any

from streams.config import Limits
from streams.metrics import Metrics
from streams.models import MAX_EXTRA_BYTES, Article, ArticleError, ArticleRef
from streams.pipeline import ArticlePipeline, Result
from streams.worker.dead_letters import DeadLetters, where
from streams.worker.failures import RecordFailures
from streams.worker.match_envelope import MatchEnvelope, content_hash
from streams.worker.messages import SourceRecord, check_record_time, decode_article, source_record
from streams.worker.sending import Send

log = logging.getLogger("newsalert.worker")

AGENT = "process_articles"


@dataclass
class Prepared:
    """A batch of article messages after decoding and the pipeline, before anything is sent."""

    articles: list[tuple[SourceRecord, Article]] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    rejected: list[tuple[SourceRecord, ArticleError]] = field(default_factory=list)


class ArticleBatchStage:
    def __init__(self, *, pipeline: ArticlePipeline, send: Send, dead_letters: DeadLetters,
                 failures: RecordFailures, metrics: Metrics, matches_topic: str, limits: Limits,
                 batches_in_flight: int, strict_input: bool = False) -> None:
        self.pipeline = pipeline
        self.send_message = send
        self.dead_letters = dead_letters
        self.failures = failures
        self.metrics = metrics
        self.matches_topic = matches_topic
        self.limits = limits
        self.strict_input = strict_input  # unknown article fields: dead-lettered (true) or carried on
        # In a thread, one batch in the pipeline at a time (spaCy objects are not shared between
        # threads); a child process takes batches queued (it is never idle waiting for a round trip).
        self.pipeline_turn = asyncio.Semaphore(batches_in_flight if pipeline.parallel_batches else 1)

    async def prepare(self, events: Sequence[Any]) -> Prepared:
        """Decode a batch of Faust events and run it through the pipeline. Sends nothing."""
        self.metrics.observe_batch(len(events))
        prepared = Prepared()
        for e in events:
            record = source_record(e.message)
            try:
                article = decode_article(record.value, self.limits, strict=self.strict_input)
                check_record_time(article, record)
                prepared.articles.append((record, article))
            except ArticleError as exc:
                prepared.rejected.append((record, exc))
            except Exception as exc:  # noqa: BLE001 - one record's failure is its own (failures.py)
                prepared.rejected.append((record, self.failures.failed(AGENT, where(record), exc)))
        if not prepared.articles:
            return prepared
        loop = asyncio.get_running_loop()
        async with self.pipeline_turn:
            try:
                prepared.results = await loop.run_in_executor(
                    None, self.pipeline.process_many, [a for _, a in prepared.articles])
            except Exception:
                # Retry one by one; dead-letter what fails (a crash of the pipeline process too:
                # PipelineProcess has started a new one).
                log.exception("pipeline failed on a batch of %d articles; retrying one by one",
                              len(prepared.articles))
                kept = []
                for record, article in prepared.articles:
                    try:
                        prepared.results.append(await loop.run_in_executor(None, self.pipeline.process, article))
                        kept.append((record, article))
                    except Exception as exc:  # noqa: BLE001 - any failure of one article is its own
                        prepared.rejected.append(
                            (record, ArticleError("processing_error", f"{type(exc).__name__}: {exc}")))
                prepared.articles = kept
        return prepared

    async def send(self, prepared: Prepared) -> list[Awaitable[Any]]:
        """Queue a prepared batch's dead letters and matches; return their acknowledgement futures."""
        acks = [await self.dead_letters.send(record, exc) for record, exc in prepared.rejected]
        for (record, article), result in zip(prepared.articles, prepared.results, strict=True):
            try:
                messages = self.envelopes(record, article, result, self.limits.max_extra_bytes)
            except Exception as exc:  # noqa: BLE001 - one article's failure is its own (failures.py)
                acks.append(await self.dead_letters.send(record, self.failures.failed(AGENT, where(record), exc)))
                continue
            self.metrics.article_consumed(result.language, article.source or "unknown")
            self.metrics.observe_extraction(result.extraction_seconds, result.language)
            if not result.supported:
                self.metrics.unsupported_language(result.language)
                log.info("article %s: unsupported language %r, passed through", article.id, result.language)
            else:
                self.metrics.observe_rule_evaluation(result.evaluation_seconds)
            if article.extra:
                carried = ArticleRef.of(article, result.language, max_extra_bytes=self.limits.max_extra_bytes).extra
                self.metrics.unknown_fields(article.extra, carried=carried is not None)
            for match, (key, value) in zip(result.matches, messages, strict=True):
                self.metrics.matches(match.rule_id)
                acks.append(await self.send_message(self.matches_topic, key, value))
            now = time.time()
            self.metrics.article_processed(now)
            self.metrics.observe_processing_latency(max(0.0, now - record.timestamp))
        return acks

    @staticmethod
    def envelopes(record: SourceRecord, article: Article, result: Result,
                  max_extra_bytes: int = MAX_EXTRA_BYTES) -> list[tuple[bytes, bytes]]:
        """The matches-topic messages (key, value) of one article, all built before any is sent;
        unknown article fields larger than ``max_extra_bytes`` stay out of the article reference."""
        ref = ArticleRef.of(article, result.language, max_extra_bytes=max_extra_bytes)
        event_time = result.event_time(fallback=record.timestamp)
        content = content_hash(article)
        return [MatchEnvelope(match, ref, event_time, content).encode() for match in result.matches]
