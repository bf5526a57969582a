"""`newsalert forward`: deliver alerts from Kafka to a webhook, with retries and a dead-letter topic."""

from __future__ import annotations

import click

from streams.alerts.schema import SEVERITIES
from streams.cli.options import kafka_options
from streams.kafka.settings import KafkaSettings


@click.command()
@click.option("--webhook", required=True, metavar="URL", envvar="NEWSALERT_WEBHOOK_URL",
              help="http(s) URL that receives each alert as a JSON POST [env NEWSALERT_WEBHOOK_URL]")
@click.option("--header", "headers", multiple=True, metavar="'NAME: VALUE'",
              help="extra HTTP header, repeatable (e.g. 'Authorization: Bearer ...'; prefer env "
                   "NEWSALERT_WEBHOOK_AUTHORIZATION for secrets)")
@click.option("--topic", "-t", "topics", multiple=True,
              help="alert topic(s) to read; repeatable [default: env NEWSALERT_ALERTS_TOPIC or 'alerts']")
@click.option("--severity", "-s", type=click.Choice(SEVERITIES, case_sensitive=False), default=None,
              help="minimum severity to forward")
@click.option("--tag", "tags", multiple=True, help="only alerts with this tag; repeatable (any of them)")
@click.option("--rule", "rules", multiple=True, help="only alerts of this rule id; repeatable (any of them)")
@click.option("--retries", type=click.IntRange(min=0), default=5, show_default=True,
              help="attempts after the first before the alert goes to the dead-letter topic")
@click.option("--backoff", type=click.FloatRange(min=0), default=1.0, show_default=True, metavar="SECONDS",
              help="wait before the first retry; doubles with each retry, less a random part of up to half "
                   "(jitter); a Retry-After answer (seconds or an HTTP date) takes precedence")
@click.option("--max-backoff", type=click.FloatRange(min=0), default=60.0, show_default=True, metavar="SECONDS",
              help="longest wait between two attempts")
@click.option("--http-timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, metavar="SECONDS",
              help="timeout of one POST")
@click.option("--dlq-topic", default="alerts.webhook.dlq", show_default=True,
              help="dead-letter topic: alerts that could not be delivered, with the reason")
@click.option("--group", default="newsalert-webhook", show_default=True,
              help="consumer group; offsets are committed after each delivered or dead-lettered alert")
@click.option("--from-beginning", is_flag=True,
              help="when the group has no committed offsets, start at the oldest alert (default: newest)")
@click.option("--max-messages", "-n", type=click.IntRange(min=1), default=None,
              help="exit after handling this many alerts (delivered, dead-lettered or filtered out)")
@click.option("--idle-timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="exit when no alert arrived for this many seconds")
@click.option("--follow-redirects", is_flag=True,
              help="follow a 307/308 redirect to the same origin (scheme, host, port) with the same POST; "
                   "without it every 3xx is a failed attempt. Other redirects are never followed")
@click.option("--quiet", "-q", is_flag=True, help="no line per alert, only the summary")
@kafka_options
def forward(
    webhook: str, headers: tuple[str, ...], topics: tuple[str, ...], severity: str | None, tags: tuple[str, ...],
    rules: tuple[str, ...], retries: int, backoff: float, max_backoff: float, http_timeout: float, dlq_topic: str,
    group: str, from_beginning: bool, max_messages: int | None, idle_timeout: float | None,
    follow_redirects: bool, quiet: bool, kafka: KafkaSettings,
) -> None:
    """POST every alert (as its JSON) to a webhook; retry with exponential backoff on errors and 5xx,
    and after the last retry, or at once when the webhook answers 4xx, write the alert with the
    reason to the dead-letter topic and move on. A redirect (3xx) is a failed attempt too, unless
    --follow-redirects and it is a 307/308 to the same origin: the alert and the headers never go
    to another origin. The URL must be http(s) without user:password (pass credentials as a header).

    Requests carry Content-Type: application/json, X-Newsalert-Alert-Id, X-Newsalert-Revision and
    Idempotency-Key (alert_id:revision): delivery is at least once, so receivers should dedup on it.
    Ctrl-C stops cleanly; an alert still being retried is not committed and is sent again on restart.
    """
    from kafka.errors import KafkaError

    from streams.cli.topic_setup import ensure_or_warn
    from streams.config import Settings
    from streams.delivery.clients import KafkaUnavailable, make_producer
    from streams.delivery.consume import Received, StartAt, StopSignal, consume_and_commit, open_consumer
    from streams.delivery.filters import AlertFilter
    from streams.delivery.forward import Forwarder
    from streams.delivery.webhook import StopRequested, WebhookConfig, WebhookSender

    settings = Settings.from_env(kafka=kafka)
    if not topics:
        topics = (settings.alerts_topic,)
    extra_headers: dict[str, str] = {}
    if settings.webhook_authorization:
        extra_headers["Authorization"] = settings.webhook_authorization
    for h in headers:
        name, sep, value = h.partition(":")
        if not sep or not name.strip():
            raise click.UsageError(f"--header {h!r}: expected 'Name: value'")
        extra_headers[name.strip()] = value.strip()
    try:
        config = WebhookConfig(webhook, retries=retries, backoff_s=backoff, max_backoff_s=max_backoff,
                               timeout_s=http_timeout, headers=extra_headers, follow_redirects=follow_redirects)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc

    stopper = StopSignal().install()
    # a record may take all its retries before the next poll: keep the group membership meanwhile
    worst_case_ms = int(((retries + 1) * (http_timeout + max_backoff) + 60) * 1000)
    producer = sender = None
    say = (lambda line: None) if quiet else click.echo
    forwarder = None

    def deliver(rec: Received) -> bool:
        assert forwarder is not None
        forwarder.handle(rec)
        return max_messages is None or forwarder.stats.handled < max_messages

    try:
        ensure_or_warn(settings, [dlq_topic])
        producer = make_producer(kafka)
        consumer = open_consumer(kafka, topics, group=group, start=StartAt.of(from_beginning, None),
                                 max_poll_interval_ms=max(300_000, worst_case_ms))
        sender = WebhookSender(config, stop=lambda: stopper.requested)
        forwarder = Forwarder(sender, producer, dlq_topic, AlertFilter.of(severity, tags, rules), on_event=say)
        click.echo(f"forwarding {', '.join(topics)} to {config.safe_url} (group {group}, DLQ {dlq_topic})", err=True)
        consume_and_commit(consumer, deliver, group=group, stopper=stopper, commit_each=True, idle=idle_timeout)
    except (KeyboardInterrupt, StopRequested):
        pass
    except KafkaUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    except KafkaError as exc:  # the DLQ write failed: the alert stays uncommitted and is retried on restart
        raise click.ClickException(f"stopped, nothing lost: {type(exc).__name__}: {exc}") from exc
    finally:
        if producer is not None:
            producer.close(timeout=10)
        if sender is not None:
            sender.close()
        stopper.restore()
    if forwarder is not None:
        click.echo(forwarder.stats.summary(), err=True)
