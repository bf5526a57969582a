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
TOPIC_AUTHORIZATION_FAILED = kerr.TopicAuthorizationFailedError.errno
LEADER_NOT_AVAILABLE = kerr.LeaderNotAvailableError.errno


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
    needs: Mapping[str, Iterable[str]] | None = None,
) -> list[str]:
    """Create the topics that do not exist yet; return the names created (idempotent).

    The topics are described first and only the missing ones are created, so a principal without
    the Create permission works with topics made beforehand (ACL-enforced clusters). Existing
    topics are left as they are (their partition count is not changed). Waits until every named
    topic has a leader for each partition, so a producer can write right away.

    ``needs`` maps topic names to the operations the caller will use on them (``"READ"``,
    ``"WRITE"``): when the broker says the principal lacks one, a :class:`TopicError` names it now
    instead of a client failing later with a bare ``TopicAuthorizationFailedError``.
    """
    wanted = list(dict.fromkeys(n for n in names if n))
    if not wanted:
        return []
    if partitions < 1 or replication < 1:
        raise TopicError(f"partitions ({partitions}) and replication ({replication}) must be at least 1")
    admin = admin_client(kafka, timeout_ms=timeout_ms)
    try:
        described = _describe(admin, wanted)
        missing = [name for name in wanted if not _exists(described.get(name))]
        created = _create(admin, missing, partitions, replication, configs, timeout_ms) if missing else []
        try:
            admin.wait_for_topics(wanted, timeout_ms=timeout_ms)
        except kerr.KafkaError as exc:
            raise TopicError(f"topics {', '.join(wanted)} not ready: {describe_error(exc)}") from exc
        if needs:
            after = _describe(admin, [n for n in needs if n]) if created else described
            _check_operations(after, needs)
        if created:
            log.info("created topics %s (%d partitions, replication %d)", created, partitions, replication)
        return created
    finally:
        admin.close()


def _describe(admin: KafkaAdminClient, names: list[str]) -> dict[str, dict[str, Any]]:
    """Metadata per topic name; a topic the principal may not describe is an error naming DESCRIBE."""
    try:
        topics = admin.describe_topics(names)
    except kerr.KafkaError as exc:
        raise TopicError(f"describing topics {', '.join(names)} failed: {describe_error(exc)}") from exc
    by_name = {t.get("name"): t for t in topics}
    refused = [n for n in names if by_name.get(n, {}).get("error_code") == TOPIC_AUTHORIZATION_FAILED]
    if refused:
        raise TopicError(_permission_message(refused, "DESCRIBE"))
    return by_name


def _exists(topic: Mapping[str, Any] | None) -> bool:
    # LEADER_NOT_AVAILABLE: created a moment ago, its partitions have no leader yet
    return topic is not None and topic.get("error_code", 0) in (0, LEADER_NOT_AVAILABLE)


def _create(admin: KafkaAdminClient, names: list[str], partitions: int, replication: int,
            configs: Mapping[str, str] | None, timeout_ms: int) -> list[str]:
    spec: dict[str, dict[str, Any]] = {
        name: {"num_partitions": partitions, "replication_factor": replication, "configs": dict(configs or {})}
        for name in names
    }
    try:
        result = admin.create_topics(spec, timeout_ms=timeout_ms, raise_errors=False)
    except kerr.KafkaError as exc:
        raise TopicError(f"creating topics {', '.join(names)} failed: {describe_error(exc)}") from exc
    created: list[str] = []
    refused: list[str] = []
    problems: list[str] = []
    for topic in result.get("topics", []):
        code = topic.get("error_code", 0)
        if code == 0:
            created.append(topic["name"])
        elif code == TOPIC_AUTHORIZATION_FAILED:
            refused.append(topic["name"])
        elif code != TOPIC_ALREADY_EXISTS:
            err = kerr.for_code(code)
            msg = topic.get("error_message") or err.description
            problems.append(f"{topic['name']}: {err.__name__} ({msg})")
    if refused:
        problems.append(_permission_message(refused, "CREATE", missing=True))
    if problems:
        raise TopicError("creating topics failed: " + "; ".join(problems))
    return created


def _check_operations(described: Mapping[str, Mapping[str, Any]], needs: Mapping[str, Iterable[str]]) -> None:
    lacking: dict[str, list[str]] = {}
    for name, operations in needs.items():
        allowed = described.get(name, {}).get("authorized_operations")
        if not name or allowed is None:  # the broker did not say (old broker): the clients will
            continue
        for op in operations:
            if op.upper() not in allowed:
                lacking.setdefault(op.upper(), []).append(name)
    if lacking:
        raise TopicError("; ".join(_permission_message(names, op) for op, names in sorted(lacking.items())))


def _permission_message(topics: list[str], operation: str, *, missing: bool = False) -> str:
    what = "topic " + topics[0] if len(topics) == 1 else "topics " + ", ".join(topics)
    fix = ("create them beforehand (k8s/base/kafkatopics.yaml) or grant CREATE on them or on the cluster"
           if missing else f"grant {operation} on {'it' if len(topics) == 1 else 'them'}")
    return (f"not authorized: this principal lacks the {operation} permission on {what} "
            f"(TopicAuthorizationFailedError): {fix}; docs/kafka-security.md lists the ACLs each command needs")


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
