"""Topic creation with configured partitions, replication and configs; idempotent (real broker)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner

from streams.cli.main import cli
from streams.delivery.topics import TopicError, describe_topics, ensure_topics
from streams.kafka.settings import KafkaSettings

pytestmark = pytest.mark.integration


def test_ensure_topics_is_idempotent(kafka_bootstrap: str, unique_name: Callable[[str], str]) -> None:
    kafka = KafkaSettings(bootstrap_servers=kafka_bootstrap)
    a, b = unique_name("t"), unique_name("t")
    assert sorted(ensure_topics(kafka, [a, b, a], 3, 1, {"retention.ms": "3600000"})) == sorted([a, b])
    assert ensure_topics(kafka, [a, b], 5, 1) == []  # existing topics are left as they are
    infos = {i.name: i for i in describe_topics(kafka, [a, b])}
    assert (infos[a].partitions, infos[a].replication) == (3, 1)

    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=[kafka_bootstrap])
    try:
        from kafka.admin import ConfigResource, ConfigResourceType

        configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, a)])
    finally:
        admin.close()
    assert "3600000" in str(configs)


def test_ensure_topics_reports_what_the_broker_refused(kafka_bootstrap: str, unique_name: Callable[[str], str]) -> None:
    kafka = KafkaSettings(bootstrap_servers=kafka_bootstrap)
    with pytest.raises(TopicError, match="InvalidReplicationFactorError"):
        ensure_topics(kafka, [unique_name("t")], 1, 3)
    with pytest.raises(TopicError, match="InvalidTopicError"):
        ensure_topics(kafka, ["no spaces allowed"], 1, 1)


def test_topics_cli_creates_configured_and_severity_topics(kafka_bootstrap: str,
                                                           unique_name: Callable[[str], str]) -> None:
    names = {k: unique_name(k) for k in ("articles", "alerts", "dlq", "high")}
    env = {"NEWSALERT_ARTICLES_TOPIC": names["articles"], "NEWSALERT_ALERTS_TOPIC": names["alerts"],
           "NEWSALERT_DLQ_TOPIC": names["dlq"], "NEWSALERT_SEVERITY_TOPICS": f"high={names['high']}",
           "NEWSALERT_TOPIC_PARTITIONS": "2"}
    runner = CliRunner()
    result = runner.invoke(cli, ["topics", "create", "-b", kafka_bootstrap], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for name in names.values():
        assert f"{name}: created (2 partitions, replication 1)" in result.output
    again = runner.invoke(cli, ["topics", "create", "-b", kafka_bootstrap], env=env, catch_exceptions=False)
    assert all(f"{n}: exists" in again.output for n in names.values())
    listing = runner.invoke(cli, ["topics", "list", "-b", kafka_bootstrap], catch_exceptions=False)
    assert f"{names['high']}\t2\t1" in listing.output
