"""What `newsalert worker` writes to its console.

By default: one line when the worker is ready (topics and metrics URL), then a line per alert and
whatever goes wrong (warnings and errors of any library). Faust's start-up banner, spinner and
tables come only with `newsalert -v worker` (or an explicit ``--loglevel``), where Faust sets up
logging itself as it always did. Either way the output is plain text: no colours or cursor
movement, so a log file stays readable.

Kafka's group coordinator is not available for the first seconds after a broker starts; aiokafka
logs each retry of that as an ERROR. Those records are rewritten as warnings that say it is the
broker warming up.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

WORKER_LOGGER = "newsalert"  # the worker's own statements: ready, alerts, rule reloads
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
WARMING_UP = ("CoordinatorNotAvailable", "GroupCoordinatorNotAvailable", "NotCoordinator",
              "Coordinator load in progress", "CoordinatorLoadInProgress")


class BrokerWarmUp(logging.Filter):
    """Downgrade aiokafka's "coordinator not available" errors (a starting broker) to warnings."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.name.startswith("aiokafka"):
            message = record.getMessage()
            if any(marker in message for marker in WARMING_UP):
                record.msg = "Kafka is still starting (group coordinator not available yet), retrying: %s"
                record.args = (message,)
                record.levelno, record.levelname = logging.WARNING, "WARNING"
                record.exc_info = record.exc_text = None
        return True


class QuietKafkaPython(logging.Filter):
    """kafka-python (the worker's admin client) logs each reconnect with a traceback; the worker's
    Kafka traffic runs on aiokafka, whose problems are shown. Same rule as the other commands."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name.startswith("kafka.") and record.levelno < logging.CRITICAL)


def setup_quiet_console(stream: TextIO | None = None) -> logging.Handler:
    """Plain-text logging for the default worker console; returns the handler it installed."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(BrokerWarmUp())
    handler.addFilter(QuietKafkaPython())
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger(WORKER_LOGGER).setLevel(logging.INFO)
    return handler


def install_warm_up_filter() -> None:
    """For the verbose console (Faust's own handlers): the same warm-up rewrite on every handler."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, BrokerWarmUp) for f in handler.filters):
            handler.addFilter(BrokerWarmUp())
