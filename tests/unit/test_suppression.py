"""Cross-article suppression: one alert per event, then updates; replays change nothing."""

from __future__ import annotations

import json

from streams.alerts.identity import alert_id
from streams.alerts.suppression import (
    ArticleSeen,
    SuppressionEntry,
    Suppressor,
    article_key,
    standalone_alert,
)
from streams.models import ArticleRef, Evidence, Match


def _match(killed: int, article: str, key: str = "civilian-casualties:city:UA-Kharkiv", window: int = 86400,
           min_articles: int = 1) -> Match:
    return Match(
        rule_id="civilian-casualties",
        rule_version="v1",
        severity="high",
        tags=("civilian-casualties",),
        title="Civilians killed in Kharkiv",
        summary="",
        facts={"location": {"id": "city:kharkiv", "name": "Kharkiv", "country": "UA"},
               "killed": {"value": killed, "min": killed, "max": killed, "counted": "people"}},
        evidence=(Evidence("Four people were killed.", 0, 25),),
        suppression_key=key,
        window_seconds=window,
        min_articles=min_articles,
        article_id=article,
    )


def test_first_report_is_new_then_updates_escalate_counts() -> None:
    state: dict = {}
    s = Suppressor(state, "test")
    first = s.observe(_match(4, "a1"), ArticleRef("a1", source="wire-a"), 1000.0)
    second = s.observe(_match(6, "a2"), ArticleRef("a2", source="wire-b"), 1300.0)
    third = s.observe(_match(5, "a3"), ArticleRef("a3"), 1400.0)
    assert first.alert is not None and first.alert.status == "new" and first.alert.revision == 1
    assert second.alert is not None and second.alert.status == "update" and second.alert.revision == 2
    assert second.alert.alert_id == first.alert.alert_id
    assert second.alert.corroboration == 2
    assert second.alert.facts["killed"]["value"] == 6  # escalated 4 -> 6
    assert third.alert is not None and third.alert.facts["killed"]["value"] == 6  # never de-escalates
    assert [a.id for a in third.alert.articles] == ["a1", "a2", "a3"]
    assert third.alert.first_seen < third.alert.last_seen


def test_redelivered_article_emits_nothing() -> None:
    s = Suppressor({}, "test")
    assert s.observe(_match(4, "a1"), ArticleRef("a1"), 1000.0).alert is not None
    again = s.observe(_match(4, "a1"), ArticleRef("a1"), 1000.0)
    assert again.alert is None and again.reason == "duplicate_article"


def test_window_expiry_starts_a_new_event_with_a_new_id() -> None:
    s = Suppressor({}, "test")
    first = s.observe(_match(4, "a1", window=3600), ArticleRef("a1"), 1000.0).alert
    later = s.observe(_match(4, "a2", window=3600), ArticleRef("a2"), 1000.0 + 3600).alert
    assert first is not None and later is not None
    assert later.status == "new" and later.alert_id != first.alert_id
    assert later.alert_id == alert_id("civilian-casualties", "civilian-casualties:city:UA-Kharkiv", 4600.0)


def test_aggregation_waits_for_min_articles() -> None:
    s = Suppressor({}, "test")
    outcomes = [s.observe(_match(1, f"a{i}", min_articles=3), ArticleRef(f"a{i}"), 1000.0 + i) for i in range(4)]
    assert [o.reason for o in outcomes] == ["below_threshold", "below_threshold", "new", "update"]
    assert outcomes[2].alert is not None and outcomes[2].alert.corroboration == 3


def test_replay_of_the_same_sequence_gives_identical_alerts() -> None:
    def run() -> list[dict]:
        s = Suppressor({}, "test")
        out = []
        for i, killed in enumerate([4, 6, 6]):
            alert = s.observe(_match(killed, f"a{i}"), ArticleRef(f"a{i}"), 1000.0 + i * 60).alert
            assert alert is not None
            out.append(alert.to_dict())
        return out

    assert run() == run()


def test_standalone_alert_ignores_min_articles_and_state() -> None:
    alert = standalone_alert(_match(4, "a1", min_articles=5), ArticleRef("a1"), 0.0, "test", now=99.0)
    assert alert.status == "new" and alert.corroboration == 1 and alert.article_id == "a1"


def test_undated_standalone_alert_has_a_stable_id_and_the_current_time() -> None:
    a = standalone_alert(_match(4, "a1"), ArticleRef("a1"), None, "test", now=1_800_000_000.0)
    b = standalone_alert(_match(4, "a1"), ArticleRef("a1"), None, "test", now=1_800_000_500.0)
    assert a.alert_id == b.alert_id
    assert a.detected_at.startswith("2027-01-15") and a.first_seen == a.detected_at


def test_matches_without_a_key_are_never_merged_across_articles() -> None:
    s = Suppressor({}, "test")
    a = s.observe(_match(4, "a1", key=""), ArticleRef("a1"), 1000.0).alert
    b = s.observe(_match(4, "a2", key=""), ArticleRef("a2"), 1001.0).alert
    assert a is not None and b is not None
    assert a.status == b.status == "new" and a.alert_id != b.alert_id


