"""Positioned alert consumers and the poll loop shared by ``subscribe`` and ``forward``.

``open_consumer`` is called once at start-up; ``consume_and_commit`` then runs the command's loop
(poll, handle, mark done, commit, close); ``decode_alert`` is called for every record.
"""

from __future__ import annotations

import json
import logging
import re
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka import errors as kerr
from kafka.consumer.subscription_state import ConsumerRebalanceListener

from streams.delivery.clients import KafkaUnavailable, make_consumer
from streams.kafka.settings import KafkaSettings

log = logging.getLogger(__name__)

_RELATIVE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(text: str, *, now: float | None = None) -> int:
    """'2h', '30m', '1d', '45s', '1w' (ago) or an ISO 8601 time (naive = UTC) → epoch milliseconds."""
    now = time.time() if now is None else now
    m = _RELATIVE.match(text)
    if m:
        return int((now - float(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()]) * 1000)
    try:
        dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"--since {text!r}: expected a duration like 30m, 2h, 1d or an ISO time like 2026-11-27T20:00:00Z"
        ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)


@dataclass(frozen=True)
class StartAt:
    """Where a consumer starts: 'latest', 'earliest', or the first message at/after ``since_ms``."""

    mode: str = "latest"
    since_ms: int | None = None

    @classmethod
    def of(cls, from_beginning: bool, since: str | None) -> StartAt:
        if from_beginning and since:
            raise ValueError("--from-beginning and --since exclude each other")
        if since:
            return cls("since", parse_since(since))
        return cls("earliest" if from_beginning else "latest")


class StopSignal:
    """Ctrl-C / SIGTERM handling for long-running commands.

    ``install`` is called at start-up (main thread only; elsewhere it does nothing). Outside
    ``deferred()`` a signal raises KeyboardInterrupt as usual; inside, it only sets ``requested``,
    so the record being handled is finished (printed, delivered, committed) before the loop ends.
    """

    def __init__(self) -> None:
        self.requested = False
        self._defer = False
        self._old: dict[int, Any] = {}

    def install(self) -> StopSignal:
        import threading

        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def restore(self) -> None:
        """Put the previous handlers back (called at exit)."""
        for sig, handler in self._old.items():
            signal.signal(sig, handler)
        self._old.clear()

    def _handle(self, signum: int, frame: Any) -> None:
        self.requested = True
        if not self._defer:
            raise KeyboardInterrupt

    def deferred(self) -> _Deferred:
        return _Deferred(self)


class _Deferred:
    def __init__(self, owner: StopSignal) -> None:
        self.owner = owner

    def __enter__(self) -> None:
        self.owner._defer = True
        if self.owner.requested:
            raise KeyboardInterrupt

    def __exit__(self, *exc: object) -> None:
        self.owner._defer = False


def seek_partitions(consumer: KafkaConsumer, partitions: Sequence[TopicPartition], start: StartAt) -> None:
    """Move ``partitions`` to ``start`` (explicit seek; overrides committed offsets)."""
    if not partitions:
        return
    if start.mode == "earliest":
        consumer.seek_to_beginning(*partitions)
    elif start.mode == "latest":
        consumer.seek_to_end(*partitions)
    else:
        found = consumer.offsets_for_times({tp: start.since_ms for tp in partitions})
        missing = []
        for tp in partitions:
            hit = found.get(tp)
            if hit is None:
                missing.append(tp)
            else:
                consumer.seek(tp, hit.offset)
        if missing:
            consumer.seek_to_end(*missing)


