"""Expiry of suppression state: which events may go, per partition, in event time."""

from __future__ import annotations

from typing import Any

import pytest
from aiokafka.partitioner import DefaultPartitioner

from streams.alerts.expiry import (
    TablePruner,
    event_end,
    expired,
    expired_keys,
    partition_for_key,
    watermarks,
)
from streams.alerts.identity import alert_id
from streams.alerts.suppression import SuppressionEntry, Suppressor, article_key, state_key
from streams.config import Settings
from streams.models import ArticleRef, Evidence, Match

HOUR = 3600
DAY = 24 * HOUR
T0 = 1_764_000_000.0  # some event time (2025-11-24)
WALL = T0 + 365 * DAY  # the wall clock is far ahead: only the partition's event time decides


def _match(article: str, key: str = "civilian-casualties:UA:city:kharkiv", window: int = DAY,
           rule: str = "civilian-casualties") -> Match:
    return Match(
        rule_id=rule, rule_version="v1", severity="high", tags=(rule,), title="t", summary="",
        facts={"killed": {"value": 4, "min": 4, "max": 4, "counted": "people"}},
        evidence=(Evidence("Four people were killed.", 0, 25),),
        suppression_key=key, window_seconds=window, article_id=article,
    )


def _entry(start: float, window: int = DAY, *, last: float | None = None, keyed: bool = True) -> SuppressionEntry:
    return SuppressionEntry(alert_id=f"id-{start}", window_start=start, window_seconds=window, keyed=keyed,
                            first_seen=start, last_seen=start if last is None else last)


def _json(start: float, **kw: Any) -> dict[str, Any]:
    return _entry(start, **kw).to_json()


# ---- the decision ---------------------------------------------------------------------------

def test_entry_is_kept_inside_window_plus_grace_and_dropped_after() -> None:
    e = _entry(T0)
    grace = 2 * HOUR
    assert event_end(e) == T0 + DAY
    assert not expired(e, T0 + DAY - 1, grace)           # window still open
    assert not expired(e, T0 + DAY + grace - 0.001, grace)  # window over, grace not
    assert expired(e, T0 + DAY + grace, grace)            # from here a match starts a new event
    assert expired(e, T0 + 10 * DAY, grace)


def test_the_wider_of_stored_and_loaded_window_counts() -> None:
    e = _entry(T0, window=HOUR)
    assert event_end(e, rule_window=DAY) == T0 + DAY   # reload widened the window
    assert event_end(e, rule_window=60) == T0 + HOUR


def test_window_zero_with_a_key_never_expires_without_a_key_after_the_grace() -> None:
    keyed = _entry(T0, window=0, keyed=True)
    assert event_end(keyed) is None
    assert event_end(_entry(T0, window=DAY), rule_window=0) is None  # rule now window 0
    single = _entry(T0, window=0, keyed=False)
    assert event_end(single) == T0
    assert not expired(single, T0 + HOUR - 1, HOUR)
    assert expired(single, T0 + HOUR, HOUR)


def test_watermark_is_the_newest_last_seen_per_partition_not_after_the_wall_clock() -> None:
    entries = [(0, _entry(T0, last=T0 + 5)), (0, _entry(T0 + 1)), (1, _entry(T0 + 50)),
               (1, _entry(WALL + DAY)),  # dated in the future: ignored
               (2, _entry(WALL + 1))]
    assert watermarks(entries, WALL) == {0: T0 + 5, 1: T0 + 50}


def test_each_partition_expires_by_its_own_watermark() -> None:
    entries = [
        ("r|old-0", 0, _json(T0)),
        ("r|old-1", 1, _json(T0)),
        ("r|new-1", 1, _json(T0 + 3 * DAY)),  # partition 1 has moved on, partition 0 has not
        ("r|future", 1, _json(WALL + 10 * DAY)),
        ("r|bad", 1, {"window_start": "x"}),  # no version reads it: dropped
    ]
    doomed = expired_keys(entries, grace=HOUR, wall=WALL, rule_windows={})
    assert doomed == [("r|old-1", 1), ("r|bad", 1)]


def test_a_bogus_future_date_does_not_expire_the_partition() -> None:
    entries = [("r|live", 0, _json(T0)), ("r|bogus", 0, _json(T0 + 10_000 * DAY))]
    assert expired_keys(entries, grace=HOUR, wall=T0 + HOUR, rule_windows={}) == []


# ---- with the Suppressor ----------------------------------------------------------------------

def _prune(state: dict[str, Any], grace: float) -> list[str]:
    doomed = expired_keys(((k, 0, e) for k, e in state.items()), grace=grace, wall=WALL, rule_windows={})
    for key, _ in doomed:
        del state[key]
    return [k for k, _ in doomed]


def test_suppressor_stores_what_expiry_needs() -> None:
    state: dict[str, Any] = {}
    Suppressor(state, "test").observe(_match("a1"), ArticleRef("a1"), T0)
    Suppressor(state, "test").observe(_match("b1", key="", window=0), ArticleRef("b1"), T0)
    keyed = state[state_key(_match("a1"))]
    single = state[state_key(_match("b1", key=""))]
    assert (keyed["window_seconds"], keyed["keyed"]) == (DAY, True)
    assert (single["window_seconds"], single["keyed"]) == (0, False)


