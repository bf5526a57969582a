"""What the worker's parts share and what the rule watcher and the HTTP server ask of it.

``WorkerRuntime`` holds the pipeline (with its swappable rule set), the metrics and the failure
counters. The rule watcher thread calls ``on_rules_changed`` / ``on_rules_error``; the health
server reads ``ready`` (set when partitions are assigned) and ``crashes.health()``.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from typing import Any

from streams.config import Settings
from streams.delivery.topics import ensure_topics
from streams.metrics import Metrics
from streams.pipeline import ArticlePipeline
from streams.worker.failures import AgentCrashes, RecordFailures

log = logging.getLogger("newsalert.worker")


class WorkerRuntime:
    def __init__(self, settings: Settings, pipeline: ArticlePipeline, metrics: Metrics,
                 severity_topics: dict[str, str]) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.metrics = metrics
        self.severity_topics = severity_topics
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.ready = False
        self.on_ready: Callable[[], None] | None = None  # called once, when partitions are first assigned
        # a record whose handling raises is dead-lettered and counted; agents that keep crashing fail /healthz
        self.failures = RecordFailures(metrics)
        self.crashes = AgentCrashes(metrics, limit=settings.agent_crash_limit, window_s=settings.agent_crash_window_s)

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
        """Called by the rule watcher with a fully validated new set; raises when the set cannot be
        applied (its topics cannot be created): the old set keeps running, the watcher retries."""
        outputs = self.output_topics(ruleset)
        try:
            ensure_topics(self.settings.kafka, outputs,
                          partitions=self.settings.topic_partitions, replication=self.settings.topic_replication,
                          needs={t: ["WRITE"] for t in outputs})
        except Exception:
            self.metrics.rules_reload(False)
            raise
        self.pipeline.swap_rules(ruleset)
        self.metrics.rules_reload(True)
        self.metrics.rules_loaded(len(ruleset.rules), ruleset.version, len({r.file for r in ruleset.rules}))
        log.info("rules reloaded: %d rules, version %s", len(ruleset.rules), ruleset.version)

    def on_rules_recovered(self, ruleset: Any) -> None:
        """Called by the rule watcher when the files are valid again and hold the set in force."""
        self.metrics.rules_reload(True)
        log.info("rule files valid again; rules unchanged (version %s)", ruleset.version)

    def on_rules_error(self, errors: list[Any]) -> None:
        """Called by the rule watcher thread when the new set is invalid: the old set keeps serving."""
        self.metrics.rules_reload(False)
        for err in errors:
            log.error("rules reload rejected, old rules keep running: %s", err)
