"""`newsalert ingest`: bring articles in from outside sources (RSS/Atom feeds) and publish them."""

from __future__ import annotations

import time
from pathlib import Path

import click

from streams.cli.options import kafka_options
from streams.kafka.settings import KafkaSettings


@click.group()
def ingest() -> None:
    """Ingest articles from external sources into the articles topic."""


@ingest.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--interval", type=click.FloatRange(min=1), default=300.0, show_default=True, metavar="SECONDS",
              help="seconds between polls")
@click.option("--once", is_flag=True, help="poll every feed once and exit (exit 1 if any feed failed)")
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path(".newsalert/ingest-state/feeds.sqlite3"), show_default=True,
              help="sqlite file remembering published entries (guid and link) across restarts")
@click.option("--topic", "-t", default=None,
              help="articles topic [default: env NEWSALERT_ARTICLES_TOPIC or 'articles']")
@click.option("--fetch-timeout", type=click.FloatRange(min=0.1), default=20.0, show_default=True,
              metavar="SECONDS", help="HTTP timeout per feed")
@click.option("--allow-file", is_flag=True,
              help="also accept file:// feed URLs (local files); without it only http(s) URLs are read")
@click.option("--quiet", "-q", is_flag=True, help="print only errors")
@kafka_options
def feed(urls: tuple[str, ...], interval: float, once: bool, state_path: Path, topic: str | None, fetch_timeout: float,
         allow_file: bool, quiet: bool, kafka: KafkaSettings) -> None:
    """Poll RSS/Atom feeds and publish each new entry once as an article.

    Article id: a stable hash of the entry's guid (or link); text: the entry's content or summary
    with HTML removed (the title when there is neither); title, url, source (feed title or host),
    language and published_at (UTC) when the feed gives them. A feed that fails is reported and
    the others go on. Entries already published (same guid or same link) are skipped, also after a
    restart (--state). Ctrl-C stops cleanly.
    """
    from streams.cli.topic_setup import ensure_or_warn
    from streams.config import Settings
    from streams.delivery.clients import KafkaUnavailable, make_producer
    from streams.delivery.consume import StopSignal
    from streams.delivery.feeds import FeedError, check_feed_url
    from streams.delivery.ingest import FeedIngester, FeedResult
    from streams.delivery.ingest_state import IngestState

    for url in urls:  # refused at start, before any connection
        try:
            check_feed_url(url, allow_file=allow_file)
        except FeedError as exc:
            raise click.UsageError(str(exc)) from exc
    settings = Settings.from_env(kafka=kafka)
    topic = topic or settings.articles_topic
    try:
        ensure_or_warn(settings, [topic], needs={topic: ["WRITE"]})
        producer = make_producer(kafka)
    except KafkaUnavailable as exc:
        raise click.ClickException(str(exc)) from exc

    def show(result: FeedResult) -> None:
        if result.error:
            click.echo(result.line(), err=True)
        elif not quiet:
            click.echo(result.line())
        if not quiet:
            if result.warning:
                click.echo(f"warning: {result.warning}", err=True)
            for skipped in result.skipped:
                click.echo(f"warning: {result.url}: skipped {skipped}", err=True)

    state = IngestState(state_path)
    stopper = StopSignal().install()
    ingester = FeedIngester(producer, topic, state, max_text_chars=settings.limits.max_article_chars,
                            fetch_timeout=fetch_timeout, allow_file=allow_file, on_result=show)
    failed = False
    try:
        state.prune()
        while True:
            report = ingester.poll_once(urls)
            failed = bool(report.failed)
            if once:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        failed = False
    finally:
        stopper.restore()
        producer.close(timeout=10)
        state.close()
    if once and failed:
        raise SystemExit(1)
