"""A real worker's log cannot be forged through article data (issue 16 item 6)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.faults.conftest import wait_until
from tests.integration.worker_harness import WorkerHarness, metric_value

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FAKE = "\n[1999-01-01 00:00:00,000] [1] [ERROR] FAKE LOG LINE\x1b[31m"


def test_article_data_cannot_forge_worker_log_lines(kafka_bootstrap: str, tmp_path: Path) -> None:
    harness = WorkerHarness(bootstrap=kafka_bootstrap, tmp=tmp_path)
    try:
        proc, port = harness.start_worker()
        # logged at INFO: an article in a language without a pipeline, by id
        harness.publish({"id": "fr-1" + FAKE, "text": "Le conseil municipal s'est réuni hier soir pour "
                         "discuter du budget de la bibliothèque et des horaires de la piscine."})
        # logged at WARNING: a dead letter whose reason quotes the input
        harness.publish({"id": "bad-date", "text": "Drei Menschen wurden verletzt.", "published_at": "x" + FAKE})
        assert wait_until(lambda: metric_value(port, "newsalert_dead_letters_total", reason="bad_published_at") >= 1
                          and harness.consumed(port) >= 1, timeout=60), harness.logs()
        harness.stop_worker(proc)
        log = next(tmp_path.glob("worker-*.log")).read_text(errors="replace")
        assert "FAKE LOG LINE" in log  # the data was logged ...
        assert not re.search(r"^\[1999-01-01", log, re.MULTILINE)  # ... but never as a line of its own
        assert "\x1b[31m" not in log
        assert "fr-1\\n[1999-01-01 00:00:00,000] [1] [ERROR] FAKE LOG LINE\\x1b[31m" in log
    finally:
        harness.stop_all()
