"""The real worker wires its event-loop heartbeat into /healthz (issue 15, item 3; the blocked loop
itself is tested in tests/unit/test_metrics_liveness.py)."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

import pytest

from tests.integration.worker_harness import WorkerHarness

pytestmark = pytest.mark.integration


def test_the_worker_beats_on_its_event_loop(kafka_bootstrap: str, tmp_path: Path) -> None:
    harness = WorkerHarness(bootstrap=kafka_bootstrap, tmp=tmp_path, extra_env={"NEWSALERT_LIVENESS_STALL_S": "20"})
    try:
        _, port = harness.start_worker()
        deadline = time.monotonic() + 30
        while "liveness: event loop heartbeat" not in harness.logs():
            assert time.monotonic() < deadline, harness.logs()
            time.sleep(0.2)
        assert "/healthz fails after 20 s without one" in harness.logs()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
            assert resp.status == 200
    finally:
        harness.stop_all()
