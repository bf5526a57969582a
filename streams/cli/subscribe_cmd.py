"""`newsalert subscribe`: read alerts from Kafka, filter them, print them for people or programs."""

from __future__ import annotations

import sys

import click

from streams.alerts.schema import SEVERITIES
from streams.cli.options import kafka_options
from streams.kafka.settings import KafkaSettings


@click.command()
@click.option("--topic", "-t", "topics", multiple=True, help="alert topic(s) to read; repeatable "
              "[default: env NEWSALERT_ALERTS_TOPIC or 'alerts']")
@click.option("--severity", "-s", type=click.Choice(SEVERITIES, case_sensitive=False), default=None,
              help="minimum severity (info < low < medium < high < critical)")
@click.option("--tag", "tags", multiple=True, help="only alerts with this tag; repeatable (any of them)")
@click.option("--rule", "rules", multiple=True, help="only alerts of this rule id; repeatable (any of them)")
@click.option("--from-beginning", is_flag=True, help="start at the oldest retained alert")
@click.option("--since", default=None, metavar="TIME",
              help="start at alerts written since TIME: a duration ago (30m, 2h, 1d) or ISO 8601 (UTC if no zone)")
@click.option("--format", "fmt", type=click.Choice(["pretty", "jsonl"]), default="pretty", show_default=True,
              help="pretty: coloured blocks for people; jsonl: one alert JSON object per line")
@click.option("--group", default=None, metavar="NAME",
              help="join consumer group NAME and continue from its committed offsets "
                   "[default: ephemeral, reads every partition, commits nothing]")
@click.option("--max-messages", "-n", type=click.IntRange(min=1), default=None,
              help="exit after printing this many alerts")
@click.option("--timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="exit after this many seconds in total")
@click.option("--idle-timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="exit when no message arrived for this many seconds")
@click.option("--color/--no-color", default=None, help="force or suppress colours [default: when stdout is a terminal]")
@kafka_options
def subscribe(
    topics: tuple[str, ...], severity: str | None, tags: tuple[str, ...], rules: tuple[str, ...],
    from_beginning: bool, since: str | None, fmt: str, group: str | None, max_messages: int | None,
    timeout: float | None, idle_timeout: float | None, color: bool | None, kafka: KafkaSettings,
) -> None:
    """Print alerts as they arrive (only new ones unless --from-beginning or --since).

    Ctrl-C (or SIGTERM) stops cleanly with exit code 0. Messages that are not JSON objects are
    reported on stderr with topic[partition]@offset and skipped.
    """

    from streams.delivery.clients import KafkaUnavailable
    from streams.delivery.consume import (
        PendingSeeks,
        Received,
        StartAt,
        StopSignal,
        consume_and_commit,
        open_consumer,
    )
    from streams.delivery.filters import AlertFilter
    from streams.delivery.subscribe import render

    if not topics:
        from streams.config import Settings

        topics = (Settings.from_env(kafka=kafka).alerts_topic,)
    try:
        start = StartAt.of(from_beginning, since)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    wanted = AlertFilter.of(severity, tags, rules)
    stopper = StopSignal().install()
    shown = 0

    def show(rec: Received) -> bool:
        nonlocal shown
        if rec.alert is None:
            click.echo(f"warning: skipping {rec.where}: {rec.error}", err=True)
        elif wanted.accepts(rec.alert):
            click.echo(render(rec.alert, fmt), nl=fmt == "jsonl", color=color)
            sys.stdout.flush()
            shown += 1
        return max_messages is None or shown < max_messages

    try:
        seeks = PendingSeeks(start) if group and start.mode == "since" else None
        consumer = open_consumer(kafka, topics, group=group, start=start, seeks=seeks, wait_timeout=timeout)
        where = f"group {group}" if group else f"{len(consumer.assignment())} partition(s)"
        click.echo(f"subscribed to {', '.join(topics)} ({where}, start: {start.mode})", err=True)
        consume_and_commit(consumer, show, group=group, stopper=stopper, timeout=timeout, idle=idle_timeout,
                           seeks=seeks)
    except KeyboardInterrupt:
        pass
    except KafkaUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        stopper.restore()
    click.echo(f"{shown} alert(s) shown", err=True)
