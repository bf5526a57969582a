"""`newsalert demo`: the main job on one machine — local broker, worker, sample feed, live alerts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import click

from streams.broker.local import DEFAULT_PORT, BrokerError, LocalBroker


@click.command()
@click.option("--port", type=int, default=DEFAULT_PORT, envvar="NEWSALERT_BROKER_PORT",
              show_default=f"{DEFAULT_PORT}, env NEWSALERT_BROKER_PORT",
              help="local broker port (as for `newsalert broker start`); the controller uses port+1")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=Path(".newsalert/demo"),
              show_default=True,
              help="the demo's own broker data, worker state and logs (apart from `newsalert broker start`'s)")
@click.option("--articles", "articles_path", type=click.Path(exists=True, path_type=Path), default=None,
              help="articles to publish [default: the bundled German and English samples]")
@click.option("--keep-broker", is_flag=True, help="leave the broker running on exit")
@click.option("--timeout", type=float, default=None, help="stop after this many seconds (default: until Ctrl-C)")
@click.option("--max-alerts", type=click.IntRange(min=1), default=None,
              help="stop after printing this many alerts (default: until Ctrl-C or --timeout)")
def demo(port: int, data_dir: Path, articles_path: Path | None, keep_broker: bool, timeout: float | None,
         max_alerts: int | None) -> None:
    """Start a local Kafka broker and a worker, publish sample articles, print alerts until Ctrl-C."""
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    broker = LocalBroker(data_dir=data_dir / "broker", port=port)
    started_broker = not broker.accepts_clients()
    click.echo(click.style("▶ starting the local Kafka broker (first run downloads it from Maven Central)…", bold=True), err=True)
    try:
        seconds = broker.start(timeout=120)
    except BrokerError as exc:
        hint = ("\n(is `newsalert broker start` running there? The demo runs its own broker: pick another port "
                "with NEWSALERT_BROKER_PORT or --port)") if "taken" in str(exc) else ""
        raise click.ClickException(f"{exc}{hint}") from exc
    click.echo(f"  broker at {broker.bootstrap} ({seconds:.1f}s)", err=True)
    env = dict(os.environ)
    env.update(
        NEWSALERT_KAFKA_BOOTSTRAP_SERVERS=broker.bootstrap,
        NEWSALERT_DATA_DIR=str(data_dir / "worker"),
        NEWSALERT_METRICS_PORT=env.get("NEWSALERT_METRICS_PORT", "9108"),
    )
    exe = [sys.executable, "-m", "streams.cli.main"]
    log_path = data_dir / "worker.log"
    click.echo(click.style(f"▶ starting the worker (log: {log_path}, metrics: http://127.0.0.1:{env['NEWSALERT_METRICS_PORT']}/metrics)…", bold=True), err=True)
    with open(log_path, "ab") as log:
        worker = subprocess.Popen([*exe, "worker"], env=env, stdout=log,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    subscriber = None
    try:
        samples = articles_path
        if samples is None:
            ref = resources.files("streams.samples").joinpath("articles.jsonl")
            with resources.as_file(ref) as path:
                samples = Path(path)
        click.echo(click.style(f"▶ publishing {samples}…", bold=True), err=True)
        subprocess.run([*exe, "publish", "--quiet", str(samples)], env=env, check=True)
        click.echo(click.style("▶ alerts as they arrive (Ctrl-C to stop):\n", bold=True), err=True)
        sub_args = [*exe, "subscribe", "--from-beginning", "--format", "pretty"]
        if timeout is not None:
            sub_args += ["--timeout", str(timeout)]
        if max_alerts is not None:
            sub_args += ["--max-messages", str(max_alerts)]
        subscriber = subprocess.Popen(sub_args, env=env)
        deadline = None if timeout is None else time.monotonic() + timeout + 5
        while subscriber.poll() is None:
            if worker.poll() is not None:
                raise click.ClickException(f"the worker exited with code {worker.returncode}; see {log_path}")
            if deadline is not None and time.monotonic() > deadline:
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        click.echo("\nstopping…", err=True)
    finally:
        if subscriber is not None and subscriber.poll() is None:
            subscriber.send_signal(signal.SIGINT)
            subscriber.wait(10)
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
        if started_broker and not keep_broker:
            broker.stop()
            click.echo("worker and broker stopped", err=True)
        else:
            click.echo(f"worker stopped; broker left running at {broker.bootstrap}", err=True)
