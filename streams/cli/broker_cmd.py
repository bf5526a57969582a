"""`newsalert broker`: a real local Apache Kafka broker (KRaft, one node, 127.0.0.1), no docker."""

from __future__ import annotations

import time
from pathlib import Path

import click

from streams.broker.local import DEFAULT_KAFKA_VERSION, DEFAULT_PORT, BrokerError, LocalBroker, fetch_jars
from streams.config import LocalBrokerSettings


def _common(func):  # type: ignore[no-untyped-def]
    # defaults from the environment, parsed by streams.config (a bad value is named, exit 1)
    func = click.option("--port", type=int, default=lambda: LocalBrokerSettings.from_env().broker_port,
                        show_default=f"{DEFAULT_PORT}, env NEWSALERT_BROKER_PORT", help="client port on 127.0.0.1; the controller uses port+1")(func)
    func = click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
                        default=lambda: LocalBrokerSettings.from_env().broker_dir,
                        show_default=".newsalert/broker, env NEWSALERT_BROKER_DIR", help="config, logs, pid and KRaft data")(func)
    func = click.option("--kafka-version", default=lambda: LocalBrokerSettings.from_env().kafka_version,
                        show_default=f"{DEFAULT_KAFKA_VERSION}, env NEWSALERT_KAFKA_VERSION",
                        help="Apache Kafka version from Maven Central")(func)
    return func


@click.group()
def broker() -> None:
    """Run a real single-node Kafka broker on this machine (jars from Maven Central, cached)."""


@broker.command()
@_common
@click.option("--timeout", type=float, default=90.0, show_default=True, help="seconds to wait for clients to connect")
def start(port: int, data_dir: Path, kafka_version: str, timeout: float) -> None:
    """Fetch the jars if needed, format KRaft storage once, start, and wait until clients connect."""
    b = LocalBroker(data_dir=data_dir, port=port, version=kafka_version)
    if b.is_running() and b.accepts_clients():
        click.echo(f"broker already running at {b.bootstrap} (pid {b.pid()})")
        return
    t0 = time.monotonic()
    try:
        fetch_jars(kafka_version)
        fetched = time.monotonic() - t0
        ready = b.start(timeout=timeout)
    except BrokerError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Kafka {kafka_version} broker accepting clients at {b.bootstrap} (pid {b.pid()}); "
        f"jars {fetched:.1f}s, start {ready:.1f}s; log {b.log_file}"
    )


@broker.command()
@_common
def stop(port: int, data_dir: Path, kafka_version: str) -> None:
    """Stop the broker cleanly (SIGTERM, controlled shutdown)."""
    b = LocalBroker(data_dir=data_dir, port=port, version=kafka_version)
    click.echo("broker stopped" if b.stop() else "broker was not running")


@broker.command()
@_common
def status(port: int, data_dir: Path, kafka_version: str) -> None:
    """Say whether the broker runs and accepts clients; exit 1 if not."""
    b = LocalBroker(data_dir=data_dir, port=port, version=kafka_version)
    if b.accepts_clients():
        click.echo(f"running at {b.bootstrap} (pid {b.pid()}), accepting clients")
        return
    click.echo("running but not accepting clients" if b.is_running() else "not running")
    raise SystemExit(1)


@broker.command()
@_common
def fetch(port: int, data_dir: Path, kafka_version: str) -> None:
    """Only resolve and cache the broker jars (for image builds and CI)."""
    try:
        path = fetch_jars(kafka_version, quiet=False)
    except BrokerError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Kafka {kafka_version} jars in {path}")
