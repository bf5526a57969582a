"""`newsalert topics`: create the topics newsalert uses (configured partitions and replication), list them."""

from __future__ import annotations

import click

from streams.cli.options import kafka_options
from streams.kafka.settings import KafkaSettings


@click.group()
def topics() -> None:
    """Create and list Kafka topics."""


@topics.command()
@click.argument("names", nargs=-1)
@click.option("--partitions", "-p", type=click.IntRange(min=1), default=None,
              help="partitions per new topic [default: NEWSALERT_TOPIC_PARTITIONS or 4]")
@click.option("--replication", "-r", type=click.IntRange(min=1), default=None,
              help="replication factor [default: NEWSALERT_TOPIC_REPLICATION or 1]")
@click.option("--config", "configs", multiple=True, metavar="KEY=VALUE",
              help="topic config for new topics, repeatable (e.g. retention.ms=604800000)")
@kafka_options
def create(names: tuple[str, ...], partitions: int | None, replication: int | None, configs: tuple[str, ...],
           kafka: KafkaSettings) -> None:
    """Create topics that do not exist yet (existing ones are left unchanged).

    Without NAMES: the topics of the configuration: articles, alerts, the articles DLQ, and the
    per-severity alert topics of NEWSALERT_SEVERITY_TOPICS.
    """
    from streams.config import Settings
    from streams.delivery.clients import KafkaUnavailable
    from streams.delivery.topics import TopicError, ensure_topics

    settings = Settings.from_env(kafka=kafka)
    if not names:
        try:
            severity = settings.severity_topic_map()
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
        names = (settings.articles_topic, settings.alerts_topic, settings.dlq_topic, *severity.values())
    topic_configs: dict[str, str] = {}
    for item in configs:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.UsageError(f"--config {item!r}: expected KEY=VALUE")
        topic_configs[key.strip()] = value.strip()
    parts = partitions or settings.topic_partitions
    repl = replication or settings.topic_replication
    try:
        created = ensure_topics(kafka, names, parts, repl, topic_configs)
    except (TopicError, KafkaUnavailable) as exc:
        raise click.ClickException(str(exc)) from exc
    for name in dict.fromkeys(names):
        state = f"created ({parts} partitions, replication {repl})" if name in created else "exists"
        click.echo(f"{name}: {state}")


@topics.command("list")
@kafka_options
def list_topics(kafka: KafkaSettings) -> None:
    """List topics with their partition count and replication factor."""
    from streams.delivery.clients import KafkaUnavailable
    from streams.delivery.topics import TopicError, describe_topics

    try:
        infos = describe_topics(kafka)
    except (TopicError, KafkaUnavailable) as exc:
        raise click.ClickException(str(exc)) from exc
    for info in infos:
        click.echo(f"{info.name}\t{info.partitions}\t{info.replication}")
