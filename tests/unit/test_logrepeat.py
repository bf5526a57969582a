"""Repeated Kafka client errors: one line per interval with a count (issue 16 item 8)."""

from __future__ import annotations

import io
import logging

from streams.logrepeat import RepeatLimiter, limit_repeats


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def setup(interval: float = 10.0) -> tuple[Clock, io.StringIO, io.StringIO, RepeatLimiter]:
    clock = Clock()
    a, b = io.StringIO(), io.StringIO()
    root = logging.getLogger("test-logrepeat")
    root.handlers.clear()
    root.propagate = False
    root.setLevel(logging.DEBUG)
    handlers = [logging.StreamHandler(a), logging.StreamHandler(b)]
    for h in handlers:
        root.addHandler(h)
    limiter = limit_repeats(handlers, interval, prefixes=("test-logrepeat.aiokafka",))
    limiter.clock = clock
    return clock, a, b, limiter


def test_one_line_per_interval_with_the_count() -> None:
    clock, a, b, limiter = setup()
    conn = logging.getLogger("test-logrepeat.aiokafka.conn")
    for i in range(500):  # 50 s of an outage at 10 records per second, from two nodes
        conn.error("Unable connect to node with id %s: %s", i % 2, "[Errno 111] Connect call failed")
        clock.now += 0.1
    lines = a.getvalue().splitlines()
    assert len(lines) == 5  # one per 10 s, not 500
    assert lines[0] == "Unable connect to node with id 0: [Errno 111] Connect call failed"
    assert lines[1].endswith("[99 more like this in the last 10 s]")
    assert b.getvalue() == a.getvalue()  # every handler shows the same lines
    assert limiter.suppressed == 495


def test_other_kinds_levels_and_loggers_are_not_held_back() -> None:
    clock, a, _, _ = setup()
    conn = logging.getLogger("test-logrepeat.aiokafka.conn")
    ours = logging.getLogger("test-logrepeat.newsalert")
    for _ in range(3):
        conn.error("Unable to update metadata from %s", [1])
        conn.error("Failed fetch messages from %s: %s", 1, "NodeNotReadyError")
        conn.info("Discovered coordinator %s", 1)  # below WARNING
        ours.error("dead letter %s", "x")  # not a Kafka client logger
    text = a.getvalue()
    assert text.count("Unable to update metadata") == 1 and text.count("Failed fetch") == 1
    assert text.count("Discovered coordinator") == 3 and text.count("dead letter") == 3


def test_interval_zero_switches_it_off() -> None:
    _, a, _, _ = setup(interval=0)
    conn = logging.getLogger("test-logrepeat.aiokafka.conn")
    for _ in range(20):
        conn.error("Unable connect to node with id %s", 1)
    assert len(a.getvalue().splitlines()) == 20
