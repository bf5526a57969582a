"""The worker's HTTP endpoint: Prometheus exposition at a configurable path, plus health probes.

prometheus_client's own ``start_http_server`` serves metrics at every path and has no probes, so
this is a small WSGI dispatcher around ``make_wsgi_app(registry)`` (which keeps content
negotiation, OpenMetrics, gzip and ``name[]`` filtering) served by a threading wsgiref server in a
daemon thread:

- ``GET <path>`` (default ``/metrics``): the registry's exposition;
- ``GET /healthz``: 200 when ``is_healthy()`` is true and the event loop's heartbeat (when one is
  given) is recent, else 503 (liveness: restart me); a probe may return ``Unhealthy(reason)``
  (false) to put the reason in the 503 body;
- ``GET /readyz``: 200 when ``is_ready()`` is true, else 503 (readiness: I consume and produce);
- anything else: 404.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class Unhealthy:
    """A failed probe result with its reason (false, like ``False``); the reason is the 503 body."""

    reason: str

    def __bool__(self) -> bool:
        return False


Probe = Callable[[], "bool | Unhealthy"]
StartResponse = Callable[..., Any]
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"


def _always() -> bool:
    return True


class LoopHeartbeat:
    """Liveness of an asyncio event loop, seen from another thread.

    The HTTP server answers from its own thread, so a worker whose event loop is stuck (a blocking
    call, a busy loop in a callback) would still look healthy. Once attached, a callback on the loop
    records the time every ``interval_s``; ``alive()`` is false when the last record is older than
    ``stall_s``. Before ``attach`` (the worker is still starting) it is alive: the startup probe
    covers that phase.
    """

    def __init__(self, stall_s: float, interval_s: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if stall_s <= 0:
            raise ValueError(f"the stall time must be positive, got {stall_s}")
        self.stall_s = stall_s
        self.interval_s = interval_s if interval_s is not None else min(1.0, stall_s / 4)
        self.clock = clock
        self.last: float | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start beating on ``loop`` (callable from any thread)."""
        self._loop = loop
        self.last = self.clock()
        loop.call_soon_threadsafe(self._beat)
        log.info("liveness: event loop heartbeat every %.2g s, /healthz fails after %.3g s without one",
                 self.interval_s, self.stall_s)

    def _beat(self) -> None:
        self.last = self.clock()
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_later(self.interval_s, self._beat)

    def stalled_for(self) -> float:
        """Seconds since the loop last ran the heartbeat (0 before ``attach``)."""
        return 0.0 if self.last is None else max(0.0, self.clock() - self.last)

    def alive(self) -> bool:
        stalled = self.stalled_for()
        if stalled > self.stall_s:
            log.error("event loop stalled: no heartbeat for %.1f s (limit %.1f s)", stalled, self.stall_s)
            return False
        return True


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _ThreadingWSGIServerV6(_ThreadingWSGIServer):
    address_family = socket.AF_INET6


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("metrics http: " + format, *args)


def make_app(
    registry: CollectorRegistry,
    path: str = "/metrics",
    is_healthy: Probe = _always,
    is_ready: Probe = _always,
    heartbeat: LoopHeartbeat | None = None,
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """Return the WSGI application; used by ``start_http_server`` and by tests without a socket."""
    if not path.startswith("/"):
        raise ValueError(f"metrics path must start with '/', got {path!r}")
    if path in (HEALTH_PATH, READY_PATH):
        raise ValueError(f"metrics path {path!r} collides with a health probe")
    metrics_app = make_wsgi_app(registry)
    metrics_path = path.rstrip("/") or "/"

    def probe(check: Probe, name: str, start_response: StartResponse) -> list[bytes]:
        reason = ""
        try:
            result = check()
            ok = bool(result)
            if isinstance(result, Unhealthy):
                reason = result.reason
        except Exception:  # a probe that raises means "not ok", and we say why in the log
            log.exception("%s probe raised", name)
            ok = False
        status = "200 OK" if ok else "503 Service Unavailable"
        start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
        if ok:
            return [b"ok\n"]
        return [f"unavailable: {reason}\n".encode() if reason else b"unavailable\n"]

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request_path = environ.get("PATH_INFO") or "/"
        if request_path == metrics_path or request_path.rstrip("/") == metrics_path:
            return metrics_app(environ, start_response)  # type: ignore[no-any-return]
        if request_path == HEALTH_PATH:
            if heartbeat is not None and not heartbeat.alive():
                start_response("503 Service Unavailable", [("Content-Type", "text/plain; charset=utf-8")])
                return [f"event loop stalled for {heartbeat.stalled_for():.0f} s\n".encode()]
            return probe(is_healthy, "health", start_response)
        if request_path == READY_PATH:
            return probe(is_ready, "readiness", start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [f"not found; metrics are at {metrics_path}\n".encode()]

    return app


@dataclass
class MetricsServer:
    """A running endpoint. ``port`` is the bound port (useful with port 0). Call ``close()`` on shutdown."""

    server: WSGIServer
    thread: threading.Thread
    host: str
    port: int
    path: str

    @property
    def url(self) -> str:
        host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "[::1]"}.get(self.host, self.host)
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}{self.path}"

    def close(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    shutdown = close  # same call under the name socketserver uses


def start_http_server(
    registry: CollectorRegistry,
    host: str = "0.0.0.0",
    port: int = 9108,
    path: str = "/metrics",
    *,
    is_healthy: Probe = _always,
    is_ready: Probe = _always,
    heartbeat: LoopHeartbeat | None = None,
) -> MetricsServer:
    """Serve ``registry`` at ``http://host:port/path`` from a daemon thread; call once at worker start.

    Raises OSError when the port is taken, so a misconfiguration stops the worker at start-up.
    """
    app = make_app(registry, path, is_healthy, is_ready, heartbeat)
    server_class = _ThreadingWSGIServerV6 if ":" in host else _ThreadingWSGIServer
    server = make_server(host, port, app, server_class, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="newsalert-metrics-http", daemon=True)
    thread.start()
    bound_port = int(server.server_address[1])
    log.info("metrics at http://%s:%d%s (health %s, readiness %s)", host, bound_port, path,
             HEALTH_PATH, READY_PATH)
    return MetricsServer(server=server, thread=thread, host=host, port=bound_port, path=path)
