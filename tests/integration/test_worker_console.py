"""`newsalert worker` run as a user runs it (no options) writes one ready line, then alerts and
problems, in plain text: no Faust banner or tables, no terminal control codes (issue 15, item 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import consume_until
from tests.integration.worker_harness import WorkerHarness

pytestmark = pytest.mark.integration

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|WARNING|ERROR|CRITICAL) [\w.]+: .+$")
TEXT = ("A Russian missile hit a residential block in Kharkiv on Tuesday night. "
        "Four civilians were killed and nine were wounded, the regional governor said.")


def test_the_default_console_is_quiet_and_plain(kafka_bootstrap: str, tmp_path: Path) -> None:
    harness = WorkerHarness(bootstrap=kafka_bootstrap, tmp=tmp_path, worker_args=())
    try:
        proc, port = harness.start_worker()
        harness.publish({"id": "console-1", "text": TEXT})
        consume_until(harness.bootstrap, harness.alerts, lambda v: len(v) >= 1, timeout=60)
        harness.stop_worker(proc)
        log = harness.logs().split("\n", 1)[1]  # after the harness's "--- file" header
    finally:
        harness.stop_all()
    assert "\x1b" not in log and "\b" not in log
    lines = [line for line in log.splitlines() if line.strip()]
    assert lines and all(LINE.match(line) for line in lines), log
    assert "ready:" in lines[0] and f"http://0.0.0.0:{port}/metrics" in lines[0].replace("127.0.0.1", "0.0.0.0")
    assert harness.articles in lines[0] and harness.alerts in lines[0]
    assert any(" alert new " in line and "article console-1" in line for line in lines), log
    assert "[^" not in log and "+---" not in log and "Starting..." not in log
    assert not [line for line in lines if " ERROR " in line], log
