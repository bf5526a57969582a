"""The Faust application: two agents and one table, wired from the worker's named parts.

How an article becomes an alert (one module each, in this package):

    articles ──▶ [process_articles]  messages.py (decode; refused → dead_letters.py)
                        │            article_batches.py (pipeline: pipeline.py / pipeline_process.py)
                        │            ordered_acks.py (batches in flight, sent and acked in order)
                        └─▶ newsalert-matches  match_envelope.py (keyed by rule + suppression key)
                                 │
                                 ▼
                          [suppress_matches]  match_suppressor.py, Tables "suppression", "suppression-articles"
                                 │            state_expiry.py (timer: expired events leave)
                                 └─▶ alerts (+ per-rule / per-severity topics), keyed by the key

Re-keying the matches by suppression key puts every report of one event into one partition, so
the table that suppresses and aggregates them is co-partitioned with its input, and updates of
one event stay ordered on the alerts topic. One agent reads the articles: rules are data.
Every part is given what it sends with (``sending.Send``) and the state it reads; this module
only declares the topics, the table, the agents and the timer, and wires the parts.
"""

from __future__ import annotations

import asyncio
from typing import Any

import faust
from prometheus_client import CollectorRegistry

from streams import __version__
from streams.alerts.expiry import TablePruner
from streams.config import Settings
from streams.metrics import Metrics, install_lag_timer
from streams.pipeline import PIPELINE_VERSION, ArticlePipeline
from streams.worker.article_batches import ArticleBatchStage, Prepared
from streams.worker.consumer import Transport
from streams.worker.dead_letters import DeadLetters
from streams.worker.match_suppressor import FaustOwnership, FaustSuppressionTable, MatchSuppressor
from streams.worker.ordered_acks import OrderedAcks
from streams.worker.runtime import WorkerRuntime
from streams.worker.sending import FaustSend
from streams.worker.state_expiry import StateExpiry

__all__ = ["App", "WorkerRuntime", "build_app", "finish_even_if_cancelled"]


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


class App(faust.App):
    """faust.App whose Kafka consumer has the seek fence and commit guard of streams.worker.consumer."""

    def _new_transport(self) -> Any:
        return Transport(self.conf.broker_consumer, self)


def build_app(settings: Settings, pipeline: ArticlePipeline, registry: CollectorRegistry) -> tuple[faust.App, WorkerRuntime]:
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
    runtime = WorkerRuntime(settings, pipeline, metrics, settings.severity_topic_map())
    ruleset = pipeline.ruleset
    metrics.rules_loaded(len(ruleset.rules), ruleset.version, len({r.file for r in ruleset.rules}))

    articles_topic = app.topic(settings.articles_topic, key_type=bytes, value_type=bytes,
                               key_serializer="raw", value_serializer="raw", partitions=settings.topic_partitions)
    matches_topic = app.topic(settings.matches_topic, key_type=str, value_type=bytes,
                              key_serializer="raw", value_serializer="raw",
                              partitions=settings.topic_partitions, internal=True)
    # JSON keys: they come back from the changelog as the same str they were written with. Events
    # (rewritten on every update) and the articles each has counted (written once) are two tables,
    # so that an update does not rewrite the article ids (streams.alerts.suppression).
    events = app.Table("suppression", default=None, partitions=settings.topic_partitions,
                       schema=faust.Schema(key_type=str, key_serializer="json", value_serializer="json"))
    seen = app.Table("suppression-articles", default=None, partitions=settings.topic_partitions,
                     schema=faust.Schema(key_type=str, key_serializer="json", value_serializer="json"))

    send = FaustSend(app, {settings.matches_topic: matches_topic})
    dead_letters = DeadLetters(send, settings.dlq_topic, runtime.name, metrics)
    articles = ArticleBatchStage(pipeline=pipeline, send=send, dead_letters=dead_letters,
                                 failures=runtime.failures, metrics=metrics, matches_topic=settings.matches_topic,
                                 limits=settings.limits, batches_in_flight=settings.batches_in_flight,
                                 strict_input=settings.strict_input)
    suppressor = MatchSuppressor(table=FaustSuppressionTable(events, seen), send=send, dead_letters=dead_letters,
                                 failures=runtime.failures, metrics=metrics, alerts_topic=settings.alerts_topic,
                                 severity_topics=runtime.severity_topics, pipeline_version=PIPELINE_VERSION,
                                 ownership=FaustOwnership(app))

    @app.agent(articles_topic)
    async def process_articles(stream: Any) -> None:  # faust.Stream: noack_take is not on StreamT
        """Batches are pipelined (``OrderedAcks``): while the broker acknowledges the matches of
        one batch, the next is already in the pipeline. Events are acked by hand (``noack_take``)."""
        async with runtime.crashes.watch("process_articles"):
            batches: OrderedAcks[Prepared] = OrderedAcks(settings.batches_in_flight, articles.send, stream.ack)
            try:
                async for events in stream.noack_take(settings.batch_size, within=settings.batch_within_s):
                    await batches.add(events, articles.prepare(events))
            finally:
                await batches.drain()

    @app.agent(matches_topic)
    async def suppress_matches(stream: Any) -> None:  # faust.Stream: noack_take is not on StreamT
        """Matches in batches, in order (``MatchSuppressor.handle``)."""
        async with runtime.crashes.watch("suppress_matches"):
            async for events in stream.noack_take(settings.batch_size * 4, within=settings.suppression_batch_within_s):
                await finish_even_if_cancelled(suppressor.handle(events, stream.ack))

    expiry = StateExpiry(
        TablePruner([events, seen], settings.topic_partitions, settings.suppression_grace_s), metrics,
        busy=lambda: bool(app.rebalancing or app.in_recovery or suppressor.writing),
        owned=lambda: {tp.partition for tp in app.assignor.assigned_actives() if tp.topic == settings.matches_topic},
        rule_windows=lambda: {rule.id: rule.window_seconds for rule in pipeline.ruleset.rules})

    @app.timer(settings.suppression_prune_interval_s, name="newsalert.suppression_expiry")
    async def expire_suppression_state() -> None:
        expiry.run()

    install_lag_timer(app, metrics, [settings.articles_topic])

    @app.on_partitions_assigned.connect  # type: ignore[arg-type]
    async def on_assigned(sender: Any, assigned: Any, **kwargs: Any) -> None:
        if not runtime.ready and runtime.on_ready is not None:
            runtime.on_ready()  # the console's one "ready" line (streams.cli.worker_cmd)
        runtime.ready = True

    return app, runtime
