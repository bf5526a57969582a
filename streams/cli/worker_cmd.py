"""`newsalert worker`: run the Faust worker (articles -> alerts), with metrics and rule hot reload."""

from __future__ import annotations

import logging
from pathlib import Path

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
@click.option("--loglevel", type=click.Choice(["debug", "info", "warn", "error"]), default="info", show_default=True)
def worker(kafka: KafkaSettings, rules_dir: Path | None, metrics_port: int | None, partitions: int | None,
           no_reload: bool, loglevel: str) -> None:
    """Consume the articles topic, extract, evaluate rules, and publish alerts.

    Invalid messages go to the dead-letter topic with their reason; the worker keeps going.
    Topics are created if missing. Run more workers with the same NEWSALERT_APP_ID to scale out:
    partitions bound the parallelism. All settings: docs/configuration.md.
    """
    import faust
    from prometheus_client import CollectorRegistry

    from streams.delivery.topics import ensure_topics
    from streams.metrics import Unhealthy, install_faust_sensors, start_http_server
    from streams.pipeline import ArticlePipeline, Pipeline
    from streams.rules import RuleSetError, RuleWatcher
    from streams.worker.app import build_app
    from streams.worker.pipeline_process import PipelineProcess

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
    click.echo(f"loaded {len(pipeline.ruleset.rules)} rules from {settings.rules_dir} "
               f"(version {pipeline.ruleset.version})", err=True)
    registry = CollectorRegistry()
    app, runtime = build_app(settings, pipeline, registry)
    ensure_topics(settings.kafka,
                  [settings.articles_topic, settings.dlq_topic, settings.matches_topic,
                   *runtime.output_topics(pipeline.ruleset)],
                  partitions=settings.topic_partitions, replication=settings.topic_replication)
    install_faust_sensors(app, registry)
    server = start_http_server(registry, settings.metrics_host, settings.metrics_port, settings.metrics_path,
                               is_healthy=lambda: Unhealthy("the Faust app crashed") if app.crashed else runtime.crashes.health(),
                               is_ready=lambda: runtime.ready and not app.crashed)
    watcher = None
    if settings.reload_rules:
        # the loaded set is the baseline: a change made since loading is picked up at once
        watcher = RuleWatcher(settings.rules_dir, on_change=runtime.on_rules_changed,
                              on_error=runtime.on_rules_error, limits=settings.limits,
                              current_version=pipeline.ruleset.version)
        watcher.start()
    try:
        faust.Worker(app, loglevel=loglevel, redirect_stdouts=False).execute_from_commandline()
    finally:
        if watcher is not None:
            watcher.stop()
        server.shutdown()
        pipeline.close()
