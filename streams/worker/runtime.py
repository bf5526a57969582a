"""What the worker's parts share and what the rule watcher and the HTTP server ask of it.

``WorkerRuntime`` holds the pipeline (with its swappable rule set), the metrics and the failure
counters. The rule watcher thread calls ``on_rules_changed`` / ``on_rules_error``; the health
server reads ``ready`` (set when partitions are assigned) and ``crashes.health()``.
"""

from __future__ import annotations

import logging
import os
import socket
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
        # a record whose handling raises is dead-lettered and counted; agents that keep crashing fail /healthz
        self.failures = RecordFailures(metrics)
        self.crashes = AgentCrashes(metrics, limit=settings.agent_crash_limit, window_s=settings.agent_crash_window_s)

    def output_topics(self, ruleset: Any) -> list[str]:
        """Every topic alerts can go to: default, per-severity, and the rules' own ``topics``."""
        names = [self.settings.alerts_topic, *self.severity_topics.values()]
        names += [t for rule in ruleset.rules for t in rule.topics]
        return list(dict.fromkeys(names))

    def on_rules_changed(self, ruleset: Any) -> None:
        """Called by the rule watcher thread with a fully validated new set."""
        ensure_topics(self.settings.kafka, self.output_topics(ruleset),
                      partitions=self.settings.topic_partitions, replication=self.settings.topic_replication)
        self.pipeline.swap_rules(ruleset)
        self.metrics.rules_reload(True)
        self.metrics.rules_loaded(len(ruleset.rules), ruleset.version, len({r.file for r in ruleset.rules}))
        log.info("rules reloaded: %d rules, version %s", len(ruleset.rules), ruleset.version)

    def on_rules_error(self, errors: list[Any]) -> None:
        """Called by the rule watcher thread when the new set is invalid: the old set keeps serving."""
        self.metrics.rules_reload(False)
        for err in errors:
            log.error("rules reload rejected, old rules keep running: %s", err)