class PendingSeeks(ConsumerRebalanceListener):  # type: ignore[misc]
    """Group mode with --since: position each partition once, the first time it is assigned.

    kafka-python 3 calls rebalance listeners on its IO thread, where blocking calls such as
    ``offsets_for_times`` are not allowed; so the listener only notes new partitions, and
    ``poll_records`` (on the caller's thread) drops records polled for them before the seek and
    then seeks.
    """

    def __init__(self, start: StartAt) -> None:
        self.start = start
        self.pending: set[TopicPartition] = set()
        self.done: set[TopicPartition] = set()

    def on_partitions_revoked(self, revoked: Any) -> None:
        """Called by kafka-python before a rebalance takes partitions away."""
        self.pending.difference_update(revoked)

    def on_partitions_assigned(self, assigned: Any) -> None:
        """Called by kafka-python after a rebalance: note partitions not positioned before."""
        self.pending.update(tp for tp in assigned if tp not in self.done)

    def apply(self, consumer: KafkaConsumer) -> set[TopicPartition]:
        """Seek the pending partitions that are still assigned; return the ones sought."""
        todo = [tp for tp in self.pending if tp in consumer.assignment()]
        self.pending.clear()
        seek_partitions(consumer, todo, self.start)
        self.done.update(todo)
        return set(todo)


def wait_for_partitions(
    consumer: KafkaConsumer, topics: Sequence[str], *, timeout: float | None, on_wait: Callable[[str], None]
) -> list[TopicPartition]:
    """All partitions of ``topics``; waits (telling ``on_wait`` once) for topics that do not exist yet."""
    deadline = None if timeout is None else time.monotonic() + timeout
    told: set[str] = set()
    while True:
        result: list[TopicPartition] = []
        missing = []
        for topic in topics:
            parts = consumer.partitions_for_topic(topic)
            if parts:
                result.extend(TopicPartition(topic, p) for p in sorted(parts))
            else:
                missing.append(topic)
        if not missing:
            return result
        for topic in missing:
            if topic not in told:
                on_wait(topic)
                told.add(topic)
        if deadline is not None and time.monotonic() >= deadline:
            raise KafkaUnavailable(f"topic(s) {', '.join(missing)} do not exist")
        time.sleep(0.5)


def open_consumer(
    kafka: KafkaSettings,
    topics: Sequence[str],
    *,
    group: str | None,
    start: StartAt,
    seeks: PendingSeeks | None = None,
    wait_timeout: float | None = None,
    on_wait: Callable[[str], None] = lambda topic: print(f"waiting for topic {topic} to exist", file=sys.stderr),
    **extra: Any,
) -> KafkaConsumer:
    """A consumer on ``topics`` positioned at ``start``.

    Without ``group`` the consumer is ephemeral: it takes every partition itself, commits nothing,
    and ``start`` applies always. With ``group`` it joins that consumer group: committed offsets win,
    'earliest' only applies to partitions without a committed offset, and a ``since`` time is
    sought once per partition when it is first assigned.
    """
    if group is None:
        consumer = make_consumer(kafka, group_id=None, enable_auto_commit=False, **extra)
        try:
            partitions = wait_for_partitions(consumer, topics, timeout=wait_timeout, on_wait=on_wait)
            consumer.assign(partitions)
            seek_partitions(consumer, partitions, start)
        except BaseException:
            consumer.close()
            raise
        return consumer
    consumer = make_consumer(
        kafka,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest" if start.mode == "earliest" else "latest",
        **extra,
    )
    if start.mode == "since":
        if seeks is None:
            consumer.close()
            raise ValueError("a consumer group starting at a time needs PendingSeeks")
        consumer.subscribe(list(topics), listener=seeks)
    else:
        consumer.subscribe(list(topics))
    return consumer


@dataclass(frozen=True)
class Received:
    """One consumed record: decoded alert (or None) and where it came from."""

    topic: str
    partition: int
    offset: int
    key: str | None
    alert: dict[str, Any] | None
    error: str | None = None  # why ``alert`` is None
    raw: bytes = b""  # the record value as received

    @property
    def where(self) -> str:
        return f"{self.topic}[{self.partition}]@{self.offset}"


def decode_alert(record: Any) -> Received:
    """Decode a record's value as a JSON object; never raises."""
    key = record.key.decode("utf-8", "replace") if record.key is not None else None
    raw = record.value if isinstance(record.value, bytes) else b""
    where = (record.topic, record.partition, record.offset, key)
    try:
        value = json.loads(record.value)
    except (ValueError, TypeError) as exc:
        return Received(*where, None, f"not JSON: {exc}", raw)
    if not isinstance(value, dict):
        return Received(*where, None, f"not a JSON object but {type(value).__name__}", raw)
    return Received(*where, value, None, raw)


