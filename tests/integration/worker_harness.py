"""Run real `newsalert worker` processes against the real broker, with per-test topics."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kafka import KafkaProducer

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class WorkerHarness:
    """Topics, app id and environment of one test's worker group; starts and stops workers."""

    bootstrap: str
    tmp: Path
    rules_dir: Path = ROOT / "rules"
    partitions: int = 2
    extra_env: dict[str, str] = field(default_factory=dict)
    suffix: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    procs: list[tuple[subprocess.Popen[bytes], int, Path]] = field(default_factory=list)

    @property
    def articles(self) -> str:
        return f"articles-{self.suffix}"

    @property
    def alerts(self) -> str:
        return f"alerts-{self.suffix}"

    @property
    def dlq(self) -> str:
        return f"articles.dlq-{self.suffix}"

    def env(self, metrics_port: int) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            NEWSALERT_KAFKA_BOOTSTRAP_SERVERS=self.bootstrap,
            NEWSALERT_APP_ID=f"newsalert-test-{self.suffix}",
            NEWSALERT_ARTICLES_TOPIC=self.articles,
            NEWSALERT_ALERTS_TOPIC=self.alerts,
            NEWSALERT_DLQ_TOPIC=self.dlq,
            NEWSALERT_MATCHES_TOPIC=f"matches-{self.suffix}",
            NEWSALERT_TOPIC_PARTITIONS=str(self.partitions),
            NEWSALERT_RULES_DIR=str(self.rules_dir),
            NEWSALERT_METRICS_PORT=str(metrics_port),
            NEWSALERT_METRICS_HOST="127.0.0.1",
            NEWSALERT_DATA_DIR=str(self.tmp / f"worker-{metrics_port}"),
            NEWSALERT_BATCH_WITHIN_S="0.02",
        )
        env.update(self.extra_env)
        return env

    def start_worker(self, *, wait_ready: float = 90.0) -> tuple[subprocess.Popen[bytes], int]:
        port = free_port()
        log = self.tmp / f"worker-{port}.log"
        with open(log, "wb") as fh:
            proc = subprocess.Popen(
                [sys.executable, "-m", "streams.cli.main", "worker", "--loglevel", "info"],
                env=self.env(port), stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=str(ROOT),
            )
        self.procs.append((proc, port, log))
        deadline = time.monotonic() + wait_ready
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError(f"worker exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as resp:
                    if resp.status == 200:
                        return proc, port
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"worker not ready within {wait_ready}s:\n{log.read_text()[-4000:]}")

    def stop_worker(self, proc: subprocess.Popen[bytes], *, kill: bool = False, timeout: float = 30) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def stop_all(self) -> None:
        for proc, _, _ in self.procs:
            self.stop_worker(proc)

    def logs(self) -> str:
        return "\n".join(f"--- {log}\n{log.read_text(errors='replace')[-3000:]}" for _, _, log in self.procs)

    def publish(self, *items: dict[str, Any] | bytes, key: bytes | None = None) -> None:
        producer = KafkaProducer(bootstrap_servers=[self.bootstrap])
        try:
            for item in items:
                value = item if isinstance(item, bytes) else json.dumps(item, ensure_ascii=False).encode()
                k = key if key is not None else (item.get("id", "x").encode() if isinstance(item, dict) else b"raw")
                producer.send(self.articles, key=k, value=value)
            producer.flush(30)
        finally:
            producer.close()
