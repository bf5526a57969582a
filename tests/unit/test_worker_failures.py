"""Record failures and agent crashes (streams.worker.failures) and what /healthz says of them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from streams.metrics import Metrics, Unhealthy, make_app
from streams.worker.failures import AgentCrashes, RecordFailed, RecordFailures
from streams.worker.messages import SourceRecord, dead_letter


def value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


def test_a_failed_record_is_counted_and_dead_lettered_with_its_error_class() -> None:
    registry = CollectorRegistry()
    failures = RecordFailures(Metrics(registry))
    error = failures.failed("suppress_matches", "m:0@7", ValueError("year 10000 is out of range"))
    assert isinstance(error, RecordFailed) and error.reason == "match_error"
    assert value(registry, "newsalert_record_failures_total", agent="suppress_matches", error="ValueError") == 1
    letter = dead_letter(SourceRecord("m", 0, 7, 1.0, b"k", b"{}"), error, "w")
    assert letter["reason"] == "match_error" and letter["error_class"] == "ValueError"
    assert "year 10000" in letter["detail"]
    assert failures.failed("process_articles", "a:1@2", KeyError("x")).reason == "processing_error"


def test_repeated_agent_crashes_fail_liveness_with_the_reason() -> None:
    now = [1000.0]
    registry = CollectorRegistry()
    crashes = AgentCrashes(Metrics(registry), limit=3, window_s=60, clock=lambda: now[0])

    async def crash_once() -> None:
        async with crashes.watch("suppress_matches"):
            raise ValueError("boom")

    for _ in range(2):
        with pytest.raises(ValueError):
            asyncio.run(crash_once())
        now[0] += 10
    assert crashes.health() is True
    with pytest.raises(ValueError):
        asyncio.run(crash_once())
    health = crashes.health()
    assert isinstance(health, Unhealthy) and "suppress_matches crashed 3 times" in health.reason
    assert value(registry, "newsalert_agent_crashes_total", agent="suppress_matches") == 3
    now[0] += 61  # the first two are out of the window
    assert crashes.health() is True


def test_a_cancelled_agent_is_not_a_crash() -> None:
    crashes = AgentCrashes(Metrics(CollectorRegistry()), limit=1, window_s=60)

    async def cancelled() -> None:
        async with crashes.watch("process_articles"):
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(cancelled())
    assert crashes.health() is True


def test_healthz_answers_503_with_the_reason() -> None:
    app = make_app(CollectorRegistry(), is_healthy=lambda: Unhealthy("agent x crashed 3 times"))
    status: list[Any] = []
    body = b"".join(app({"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}, lambda s, h: status.append(s)))
    assert status == ["503 Service Unavailable"] and body == b"unavailable: agent x crashed 3 times\n"
