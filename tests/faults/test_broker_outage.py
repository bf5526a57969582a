"""Client commands and the worker while the broker is down (issue 16 items 5 and 8).

Runs its own broker on free ports, because the session's broker is shared.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaConsumer, TopicPartition

from streams.broker.local import LocalBroker
from streams.delivery.topics import ensure_topics
from streams.kafka.settings import KafkaSettings
from tests.faults.conftest import wait_until
from tests.integration.worker_harness import ROOT, WorkerHarness, free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[LocalBroker]:
    port = free_port()
    controller = free_port()
    broker = LocalBroker(data_dir=tmp_path / "broker", port=port, controller_port=controller)
    broker.start(timeout=90)
    try:
        yield broker
    finally:
        broker.stop()


def end_offset(bootstrap: str, topic: str) -> int:
    consumer = KafkaConsumer(bootstrap_servers=[bootstrap])
    try:
        tp = TopicPartition(topic, 0)
        return int(consumer.end_offsets([tp])[tp])
    finally:
        consumer.close()


def written_ids(bootstrap: str, topic: str) -> set[str]:
    consumer = KafkaConsumer(topic, bootstrap_servers=[bootstrap], auto_offset_reset="earliest",
                             consumer_timeout_ms=5000, group_id=None)
    try:
        return {json.loads(m.value)["id"] for m in consumer}
    finally:
        consumer.close()


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_publish_during_an_outage_ends_at_the_deadline_and_names_the_unacknowledged_lines(
    own_broker: LocalBroker,
) -> None:
    """Before the fix each message waited up to 60 s on its own (an 88 s outage: hours for 1,100)."""
    topic = "outage-articles"
    ensure_topics(KafkaSettings(bootstrap_servers=own_broker.bootstrap), [topic], 1, 1)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streams.cli.main", "publish", "-b", own_broker.bootstrap, "-t", topic,
         "--no-create-topic", "--quiet", "--delivery-timeout", "5", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(), cwd=ROOT,
    )
    assert proc.stdin is not None
    for n in range(1, 11):
        proc.stdin.write(json.dumps({"id": f"a{n}", "text": f"Line {n} of the outage test."}) + "\n")
    proc.stdin.flush()
    assert wait_until(lambda: end_offset(own_broker.bootstrap, topic) == 10, timeout=30)
    own_broker.stop()
    for n in range(11, 31):
        proc.stdin.write(json.dumps({"id": f"a{n}", "text": f"Line {n} of the outage test."}) + "\n")
    proc.stdin.close()
    closed = time.monotonic()
    try:
        proc.wait(timeout=40)
    finally:
        if proc.poll() is None:
            proc.kill()
    took = time.monotonic() - closed
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()
    assert proc.returncode == 1, (out, err)
    assert took < 5 + 10, took  # one deadline (plus slack), not one per message
    unacked = re.findall(r"not acknowledged by the broker: <stdin>:(\d+)", err)
    assert sorted(map(int, unacked)) == list(range(11, 31)), err
    assert "published 10 article(s)" in out and "20 not acknowledged" in out
    # no line reported as not acknowledged was in fact written, and every other line was
    own_broker.start(timeout=90)
    written = written_ids(own_broker.bootstrap, topic)
    assert written >= {f"a{n}" for n in range(1, 11)}
    assert not written & {f"a{n}" for n in map(int, unacked)}


OUTAGE_S = 15.0


def test_worker_log_during_an_outage_is_rate_limited(own_broker: LocalBroker, tmp_path: Path) -> None:
    """Issue 16 item 8: ~5,000 log lines per second while the broker was down (45 MB in 88 s)."""
    harness = WorkerHarness(bootstrap=own_broker.bootstrap, tmp=tmp_path)
    try:
        proc, port = harness.start_worker()
        log = next(tmp_path.glob("worker-*.log"))
        time.sleep(2)
        before = log.stat().st_size
        lines_before = len(log.read_bytes().splitlines())
        own_broker.stop()
        time.sleep(OUTAGE_S)
        during = log.read_bytes().splitlines()[lines_before:]
        own_broker.start(timeout=90)
        rate = len(during) / OUTAGE_S
        size = log.stat().st_size - before
        print(f"outage of {OUTAGE_S:.0f} s: {len(during)} log lines ({rate:.1f}/s), {size} bytes")
        text = b"\n".join(during).decode(errors="replace")
        assert rate < 3, text[-3000:]
        # what was held back is counted, not hidden
        assert re.search(r"\[\d+ more like this in the last \d+ s\]", text), text[-3000:]
        # the same worker goes on after the outage
        harness.publish({"id": "after-outage", "text": "Drei Menschen wurden in Kiew verletzt."})
        assert wait_until(lambda: harness.consumed(port) >= 1, timeout=90), harness.logs()
        assert proc.poll() is None
    finally:
        harness.stop_all()
