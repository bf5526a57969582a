"""The README's first command: `newsalert demo` starts a broker and a worker, publishes the bundled
samples, and prints the alerts as they arrive."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.worker_harness import ROOT, free_port
from tests.ports import free_consecutive_ports

pytestmark = pytest.mark.integration


def test_demo_prints_alerts_from_the_bundled_samples(tmp_path: Path) -> None:
    """Run as `make demo` runs it (no --port, no --data-dir): the port comes from
    NEWSALERT_BROKER_PORT as for `newsalert broker start`, and the state goes to the demo's own
    .newsalert/demo, not to the broker and worker directories of the README's first steps."""
    port = free_consecutive_ports(2)
    env = dict(os.environ, NEWSALERT_METRICS_PORT=str(free_port()), NO_COLOR="1", NEWSALERT_BROKER_PORT=str(port),
               NEWSALERT_RULES_DIR=str(ROOT / "rules"))
    env.pop("NEWSALERT_KAFKA_BOOTSTRAP_SERVERS", None)
    # the bundled samples give 17 alerts with the shipped rules: the demo stops at the 17th instead
    # of waiting out the timeout (with fewer alerts it still stops at the timeout)
    proc = subprocess.run(
        [sys.executable, "-m", "streams.cli.main", "demo", "--timeout", "60", "--max-alerts", "17"],
        env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=240,
    )
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"broker at 127.0.0.1:{port}" in proc.stderr
    assert "foreign-troop-deployment" in out, out + proc.stderr[-3000:]
    assert "civilian-casualties" in out
    assert out.count("rule ") >= 3  # several alerts, each with its rule line
    assert "evidence [" in out  # evidence with character offsets
    assert "broker stopped" in proc.stderr
    demo_dir = tmp_path / ".newsalert" / "demo"
    assert (demo_dir / "broker" / "server.properties").exists() and (demo_dir / "worker.log").exists()
    assert not (demo_dir / "broker" / "broker.pid").exists()
    # `newsalert broker start` and `newsalert worker` of the first steps start from nothing
    assert sorted(p.name for p in (tmp_path / ".newsalert").iterdir()) == ["demo"]


def test_make_demo_passes_no_port_or_data_dir() -> None:
    """The Makefile leaves both to the command, so NEWSALERT_BROKER_PORT reaches it."""
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "newsalert demo" in recipe and "--port" not in recipe and "--data-dir" not in recipe
