"""The metrics endpoint: configurable path, 404 elsewhere, health and readiness probes."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from prometheus_client import CollectorRegistry

from streams.metrics import Metrics, MetricsServer, start_http_server


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Flags:
    healthy = True
    ready = False


@pytest.fixture
def served() -> Iterator[tuple[MetricsServer, Metrics, Flags]]:
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    flags = Flags()
    server = start_http_server(registry, "127.0.0.1", 0, "/custom/prom",
                               is_healthy=lambda: flags.healthy, is_ready=lambda: flags.ready)
    try:
        yield server, metrics, flags
    finally:
        server.close()


def base(server: MetricsServer) -> str:
    return f"http://127.0.0.1:{server.port}"


def test_metrics_are_served_at_the_configured_path(served: tuple[MetricsServer, Metrics, Flags]) -> None:
    server, metrics, _ = served
    metrics.dead_letter("invalid_json")
    assert server.port > 0 and server.url.endswith("/custom/prom")
    status, body = get(server.url)
    assert status == 200
    assert b'newsalert_dead_letters_total{reason="invalid_json"} 1.0' in body


def test_other_paths_are_404(served: tuple[MetricsServer, Metrics, Flags]) -> None:
    server, _, _ = served
    for path in ("/metrics", "/", "/custom", "/custom/prom/x"):
        status, body = get(base(server) + path)
        assert status == 404, path
        assert b"/custom/prom" in body


def test_health_and_readiness_follow_the_callables(served: tuple[MetricsServer, Metrics, Flags]) -> None:
    server, _, flags = served
    assert get(base(server) + "/healthz")[0] == 200
    assert get(base(server) + "/readyz")[0] == 503
    flags.ready = True
    flags.healthy = False
    assert get(base(server) + "/readyz")[0] == 200
    assert get(base(server) + "/healthz")[0] == 503


def test_a_probe_that_raises_means_unavailable() -> None:
    def broken() -> bool:
        raise RuntimeError("boom")

    server = start_http_server(CollectorRegistry(), "127.0.0.1", 0, is_healthy=broken)
    try:
        assert get(f"http://127.0.0.1:{server.port}/healthz")[0] == 503
        assert get(f"http://127.0.0.1:{server.port}/readyz")[0] == 200
    finally:
        server.close()


def test_taken_port_fails_at_start() -> None:
    first = start_http_server(CollectorRegistry(), "127.0.0.1", 0)
    try:
        with pytest.raises(OSError):
            start_http_server(CollectorRegistry(), "127.0.0.1", first.port)
    finally:
        first.close()


def test_close_releases_the_port() -> None:
    first = start_http_server(CollectorRegistry(), "127.0.0.1", 0)
    port = first.port
    first.close()
    first.close()
    again = start_http_server(CollectorRegistry(), "127.0.0.1", port)
    again.close()


@pytest.mark.parametrize("path", ["metrics", "/healthz", "/readyz"])
def test_bad_paths_are_rejected(path: str) -> None:
    with pytest.raises(ValueError):
        start_http_server(CollectorRegistry(), "127.0.0.1", 0, path)
