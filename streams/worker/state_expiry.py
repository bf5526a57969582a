"""Stage 3 (housekeeping): expired suppression state leaves the table (``streams.alerts.expiry``).

``StateExpiry.run`` is called by a Faust timer every ``NEWSALERT_SUPPRESSION_PRUNE_INTERVAL_S``.
It does nothing while the worker rebalances or recovers (the table is incomplete until recovery
is done) or while a batch of matches is between its marker and entry writes (a new event's markers
are there without their event); otherwise it drops, in the matches partitions this worker owns, the events whose window
is over by more than the grace in their partition's event time, with a changelog tombstone each.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Mapping
from typing import Protocol

from streams.alerts.expiry import PruneResult
from streams.metrics import Metrics

log = logging.getLogger("newsalert.worker")


class Pruner(Protocol):
    """What StateExpiry needs of ``streams.alerts.expiry.TablePruner``."""

    def prune(self, owned: Collection[int], rule_windows: Mapping[str, int], wall: float) -> PruneResult: ...


class StateExpiry:
    def __init__(self, pruner: Pruner, metrics: Metrics, *, busy: Callable[[], bool],
                 owned: Callable[[], Collection[int]], rule_windows: Callable[[], Mapping[str, int]],
                 clock: Callable[[], float] = time.time) -> None:
        self.pruner = pruner
        self.metrics = metrics
        self.busy = busy  # rebalancing or recovering, or a batch between its marker and entry writes
        self.owned = owned  # matches partitions assigned to this worker
        self.rule_windows = rule_windows  # rule id -> window_seconds of the rules loaded now
        self.clock = clock

    def run(self) -> PruneResult | None:
        """One pass; None when skipped (busy) or failed (logged; the next pass retries)."""
        if self.busy():
            return None
        try:
            result = self.pruner.prune(self.owned(), self.rule_windows(), self.clock())
        except Exception:  # noqa: BLE001 - the next pass retries; matches keep flowing meanwhile
            log.exception("suppression state expiry failed")
            return None
        self.metrics.suppression_expiry(result.pruned, result.entries)
        if result.pruned:
            log.info("suppression state: %d expired events dropped, %d kept", result.pruned, result.entries)
        return result
