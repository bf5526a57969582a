"""Ports for the extra brokers and servers some tests start, so that several people (or several
test sessions) can run the suite on one machine at the same time.

Every such port comes from :func:`ports`: an environment variable may fix them (a comma-separated
list, or one number meaning that number and the ones after it); otherwise the operating system
hands out free ones.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from streams.broker.local import LocalBroker


def free_ports(count: int) -> list[int]:
    """``count`` distinct TCP ports on 127.0.0.1 that nothing listens on right now."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def free_consecutive_ports(count: int, attempts: int = 50) -> int:
    """The first of ``count`` consecutive free ports (a broker whose controller takes port+1)."""
    for _ in range(attempts):
        first = free_ports(1)[0]
        try:
            held = []
            for port in range(first, first + count):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                held.append(s)
                s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
        return first
    raise RuntimeError(f"no {count} consecutive free ports found")


def ports(variable: str, count: int, environ: dict[str, str] | None = None) -> list[int]:
    """The ports named by ``variable`` (``"a,b,c"`` or a first port ``"a"``), else free ones."""
    value = (os.environ if environ is None else environ).get(variable, "").strip()
    if not value:
        return free_ports(count)
    given = [int(p) for p in value.split(",") if p.strip()]
    if len(given) == 1:
        given = [given[0] + i for i in range(count)]
    if len(given) != count:
        raise ValueError(f"{variable}={value!r}: expected one port or {count} comma-separated ports")
    return given


def start_extra_broker(data_dir: Path, variable: str, config: Callable[[int, int, int], str],
                       *, timeout: float = 120, attempts: int = 3) -> tuple[LocalBroker, int]:
    """Start a broker with a PLAINTEXT, a controller and one more listener (``config(plain,
    controller, extra)`` gives its server.properties lines). Returns the broker and the extra port.

    Free ports are picked just before the start; if one was taken in between (another process
    can get it for an outgoing connection), the start is tried again with new ones. Ports fixed
    by ``variable`` are tried once.
    """
    from streams.broker.local import BrokerError, LocalBroker

    fixed = bool(os.environ.get(variable, "").strip())
    for attempt in range(1 if fixed else attempts):
        plain, controller, extra = ports(variable, 3)
        broker = LocalBroker(data_dir=data_dir / f"try-{attempt}", port=plain, controller_port=controller,
                             extra_config=config(plain, controller, extra))
        try:
            broker.start(timeout=timeout)
        except BrokerError:
            broker.stop()
            if fixed or attempt == attempts - 1:
                raise
            continue
        return broker, extra
    raise AssertionError("unreachable")
