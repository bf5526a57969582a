"""The Faust application: two agents and one table.

Topology (all topics have the same partition count):

    articles ──▶ [process_articles]  decode → DLQ | extract + evaluate (batched, in a thread)
                        │
                        └─▶ newsalert-matches (keyed by rule + suppression key)
                                 │
                                 ▼
                          [suppress_matches]  Table "suppression" (changelog: survives restarts)
                                 │
                                 └─▶ alerts (+ per-rule / per-severity topics), keyed by the key

Re-keying the matches by suppression key puts every report of one event into one partition, so
the table that suppresses and aggregates them is co-partitioned with its input, and updates of
one event stay ordered on the alerts topic. One agent reads the articles: rules are data.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import faust
from prometheus_client import CollectorRegistry

from streams import __version__
from streams.alerts.suppression import Suppressor, state_key
from streams.config import Settings
from streams.delivery.routing import message_key, severity_topics_from_env, topics_for
from streams.delivery.topics import ensure_topics
from streams.metrics import Metrics, install_lag_timer
from streams.models import Alert, Article, ArticleError, ArticleRef, Match
from streams.pipeline import PIPELINE_VERSION, Pipeline, Result
from streams.worker.consumer import Transport
from streams.worker.failures import AgentCrashes, RecordFailures
from streams.worker.messages import (
    SourceRecord,
    check_record_time,
    dead_letter,
    decode_article,
    source_record,
)
from streams.worker.pipeline_process import PipelineProcess

log = logging.getLogger("newsalert.worker")


async def finish_even_if_cancelled(work: Any) -> None:
    """Run the coroutine ``work`` to its end even if the agent is cancelled meanwhile (worker stop).

    Faust acks an auto-acked stream's current event when the agent body exits, also on
    cancellation, and commits it on the way out: work cut short would be committed as done, its
    alerts never sent (tests/faults/test_rebalance.py).
    """
    task = asyncio.ensure_future(work)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


@dataclass
class Prepared:
    """A batch of article messages after decoding and the pipeline, before anything is sent."""

    articles: list[tuple[SourceRecord, Article]] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    rejected: list[tuple[SourceRecord, ArticleError]] = field(default_factory=list)


class StagedState(dict[str, Any]):
    """Staged suppression state: reads fall through to ``table`` (the Faust table, or another
    StagedState), writes stay here. The suppression agent stages one per match on top of one per
    batch, and writes the batch's to the table once the batch's alerts are acknowledged."""

    def __init__(self, table: Any) -> None:
        super().__init__()
        self.table = table

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        if key in self:
            return self[key]
        return self.table.get(key, default)


class App(faust.App):
    """faust.App whose Kafka consumer has the seek fence and commit guard of streams.worker.consumer."""

    def _new_transport(self) -> Any:
        return Transport(self.conf.broker_consumer, self)


class WorkerRuntime:
    """State the agents share: the pipeline (with its swappable rule set) and the metrics."""

    def __init__(self, settings: Settings, pipeline: Pipeline | PipelineProcess, metrics: Metrics,
                 severity_topics: dict[str, str]) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.metrics = metrics
        self.severity_topics = severity_topics
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.started = time.time()
        self.ready = False
        # a record whose handling raises is dead-lettered and counted; agents that keep crashing fail /healthz
        self.failures = RecordFailures(metrics)
        self.crashes = AgentCrashes(metrics, limit=settings.agent_crash_limit, window_s=settings.agent_crash_window_s)
        self.on_ready: Callable[[], None] | None = None  # called once, when partitions are first assigned

    def output_topics(self, ruleset: Any) -> list[str]:
        """Every topic alerts can go to: default, per-severity, and the rules' own ``topics``."""
        names = [self.settings.alerts_topic, *self.severity_topics.values()]
        names += [t for rule in ruleset.rules for t in rule.topics]
        return list(dict.fromkeys(names))

    def topic_needs(self, ruleset: Any) -> dict[str, list[str]]:
        """What the worker does with each topic: the Kafka operations its principal must be allowed."""
        needs = {self.settings.articles_topic: ["READ"], self.settings.dlq_topic: ["WRITE"],
                 self.settings.matches_topic: ["READ", "WRITE"]}
        needs.update({t: ["WRITE"] for t in self.output_topics(ruleset)})
        return needs

    def on_rules_changed(self, ruleset: Any) -> None:
        """Called by the rule watcher thread with a fully validated new set."""
        outputs = self.output_topics(ruleset)
        try:
            ensure_topics(self.settings.kafka, outputs,
                          partitions=self.settings.topic_partitions, replication=self.settings.topic_replication,
                          needs={t: ["WRITE"] for t in outputs})
        except Exception:
            # the watcher logs it and tries again at its next rescan; the old rules keep running
            self.metrics.rules_reload(False)
            raise
        self.pipeline.swap_rules(ruleset)
        self.metrics.rules_reload(True)
        self.metrics.rules_loaded(len(ruleset.rules), ruleset.version, len({r.file for r in ruleset.rules}))
        log.info("rules reloaded: %d rules, version %s", len(ruleset.rules), ruleset.version)

    def on_rules_recovered(self, ruleset: Any) -> None:
        """Called by the rule watcher thread when the files are valid again and hold the set in force."""
        self.metrics.rules_reload(True)
        log.info("rule files valid again; rules unchanged (version %s)", ruleset.version)

    def on_rules_error(self, errors: list[Any]) -> None:
        """Called by the rule watcher thread when the new set is invalid: the old set keeps serving."""
        self.metrics.rules_reload(False)
        for err in errors:
            log.error("rules reload rejected, old rules keep running: %s", err)


