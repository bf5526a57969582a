"""What a Prometheus scrape of the worker sees (issue 15, item 2): no ``_created`` series, no Faust
families that never get samples, and topic / table labels that name things as everywhere else."""

from __future__ import annotations

from typing import Any

import faust
from faust.types import TP
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from streams.metrics import Metrics, install_faust_sensors


class _Named:
    def __init__(self, name: str) -> None:
        self.name = name


def scrape(registry: CollectorRegistry) -> str:
    return generate_latest(registry).decode()


def worker_like_registry() -> tuple[CollectorRegistry, Any]:
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    metrics.article_consumed("de", "feed")
    metrics.observe_extraction(0.02, "de")
    metrics.alert_emitted("rule-a", "high", "new")
    app = faust.App("newsalert-unit-exposition", broker="kafka://127.0.0.1:1")
    return registry, install_faust_sensors(app, registry)


def test_no_created_series() -> None:
    registry, monitor = worker_like_registry()
    monitor.on_send_initiated(None, "alerts", None, 1, 1)
    text = scrape(registry)
    assert "newsalert_articles_consumed_total" in text
    assert [line for line in text.splitlines() if "_created" in line] == []


def test_faust_labels_carry_bare_names() -> None:
    registry, monitor = worker_like_registry()
    monitor.on_send_initiated(None, "alerts", None, 1, 1)
    monitor.on_tp_commit({TP("articles", 0): 7})
    monitor.on_table_get(_Named("suppression"), "k")
    monitor.on_table_set(_Named("suppression"), "k", "v")

    def v(name: str, **labels: str) -> float | None:
        return registry.get_sample_value(name, labels)

    assert v("newsalert_faust_topic_messages_sent_total", topic="alerts") == 1
    assert v("newsalert_faust_topic_partition_committed_offset", topic="articles", partition="0") == 7
    assert v("newsalert_faust_table_operations_total", table="suppression", operation="keys_retrieved") == 1
    assert v("newsalert_faust_table_operations_total", table="suppression", operation="keys_updated") == 1
    topics = {s.labels["topic"] for f in text_string_to_metric_families(scrape(registry))
              for s in f.samples if "topic" in s.labels}
    assert topics == {"alerts", "articles"}


def test_faust_families_that_the_worker_never_samples_are_not_exported() -> None:
    registry, monitor = worker_like_registry()
    # what Faust calls although nothing would show: web requests (web server off), named counts,
    # stream events acked without timing state
    monitor.count("anything")
    monitor._metrics.http_latency.observe(5.0)
    monitor._metrics.events_runtime_latency.observe(5.0)
    names = {f.name for f in text_string_to_metric_families(scrape(registry))}
    for gone in ("newsalert_faust_http_responses", "newsalert_faust_http_latency_seconds",
                 "newsalert_faust_named_events", "newsalert_faust_event_runtime_seconds"):
        assert gone not in names
    assert "newsalert_faust_messages_received" in names
    # a rebalance clears per-topic series; the stand-ins must not break it
    monitor.on_tp_commit({TP("articles", 0): 7})
    monitor._metrics.clear_topic_related_metrics()
    assert registry.get_sample_value("newsalert_faust_topic_partition_committed_offset",
                                     {"topic": "articles", "partition": "0"}) is None
