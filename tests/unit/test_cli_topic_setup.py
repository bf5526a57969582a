"""The topic set-up of publish, ingest and forward (streams.cli.topic_setup.ensure_or_warn)."""

from __future__ import annotations

from typing import Any

import pytest

import streams.delivery.topics as topics_module
from streams.cli.topic_setup import ensure_or_warn
from streams.config import Settings
from streams.delivery.topics import TopicError


def test_topics_are_created_with_the_workers_partitions_and_replication(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(topics_module, "ensure_topics",
                        lambda kafka, names, partitions, replication, **kw: calls.append(
                            (kafka.bootstrap_servers, names, partitions, replication, kw)) or [])
    settings = Settings.from_env({"NEWSALERT_TOPIC_PARTITIONS": "6", "NEWSALERT_TOPIC_REPLICATION": "3",
                                  "NEWSALERT_KAFKA_BOOTSTRAP_SERVERS": "k:1"})
    ensure_or_warn(settings, ("articles",), needs={"articles": ["WRITE"]})
    assert calls == [("k:1", ["articles"], 6, 3, {"needs": {"articles": ["WRITE"]}})]


def test_a_topic_that_cannot_be_created_is_a_warning(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(*args: Any, **kwargs: Any) -> list[str]:
        raise TopicError("not allowed to create topic 'x' (CREATE)")

    monkeypatch.setattr(topics_module, "ensure_topics", refuse)
    ensure_or_warn(Settings.from_env({}), ["x"])
    assert capsys.readouterr().err == "warning: not allowed to create topic 'x' (CREATE)\n"
