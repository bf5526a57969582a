"""Expiry of suppression state: which events can no longer be updated, and dropping them.

The suppression table keeps one entry per event (rule id + suppression key, see
``streams.alerts.suppression``). Without expiry every event ever seen stays in the worker's memory
and in the table's changelog topic. An entry may go once a new match for its key would start a new
event anyway: the ``Suppressor`` starts a new event when a match's event time is at or after
``window_start + window``. That instant is the event's *end* (:func:`event_end`).

**Which clock.** The entries hold event times (the articles' ``published_at``), so "the window is
over" is a statement about event time, and the clock to compare it with is event time too: the
newest event time the partition has seen (its *watermark*, :func:`watermarks`), which we read off
the state itself, the largest ``last_seen`` of the partition's entries. An entry is dropped when

    watermark(partition) >= event_end(entry) + grace

that is, when a match that could still update the event would have to arrive more than ``grace``
seconds (of event time) behind the newest article of its partition. ``grace`` is the lateness we
tolerate: feeds polled minutes or hours late, the first poll of a feed publishing days of backlog,
``published_at`` values off by a time-zone offset (up to 14 h), a worker that was down and
catches up. Within that, a late or redelivered article still finds its event, is deduplicated by
its id and updates the event, exactly as without expiry.

Why not the wall clock: a worker that replays or catches up on old input (a backfill, hours of
backlog after an outage) would drop events whose matches are still waiting in the matches topic,
and those matches would start new events (a second ``new`` alert with another ``alert_id``).
Event time moves with the input, so a replay drops entries at the same points of the input. The
wall clock is only a guard: entries dated in the future (a bogus ``published_at``) do not advance
the watermark, so one such article cannot make the whole partition's state expire.

Consequences, all documented in docs/reliability.md: a partition that receives no matches keeps
its entries (it does not grow either); a match more than ``grace`` late starts a new event where it
would have updated the old one, and whether it does can depend on whether the timer already ran,
so only matches within ``grace`` of their partition's watermark are guaranteed the deterministic
outcome; an entry dated in the future stays until its own time comes.

Events of rules that keep state for ever (``window: 0`` with a key: one alert per key, then only
updates) never expire. Entries without a suppression key (``rule|article:<id>``, one event per
article) only ever see their own article again, as a redelivery: they are kept for ``grace`` and
then dropped; a redelivery after that repeats the identical ``new`` alert (same ``alert_id`` and
revision, which subscribers drop as a repeat) when the article has a ``published_at``.

The rule's window is the larger of the one stored in the entry (``window_seconds``, written by the
``Suppressor``) and the one of the rule as loaded now (a reload that widens a window keeps the
events it would still update).

The ``ArticleSeen`` markers of an event (``suppression.article_key``) go with it: a marker whose
event is gone, or whose event key now holds another event (a later window), is dropped in the same
pass. Values that are not a ``SuppressionEntry`` (written by a development version, or corrupt)
are dropped too: the Suppressor does not read them either.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aiokafka.partitioner import murmur2

from streams.alerts.suppression import ArticleSeen, SuppressionEntry, event_key_of

log = logging.getLogger(__name__)


def rule_of(key: str) -> str:
    """Rule id of a state key (``rule|suppression key``, see ``suppression.state_key``)."""
    return key.split("|", 1)[0]


def event_end(entry: SuppressionEntry, rule_window: int | None = None) -> float | None:
    """Event time from which a match for the entry's key starts a new event instead of updating it.

    ``rule_window`` is the window of the rule as loaded now (None: the rule is not loaded).
    None means never (``window: 0`` with a suppression key).
    """
    windows = [entry.window_seconds] + ([rule_window] if rule_window is not None else [])
    window = 0 if 0 in windows else max(windows)  # 0 in either: the Suppressor never expires it
    if window == 0 and entry.keyed:
        return None
    return entry.window_start + window


def expired(entry: SuppressionEntry, now: float, grace: float, rule_window: int | None = None) -> bool:
    """True when the entry can go: ``now`` (the partition's watermark) >= its event's end + grace."""
    end = event_end(entry, rule_window)
    return end is not None and now >= end + grace


def watermarks(entries: Iterable[tuple[int, SuppressionEntry]], wall: float) -> dict[int, float]:
    """Newest event time per partition: the largest ``last_seen`` not after the wall clock ``wall``.

    ``entries`` are (partition, entry) pairs. A partition without an entry has no watermark
    (nothing there expires).
    """
    marks: dict[int, float] = {}
    for partition, entry in entries:
        seen = entry.last_seen
        if seen > wall:
            continue
        if seen > marks.get(partition, float("-inf")):
            marks[partition] = seen
    return marks


def expired_keys(entries: Iterable[tuple[str, int, Any]], *, grace: float, wall: float,
                 rule_windows: Mapping[str, int]) -> list[tuple[str, int]]:
    """(key, partition) of every expired event, then of every marker left without its event, among
    (key, partition, JSON value) triples of one store.

    The pure decision behind :class:`TablePruner`; ``rule_windows`` maps the loaded rules' ids to
    their ``window_seconds``.
    """
    events: list[tuple[str, int, SuppressionEntry]] = []
    markers: list[tuple[str, int, ArticleSeen | None, str]] = []
    unreadable: list[tuple[str, int]] = []
    for key, partition, value in entries:
        parent = _event_key(key)
        if parent is not None:
            markers.append((key, partition, _seen(value), parent))
        else:
            entry = _entry(value)
            if entry is not None:
                events.append((key, partition, entry))
            else:
                unreadable.append((key, partition))
    marks = watermarks(((p, e) for _, p, e in events), wall)
    out = []
    alive: dict[str, str] = {}
    for key, partition, entry in events:
        now = marks.get(partition)
        if now is not None and expired(entry, now, grace, rule_windows.get(rule_of(key))):
            out.append((key, partition))
        else:
            alive[key] = entry.alert_id
    for key, partition, seen, parent in markers:
        if seen is None or alive.get(parent) != seen.event:
            out.append((key, partition))
    return out + unreadable  # no version reads them: the Suppressor starts such an event again


def partition_for_key(key: str, partitions: int) -> int:
    """Partition of a state key: the worker keys the matches topic by ``state_key(match).encode()``
    and the producer's default partitioner (murmur2, as in the Java client) places it; the table
    writes each key (an event's markers too) to the changelog partition of the match that set it."""
    return (murmur2((_event_key(key) or key).encode()) & 0x7FFFFFFF) % partitions


@dataclass(frozen=True)
class PruneResult:
    pruned: int  # events deleted (each with a tombstone on the changelog, and their markers)
    entries: int  # events left in the partitions this worker owns


class TablePruner:
    """Drops expired events and their article markers from the worker's suppression tables.

    ``tables`` are the Faust tables of the state (``suppression``, and ``suppression-articles``
    for the markers); they are pruned as one store. Call :meth:`prune` from a Faust timer, outside
    any stream, and not while a batch of matches is between its marker writes and its entry writes
    (``MatchSuppressor.writing``: the markers of a new event, or of a key's new window, would be
    taken for orphans and dropped, and a redelivery of their articles counted them again); a match
    that was decided against an entry before it was pruned writes it back, which is right. Faust's ``del table[key]`` needs the current event's partition, which a timer does not
    have, so the pruner deletes the key from the table's store and sends the tombstone to the key's
    changelog partition itself. Only partitions this worker owns are touched: the in-memory store
    may still hold keys of partitions revoked in a rebalance, and a tombstone for those would
    delete another worker's live event on its next recovery.
    """

    def __init__(self, tables: Any, partitions: int, grace: float) -> None:
        self.tables = list(tables) if isinstance(tables, (list, tuple)) else [tables]
        self.partitions = partitions
        self.grace = grace
        self._partition_of: dict[str, int] = {}  # murmur2 costs ~10 µs per key: once per key

    def partition_of(self, key: str) -> int:
        p = self._partition_of.get(key)
        if p is None:
            p = self._partition_of[key] = partition_for_key(key, self.partitions)
        return p

    def prune(self, owned: Collection[int], rule_windows: Mapping[str, int], wall: float) -> PruneResult:
        owned = set(owned)
        table_of: dict[str, Any] = {}
        mine = []
        for table in self.tables:
            for key in list(table.data.keys()):
                if not isinstance(key, str):
                    continue
                table_of[key] = table
                partition = self.partition_of(key)
                if partition in owned:
                    mine.append((key, partition, table.data.get(key)))
        for gone in self._partition_of.keys() - table_of.keys():
            del self._partition_of[gone]
        doomed = expired_keys(mine, grace=self.grace, wall=wall, rule_windows=rule_windows)
        events_pruned = 0
        for key, partition in doomed:
            table = table_of[key]
            store = table.data
            store.pop(key, None)
            table.send_changelog(partition, key, None, value_serializer="raw")
            self._partition_of.pop(key, None)
            key_partition = getattr(store, "_key_partition", None)  # memory store: keys from recovery
            if isinstance(key_partition, dict):
                key_partition.pop(key, None)
            events_pruned += _event_key(key) is None
        events = sum(1 for key, _, value in mine if _event_key(key) is None and _entry(value) is not None)
        return PruneResult(pruned=events_pruned, entries=events - events_pruned)


def _event_key(key: str) -> str | None:
    try:
        return event_key_of(key)
    except (ValueError, TypeError):
        return None


def _entry(value: Any) -> SuppressionEntry | None:
    if not isinstance(value, Mapping):
        return None
    try:
        return SuppressionEntry.from_json(value)
    except (KeyError, TypeError, ValueError):
        return None


def _seen(value: Any) -> ArticleSeen | None:
    if not isinstance(value, Mapping):
        return None
    try:
        return ArticleSeen.from_json(value)
    except (KeyError, TypeError, ValueError):
        return None
