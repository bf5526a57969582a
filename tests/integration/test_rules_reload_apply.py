"""A rule set whose topics the broker refuses is not in force, is counted as failed, and is retried
until it applies (issue 16 item 3), with the worker's own reload callbacks and the real broker."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from kafka import KafkaAdminClient
from prometheus_client import CollectorRegistry

from streams.config import Settings
from streams.delivery.topics import ensure_topics
from streams.kafka.settings import KafkaSettings
from streams.metrics.service import Metrics
from streams.rules import RuleSet, RuleWatcher, load_ruleset
from streams.rules.watcher import ReloadRetry
from streams.worker.app import WorkerRuntime

pytestmark = pytest.mark.integration

RULE = "id: {id}\ntitle: t\nseverity: low\ntags: [a]\ntopics: [{topic}]\nmatch: {{concept: kill}}\n"


class SwapRecorder:
    """Stands in for the pipeline: records which rule sets were swapped in."""

    def __init__(self) -> None:
        self.swapped: list[RuleSet] = []

    def swap_rules(self, ruleset: RuleSet) -> None:
        self.swapped.append(ruleset)


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def sample(registry: CollectorRegistry, name: str, **labels: str) -> float:
    value = registry.get_sample_value(name, labels or None)
    return 0.0 if value is None else value


def test_reload_refused_by_the_broker_is_counted_and_retried(
    kafka_bootstrap: str, unique_name: Callable[[str], str], tmp_path: Path
) -> None:
    kafka = KafkaSettings(bootstrap_servers=kafka_bootstrap)
    base = unique_name("reload").replace("-", "")
    existing, wanted = f"{base}.urgent", f"{base}_urgent"  # Kafka refuses the second: they collide
    ensure_topics(kafka, [existing], 1, 1)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "a.yaml").write_text(RULE.format(id="rule-a", topic=f"{base}-plain"))
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    pipeline = SwapRecorder()
    settings = Settings(kafka=kafka, rules_dir=rules, alerts_topic=f"{base}-alerts")
    runtime = WorkerRuntime(settings, pipeline, metrics, {})  # type: ignore[arg-type]
    first = load_ruleset(rules)
    watcher = RuleWatcher(rules, runtime.on_rules_changed, runtime.on_rules_error, current_version=first.version,
                          debounce_ms=50, rescan_s=0.5, settle_s=0.1,
                          retry=ReloadRetry(initial_s=0.5, max_s=1.0, jitter=0.0))
    watcher.start()
    try:
        (rules / "b.yaml").write_text(RULE.format(id="rule-b", topic=wanted))
        assert wait_until(lambda: sample(registry, "newsalert_rules_reloads_total", result="failure") >= 2)
        # the set is not in force, and the metrics say so
        assert pipeline.swapped == [] and watcher.version == first.version
        assert sample(registry, "newsalert_rules_last_reload_successful") == 0
        assert sample(registry, "newsalert_rules_reloads_total", result="success") == 0
        # the cause goes away (here: the colliding topic is deleted); the next retry applies the set
        admin = KafkaAdminClient(bootstrap_servers=[kafka_bootstrap])
        try:
            admin.delete_topics([existing])
        finally:
            admin.close()
        assert wait_until(lambda: len(pipeline.swapped) == 1, timeout=60)
        assert pipeline.swapped[0].rule_ids == ("rule-a", "rule-b")
        assert watcher.version == pipeline.swapped[0].version
        assert sample(registry, "newsalert_rules_last_reload_successful") == 1
        assert sample(registry, "newsalert_rules_reloads_total", result="success") == 1
        assert sample(registry, "newsalert_rules_loaded") == 2
    finally:
        watcher.stop()


