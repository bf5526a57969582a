"""The worker's default console (issue 15, item 5): plain lines, the worker's own INFO, everyone's
problems, and a starting broker's coordinator errors told as such."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from streams.worker.console import BrokerWarmUp, setup_quiet_console


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    worker_level = logging.getLogger("newsalert").level
    yield
    for h in list(root.handlers):
        root.removeHandler(h)
    for h in handlers:
        root.addHandler(h)
    root.setLevel(level)
    logging.getLogger("newsalert").setLevel(worker_level)


def test_quiet_console(restore_logging: None) -> None:
    out = io.StringIO()
    setup_quiet_console(out)
    logging.getLogger("newsalert.worker").info("ready: reading articles")
    logging.getLogger("faust.worker").info("[^Worker]: Starting...")
    logging.getLogger("streams.metrics.http").info("liveness: heartbeat")
    logging.getLogger("aiokafka.consumer").warning("fetch failed, retrying")
    logging.getLogger("aiokafka.consumer.group_coordinator").error(
        "Group Coordinator Request failed: [Error 15] CoordinatorNotAvailableError")
    logging.getLogger("aiokafka.producer").error("Unable to send: [Error 3] UnknownTopicOrPartitionError")
    logging.getLogger("kafka.conn").error("reconnecting after a reset socket")
    lines = out.getvalue().splitlines()
    assert [line.split(" ", 2)[2] for line in lines] == [
        "INFO newsalert.worker: ready: reading articles",
        "WARNING aiokafka.consumer: fetch failed, retrying",
        "WARNING aiokafka.consumer.group_coordinator: Kafka is still starting (group coordinator not "
        "available yet), retrying: Group Coordinator Request failed: [Error 15] CoordinatorNotAvailableError",
        "ERROR aiokafka.producer: Unable to send: [Error 3] UnknownTopicOrPartitionError",
    ]
    assert "\x1b" not in out.getvalue()


def test_the_warm_up_filter_leaves_other_loggers_alone() -> None:
    record = logging.LogRecord("newsalert.worker", logging.ERROR, __file__, 1,
                               "CoordinatorNotAvailable in a message of ours", None, None)
    assert BrokerWarmUp().filter(record) and record.levelno == logging.ERROR
