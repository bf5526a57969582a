"""Cross-article suppression and aggregation, as a pure state machine over a mapping.

The worker passes a Faust table as ``state`` (so the state survives restarts through the table's
changelog); ``newsalert check`` and the unit tests pass a plain dict. One state entry per event:
rule id + filled suppression key. Within the window the first article that brings the event over
``min_articles`` emits a ``new`` alert; each further distinct article emits an ``update`` with the
corroboration count raised and counts escalated. A redelivered article (same id) emits nothing,
so at-least-once redelivery after a crash does not duplicate alerts.

Entries whose event can no longer be updated are dropped by the worker
(``streams.alerts.expiry``); a match for a dropped key starts a new event, as for an expired window.

Alert content is a function of the matches and their event times only (no wall clock), so a
replay of the same input produces byte-identical alerts.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, replace
from typing import Any

from streams.alerts.facts import merge_facts
from streams.alerts.identity import alert_id, iso
from streams.models import Alert, ArticleRef, Match

MAX_ARTICLES_KEPT = 25  # article references carried in an alert; corroboration still counts all
MAX_IDS_KEPT = 2_000  # article ids remembered per event for redelivery detection


@dataclass(frozen=True)
class Outcome:
    alert: Alert | None
    reason: str  # new | update | duplicate_article | below_threshold


def state_key(match: Match) -> str:
    key = match.suppression_key or f"article:{match.article_id}"
    return f"{match.rule_id}|{key}"


class Suppressor:
    """Decides, per rule match, whether subscribers get a new alert, an update, or nothing.

    ``observe`` is called once per match, in the order the matches arrive for their key (the
    worker keys the matches topic by suppression key, so one key's matches are in one partition).
    """

    def __init__(self, state: MutableMapping[str, Any], pipeline_version: str) -> None:
        self.state = state
        self.pipeline_version = pipeline_version

    def observe(self, match: Match, article: ArticleRef, event_time: float) -> Outcome:
        key = state_key(match)
        entry: dict[str, Any] | None = self.state.get(key)
        window = match.window_seconds
        # window 0 with a key: the event never expires (one alert per key, then updates)
        expired = entry is None or (window > 0 and event_time >= entry["window_start"] + window)
        if expired:
            entry = {
                "alert_id": alert_id(match.rule_id, match.suppression_key or key, event_time),
                "window_start": event_time,
                "first_seen": event_time,
                "last_seen": event_time,
                "article_ids": [],
                "articles": [],
                "corroboration": 0,
                "facts": {},
                "revision": 0,
            }
        assert entry is not None
        if article.id in entry["article_ids"]:
            return Outcome(None, "duplicate_article")
        entry = dict(entry)
        # what streams.alerts.expiry needs to tell when the event can no longer be updated
        entry["window_seconds"] = window
        entry["keyed"] = bool(match.suppression_key)
        entry["article_ids"] = (entry["article_ids"] + [article.id])[-MAX_IDS_KEPT:]
        entry["articles"] = (entry["articles"] + [article.to_dict()])[-MAX_ARTICLES_KEPT:]
        entry["corroboration"] += 1
        entry["first_seen"] = min(entry["first_seen"], event_time)
        entry["last_seen"] = max(entry["last_seen"], event_time)
        entry["facts"], _escalated = merge_facts(entry["facts"], match.facts)
        # an alert carries its own article's evidence; the state keeps none (bytes on every
        # changelog write; entries written by older versions lose theirs on their next update)
        entry.pop("evidence", None)
        if entry["corroboration"] < max(1, match.min_articles):
            self.state[key] = entry
            return Outcome(None, "below_threshold")
        entry["revision"] += 1
        self.state[key] = entry
        status = "new" if entry["revision"] == 1 else "update"
        return Outcome(self._alert(match, article, entry, event_time, status), status)

    def _alert(self, match: Match, article: ArticleRef, entry: dict[str, Any], event_time: float,
               status: str) -> Alert:
        facts = entry["facts"]
        # evidence of this alert message: the triggering article's own evidence (its offsets refer
        # to that article's text), earlier articles' evidence stays in the state
        return Alert(
            alert_id=entry["alert_id"],
            status=status,
            revision=entry["revision"],
            rule_id=match.rule_id,
            rule_version=match.rule_version,
            severity=match.severity,
            tags=match.tags,
            title=match.title,
            summary=match.summary,
            facts=facts,
            evidence=match.evidence,
            article_id=article.id,
            articles=tuple(ArticleRef(**a) for a in entry["articles"]),
            corroboration=entry["corroboration"],
            suppression_key=match.suppression_key,
            first_seen=iso(entry["first_seen"]),
            last_seen=iso(entry["last_seen"]),
            detected_at=iso(event_time),
            pipeline_version=self.pipeline_version,
            topics=match.topics,
        )


def standalone_alert(match: Match, article: ArticleRef, event_time: float | None, pipeline_version: str,
                     *, now: float) -> Alert:
    """The alert one article gives on its own (``newsalert check``: no state across articles).

    An undated article (``event_time`` None) gets its alert id from window start 0, so the id stays
    deterministic, and ``now`` as its first/last seen and detection time."""
    single = Match(**{**{f: getattr(match, f) for f in match.__dataclass_fields__}, "min_articles": 1})
    outcome = Suppressor({}, pipeline_version).observe(single, article, event_time if event_time is not None else 0.0)
    assert outcome.alert is not None
    alert = outcome.alert
    if event_time is None:
        stamp = iso(now)
        alert = replace(alert, first_seen=stamp, last_seen=stamp, detected_at=stamp)
    return alert