# ---- updated articles (issue 16, item 4) and the typed state --------------------------------------

def test_an_updated_article_updates_its_event_without_counting_twice() -> None:
    s = Suppressor({}, "test")
    first = s.observe(_match(4, "a1"), ArticleRef("a1", title="4 killed"), 1000.0, content="v1")
    other = s.observe(_match(4, "a2"), ArticleRef("a2"), 1100.0, content="w1")
    # the same article id published again: the death toll rises from 4 to 40
    updated = s.observe(_match(40, "a1"), ArticleRef("a1", title="40 killed"), 1200.0, content="v2")
    assert first.alert is not None and other.alert is not None
    assert updated.reason == "update" and updated.alert is not None
    alert = updated.alert
    assert (alert.alert_id, alert.revision, alert.corroboration) == (first.alert.alert_id, 3, 2)
    assert alert.facts["killed"]["value"] == 40
    assert [(a.id, a.title) for a in alert.articles] == [("a1", "40 killed"), ("a2", None)]  # a1 keeps its place
    # an exact duplicate of the update is a no-op, so is an edit that brings nothing new
    assert s.observe(_match(40, "a1"), ArticleRef("a1"), 1200.0, content="v2").reason == "duplicate_article"
    assert s.observe(_match(40, "a1"), ArticleRef("a1"), 1300.0, content="v3").reason == "unchanged_article"
    assert s.observe(_match(7, "a1"), ArticleRef("a1"), 1300.0, content="v4").alert is None  # never de-escalates


def test_the_state_is_typed_json_without_article_ids_beyond_the_alerts_references() -> None:
    state: dict = {}
    s = Suppressor(state, "test")
    for i in range(40):
        last = s.observe(_match(4, f"a{i}"), ArticleRef(f"a{i}", title=f"t{i}"), 1000.0 + i, content=f"c{i}")
    key = "civilian-casualties|civilian-casualties:city:UA-Kharkiv"
    entry = SuppressionEntry.from_json(state[key])
    assert entry.to_json() == state[key]
    assert json.loads(json.dumps(state[key])) == state[key]
    assert entry.corroboration == 40 and entry.revision == 40 and entry.last_article == "a39"
    assert "a0" not in json.dumps(state[key])  # constant size: one article id
    assert last.alert is not None
    assert [(a.id, a.title) for a in last.alert.articles] == [(f"a{i}", f"t{i}") for i in range(15, 40)]
    assert ArticleSeen.from_json(state[article_key(key, "a1")]) == ArticleSeen(
        entry.alert_id, "c1", ArticleRef("a1", title="t1"), "a0", counted_at=2)


def test_a_marker_whose_event_entry_was_lost_counts_its_article_once() -> None:
    """kill -9 between the marker's changelog write and the entry's (markers go first): the replay
    finds the marker but the older entry, and counts the article again, once, with the same alert."""
    state: dict = {}
    s = Suppressor(state, "test")
    key = "civilian-casualties|civilian-casualties:city:UA-Kharkiv"
    s.observe(_match(4, "a0"), ArticleRef("a0"), 1000.0, content="c0")
    before = dict(state)  # what the changelog held when the worker was killed
    first = s.observe(_match(5, "a1"), ArticleRef("a1"), 1001.0, content="c1")
    lost_entry = dict(state)
    lost_entry[key] = before[key]  # the marker of a1 was written, its event entry was not
    replay = Suppressor(lost_entry, "test").observe(_match(5, "a1"), ArticleRef("a1"), 1001.0, content="c1")
    assert first.alert is not None and replay.alert is not None
    assert replay.alert.to_dict() | {"detected_at": ""} == first.alert.to_dict() | {"detected_at": ""}
    assert SuppressionEntry.from_json(lost_entry[key]).corroboration == 2
    # and with both written, the same match again is a duplicate, not a third article
    assert Suppressor(lost_entry, "test").observe(_match(5, "a1"), ArticleRef("a1"), 1001.0, content="c1").alert is None


def test_an_entry_this_version_cannot_read_starts_its_event_again_instead_of_failing() -> None:
    key = "civilian-casualties|civilian-casualties:city:UA-Kharkiv"
    state: dict = {key: {"alert_id": "x", "article_ids": ["a0"], "window_start": 1000.0}}
    outcome = Suppressor(state, "test").observe(_match(4, "a1"), ArticleRef("a1"), 1000.0, content="c")
    assert outcome.alert is not None and outcome.alert.status == "new"
    assert SuppressionEntry.from_json(state[key]).corroboration == 1


def test_marker_keys_name_their_event_unambiguously() -> None:
    from streams.alerts.suppression import event_key_of

    for event, article in [("r|k", "a1"), ("r|k:1", "2"), ("r|k", ":12"), ("r|", ""), ("r|ü~", "~5:x")]:
        assert event_key_of(article_key(event, article)) == event
    assert article_key("r|k:1", "2") != article_key("r|k", ":12")
    assert event_key_of("r|k") is None
