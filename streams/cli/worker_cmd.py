"""`newsalert worker`: run the Faust worker (articles -> alerts), with metrics and rule hot reload."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import click

from streams.cli.options import kafka_options
from streams.config import Settings
from streams.kafka.settings import KafkaSettings

log = logging.getLogger("newsalert.worker")


@click.command()
@kafka_options
@click.option("--rules", "rules_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="rules directory, watched for changes [env NEWSALERT_RULES_DIR; default ./rules]")
@click.option("--metrics-port", type=int, default=None, help="Prometheus /metrics port [env NEWSALERT_METRICS_PORT; 9108]")
@click.option("--partitions", type=int, default=None, help="partitions for topics the worker creates [env NEWSALERT_TOPIC_PARTITIONS; 4]")
@click.option("--no-reload", is_flag=True, help="do not watch the rules directory")
@click.option("--loglevel", type=click.Choice(["debug", "info", "warn", "error"]), default=None,
              help="Faust's log level, with its banner and tables (as `newsalert -v worker`); "
                   "default: a quiet console (ready line, alerts, problems)")
def worker(kafka: KafkaSettings, rules_dir: Path | None, metrics_port: int | None, partitions: int | None,
           no_reload: bool, loglevel: str | None) -> None:
    """Consume the articles topic, extract, evaluate rules, and publish alerts.

    Invalid messages go to the dead-letter topic with their reason; the worker keeps going.
    Topics are created if missing. Run more workers with the same NEWSALERT_APP_ID to scale out:
    partitions bound the parallelism. All settings: docs/configuration.md.

    The console shows one line when the worker is ready, then one line per alert and any problem;
    `newsalert -v worker` (or --loglevel) adds Faust's banner, tables and progress.
    """
    import faust
    from prometheus_client import CollectorRegistry

    from streams.delivery.topics import TopicError, ensure_topics
    from streams.metrics import LoopHeartbeat, Unhealthy, install_faust_sensors, start_http_server
    from streams.pipeline import ArticlePipeline, Pipeline
    from streams.rules import RuleSetError, RuleWatcher
    from streams.rules.watcher import ReloadRetry
    from streams.worker.app import build_app
    from streams.worker.console import setup_quiet_console
    from streams.worker.pipeline_process import PipelineProcess

    verbose = int(click.get_current_context().find_root().params.get("verbose") or 0)
    if loglevel is None and verbose:
        loglevel = "debug" if verbose > 1 else "info"
    if loglevel is None:
        setup_quiet_console()
    settings = Settings.from_env(kafka=kafka, rules_dir=rules_dir, metrics_port=metrics_port,
                                 topic_partitions=partitions)
    if no_reload:
        settings = settings.replace(reload_rules=False)
    pipeline: ArticlePipeline
    try:
        if settings.pipeline_process:
            pipeline = PipelineProcess.start(settings.rules_dir, settings.limits)
        else:
            pipeline = Pipeline.from_dirs(settings.rules_dir, limits=settings.limits)
    except RuleSetError as exc:
        raise click.ClickException(f"the rules are invalid, not starting:\n{exc}") from exc
    if loglevel is not None:
        click.echo(f"loaded {len(pipeline.ruleset.rules)} rules from {settings.rules_dir} "
                   f"(version {pipeline.ruleset.version})", err=True)
    registry = CollectorRegistry()
    app, runtime = build_app(settings, pipeline, registry)
    try:
        ensure_topics(settings.kafka,
                      [settings.articles_topic, settings.dlq_topic, settings.matches_topic,
                       *runtime.output_topics(pipeline.ruleset)],
                      partitions=settings.topic_partitions, replication=settings.topic_replication,
                      needs=runtime.topic_needs(pipeline.ruleset))
    except TopicError as exc:
        if isinstance(pipeline, PipelineProcess):
            pipeline.close()
        raise click.ClickException(f"cannot use the topics, not starting: {exc}") from exc
    install_faust_sensors(app, registry)
    heartbeat = LoopHeartbeat(settings.liveness_stall_s)

    async def start_loop_heartbeat() -> None:
        heartbeat.attach(asyncio.get_running_loop())

    app.task(start_loop_heartbeat)
    server = start_http_server(registry, settings.metrics_host, settings.metrics_port, settings.metrics_path,
                               is_healthy=lambda: Unhealthy("the Faust app crashed") if app.crashed else runtime.crashes.health(),
                               is_ready=lambda: runtime.ready and not app.crashed, heartbeat=heartbeat)
    watcher = None
    if settings.reload_rules:
        # the loaded set is the baseline: a change made since loading is picked up at once
        watcher = RuleWatcher(settings.rules_dir, on_change=runtime.on_rules_changed,
                              on_error=runtime.on_rules_error, on_recovered=runtime.on_rules_recovered,
                              limits=settings.limits, current_version=pipeline.ruleset.version,
                              settle_s=settings.rules_settle_s,
                              retry=ReloadRetry(max_s=settings.rules_reload_retry_max_s))
        watcher.start()

    def announce_ready() -> None:
        outputs = runtime.output_topics(pipeline.ruleset)
        more = f" (+{len(outputs) - 1} more)" if len(outputs) > 1 else ""
        log.info("ready: %d rules from %s; reading %s, alerts to %s%s, dead letters to %s; metrics %s",
                 len(pipeline.ruleset.rules), settings.rules_dir, settings.articles_topic, outputs[0], more,
                 settings.dlq_topic, server.url)

    runtime.on_ready = announce_ready
    try:
        worker_class = _worker_class(faust, settings.log_repeat_interval_s)
        if loglevel is None:
            # Faust leaves logging as set up above and prints no banner
            from streams.logrepeat import limit_repeats

            limit_repeats(logging.getLogger().handlers, settings.log_repeat_interval_s)
            faust_worker = worker_class(app, loglevel="warn", redirect_stdouts=False, quiet=True,
                                        override_logging=False)
        else:
            faust_worker = worker_class(app, loglevel=loglevel, redirect_stdouts=False)
        if loglevel is None or not faust_worker.stdout.isatty():
            faust_worker.spinner = None  # it writes cursor controls ("\b\x1b[?25h") even to a file
        faust_worker.execute_from_commandline()
    finally:
        if watcher is not None:
            watcher.stop()
        server.shutdown()
        pipeline.close()


def _worker_class(faust: Any, repeat_interval_s: float) -> Any:
    """faust.Worker whose log handlers, once Faust has set them up (verbose console), rewrite broker
    warm-up errors and hold back repeated Kafka client errors (one line per interval with a count:
    streams.logrepeat)."""
    from streams.logrepeat import limit_repeats
    from streams.worker.console import install_warm_up_filter

    class Worker(faust.Worker):  # type: ignore[misc,name-defined]
        def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
            super().on_setup_root_logger(logger, level)
            install_warm_up_filter()
            limit_repeats(logger.handlers, repeat_interval_s)

    return Worker
