"""Suppression state expires on the real broker: entries go, tombstones reach the changelog, and a
later report of the same key is a new event."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.worker_harness import TopicCollector, WorkerHarness, metric_value

pytestmark = pytest.mark.integration

REPORT = ("A Russian missile hit a residential block in {city} on Tuesday night. "
          "Four civilians were killed and nine were wounded, the regional governor said.")
KHARKIV_DE = ("Nach dem nächtlichen Raketenangriff auf ein Wohnhaus in Charkiw ist die Zahl der Toten gestiegen. "
              "Sechs Zivilisten wurden getötet, teilte die Stadtverwaltung am Mittwoch mit.")
# Each report is one civilian-casualties (24 h window) and one strike-on-populated-area (12 h)
# event. With 2 partitions the Kharkiv events are in partition 0; Odesa's in 1, Dnipro's in 0: the
# later reports move both partitions' event time past the Kharkiv windows.
LATER_CITIES = ("Odesa", "Dnipro", "Lviv", "Mykolaiv")
GRACE_S = 60


@pytest.fixture
def harness(kafka_bootstrap: str, tmp_path: Path) -> Iterator[WorkerHarness]:
    h = WorkerHarness(bootstrap=kafka_bootstrap, tmp=tmp_path, partitions=2, extra_env={
        "NEWSALERT_SUPPRESSION_GRACE_S": str(GRACE_S),
        "NEWSALERT_SUPPRESSION_PRUNE_INTERVAL_S": "0.3",
    })
    yield h
    h.stop_all()


def _poll(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def _changelog(bootstrap: str, topic: str, done: Callable[[list[tuple[int, str, Any]]], bool],
               timeout: float = 20) -> list[tuple[int, str, Any]]:
    """(partition, key, value or None for a tombstone) of the table's changelog, in offset order per partition."""
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(topic, bootstrap_servers=[bootstrap], auto_offset_reset="earliest",
                             enable_auto_commit=False, group_id=None)
    records: list[tuple[int, str, Any]] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and not done(records):
            for batch in consumer.poll(timeout_ms=300).values():
                records += [(r.partition, json.loads(r.key),
                             None if r.value is None else json.loads(r.value)) for r in batch]
    finally:
        consumer.close()
    return records


def test_expired_events_leave_the_table_and_the_key_starts_a_new_event(harness: WorkerHarness) -> None:
    _, port = harness.start_worker()

    def entries() -> float:
        return metric_value(port, "newsalert_suppression_entries")

    def pruned() -> float:
        return metric_value(port, "newsalert_suppression_pruned_total")

    with TopicCollector(harness.bootstrap, harness.alerts) as alerts:
        def casualties(article: str) -> list[dict[str, Any]]:
            return [a for a in alerts.values() if a["rule_id"] == "civilian-casualties" and a["article_id"] == article]

        # one event, two reports inside the window: new, then update
        harness.publish({"id": "kh-1", "text": REPORT.format(city="Kharkiv"), "published_at": "2026-11-20T22:00:00Z"},
                        {"id": "kh-2", "text": KHARKIV_DE, "published_at": "2026-11-21T08:00:00Z"})
        assert alerts.wait_for(lambda _: bool(casualties("kh-1")) and bool(casualties("kh-2")), 60), harness.logs()
        first, second = casualties("kh-1")[0], casualties("kh-2")[0]
        assert (first["status"], second["status"]) == ("new", "update")
        assert second["alert_id"] == first["alert_id"]
        # the expiry pass has seen both events and, their windows being open, kept them
        assert _poll(lambda: entries() == 2, 20), (entries(), harness.logs())
        assert pruned() == 0

        # reports of other cities two days later: the Kharkiv windows (+ grace) are over
        harness.publish(*({"id": f"later-{c}", "text": REPORT.format(city=c), "published_at": "2026-11-23T12:00:00Z"}
                          for c in LATER_CITIES))
        assert _poll(lambda: pruned() >= 2 and entries() == 2 * len(LATER_CITIES), 30), \
            (pruned(), entries(), harness.logs())
        assert pruned() == 2

        # the dropped events' changelog ends in a tombstone, in the partition the key lives in
        kharkiv = {f"{a['rule_id']}|{a['suppression_key']}" for a in alerts.values() if a["article_id"] == "kh-1"}
        assert len(kharkiv) == 2, kharkiv
        changelog = _changelog(
            harness.bootstrap, f"newsalert-test-{harness.suffix}-suppression-changelog",
            lambda recs: {k for _, k, v in recs if v is None} >= kharkiv)
        assert {k for _, k, v in changelog if v is None} == kharkiv, changelog
        for key in kharkiv:
            mine = [(p, v) for p, k, v in changelog if k == key]
            # the state after both reports (the worker may write it once per batch), then the tombstone
            assert len(mine) >= 2 and mine[-1][1] is None, mine
            assert mine[-2][1]["corroboration"] == 2 and mine[-2][1]["revision"] == 2, mine
            assert len({p for p, _ in mine}) == 1, mine

        # the same key again, later: a new event (new alert id), like an expired window
        harness.publish({"id": "kh-3", "text": REPORT.format(city="Kharkiv"), "published_at": "2026-11-23T13:00:00Z"})
        assert alerts.wait_for(lambda _: bool(casualties("kh-3")), 60), harness.logs()
        third = casualties("kh-3")[0]
        assert third["status"] == "new" and third["revision"] == 1 and third["corroboration"] == 1
        assert third["alert_id"] != first["alert_id"]
        assert third["suppression_key"] == first["suppression_key"]
        assert [a["id"] for a in third["articles"]] == ["kh-3"]
