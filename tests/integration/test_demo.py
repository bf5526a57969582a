"""The README's first command: `newsalert demo` starts a broker and a worker, publishes the bundled
samples, and prints the alerts as they arrive."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.worker_harness import ROOT, free_port

pytestmark = pytest.mark.integration


def test_demo_prints_alerts_from_the_bundled_samples(tmp_path: Path) -> None:
    port = free_port()
    while free_port() == port + 1:  # the controller takes port+1
        port = free_port()
    env = dict(os.environ, NEWSALERT_METRICS_PORT=str(free_port()), NO_COLOR="1")
    env.pop("NEWSALERT_KAFKA_BOOTSTRAP_SERVERS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "streams.cli.main", "demo", "--port", str(port), "--data-dir", str(tmp_path),
         "--timeout", "60"],
        env=env, cwd=str(ROOT), capture_output=True, text=True, timeout=240,
    )
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "foreign-troop-deployment" in out, out + proc.stderr[-3000:]
    assert "civilian-casualties" in out
    assert out.count("rule ") >= 3  # several alerts, each with its rule line
    assert "evidence [" in out  # evidence with character offsets
    assert "broker stopped" in proc.stderr
    assert not (tmp_path / "broker" / "broker.pid").exists()