def poll_records(
    consumer: KafkaConsumer,
    *,
    timeout: float | None = None,
    idle: float | None = None,
    poll_ms: int = 500,
    stop: Callable[[], bool] = lambda: False,
    seeks: PendingSeeks | None = None,
) -> Iterator[Received]:
    """Yield decoded records until ``timeout`` seconds in total, ``idle`` seconds without a record,
    or ``stop()`` turns true (checked between records and every ``poll_ms``).

    The caller may also stop by breaking out of the loop (e.g. after --max-messages).
    """
    started = last = time.monotonic()
    while not stop():
        now = time.monotonic()
        if timeout is not None and now - started >= timeout:
            return
        if not consumer.assignment():
            last = now  # still joining the group: idle time counts from the assignment
        elif idle is not None and now - last >= idle:
            return
        wait_ms = poll_ms
        if timeout is not None:
            wait_ms = max(1, min(wait_ms, int((started + timeout - now) * 1000)))
        batches = consumer.poll(timeout_ms=wait_ms)
        if seeks is not None and seeks.pending:
            for tp in seeks.apply(consumer):
                batches.pop(tp, None)  # polled before the seek: read again from the new position
        for tp in sorted(batches, key=lambda t: (t.topic, t.partition)):
            for record in batches[tp]:
                if stop():
                    return
                last = time.monotonic()
                yield decode_alert(record)


class OffsetTracker:
    """Offsets handled so far per partition, committed for a consumer group (no-op without a group).

    ``done`` is called after a record was fully handled (printed, delivered, or deliberately
    skipped); ``commit`` at exit and ``commit_if_due`` after each record.
    """

    def __init__(self, consumer: KafkaConsumer, *, group: str | None, every_s: float = 5.0) -> None:
        self.consumer = consumer
        self.enabled = group is not None
        self.every_s = every_s
        self.pending: dict[TopicPartition, int] = {}
        self.last_commit = time.monotonic()

    def done(self, rec: Received) -> None:
        if self.enabled:
            self.pending[TopicPartition(rec.topic, rec.partition)] = rec.offset + 1

    def commit_if_due(self) -> None:
        if self.pending and time.monotonic() - self.last_commit >= self.every_s:
            self.commit()

    def commit(self) -> bool:
        """Commit the pending offsets; False (and a warning) if the group no longer owns them."""
        self.last_commit = time.monotonic()
        if not self.enabled or not self.pending:
            return True
        offsets = {tp: OffsetAndMetadata(off, "", -1) for tp, off in self.pending.items()}
        try:
            self.consumer.commit(offsets)
        except kerr.KafkaError as exc:
            log.warning("commit of %s failed (they will be read again): %s", offsets, exc)
            return False
        self.pending.clear()
        return True


def consume_and_commit(
    consumer: KafkaConsumer,
    handle: Callable[[Received], bool],
    *,
    group: str | None,
    stopper: StopSignal,
    commit_each: bool = False,
    timeout: float | None = None,
    idle: float | None = None,
    seeks: PendingSeeks | None = None,
) -> None:
    """The loop of ``subscribe`` and ``forward``, called once the consumer is open.

    Each record is handed to ``handle``, which returns False to stop after it; then it is marked
    done and committed: at once with ``commit_each`` (forward: a delivered alert is never sent
    again), otherwise every few seconds (``OffsetTracker.commit_if_due``). Ctrl-C is deferred while
    a record is handled. However the loop ends (no more records, ``handle`` says stop, ``stopper``,
    an exception from ``handle``, whose record then stays uncommitted), the records done are
    committed and the consumer is closed without autocommit.
    """
    tracker = OffsetTracker(consumer, group=group)
    try:
        with stopper.deferred():
            for rec in poll_records(consumer, timeout=timeout, idle=idle, stop=lambda: stopper.requested,
                                    seeks=seeks):
                more = handle(rec)
                tracker.done(rec)
                if commit_each:
                    tracker.commit()
                if not more:
                    break
                tracker.commit_if_due()
    finally:
        tracker.commit()
        consumer.close(autocommit=False)
