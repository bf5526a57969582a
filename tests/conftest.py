"""Shared fixtures. Integration tests run against the real local Kafka broker (streams.broker).

The broker is the one `newsalert broker start` runs. If NEWSALERT_TEST_BOOTSTRAP points at a
broker that accepts clients (CI starts one in .ci/run), the tests use it; otherwise the session
starts its own on NEWSALERT_TEST_BROKER_PORT (default 19092) and stops it at the end.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
REFERENCE_ARTICLE = SHARED_DATA / "samples" / "kursk-troops-de.txt"


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from streams.broker.local import LocalBroker

    given = os.environ.get("NEWSALERT_TEST_BOOTSTRAP")
    if given:
        host, _, port = given.rpartition(":")
        probe = LocalBroker(data_dir=tmp_path_factory.mktemp("probe"), port=int(port))
        if probe.accepts_clients(timeout=5):
            yield given
            return
        pytest.fail(f"NEWSALERT_TEST_BOOTSTRAP={given} does not accept clients")
    broker_port = int(os.environ.get("NEWSALERT_TEST_BROKER_PORT", "19092"))
    broker = LocalBroker(data_dir=tmp_path_factory.mktemp("broker"), port=broker_port)
    broker.start(timeout=120)
    try:
        yield broker.bootstrap
    finally:
        broker.stop()


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    """Topic and group names unique per test, so tests never see each other's messages."""

    def make(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}"

    return make


def consume_until(
    bootstrap: str,
    topic: str,
    done: Callable[[list[Any]], bool],
    *,
    timeout: float = 60.0,
    decode: Callable[[bytes], Any] = lambda b: json.loads(b),
) -> list[Any]:
    """Read ``topic`` from the beginning until ``done(values)`` or the deadline; return all values."""
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=[bootstrap],
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        consumer_timeout_ms=500,
    )
    values: list[Any] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                values.extend(decode(r.value) for r in records)
            if done(values):
                break
    finally:
        consumer.close()
    return values