def test_within_the_grace_a_late_or_redelivered_article_still_finds_its_event() -> None:
    grace = 2 * HOUR
    state: dict[str, Any] = {}
    s = Suppressor(state, "test")
    first = s.observe(_match("a1"), ArticleRef("a1"), T0).alert
    # another event in the same partition moves the watermark past the window, not past the grace
    s.observe(_match("x1", key="other"), ArticleRef("x1"), T0 + DAY + grace - 1)
    assert _prune(state, grace) == []
    assert s.observe(_match("a1"), ArticleRef("a1"), T0).reason == "duplicate_article"
    late = s.observe(_match("a2"), ArticleRef("a2"), T0 + DAY - 1).alert  # published in the window
    assert first is not None and late is not None
    assert late.status == "update" and late.alert_id == first.alert_id and late.corroboration == 2


def test_dropped_event_then_a_match_starts_a_new_event_as_an_expired_window_does() -> None:
    grace = 2 * HOUR
    pruned: dict[str, Any] = {}
    kept: dict[str, Any] = {}  # the same input without expiry: the Suppressor's own window expiry
    for state in (pruned, kept):
        s = Suppressor(state, "test")
        s.observe(_match("a1"), ArticleRef("a1"), T0)
        s.observe(_match("a2"), ArticleRef("a2"), T0 + HOUR)
        s.observe(_match("x1", key="other"), ArticleRef("x1"), T0 + DAY + grace)
    key = state_key(_match("a1"))
    # the event goes with the markers of the articles it counted
    assert _prune(pruned, grace) == [key, article_key(key, "a1"), article_key(key, "a2")]
    assert _prune(pruned, grace) == []
    t = T0 + DAY + grace + 60
    after_prune = Suppressor(pruned, "test").observe(_match("a3"), ArticleRef("a3"), t).alert
    no_prune = Suppressor(kept, "test").observe(_match("a3"), ArticleRef("a3"), t).alert
    assert after_prune is not None and after_prune.status == "new" and after_prune.revision == 1
    assert after_prune.corroboration == 1
    assert after_prune.alert_id == alert_id("civilian-casualties", "civilian-casualties:UA:city:kharkiv", t)
    assert after_prune == no_prune
    assert pruned[key] == kept[key]


def test_markers_of_an_earlier_window_or_of_a_missing_event_are_dropped_others_kept() -> None:
    state: dict[str, Any] = {}
    s = Suppressor(state, "test")
    s.observe(_match("a1", window=HOUR), ArticleRef("a1"), T0)
    key = state_key(_match("a1"))
    s.observe(_match("a2", window=HOUR), ArticleRef("a2"), T0 + 2 * HOUR)  # a new window of the same key
    state[article_key("r|gone", "x")] = {"event": "e", "content": ""}
    assert sorted(_prune(state, 10 * DAY)) == sorted([article_key(key, "a1"), article_key("r|gone", "x")])
    assert set(state) == {key, article_key(key, "a2")}


def test_a_marker_lives_in_the_partition_of_its_event() -> None:
    key = "civilian-casualties|civilian-casualties:UA:city:kharkiv"
    for n in (2, 4, 7):
        assert partition_for_key(article_key(key, "a1"), n) == partition_for_key(key, n)


# ---- the table side ---------------------------------------------------------------------------

class _Store(dict[str, Any]):
    def __init__(self) -> None:
        super().__init__()
        self._key_partition: dict[str, int] = {}


class _Table:
    def __init__(self) -> None:
        self.data = _Store()
        self.sent: list[tuple[int | None, str, Any, str | None]] = []

    def send_changelog(self, partition: int | None, key: str, value: Any, key_serializer: str | None = None,
                       value_serializer: str | None = None) -> None:
        self.sent.append((partition, key, value, value_serializer))


def test_partition_is_the_producers_default_partitioner() -> None:
    part = DefaultPartitioner()
    for n in (1, 2, 4, 7):
        for key in ("civilian-casualties|civilian-casualties:UA:city:kharkiv", "r|article:a1", "ä|ö"):
            assert partition_for_key(key, n) == part(key.encode(), list(range(n)), list(range(n)))


def test_pruner_deletes_with_tombstones_in_owned_partitions_only() -> None:
    table = _Table()
    keys = [f"r|event-{i}" for i in range(40)]
    by_partition = {k: partition_for_key(k, 2) for k in keys}
    assert set(by_partition.values()) == {0, 1}
    for k in keys:
        table.data[k] = _json(T0)
    fresh = {p: next(k for k in keys if by_partition[k] == p) for p in (0, 1)}
    for k in fresh.values():
        table.data[k] = _json(T0 + 3 * DAY)  # moves both partitions' watermark
    table.data._key_partition.update(by_partition)  # Faust's memory store, for recovered keys

    pruner = TablePruner(table, partitions=2, grace=HOUR)
    result = pruner.prune({0}, rule_windows={}, wall=WALL)  # partition 1 belongs to another worker

    gone = [k for k in keys if by_partition[k] == 0 and k != fresh[0]]
    assert result.pruned == len(gone)
    assert result.entries == 1
    assert sorted(table.sent) == sorted((0, k, None, "raw") for k in gone)
    assert all(k not in table.data for k in gone)
    assert all(k in table.data for k in keys if by_partition[k] == 1)
    assert set(table.data._key_partition) == set(keys) - set(gone)
    again = pruner.prune({0}, rule_windows={}, wall=WALL)
    assert (again.pruned, again.entries) == (0, 1)
    assert len(table.sent) == len(gone)


@pytest.mark.parametrize("env, grace, interval", [({}, 86_400.0, 60.0),
                                                 ({"NEWSALERT_SUPPRESSION_GRACE_S": "1.5",
                                                   "NEWSALERT_SUPPRESSION_PRUNE_INTERVAL_S": "0.25"}, 1.5, 0.25)])
def test_settings(env: dict[str, str], grace: float, interval: float) -> None:
    s = Settings.from_env(env)
    assert (s.suppression_grace_s, s.suppression_prune_interval_s) == (grace, interval)
