"""/healthz sees a hung event loop (issue 15, item 3): the probe is answered by the HTTP thread, so
without a heartbeat from the loop a stuck worker looked healthy."""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from prometheus_client import CollectorRegistry

from streams.config import Settings
from streams.metrics import LoopHeartbeat, start_http_server


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


def healthz(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_a_blocked_event_loop_fails_liveness_and_recovers(loop: asyncio.AbstractEventLoop) -> None:
    heartbeat = LoopHeartbeat(stall_s=0.5, interval_s=0.05)
    heartbeat.attach(loop)
    server = start_http_server(CollectorRegistry(), "127.0.0.1", 0, heartbeat=heartbeat)
    url = f"http://127.0.0.1:{server.port}/healthz"
    try:
        time.sleep(0.2)
        assert healthz(url) == (200, "ok\n")
        release = threading.Event()
        # a callback that blocks the loop, as a stuck synchronous call in an agent would
        loop.call_soon_threadsafe(release.wait, 30)
        time.sleep(1.0)
        status, body = healthz(url)
        assert status == 503 and body.startswith("event loop stalled for"), (status, body)
        release.set()
        deadline = time.monotonic() + 5
        while healthz(url)[0] != 200:
            assert time.monotonic() < deadline, "liveness did not recover after the loop ran again"
            time.sleep(0.05)
    finally:
        release.set()
        server.close()


def test_before_attach_the_loop_counts_as_alive() -> None:
    now = [100.0]
    heartbeat = LoopHeartbeat(stall_s=5, clock=lambda: now[0])
    now[0] += 1000
    assert heartbeat.alive() and heartbeat.stalled_for() == 0.0


def test_the_stall_time_is_a_setting() -> None:
    assert Settings.from_env({}).liveness_stall_s == 60.0
    assert Settings.from_env({"NEWSALERT_LIVENESS_STALL_S": "15"}).liveness_stall_s == 15.0
    with pytest.raises(ValueError, match="positive"):
        LoopHeartbeat(stall_s=0)
