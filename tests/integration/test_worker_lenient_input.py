"""A real feed's article, with fields newsalert does not know, reaches the alert with them
(issue 15, item 4); in strict mode it is dead-lettered as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import consume_until
from tests.integration.worker_harness import WorkerHarness, metric_value

pytestmark = pytest.mark.integration

ARTICLE = {
    "id": "feed-kharkiv-1",
    "text": "A Russian missile hit a residential block in Kharkiv on Tuesday night. "
            "Four civilians were killed and nine were wounded, the regional governor said.",
    "category": "World", "author": "Desk B", "tags": ["Ukraine", "missile"],
}


def test_unknown_fields_travel_to_the_alert(kafka_bootstrap: str, tmp_path: Path) -> None:
    harness = WorkerHarness(bootstrap=kafka_bootstrap, tmp=tmp_path)
    try:
        _, port = harness.start_worker()
        harness.publish(ARTICLE)
        alerts = consume_until(harness.bootstrap, harness.alerts,
                               lambda v: any(a["article_id"] == ARTICLE["id"] for a in v), timeout=60)
        (alert, *_) = [a for a in alerts if a["article_id"] == ARTICLE["id"]]
        assert alert["articles"][0]["extra"] == {"category": "World", "author": "Desk B",
                                                 "tags": ["Ukraine", "missile"]}, harness.logs()
        assert metric_value(port, "newsalert_article_unknown_fields_total", field="category") >= 1
        assert metric_value(port, "newsalert_dead_letters_total") == 0
    finally:
        harness.stop_all()


def test_strict_input_dead_letters_them(kafka_bootstrap: str, tmp_path: Path) -> None:
    harness = WorkerHarness(bootstrap=kafka_bootstrap, tmp=tmp_path, extra_env={"NEWSALERT_STRICT_INPUT": "true"})
    try:
        harness.start_worker()
        harness.publish(ARTICLE)
        (letter,) = consume_until(harness.bootstrap, harness.dlq, lambda v: len(v) >= 1, timeout=60)
        assert letter["reason"] == "unknown_field"
        assert "author, category, tags" in letter["detail"]
    finally:
        harness.stop_all()