def build_app(settings: Settings, pipeline: Pipeline | PipelineProcess, registry: CollectorRegistry) -> tuple[faust.App, WorkerRuntime]:
    kafka = settings.kafka
    app = App(
        settings.app_id,
        broker=kafka.faust_broker_url(),
        broker_credentials=kafka.faust_credentials(),
        store="memory://",  # the table is rebuilt from its changelog topic on start
        datadir=str(settings.data_dir),
        web_enabled=False,  # metrics and health are served by streams.metrics
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication,
        topic_allow_declare=True,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        processing_guarantee="at_least_once",
        broker_commit_every=100,
        broker_commit_interval=1.0,
        producer_linger=settings.producer_linger_s,
        broker_session_timeout=settings.session_timeout_s,  # Faust's default 60 s stalls a restart after kill -9
        broker_heartbeat_interval=min(3.0, settings.session_timeout_s / 3),
        stream_wait_empty=False,
        table_standby_replicas=0,
        worker_redirect_stdouts=False,
    )
    metrics = Metrics(registry)
    metrics.build_info(__version__)
    runtime = WorkerRuntime(settings, pipeline, metrics, severity_topics_from_env())
    ruleset = pipeline.ruleset
    metrics.rules_loaded(len(ruleset.rules), ruleset.version, len({r.file for r in ruleset.rules}))

    articles_topic = app.topic(settings.articles_topic, key_type=bytes, value_type=bytes,
                               key_serializer="raw", value_serializer="raw", partitions=settings.topic_partitions)
    dlq_topic = app.topic(settings.dlq_topic, key_type=bytes, value_type=bytes,
                          key_serializer="raw", value_serializer="raw")
    matches_topic = app.topic(settings.matches_topic, key_type=str, value_type=bytes,
                              key_serializer="raw", value_serializer="raw",
                              partitions=settings.topic_partitions, internal=True)
    # JSON keys: they come back from the changelog as the same str they were written with
    table = app.Table("suppression", default=None, partitions=settings.topic_partitions,
                      schema=faust.Schema(key_type=str, key_serializer="json", value_serializer="json"))
    out_topics: dict[str, faust.TopicT] = {}

    def out_topic(name: str) -> faust.TopicT:
        if name not in out_topics:
            out_topics[name] = app.topic(name, key_type=bytes, value_type=bytes,
                                         key_serializer="raw", value_serializer="raw")
        return out_topics[name]

    loop_executor = None  # default thread pool: keeps the event loop (heartbeats, fetches) alive

    async def send_dead_letter(record: SourceRecord, exc: ArticleError) -> Any:
        """Queue the dead letter; return the future of its broker acknowledgement."""
        runtime.metrics.dead_letter(exc.reason)
        log.warning("dead letter %s:%d@%d: %s", record.topic, record.partition, record.offset, exc)
        letter = dead_letter(record, exc, runtime.name)
        return await dlq_topic.send(key=record.key, value=json.dumps(letter, ensure_ascii=False).encode())

    # In a thread, one batch in the pipeline at a time (spaCy objects are not shared between
    # threads); a child process takes batches queued (it is never idle waiting for a round trip).
    pipeline_turn = asyncio.Semaphore(
        settings.batches_in_flight if isinstance(pipeline, PipelineProcess) else 1)

    async def prepare(events: list[Any]) -> Prepared:
        """Decode a batch and run it through the pipeline (in the executor: a thread, which waits
        for the child process when there is one). Sends nothing."""
        runtime.metrics.observe_batch(len(events))
        prepared = Prepared()
        for e in events:
            record = source_record(e.message)
            try:
                article = decode_article(record.value, settings.limits, strict=settings.strict_input)
                check_record_time(article, record)
                prepared.articles.append((record, article))
            except ArticleError as exc:
                prepared.rejected.append((record, exc))
            except Exception as exc:  # noqa: BLE001 - one record's failure is its own (failures.py)
                prepared.rejected.append((record, runtime.failures.failed("process_articles", _where(record), exc)))
        if not prepared.articles:
            return prepared
        loop = asyncio.get_running_loop()
        async with pipeline_turn:
            try:
                prepared.results = await loop.run_in_executor(
                    loop_executor, runtime.pipeline.process_many, [a for _, a in prepared.articles])
            except Exception:
                # Retry one by one; dead-letter what fails (a crash of the pipeline process too:
                # PipelineProcess has started a new one).
                log.exception("pipeline failed on a batch of %d articles; retrying one by one",
                              len(prepared.articles))
                kept = []
                for record, article in prepared.articles:
                    try:
                        prepared.results.append(
                            await loop.run_in_executor(loop_executor, runtime.pipeline.process, article))
                        kept.append((record, article))
                    except Exception as exc:  # noqa: BLE001 - any failure of one article is its own
                        prepared.rejected.append(
                            (record, ArticleError("processing_error", f"{type(exc).__name__}: {exc}")))
                prepared.articles = kept
        return prepared

    async def send_matches(prepared: Prepared) -> list[Any]:
        """Queue a prepared batch's dead letters and matches; return their acknowledgement futures."""
        acks = [await send_dead_letter(record, exc) for record, exc in prepared.rejected]
        for (record, article), result in zip(prepared.articles, prepared.results, strict=True):
            try:
                envelopes = match_envelopes(record, article, result)
            except Exception as exc:  # noqa: BLE001 - one article's failure is its own (failures.py)
                acks.append(await send_dead_letter(
                    record, runtime.failures.failed("process_articles", _where(record), exc)))
                continue
            language = result.extraction.language
            runtime.metrics.article_consumed(language, article.source or "unknown")
            runtime.metrics.observe_extraction(result.extraction_seconds, language)
            if not result.extraction.supported:
                runtime.metrics.unsupported_language(language)
                log.info("article %s: unsupported language %r, passed through", article.id, language)
            else:
                runtime.metrics.observe_rule_evaluation(result.evaluation_seconds)
            if article.extra:
                carried = ArticleRef.of(article, language, max_extra_bytes=settings.limits.max_extra_bytes).extra
                runtime.metrics.unknown_fields(article.extra, carried=carried is not None)
            for match, (key, value) in zip(result.matches, envelopes, strict=True):
                runtime.metrics.matches(match.rule_id)
                acks.append(await matches_topic.send(key=key, value=value))
            now = time.time()
            runtime.metrics.article_processed(now)
            runtime.metrics.observe_processing_latency(max(0.0, now - record.timestamp))
        return acks

    def match_envelopes(record: SourceRecord, article: Article, result: Result) -> list[tuple[bytes, bytes]]:
        """The matches-topic messages (key, value) of one article, built before any is sent."""
        ref = ArticleRef.of(article, result.extraction.language,
                            max_extra_bytes=settings.limits.max_extra_bytes).to_dict()
        event_time = result.event_time(fallback=record.timestamp)
        messages = []
        for match in result.matches:
            envelope = {"match": match.to_dict(), "article": ref, "event_time": event_time,
                        "received": record.timestamp}
            messages.append((state_key(match).encode(), json.dumps(envelope, ensure_ascii=False).encode()))
        return messages

    async def complete(stream: Any, events: list[Any], prepared: asyncio.Future[Prepared],
                       after: asyncio.Future[None] | None, sent: asyncio.Future[None]) -> None:
        """Finish one batch: once the batch before it has queued its matches (``after``), queue
        this batch's (then set ``sent``); wait until the broker has acknowledged them (acks=all);
        only then ack the events, which lets Faust commit their offsets."""
        try:
            batch = await prepared
            if after is not None:
                await after
            acks = await send_matches(batch)
        finally:
            if not sent.done():
                sent.set_result(None)
        await asyncio.gather(*acks)
        for event in events:
            await stream.ack(event)

    @app.agent(articles_topic)
    async def process_articles(stream: Any) -> None:  # faust.Stream: noack_take is not on StreamT
        """Batches are pipelined: while the broker acknowledges the matches of one batch, the next
        is already in the pipeline. Up to ``batches_in_flight`` batches; matches leave in batch
        order; events are acked by hand (``noack_take``), each after its matches are acknowledged."""
        async with runtime.crashes.watch("process_articles"):
            await articles_loop(stream)

    async def articles_loop(stream: Any) -> None:
        loop = asyncio.get_running_loop()
        in_flight: deque[asyncio.Future[None]] = deque()
        last_sent: asyncio.Future[None] | None = None
        try:
            async for events in stream.noack_take(settings.batch_size, within=settings.batch_within_s):
                sent: asyncio.Future[None] = loop.create_future()
                in_flight.append(asyncio.ensure_future(
                    complete(stream, events, asyncio.ensure_future(prepare(events)), last_sent, sent)))
                last_sent = sent
                while in_flight and (in_flight[0].done() or len(in_flight) >= settings.batches_in_flight):
                    await in_flight.popleft()
        finally:
            # On stop, batches already started finish (their events are acked), so a clean stop
            # leaves nothing to do again; a crash leaves them unacked: they are read again.
            if in_flight:
                await asyncio.shield(asyncio.gather(*in_flight, return_exceptions=True))

    @app.agent(matches_topic)
    async def suppress_matches(stream: Any) -> None:  # faust.Stream: noack_take is not on StreamT
        """Matches in batches, in order. Each match is decided against the state as the matches
        before it in the batch left it (staged); the batch's alerts are sent, and once the broker
        has acknowledged all of them (one round trip per batch, not per alert) the staged state
        goes to the table and the matches are acked. Alert before state: with state first, an
        alert revision was lost after kill -9 (the redelivered match was taken for a duplicate;
        tests/faults/test_kill9.py)."""
        async with runtime.crashes.watch("suppress_matches"):
            async for events in stream.noack_take(settings.batch_size * 4, within=settings.suppression_batch_within_s):
                await finish_even_if_cancelled(handle_matches(stream, events))

    def decide(event: Any, batch: StagedState) -> tuple[StagedState, Match, Alert | None, bytes, list[str]]:
        """One match against the state: its staged state, the match, and the alert with its body and
        topics when it gives one. Pure: raises before anything is sent or staged in ``batch``."""
        envelope = json.loads(event.value)
        match = Match.from_dict(envelope["match"])
        article = ArticleRef(**envelope["article"])
        staged = StagedState(batch)
        outcome = Suppressor(staged, PIPELINE_VERSION).observe(match, article, float(envelope["event_time"]))
        alert = outcome.alert
        if alert is None:
            return staged, match, None, b"", []
        body = json.dumps(alert.to_dict(), ensure_ascii=False).encode()
        names = topics_for(alert, default_topic=settings.alerts_topic,
                           severity_topics=runtime.severity_topics, rule_topics={})
        return staged, match, alert, body, names

    async def handle_matches(stream: Any, events: list[Any]) -> None:
        generation = app.consumer_generation_id
        batch = StagedState(table)
        written_by: dict[str, Any] = {}  # state key -> the match event whose partition it is in
        acks: list[Any] = []
        emitted: list[Any] = []
        for event in events:
            try:
                staged, match, alert, body, names = decide(event, batch)
            except Exception as exc:  # noqa: BLE001 - one match's failure is its own (failures.py)
                record = source_record(event.message)
                acks.append(await send_dead_letter(
                    record, runtime.failures.failed("suppress_matches", _where(record), exc)))
                continue
            if alert is not None:
                key = message_key(alert)
                acks += [await out_topic(name).send(key=key, value=body) for name in names]
                emitted.append(alert)
            else:
                runtime.metrics.alert_suppressed(match.rule_id)
            for skey, entry in staged.items():
                batch[skey] = entry
                written_by[skey] = event
        # durable (acks=all) before the table says they were sent
        await asyncio.gather(*acks)
        for alert in emitted:
            runtime.metrics.alert_emitted(alert.rule_id, alert.severity, alert.status)
            log.info("alert %s %s %s: %s (%s, article %s)", alert.status, alert.severity, alert.rule_id,
                     alert.title, alert.alert_id, alert.article_id)
        if app.consumer_generation_id != generation:
            # A rebalance happened meanwhile: these partitions may have a new owner, which reads
            # the matches again from the committed offset. Writing the state now could land in
            # the changelog after that owner's: leave state and acks to it.
            log.info("rebalance during a batch of %d matches: its state is left to the new owner", len(events))
            return
        for skey, entry in batch.items():
            # the table's own __setitem__ takes the partition from the current stream event; in a
            # batch that is not this key's match, so store and changelog are written explicitly
            table.data[skey] = entry
            table.send_changelog(written_by[skey].message.partition, skey, entry)
        for event in events:
            await stream.ack(event)

    # Expiry of the suppression state (streams/alerts/expiry.py): events whose window is over by
    # more than the grace, in their partition's event time, are deleted with a changelog tombstone.
    from streams.alerts.expiry import TablePruner

    pruner = TablePruner(table, settings.topic_partitions, settings.suppression_grace_s)

    @app.timer(settings.suppression_prune_interval_s, name="newsalert.suppression_expiry")
    async def expire_suppression_state() -> None:
        if app.rebalancing or app.in_recovery:  # the table is incomplete until recovery is done
            return
        try:
            owned = {tp.partition for tp in app.assignor.assigned_actives() if tp.topic == settings.matches_topic}
            windows = {rule.id: rule.window_seconds for rule in runtime.pipeline.ruleset.rules}
            result = pruner.prune(owned, windows, time.time())
        except Exception:  # noqa: BLE001 - the next pass retries; matches keep flowing meanwhile
            log.exception("suppression state expiry failed")
            return
        runtime.metrics.suppression_expiry(result.pruned, result.entries)
        if result.pruned:
            log.info("suppression state: %d expired events dropped, %d kept", result.pruned, result.entries)

    install_lag_timer(app, metrics, [settings.articles_topic])

    @app.on_partitions_assigned.connect  # type: ignore[arg-type]
    async def on_assigned(sender: Any, assigned: Any, **kwargs: Any) -> None:
        if not runtime.ready and runtime.on_ready is not None:
            runtime.on_ready()
        runtime.ready = True

    return app, runtime


def _where(record: SourceRecord) -> str:
    return f"{record.topic}:{record.partition}@{record.offset}"
