"""The topic set-up a delivery command does before its first send.

``ensure_or_warn`` is called once at start-up by ``publish``, ``ingest`` and ``forward``, before
they open their producer: the topics they write to are created when missing (with the worker's
partitions and replication, so that a command run before the worker does not leave a one-partition
topic behind). Not being able to create them (no CREATE permission, say) is a warning on stderr,
not an error: the topic may exist anyway, and the first send says so if it does not. A cluster
that cannot be reached raises ``KafkaUnavailable`` as every client does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import click

from streams.config import Settings


def ensure_or_warn(settings: Settings, topics: Sequence[str], *,
                   needs: Mapping[str, Iterable[str]] | None = None) -> None:
    """Create the missing ``topics``; ``needs``: the operations each must allow (e.g. WRITE)."""
    from streams.delivery.topics import TopicError, ensure_topics

    try:
        ensure_topics(settings.kafka, list(topics), settings.topic_partitions, settings.topic_replication,
                      needs=needs)
    except TopicError as exc:
        click.echo(f"warning: {exc}", err=True)
