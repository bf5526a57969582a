"""`newsalert publish`: send articles from .txt/.jsonl files, directories or stdin to Kafka."""

from __future__ import annotations

import sys

import click

from streams.cli.options import kafka_options
from streams.kafka.settings import KafkaSettings


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--topic", "-t", default=None,
              help="articles topic [default: env NEWSALERT_ARTICLES_TOPIC or 'articles']")
@click.option("--create-topic/--no-create-topic", default=True, show_default=True,
              help="create the topic first if missing (partitions/replication from NEWSALERT_TOPIC_PARTITIONS/"
                   "NEWSALERT_TOPIC_REPLICATION)")
@click.option("--quiet", "-q", is_flag=True, help="no progress bar, no per-line errors; only the summary")
@click.option("--delivery-timeout", type=click.FloatRange(min=1.0), default=None, metavar="SECONDS",
              help="give up on a message the broker has not acknowledged this long after it was sent; its "
                   "FILE:LINE is reported [env NEWSALERT_PUBLISH_DELIVERY_TIMEOUT_S, default 120]")
@kafka_options
def publish(paths: tuple[str, ...], topic: str | None, create_topic: bool, quiet: bool, delivery_timeout: float | None,
            kafka: KafkaSettings) -> None:
    """Publish articles to the articles topic, keyed by article id.

    PATHS are .txt files (one article each: id = file name without extension, text = content),
    .jsonl files (one article object per line: id, text, and optional title, url, source, language,
    published_at), directories (all *.txt and *.jsonl below them) or '-' for JSON lines on stdin.

    Bad lines are reported as FILE:LINE with the reason and counted; so are the lines the broker did
    not acknowledge within --delivery-timeout (re-send them: the worker drops a repeated article id).
    The exit code is 1 when any input was bad or any send failed or was not acknowledged.
    """
    from tqdm import tqdm

    from streams.cli.topic_setup import ensure_or_warn
    from streams.config import Settings
    from streams.delivery.clients import KafkaUnavailable, make_producer
    from streams.delivery.publish import publish_items
    from streams.inputs import InputProblem, LocatedArticle, read_articles

    settings = Settings.from_env(kafka=kafka, publish_delivery_timeout_s=delivery_timeout)
    timeout_ms = int(settings.publish_delivery_timeout_s * 1000)
    topic = topic or settings.articles_topic
    try:
        if create_topic:
            ensure_or_warn(settings, [topic], needs={topic: ["WRITE"]})
        request_ms = min(30_000, timeout_ms - 100)  # kafka-python: delivery >= linger + request timeout
        producer = make_producer(kafka, delivery_timeout_ms=timeout_ms, request_timeout_ms=request_ms,
                                 max_block_ms=min(30_000, timeout_ms), linger_ms=10)
    except KafkaUnavailable as exc:
        raise click.ClickException(str(exc)) from exc

    bar = tqdm(unit=" articles", file=sys.stderr, disable=quiet or not sys.stderr.isatty(), dynamic_ncols=True)

    def on_item(item: LocatedArticle | InputProblem) -> None:
        bar.update(1)
        if isinstance(item, InputProblem) and not quiet:
            bar.write(f"error: {item}", file=sys.stderr)

    try:
        items = read_articles(paths, stdin=sys.stdin, max_text_chars=settings.limits.max_article_chars,
                              strict=settings.strict_input)
        report = publish_items(producer, topic, items, on_item=on_item,
                               delivery_timeout_s=settings.publish_delivery_timeout_s)
    except KeyboardInterrupt:
        bar.close()
        producer.close(timeout=5)
        click.echo("interrupted; messages already handed to the producer were flushed", err=True)
        raise SystemExit(130) from None
    finally:
        bar.close()
    producer.close(timeout=10)
    if not quiet:
        for failure in report.failed:
            click.echo(f"error: send failed: {failure}", err=True)
    for location in report.unacknowledged:  # also with --quiet: these lines must be re-sent
        click.echo(f"error: not acknowledged by the broker: {location}", err=True)
    click.echo(report.summary())
    if not report.ok:
        raise SystemExit(1)
