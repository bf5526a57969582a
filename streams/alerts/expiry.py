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
events it would still update; entries written before ``window_seconds`` was stored use the rule's).
An entry whose window is known from neither (an old entry of a rule that was removed) is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aiokafka.partitioner import murmur2

log = logging.getLogger(__name__)

def rule_of(key: str) -> str:
    """Rule id of a state key (``rule|suppression key``, see ``suppression.state_key``)."""
    return key.split("|", 1)[0]


def is_keyed(entry: Mapping[str, Any], key: str) -> bool:
    """Whether the event has a suppression key (else it is one article's: ``rule|article:<id>``)."""
    keyed = entry.get("keyed")
    if keyed is not None:
        return bool(keyed)
    return not key.split("|", 1)[-1].startswith("article:")  # entries written before "keyed"


def event_end(entry: Mapping[str, Any], key: str, rule_window: int | None = None) -> float | None:
    """Event time from which a match for ``key`` starts a new event instead of updating this one.

    ``rule_window`` is the window of the rule as loaded now (None: the rule is not loaded).
    None means never (``window: 0`` with a suppression key) or unknown (no window stored, rule not
    loaded): such entries are kept.
    """
    windows = [int(w) for w in (entry.get("window_seconds"), rule_window) if w is not None]
    if not windows:
        return None
    window = 0 if 0 in windows else max(windows)  # 0 in either: the Suppressor never expires it
    if window == 0 and is_keyed(entry, key):
        return None
    return float(entry["window_start"]) + window


def expired(entry: Mapping[str, Any], key: str, now: float, grace: float,
            rule_window: int | None = None) -> bool:
    """True when the entry can go: ``now`` (the partition's watermark) >= its event's end + grace."""
    end = event_end(entry, key, rule_window)
    return end is not None and now >= end + grace


def watermarks(entries: Iterable[tuple[int, Mapping[str, Any]]], wall: float) -> dict[int, float]:
    """Newest event time per partition: the largest ``last_seen`` not after the wall clock ``wall``.

    ``entries`` are (partition, entry) pairs. A partition without a usable entry has no watermark
    (nothing there expires).
    """
    marks: dict[int, float] = {}
    for partition, entry in entries:
        seen = _number(entry.get("last_seen"))
        if seen is None or seen > wall:
            continue
        if seen > marks.get(partition, float("-inf")):
            marks[partition] = seen
    return marks


def expired_keys(entries: Iterable[tuple[str, int, Mapping[str, Any]]], *, grace: float, wall: float,
                 rule_windows: Mapping[str, int]) -> list[tuple[str, int]]:
    """(key, partition) of every expired entry among (key, partition, entry) triples.

    The pure decision behind :class:`TablePruner`; ``rule_windows`` maps the loaded rules' ids to
    their ``window_seconds``.
    """
    items = [(k, p, e) for k, p, e in entries if _usable(e)]
    marks = watermarks(((p, e) for _, p, e in items), wall)
    out = []
    for key, partition, entry in items:
        now = marks.get(partition)
        if now is not None and expired(entry, key, now, grace, rule_windows.get(rule_of(key))):
            out.append((key, partition))
    return out


def partition_for_key(key: str, partitions: int) -> int:
    """Partition of a state key: the worker keys the matches topic by ``state_key(match).encode()``
    and the producer's default partitioner (murmur2, as in the Java client) places it; the table
    writes each key to the changelog partition of the match that set it."""
    return (murmur2(key.encode()) & 0x7FFFFFFF) % partitions


@dataclass(frozen=True)
class PruneResult:
    pruned: int  # entries deleted (each with a tombstone on the changelog)
    entries: int  # entries left in the partitions this worker owns


class TablePruner:
    """Drops expired entries from the worker's Faust table ``suppression``, tombstones included.

    Call :meth:`prune` from a Faust timer, outside any stream (the event loop runs it between two
    matches, so it never sees a half-written entry; a match that was decided against an entry
    before it was pruned writes it back, which is right). Faust's ``del table[key]`` needs the
    current event's partition, which a timer does not have, so the pruner deletes the key from the
    table's store and sends the tombstone to the key's changelog partition itself. Only partitions
    this worker owns are touched: the in-memory store may still hold keys of partitions revoked
    in a rebalance, and a tombstone for those would delete another worker's live event on its
    next recovery.
    """

    def __init__(self, table: Any, partitions: int, grace: float) -> None:
        self.table = table
        self.partitions = partitions
        self.grace = grace
        self._partition_of: dict[str, int] = {}  # murmur2 costs ~10 µs per key: once per key

    def partition_of(self, key: str) -> int:
        p = self._partition_of.get(key)
        if p is None:
            p = self._partition_of[key] = partition_for_key(key, self.partitions)
        return p

    def prune(self, owned: Collection[int], rule_windows: Mapping[str, int], wall: float) -> PruneResult:
        store = self.table.data
        keys = set(store.keys())
        for gone in self._partition_of.keys() - keys:
            del self._partition_of[gone]
        owned = set(owned)
        mine = []
        for key in keys:
            if not isinstance(key, str):
                continue
            partition = self.partition_of(key)
            if partition in owned:
                mine.append((key, partition, store.get(key)))
        doomed = expired_keys(mine, grace=self.grace, wall=wall, rule_windows=rule_windows)
        key_partition = getattr(store, "_key_partition", None)  # memory store: keys from recovery
        for key, partition in doomed:
            store.pop(key, None)
            self.table.send_changelog(partition, key, None, value_serializer="raw")
            self._partition_of.pop(key, None)
            if isinstance(key_partition, dict):
                key_partition.pop(key, None)
        return PruneResult(pruned=len(doomed), entries=len(mine) - len(doomed))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _usable(entry: Any) -> bool:
    return isinstance(entry, Mapping) and _number(entry.get("window_start")) is not None
