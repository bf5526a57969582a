"""The small parts of the worker: dead letters, the match envelope, state expiry, the runtime."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Collection, Mapping
from types import SimpleNamespace

import pytest

from streams.alerts.expiry import PruneResult
from streams.config import Settings
from streams.models import ArticleError, ArticleRef
from streams.worker.dead_letters import DeadLetters
from streams.worker.match_envelope import MatchEnvelope
from streams.worker.messages import SourceRecord
from streams.worker.runtime import WorkerRuntime
from streams.worker.state_expiry import StateExpiry
from tests.unit.worker_fakes import RecordingSend, match, metrics


def test_dead_letters_go_to_their_topic_with_the_source_key_and_are_counted() -> None:
    m, registry = metrics()
    send = RecordingSend()
    letters = DeadLetters(send, "articles.dlq", "host:7", m)
    record = SourceRecord("articles", 2, 41, 1.7e9, b"id-9", b"\xff")
    asyncio.run(letters.send(record, ArticleError("invalid_utf8", "not UTF-8 at byte 0")))
    [sent] = send.sent
    letter = json.loads(sent.value)
    assert (sent.topic, sent.key) == ("articles.dlq", b"id-9")
    assert letter["reason"] == "invalid_utf8" and letter["worker"] == "host:7" and letter["value_encoding"] == "base64"
    assert registry.get_sample_value("newsalert_dead_letters_total", {"reason": "invalid_utf8"}) == 1


def test_the_match_envelope_round_trips_and_is_keyed_by_the_state_key() -> None:
    env = MatchEnvelope(match(key="kyiv", article_id="a7"), ArticleRef(id="a7", title="T", language="uk"), 1.5e9)
    key, value = env.encode()
    assert key == b"r1|kyiv"
    assert MatchEnvelope.decode(value) == env
    with pytest.raises(KeyError):
        MatchEnvelope.decode(b'{"match": {}}')


class Pruner:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls: list[tuple[set[int], dict[str, int], float]] = []

    def prune(self, owned: Collection[int], rule_windows: Mapping[str, int], wall: float) -> PruneResult:
        if self.fail:
            raise RuntimeError("store gone")
        self.calls.append((set(owned), dict(rule_windows), wall))
        return PruneResult(pruned=2, entries=5)


def test_state_expiry_skips_while_busy_prunes_owned_partitions_and_survives_a_failure() -> None:
    m, registry = metrics()
    pruner = Pruner()
    busy = [True]
    expiry = StateExpiry(pruner, m, busy=lambda: busy[0], owned=lambda: {0, 3},
                         rule_windows=lambda: {"r1": 3600}, clock=lambda: 123.0)
    assert expiry.run() is None and pruner.calls == []
    busy[0] = False
    assert expiry.run() == PruneResult(2, 5)
    assert pruner.calls == [({0, 3}, {"r1": 3600}, 123.0)]
    assert registry.get_sample_value("newsalert_suppression_entries") == 5
    assert StateExpiry(Pruner(fail=True), m, busy=lambda: False, owned=set, rule_windows=dict).run() is None


def test_runtime_output_topics_and_a_rejected_reload() -> None:
    m, registry = metrics()
    pipeline = SimpleNamespace(parallel_batches=False)
    runtime = WorkerRuntime(Settings(alerts_topic="alerts"), pipeline, m, {"critical": "alerts.critical"})  # type: ignore[arg-type]
    ruleset = SimpleNamespace(rules=[SimpleNamespace(topics=("ops",)), SimpleNamespace(topics=("alerts",))])
    assert runtime.output_topics(ruleset) == ["alerts", "alerts.critical", "ops"]
    runtime.on_rules_error(["bad rule"])
    assert registry.get_sample_value("newsalert_rules_reloads_total", {"result": "failure"}) == 1
    assert runtime.crashes.health() is True and runtime.ready is False


def test_the_content_hash_tells_an_edited_article_from_a_repeat() -> None:
    from streams.models import Article
    from streams.worker.match_envelope import content_hash

    a = Article(id="x", text="Four were killed.", title="Attack")
    assert content_hash(a) == content_hash(Article(id="y", text="Four were killed.", title="Attack"))
    assert content_hash(a) != content_hash(Article(id="x", text="Forty were killed.", title="Attack"))
    assert content_hash(a) != content_hash(Article(id="x", text="Four were killed.", title="Attack 2"))
