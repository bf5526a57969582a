"""Run real `newsalert worker` processes against the real broker, with per-test topics."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable
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
    worker_args: tuple[str, ...] = ("--loglevel", "info")  # () : the default, quiet console
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
        proc, port = self.spawn_worker()
        self.wait_ready(proc, port, timeout=wait_ready)
        return proc, port

    def spawn_worker(self) -> tuple[subprocess.Popen[bytes], int]:
        """Launch a worker without waiting for it (several can start at once); see wait_ready."""
        port = free_port()
        log = self.tmp / f"worker-{port}.log"
        with open(log, "wb") as fh:
            proc = subprocess.Popen(
                [sys.executable, "-m", "streams.cli.main", "worker", *self.worker_args],
                env=self.env(port), stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=str(ROOT),
            )
        self.procs.append((proc, port, log))
        return proc, port

    def wait_ready(self, proc: subprocess.Popen[bytes], port: int, *, timeout: float = 90.0) -> None:
        """Poll /readyz (partitions assigned) until 200; fail with the log tail if the worker dies."""
        log = next(lg for p, _, lg in self.procs if p is proc)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError(f"worker exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"worker not ready within {timeout}s:\n{log.read_text()[-4000:]}")

    def consumed(self, port: int) -> float:
        """Valid articles this worker process has finished (newsalert_articles_consumed_total)."""
        return metric_value(port, "newsalert_articles_consumed_total")

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


def metric_value(port: int, name: str, timeout: float = 2.0, **labels: str) -> float:
    """Sum of the samples called ``name`` (e.g. ``newsalert_articles_consumed_total``) on a worker's
    /metrics whose labels include ``labels``; 0.0 when there are none; raises OSError if unreachable."""
    from prometheus_client.parser import text_string_to_metric_families

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=timeout) as resp:
        text = resp.read().decode()
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


class TopicCollector:
    """Reads a topic from the beginning in a background thread and keeps every decoded value with
    the wall-clock time it arrived. Start it after the topic exists (a worker creates its topics),
    so that the broker does not auto-create it with one partition."""

    def __init__(self, bootstrap: str, topic: str,
                 decode: Callable[[bytes], Any] = lambda b: json.loads(b)) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.decode = decode
        self._records: list[tuple[float, Any]] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"collect-{topic}", daemon=True)
        self.error: BaseException | None = None

    def start(self) -> TopicCollector:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def __enter__(self) -> TopicCollector:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        from kafka import KafkaConsumer

        try:
            consumer = KafkaConsumer(
                self.topic, bootstrap_servers=[self.bootstrap], auto_offset_reset="earliest",
                enable_auto_commit=False, group_id=None, fetch_max_wait_ms=20,
                max_partition_fetch_bytes=4 * 1024 * 1024,
                metadata_max_age_ms=2000,  # see partitions a worker adds soon
            )
        except BaseException as exc:  # noqa: BLE001 - reported to the waiting test
            self.error = exc
            return
        try:
            while not self._stop.is_set():
                for records in consumer.poll(timeout_ms=100).values():
                    now = time.time()
                    decoded = [(now, self.decode(r.value)) for r in records]
                    with self._changed:
                        self._records.extend(decoded)
                        self._changed.notify_all()
        except BaseException as exc:  # noqa: BLE001
            self.error = exc
        finally:
            consumer.close()

    def records(self) -> list[tuple[float, Any]]:
        """(arrival time, value) pairs so far, in arrival order."""
        with self._lock:
            return list(self._records)

    def values(self) -> list[Any]:
        with self._lock:
            return [v for _, v in self._records]

    def wait_for(self, done: Callable[[list[Any]], bool], timeout: float) -> bool:
        """Block until ``done(values)`` is true or the deadline passes; return the last verdict."""
        deadline = time.monotonic() + timeout
        while True:
            values = self.values()
            if done(values):
                return True
            left = deadline - time.monotonic()
            if left <= 0 or self.error is not None:
                return False
            with self._changed:
                self._changed.wait(min(left, 0.5))


class RatePublisher:
    """Publishes items to a topic at a fixed rate from a background thread (``rate`` None: as fast
    as possible), remembering when each was handed to the producer. Survives a broker restart:
    the producer retries until ``delivery_timeout_ms``."""

    def __init__(self, bootstrap: str, topic: str, items: Iterable[dict[str, Any] | bytes],
                 rate: float | None = None, key: Callable[[dict[str, Any] | bytes], bytes] | None = None,
                 hold_at: int | None = None) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.items = list(items)
        self.rate = rate
        # the stream pauses before item ``hold_at`` until ``release()``: on a slow machine a step of
        # the test (a worker joining) still happens mid-stream; on a fast one it never waits
        self.hold_at = hold_at
        self._go = threading.Event()
        self.key = key or (lambda item: item.get("id", "x").encode() if isinstance(item, dict) else b"raw")
        self.sent_at: list[float] = []
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"publish-{topic}", daemon=True)

    def start(self) -> RatePublisher:
        self._thread.start()
        return self

    def join(self, timeout: float | None = None) -> bool:
        """Wait until every item was sent and acknowledged; True when done."""
        self._thread.join(timeout)
        if self.error is not None:
            raise AssertionError(f"publishing failed: {self.error!r}") from self.error
        return not self._thread.is_alive()

    def release(self) -> None:
        """Let the stream go on past ``hold_at`` (a no-op when it has not got there)."""
        self._go.set()

    @property
    def sent(self) -> int:
        return len(self.sent_at)

    def _run(self) -> None:
        producer = KafkaProducer(bootstrap_servers=[self.bootstrap], linger_ms=0, retries=1_000_000,
                                 retry_backoff_ms=200, delivery_timeout_ms=120_000, request_timeout_ms=10_000,
                                 max_block_ms=120_000, max_request_size=4 * 1024 * 1024)
        try:
            start = time.monotonic()
            for i, item in enumerate(self.items):
                if i == self.hold_at and not self._go.is_set():
                    waited = time.monotonic()
                    self._go.wait(300)
                    start += time.monotonic() - waited  # the rate goes on from where it stopped
                if self.rate:
                    delay = start + i / self.rate - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                value = item if isinstance(item, bytes) else json.dumps(item, ensure_ascii=False).encode()
                self.sent_at.append(time.time())
                producer.send(self.topic, key=self.key(item), value=value)
            producer.flush(120)
        except BaseException as exc:  # noqa: BLE001 - re-raised by join()
            self.error = exc
        finally:
            producer.close(10)
