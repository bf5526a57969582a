"""Topic creation with configured partitions and replication (kafka-python KafkaAdminClient).

Called at start-up by commands that write to topics (publish, ingest, forward's DLQ, `topics
create`) and by the worker's integrator code, before the first message is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kafka import KafkaAdminClient
from kafka import errors as kerr

from streams.delivery.clients import make_admin
from streams.kafka.settings import KafkaSettings

log = logging.getLogger(__name__)

TOPIC_ALREADY_EXISTS = kerr.TopicAlreadyExistsError.errno


class TopicError(RuntimeError):
    """A topic could not be created or described; the message names the topic and the reason."""


@dataclass(frozen=True)
class TopicInfo:
    name: str
    partitions: int
    replication: int


def admin_client(kafka: KafkaSettings, *, timeout_ms: int = 15_000) -> KafkaAdminClient:
    """A connected admin client; raises KafkaUnavailable when the cluster cannot be reached."""
    return make_admin(kafka, request_timeout_ms=timeout_ms)


def describe_error(exc: BaseException) -> str:
    """A one-line reason for a kafka-python exception, for users (class name plus message)."""
    text = str(exc).strip()
    name = type(exc).__name__
    return f"{name}: {text}" if text and text != name else name


def ensure_topics(
    kafka: KafkaSettings,
    names: Iterable[str],
    partitions: int,
    replication: int,
    configs: Mapping[str, str] | None = None,
    *,
    timeout_ms: int = 15_000,
) -> list[str]:
    """Create the topics that do not exist yet; return the names created (idempotent).

    Existing topics are left as they are (their partition count is not changed). Waits until every
    named topic has a leader for each partition, so a producer can write right away.
    """
    wanted = list(dict.fromkeys(n for n in names if n))
    if not wanted:
        return []
    if partitions < 1 or replication < 1:
        raise TopicError(f"partitions ({partitions}) and replication ({replication}) must be at least 1")
    admin = admin_client(kafka, timeout_ms=timeout_ms)
    try:
        spec: dict[str, dict[str, Any]] = {
            name: {
                "num_partitions": partitions,
                "replication_factor": replication,
                "configs": dict(configs or {}),
            }
            for name in wanted
        }
        try:
            result = admin.create_topics(spec, timeout_ms=timeout_ms, raise_errors=False)
        except kerr.KafkaError as exc:
            raise TopicError(f"creating topics {', '.join(wanted)} failed: {describe_error(exc)}") from exc
        created: list[str] = []
        problems: list[str] = []
        for topic in result.get("topics", []):
            code = topic.get("error_code", 0)
            if code == 0:
                created.append(topic["name"])
            elif code != TOPIC_ALREADY_EXISTS:
                err = kerr.for_code(code)
                msg = topic.get("error_message") or err.description
                problems.append(f"{topic['name']}: {err.__name__} ({msg})")
        if problems:
            raise TopicError("creating topics failed: " + "; ".join(problems))
        try:
            admin.wait_for_topics(wanted, timeout_ms=timeout_ms)
        except kerr.KafkaError as exc:
            raise TopicError(f"topics {', '.join(wanted)} not ready: {describe_error(exc)}") from exc
        if created:
            log.info("created topics %s (%d partitions, replication %d)", created, partitions, replication)
        return created
    finally:
        admin.close()


def describe_topics(kafka: KafkaSettings, names: Iterable[str] | None = None) -> list[TopicInfo]:
    """Partition count and replication of the named topics (all non-internal ones when None)."""
    admin = admin_client(kafka)
    try:
        topics = admin.describe_topics(list(names) if names is not None else None)
    except kerr.KafkaError as exc:
        raise TopicError(f"describing topics failed: {describe_error(exc)}") from exc
    finally:
        admin.close()
    infos = []
    for t in topics:
        if t.get("error_code", 0) != 0:
            err = kerr.for_code(t["error_code"])
            raise TopicError(f"topic {t.get('name')}: {err.__name__}")
        if t.get("is_internal"):
            continue
        parts = t.get("partitions", [])
        replication = len(parts[0].get("replica_nodes", [])) if parts else 0
        infos.append(TopicInfo(name=t["name"], partitions=len(parts), replication=replication))
    return sorted(infos, key=lambda i: i.name)
