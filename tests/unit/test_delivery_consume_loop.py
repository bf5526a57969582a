"""The consume loop shared by `subscribe` and `forward` (streams.delivery.consume.consume_and_commit),
driven with a fake consumer: what is committed, and that the consumer is always closed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from kafka import TopicPartition

from streams.delivery.consume import Received, StopSignal, consume_and_commit

TP = TopicPartition("alerts", 0)


@dataclass
class _Record:
    offset: int
    topic: str = "alerts"
    partition: int = 0
    key: bytes | None = b"k"
    value: bytes = field(default=b"")

    def __post_init__(self) -> None:
        self.value = self.value or json.dumps({"n": self.offset}).encode()


class _Consumer:
    def __init__(self, records: int) -> None:
        self.batches = [{TP: [_Record(i) for i in range(records)]}]
        self.commits: list[dict[TopicPartition, int]] = []
        self.closed: list[bool] = []

    def assignment(self) -> set[TopicPartition]:
        return {TP}

    def poll(self, timeout_ms: int) -> dict[TopicPartition, list[_Record]]:
        return self.batches.pop(0) if self.batches else {}

    def commit(self, offsets: dict[TopicPartition, Any]) -> None:
        self.commits.append({tp: meta.offset for tp, meta in offsets.items()})

    def close(self, autocommit: bool) -> None:
        self.closed.append(autocommit)


def test_each_record_is_committed_at_once_with_commit_each() -> None:
    consumer = _Consumer(3)
    seen: list[int] = []

    def handle(rec: Received) -> bool:
        seen.append(rec.offset)
        return rec.offset < 1  # stop after the second

    consume_and_commit(consumer, handle, group="g", stopper=StopSignal(), commit_each=True)  # type: ignore[arg-type]
    assert seen == [0, 1]
    assert consumer.commits == [{TP: 1}, {TP: 2}]  # the record after the last handled one
    assert consumer.closed == [False]


def test_without_commit_each_the_records_done_are_committed_at_the_end() -> None:
    consumer = _Consumer(3)
    consume_and_commit(consumer, lambda rec: True, group="g", stopper=StopSignal(), idle=0.05)  # type: ignore[arg-type]
    assert consumer.commits == [{TP: 3}] and consumer.closed == [False]


def test_a_record_whose_handling_fails_stays_uncommitted_and_the_consumer_is_closed() -> None:
    consumer = _Consumer(3)

    def handle(rec: Received) -> bool:
        if rec.offset == 1:
            raise RuntimeError("dead-letter write failed")
        return True

    with pytest.raises(RuntimeError):
        consume_and_commit(consumer, handle, group="g", stopper=StopSignal())  # type: ignore[arg-type]
    assert consumer.commits == [{TP: 1}] and consumer.closed == [False]


def test_no_group_commits_nothing() -> None:
    consumer = _Consumer(2)
    consume_and_commit(consumer, lambda rec: True, group=None, stopper=StopSignal(), idle=0.05)  # type: ignore[arg-type]
    assert consumer.commits == [] and consumer.closed == [False]


def test_a_stop_request_ends_the_loop_before_the_next_record() -> None:
    consumer = _Consumer(3)
    stopper = StopSignal()

    def handle(rec: Received) -> bool:
        stopper.requested = True  # as the SIGTERM handler does while a record is handled
        return True

    consume_and_commit(consumer, handle, group="g", stopper=stopper)  # type: ignore[arg-type]
    assert consumer.commits == [{TP: 1}] and consumer.closed == [False]
