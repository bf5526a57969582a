"""What a subscriber must see after a fault: checks over the alerts read from the alerts topic.

The expectation comes from the in-process pipeline (``EventCorpus``): per event (rule id +
suppression key) the set of articles that match it. Under at-least-once delivery a subscriber may
see a message twice, but only as the same (alert_id, revision) with the same content.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from tests.faults.events import EventCorpus


def event_of(alert: dict[str, Any]) -> tuple[str, str]:
    return alert["rule_id"], alert["suppression_key"] or f"article:{alert['article_id']}"


def canonical(alert: dict[str, Any]) -> str:
    return json.dumps(alert, sort_keys=True, ensure_ascii=False)


def progress(corpus: EventCorpus, alerts: list[dict[str, Any]]) -> tuple[int, int]:
    """(articles whose every expected event counted them, articles in the corpus)."""
    best: dict[tuple[str, str], int] = defaultdict(int)
    triggered: dict[tuple[str, str], set[str]] = defaultdict(set)
    for a in alerts:
        key = event_of(a)
        best[key] = max(best[key], int(a["corroboration"]))
        triggered[key].add(a["article_id"])
    events = corpus.alerting_events()
    done = 0
    for article in corpus.articles:
        keys = [k for k in corpus.keys_of[article["id"]] if k in events]
        if all(article["id"] in triggered[k] or best[k] >= len(events[k]) for k in keys):
            done += 1
    return done, len(corpus.articles)


def complete(corpus: EventCorpus, alerts: list[dict[str, Any]]) -> bool:
    """True once every alerting event's alert counts all of its articles."""
    best: dict[tuple[str, str], int] = defaultdict(int)
    for a in alerts:
        key = event_of(a)
        best[key] = max(best[key], int(a["corroboration"]))
    return all(best[k] >= len(ids) for k, ids in corpus.alerting_events().items())


def problems(corpus: EventCorpus, alerts: list[dict[str, Any]], *, extra_rules: frozenset[str] = frozenset()
             ) -> list[str]:
    """Everything a deduplicating subscriber would notice; empty when delivery was correct.

    ``extra_rules``: rule ids added during the test (reload), whose alerts are not in the corpus.
    """
    found: list[str] = []
    events = corpus.alerting_events()
    by_event: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for a in alerts:
        if a["rule_id"] in extra_rules:
            continue
        by_event[event_of(a)].append(a)

    unexpected = sorted(set(by_event) - set(events))
    if unexpected:
        found.append(f"alerts for {len(unexpected)} unexpected events, e.g. {unexpected[:3]}")
    missing = sorted(set(events) - set(by_event))
    if missing:
        found.append(f"no alert at all for {len(missing)} of {len(events)} events, e.g. {missing[:3]}")

    # (alert_id, revision) identifies one message: a redelivery must be byte-identical
    contents: dict[tuple[str, int], set[str]] = defaultdict(set)
    for a in alerts:
        contents[(a["alert_id"], int(a["revision"]))].add(canonical(a))
    conflicting = [k for k, v in contents.items() if len(v) > 1]
    if conflicting:
        found.append(f"{len(conflicting)} (alert_id, revision) pairs arrived with different content, "
                     f"e.g. {conflicting[:3]}")

    for key, ids in sorted(events.items()):
        got = by_event.get(key, [])
        if not got:
            continue
        alert_ids = {a["alert_id"] for a in got}
        if len(alert_ids) != 1:
            found.append(f"event {key}: {len(alert_ids)} different alert_ids (a deduplicating "
                         f"subscriber sees it {len(alert_ids)} times)")
        revisions = {int(a["revision"]) for a in got}
        top = max(revisions)
        if revisions != set(range(1, top + 1)):
            lost = sorted(set(range(1, top + 1)) - revisions)
            found.append(f"event {key}: revisions {lost[:10]} never arrived (of 1..{top})")
        corroboration = max(int(a["corroboration"]) for a in got)
        if corroboration != len(ids):
            found.append(f"event {key}: final corroboration {corroboration}, expected {len(ids)} articles")
        triggers = {a["article_id"] for a in got}
        if not triggers <= ids:
            found.append(f"event {key}: alerts triggered by articles that do not match it: "
                         f"{sorted(triggers - ids)[:5]}")
        if corpus.min_articles.get(key, 1) == 1 and triggers != ids:
            found.append(f"event {key}: no alert message triggered by {len(ids - triggers)} of its "
                         f"{len(ids)} articles, e.g. {sorted(ids - triggers)[:5]}")
    return found


def duplicates(alerts: list[dict[str, Any]]) -> int:
    """Messages that repeat an (alert_id, revision) already seen (harmless redeliveries)."""
    seen: set[tuple[str, int]] = set()
    dup = 0
    for a in alerts:
        k = (a["alert_id"], int(a["revision"]))
        dup += k in seen
        seen.add(k)
    return dup


def locate_losses(corpus: EventCorpus, alerts: list[dict[str, Any]], bootstrap: str, matches_topic: str) -> str:
    """For articles whose event never counted them: is their match in the internal matches topic
    (lost in suppression) or not (lost before it)? A diagnostic for failure messages."""
    from tests.conftest import consume_until

    triggered: dict[tuple[str, str], set[str]] = defaultdict(set)
    for a in alerts:
        triggered[event_of(a)].add(a["article_id"])
    missing = sorted(i for k, ids in corpus.alerting_events().items() for i in ids - triggered[k])
    envelopes = consume_until(bootstrap, matches_topic, lambda v: False, timeout=8)
    in_topic: dict[str, int] = defaultdict(int)
    for e in envelopes:
        in_topic[e["article"]["id"]] += 1
    return "no revision triggered by: " + ", ".join(
        f"{i} (matches in topic: {in_topic.get(i, 0)})" for i in missing[:10])
