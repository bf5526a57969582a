"""Hostile messages against a real worker: each lands on the dead-letter topic with its reason, or
is processed; afterwards the worker is alive and turns a good article into an alert."""

from __future__ import annotations

import json
from typing import Any

import pytest
from kafka import KafkaProducer

from streams.config import Limits
from streams.models import ArticleError
from streams.worker.messages import decode_article
from tests.faults.conftest import wait_until
from tests.integration.worker_harness import TopicCollector, WorkerHarness

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MIXED = "Charkiw Харків خاركيف 哈尔科夫 하르키우 🇺🇦💥 \u200f\u202e reversed \u2066isolated\u2069 e\u0301"


def hostile_messages() -> list[tuple[bytes, bytes | None]]:
    """(key, value) pairs: broken framing, wrong shapes, hostile strings, oversized bodies."""
    big_text = "Soldaten. " * 110_000  # ~1.1 M characters: over max_article_bytes
    items: list[bytes | None] = [
        None,  # tombstone
        b"",
        b"{this is not json",
        b"\xff\xfe\x00garbage",
        b"\xed\xa0\x80",
        b'\xef\xbb\xbf{"id": "bom", "text": "x"}',
        b"[1, 2, 3]",
        b'"just a string"',
        b"null",
        b'{"id": "a"}',
        b'{"id": 7, "text": "x"}',
        b'{"id": "a", "text": ["x"]}',
        b'{"id": "a", "text": "   \\n\\t "}',
        b'{"id": "a", "text": "x", "extra": 1}',
        b'{"id": ' + b"9" * 5000 + b', "text": "x"}',
        b'{"id": "surrogate", "text": "Kiew \\ud800 heute"}',
        b'{"id": "nul", "text": "a\\u0000b"}',
        b"[" * 200_000 + b"]" * 200_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        json.dumps({"id": "toolarge", "text": big_text[:980_000]}).encode()
        + b" " * 40_000,  # ~1.02 MB: passes the broker (1 MiB), refused by the worker's byte limit
        # valid but hostile: must be processed, not dead-lettered
        json.dumps({"id": "mixed", "text": MIXED, "language": "de"}, ensure_ascii=False).encode(),
        json.dumps({"id": "controls", "text": "Kiew\x07\x1b[31m rot \x1b[0m\x08\x0b\x0c\x7f\x85 ende"}).encode(),
        json.dumps({"id": "emoji-only", "text": "😀" * 2000}, ensure_ascii=False).encode(),
        json.dumps({"id": "one-char", "text": "x", "language": "zz"}).encode(),
        json.dumps({"id": "cjk", "text": "朝鲜士兵抵达俄罗斯库尔斯克州。" * 200}, ensure_ascii=False).encode(),
        json.dumps({"id": "arabic", "text": "قتل أربعة مدنيين في خاركيف. " * 100}, ensure_ascii=False).encode(),
        json.dumps({"id": "newlines", "text": "\n" * 5000 + "In Charkiw wurden vier Menschen getötet." + "\n" * 5000}
                   ).encode(),
        json.dumps({"id": "long-token", "text": "a" * 150_000}).encode(),
        json.dumps({"id": "many-digits", "text": " ".join(str(i) for i in range(20_000))}).encode(),
        json.dumps({"id": "x" * 10_000, "text": "long id", "source": "s" * 10_000}).encode(),
    ]
    return [(f"hostile-{i:02d}".encode(), v) for i, v in enumerate(items)]


GOOD = {
    "id": "good-after-hostile",
    "text": "A drone strike hit an apartment block in Kharkiv overnight. Four civilians were killed, "
            "the regional administration said.",
    "language": "en",
    "published_at": "2026-11-20T22:00:00Z",
}


def test_hostile_messages_are_dead_lettered_or_processed(harness: WorkerHarness) -> None:
    messages = hostile_messages()
    expected_reason: dict[str, str] = {}
    valid = 0
    for key, value in messages:
        try:
            decode_article(value, Limits())
            valid += 1
        except ArticleError as exc:
            expected_reason[key.decode()] = exc.reason
    assert valid >= 8 and len(expected_reason) >= 15

    proc, port = harness.start_worker()
    producer = KafkaProducer(bootstrap_servers=[harness.bootstrap], max_request_size=4 * 1024 * 1024)
    try:
        for key, value in messages:
            producer.send(harness.articles, key=key, value=value)
        producer.flush(30)
        # the good article after all the hostile ones, on every partition's path: same key space
        producer.send(harness.articles, key=b"good", value=json.dumps(GOOD).encode())
        producer.flush(30)
    finally:
        producer.close()

    with TopicCollector(harness.bootstrap, harness.dlq) as dlq, TopicCollector(harness.bootstrap, harness.alerts) as alerts:
        got_letters = dlq.wait_for(lambda v: len(v) >= len(expected_reason), timeout=60)
        got_alert = alerts.wait_for(
            lambda v: any(a["article_id"] == "good-after-hostile" for a in v), timeout=60)
        letters: list[dict[str, Any]] = dlq.values()
    assert got_letters, f"{len(letters)} of {len(expected_reason)} dead letters\n{harness.logs()}"
    reasons = {letter["source"]["key"]: letter["reason"] for letter in letters}
    assert reasons == expected_reason, harness.logs()
    assert all(letter["detail"] for letter in letters)
    assert got_alert, f"no alert for the good article after the hostile ones\n{harness.logs()}"
    assert wait_until(lambda: harness.consumed(port) >= valid + 1, timeout=30), (
        f"consumed {harness.consumed(port)} of {valid + 1} valid articles\n{harness.logs()}")
    assert harness.consumed(port) == valid + 1
    assert proc.poll() is None, harness.logs()
