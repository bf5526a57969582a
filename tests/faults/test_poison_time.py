"""Poison timestamps against a real worker (issue 16, item 1).

``9999-12-31T23:59:59-14:00`` is valid ISO 8601 but in the year 10000 in UTC, and
``0001-01-01T00:00:00+14:00`` in the year 0: before the fix, formatting them in the suppression
agent raised, the agent crashed on the same match after every restart, its matches partition never
moved again and every later alert of that partition was lost. Now such articles are dead-lettered
at decode (reason ``bad_published_at``) and every other alert arrives; and a match whose handling
raises anyway is dead-lettered (``match_error``) while its partition goes on.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest
from kafka import KafkaProducer

from streams.alerts.suppression import state_key
from streams.models import ArticleRef
from tests.faults import checks
from tests.faults.conftest import wait_until
from tests.faults.events import EventCorpus
from tests.integration.worker_harness import TopicCollector, WorkerHarness, metric_value

pytestmark = [pytest.mark.integration, pytest.mark.slow]

POISON_TIMES = ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00")


def healthz(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_poison_published_at_is_dead_lettered_and_every_alert_arrives(harness: WorkerHarness, pipeline: Any) -> None:
    corpus = EventCorpus.build(pipeline, 96, n_events=12, prefix="pz", spacing_s=1.0)
    # the poison articles have the texts of the corpus events: same suppression keys, so before the
    # fix they sat at the head of the very partitions the good matches go to
    poison = [{"id": f"poison-{i:02d}-{j}", "text": text.text, "language": text.language, "published_at": when}
              for i, text in enumerate(corpus.texts_used) for j, when in enumerate(POISON_TIMES)]
    proc, port = harness.start_worker()
    harness.publish(*poison)
    time.sleep(2.0)  # let the poison reach the suppression agent before the good articles
    harness.publish(*corpus.articles)

    with TopicCollector(harness.bootstrap, harness.alerts) as alerts, \
            TopicCollector(harness.bootstrap, harness.dlq) as dlq:
        done = alerts.wait_for(lambda v: checks.complete(corpus, v), timeout=120)
        dlq.wait_for(lambda v: len(v) >= len(poison), timeout=30)
        values = alerts.values()
        letters = dlq.values()
    found = checks.problems(corpus, values)
    assert done and not found, f"problems: {found}; {len(values)} alerts\n{harness.logs()}"
    assert not [a for a in values if a["article_id"].startswith("poison-")]
    assert sorted(letter["source"]["key"] for letter in letters) == sorted(p["id"] for p in poison)
    assert {letter["reason"] for letter in letters} == {"bad_published_at"}
    assert metric_value(port, "newsalert_dead_letters_total", reason="bad_published_at") == len(poison)
    assert metric_value(port, "newsalert_agent_crashes_total") == 0
    assert healthz(port) == 200
    assert proc.poll() is None, harness.logs()


def test_a_match_that_raises_is_dead_lettered_and_its_partition_goes_on(harness: WorkerHarness, pipeline: Any) -> None:
    """A match the suppression agent cannot handle (an event time no date can show, written to the
    internal matches topic directly, as an older worker could have) does not block the partition."""
    corpus = EventCorpus.build(pipeline, 4, n_events=1, prefix="mx", spacing_s=1.0)
    text = corpus.texts_used[0]
    match = text.matches[0]
    ref = ArticleRef(id="bad-match", language=text.language)
    envelope = {"match": {**match.to_dict(), "article_id": "bad-match"}, "article": ref.to_dict(),
                "event_time": 3.0e11, "received": time.time()}  # the year 11476
    proc, port = harness.start_worker()
    producer = KafkaProducer(bootstrap_servers=[harness.bootstrap])
    try:
        producer.send(f"matches-{harness.suffix}", key=state_key(match).encode(),
                      value=json.dumps(envelope).encode()).get(timeout=30)
    finally:
        producer.close()
    harness.publish(*corpus.articles)

    with TopicCollector(harness.bootstrap, harness.alerts) as alerts, \
            TopicCollector(harness.bootstrap, harness.dlq) as dlq:
        done = alerts.wait_for(lambda v: checks.complete(corpus, v), timeout=90)
        got_letter = dlq.wait_for(lambda v: len(v) >= 1, timeout=30)
        letters = dlq.values()
        values = alerts.values()
    assert done, f"{len(values)} alerts; the partition is blocked\n{harness.logs()}"
    assert not checks.problems(corpus, values)
    assert got_letter and len(letters) == 1, letters
    letter = letters[0]
    assert letter["reason"] == "match_error" and letter["error_class"] == "ValueError", letter
    assert letter["source"]["topic"] == f"matches-{harness.suffix}"
    assert json.loads(letter["value"])["event_time"] == 3.0e11
    assert wait_until(lambda: metric_value(port, "newsalert_record_failures_total",
                                           agent="suppress_matches", error="ValueError") == 1, timeout=10)
    assert healthz(port) == 200
    assert proc.poll() is None, harness.logs()
