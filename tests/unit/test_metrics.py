"""Metrics: names, types, labels, bounded cardinality, and a promtool-clean exposition."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from streams.metrics import Metrics, build_faust_metrics
from streams.metrics.service import OTHER


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def metrics(registry: CollectorRegistry) -> Metrics:
    return Metrics(registry)


def value(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


def exercise(m: Metrics) -> None:
    """One call of every method, with realistic values."""
    m.build_info("0.1.0")
    m.rules_loaded(12, "sha256:abc123", 3)
    m.rules_reload(True)
    m.rules_reload(False)
    for lang, source in (("de", "tagesschau"), ("en", "reuters"), ("en", None)):
        m.article_consumed(lang, source)
    m.unsupported_language("fr")
    m.dead_letter("invalid_json")
    m.dead_letter("missing_field")
    m.observe_batch(7)
    m.observe_processing_latency(0.42)
    m.observe_extraction(0.012, "de")
    m.observe_rule_evaluation(0.0004)
    m.matches("foreign-troop-deployment")
    m.alert_emitted("foreign-troop-deployment", "high", "new")
    m.alert_emitted("foreign-troop-deployment", "high", "update")
    m.alert_suppressed("foreign-troop-deployment")
    m.article_processed(1_700_000_000.0)
    m.set_consumer_lag("articles", 0, 5)
    m.set_consumer_lag("articles", 1, 0)


def test_every_method_updates_its_metric(registry: CollectorRegistry, metrics: Metrics) -> None:
    exercise(metrics)
    assert value(registry, "newsalert_articles_consumed_total", language="de", source="tagesschau") == 1
    assert value(registry, "newsalert_articles_consumed_total", language="en", source="unknown") == 1
    assert value(registry, "newsalert_articles_unsupported_language_total", language="fr") == 1
    assert value(registry, "newsalert_dead_letters_total", reason="invalid_json") == 1
    assert value(registry, "newsalert_batch_size_sum") == 7
    assert value(registry, "newsalert_batch_size_bucket", le="8.0") == 1
    assert value(registry, "newsalert_batch_size_bucket", le="4.0") == 0
    assert value(registry, "newsalert_processing_latency_seconds_count") == 1
    assert value(registry, "newsalert_processing_latency_seconds_bucket", le="0.5") == 1
    assert value(registry, "newsalert_processing_latency_seconds_bucket", le="0.25") == 0
    assert value(registry, "newsalert_extraction_duration_seconds_count", language="de") == 1
    assert value(registry, "newsalert_rule_evaluation_duration_seconds_bucket", le="0.0005") == 1
    assert value(registry, "newsalert_rule_matches_total", rule="foreign-troop-deployment") == 1
    for status in ("new", "update"):
        assert value(registry, "newsalert_alerts_total", rule="foreign-troop-deployment",
                     severity="high", status=status) == 1
    assert value(registry, "newsalert_alerts_suppressed_total", rule="foreign-troop-deployment") == 1
    assert value(registry, "newsalert_rules_loaded") == 12
    assert value(registry, "newsalert_rule_files_loaded") == 3
    assert value(registry, "newsalert_ruleset_info", version="sha256:abc123") == 1
    assert value(registry, "newsalert_rules_reloads_total", result="success") == 1
    assert value(registry, "newsalert_rules_reloads_total", result="failure") == 1
    assert (value(registry, "newsalert_rules_last_reload_success_timestamp_seconds") or 0) > 1.6e9
    assert value(registry, "newsalert_last_processed_timestamp_seconds") == 1_700_000_000.0
    assert value(registry, "newsalert_consumer_lag_messages", topic="articles", partition="0") == 5
    build = [s for mf in registry.collect() if mf.name == "newsalert_build" for s in mf.samples]
    assert build and build[0].labels["version"] == "0.1.0"


def test_reload_counters_exist_before_any_reload(registry: CollectorRegistry, metrics: Metrics) -> None:
    # rate()/increase() on the failure series needs the series to exist at 0 from the start
    assert value(registry, "newsalert_rules_reloads_total", result="failure") == 0
    assert value(registry, "newsalert_rules_reloads_total", result="success") == 0
    assert value(registry, "newsalert_rules_last_reload_successful") == 1


def test_failed_reload_keeps_last_success_time(registry: CollectorRegistry, metrics: Metrics) -> None:
    metrics.rules_reload(True)
    first = value(registry, "newsalert_rules_last_reload_success_timestamp_seconds")
    assert value(registry, "newsalert_rules_last_reload_successful") == 1
    metrics.rules_reload(False)
    assert value(registry, "newsalert_rules_last_reload_success_timestamp_seconds") == first
    assert value(registry, "newsalert_rules_last_reload_successful") == 0
    metrics.rules_reload(True)
    assert value(registry, "newsalert_rules_last_reload_successful") == 1


def test_first_load_sets_the_last_success_time(registry: CollectorRegistry, metrics: Metrics) -> None:
    assert value(registry, "newsalert_rules_last_reload_success_timestamp_seconds") == 0
    metrics.rules_loaded(4, "v1", 2)
    assert (value(registry, "newsalert_rules_last_reload_success_timestamp_seconds") or 0) > 1.6e9
    assert value(registry, "newsalert_rules_last_reload_successful") == 1


def test_ruleset_info_shows_only_the_active_version(registry: CollectorRegistry, metrics: Metrics) -> None:
    metrics.rules_loaded(1, "v1", 1)
    metrics.rules_loaded(2, "v2", 1)
    samples = [s for mf in registry.collect() if mf.name == "newsalert_ruleset" for s in mf.samples]
    assert [s.labels["version"] for s in samples] == ["v2"]


def test_source_cardinality_is_bounded(registry: CollectorRegistry) -> None:
    m = Metrics(registry, max_label_values=3)
    for i in range(10):
        m.article_consumed("en", f"site-{i}")
    m.article_consumed("en", "site-1")  # an already-seen source keeps its own series
    sources = {s.labels["source"] for mf in registry.collect()
               if mf.name == "newsalert_articles_consumed" for s in mf.samples if s.name.endswith("_total")}
    assert sources == {"site-0", "site-1", "site-2", OTHER}
    assert value(registry, "newsalert_articles_consumed_total", language="en", source=OTHER) == 7
    assert value(registry, "newsalert_articles_consumed_total", language="en", source="site-1") == 2


def test_language_labels_are_normalised(registry: CollectorRegistry, metrics: Metrics) -> None:
    metrics.article_consumed("DE", "x")
    metrics.article_consumed("", "x")
    metrics.article_consumed("not a language code", "x")
    assert value(registry, "newsalert_articles_consumed_total", language="de", source="x") == 1
    assert value(registry, "newsalert_articles_consumed_total", language="und", source="x") == 2


def test_unknown_alert_status_is_rejected(metrics: Metrics) -> None:
    with pytest.raises(ValueError, match="status"):
        metrics.alert_emitted("r", "high", "resolved")


def test_revoked_partition_lag_is_removed(registry: CollectorRegistry, metrics: Metrics) -> None:
    metrics.set_consumer_lag("articles", 2, 9)
    metrics.clear_consumer_lag("articles", 2)
    metrics.clear_consumer_lag("articles", 2)  # twice is fine
    assert value(registry, "newsalert_consumer_lag_messages", topic="articles", partition="2") is None


def test_negative_inputs_are_clamped(registry: CollectorRegistry, metrics: Metrics) -> None:
    metrics.set_consumer_lag("articles", 0, -3)  # end offset read before a commit landed
    metrics.observe_processing_latency(-0.2)  # producer clock ahead of ours
    assert value(registry, "newsalert_consumer_lag_messages", topic="articles", partition="0") == 0
    assert value(registry, "newsalert_processing_latency_seconds_bucket", le="0.005") == 1


def test_namespace_is_configurable() -> None:
    registry = CollectorRegistry()
    Metrics(registry, namespace="other").dead_letter("x")
    assert registry.get_sample_value("other_dead_letters_total", {"reason": "x"}) == 1


def test_two_instances_need_two_registries(registry: CollectorRegistry, metrics: Metrics) -> None:
    with pytest.raises(ValueError, match="Duplicated"):
        Metrics(registry)


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not installed (apt install prometheus)")
def test_exposition_passes_promtool_check_metrics(registry: CollectorRegistry, metrics: Metrics) -> None:
    exercise(metrics)
    build_faust_metrics(registry)  # Faust's sensors share the endpoint, so they must pass too
    exposition = generate_latest(registry)
    assert b"newsalert_faust_messages_received_total" in exposition
    result = subprocess.run(["promtool", "check", "metrics"], input=exposition, capture_output=True, timeout=60)
    assert result.returncode == 0, (result.stdout + result.stderr).decode()


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not installed (apt install prometheus)")
def test_promtool_check_metrics_can_fail() -> None:
    # the check above is only worth something if promtool rejects bad names
    bad = b"# HELP latency_ms x\n# TYPE latency_ms counter\nlatency_ms 1\n"
    result = subprocess.run(["promtool", "check", "metrics"], input=bad, capture_output=True, timeout=60)
    assert result.returncode != 0


def test_every_metric_is_documented(registry: CollectorRegistry, metrics: Metrics) -> None:
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "monitoring.md").read_text(encoding="utf-8")
    suffix = {"counter": "_total", "info": "_info"}
    for family in registry.collect():
        assert f"`{family.name}{suffix.get(family.type, '')}`" in docs, family.name
    faust_registry = CollectorRegistry()
    build_faust_metrics(faust_registry)
    for family in faust_registry.collect():
        short = family.name.removeprefix("newsalert_faust") + suffix.get(family.type, "")
        assert short in docs, family.name
