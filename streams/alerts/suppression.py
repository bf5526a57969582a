"""Cross-article suppression and aggregation, as a pure state machine over a mapping.

The worker passes its suppression state as ``state`` (Faust tables, so the state survives restarts
through their changelogs); ``newsalert check`` and the unit tests pass a plain dict. The mapping
holds JSON values of two kinds, both typed here:

- one :class:`SuppressionEntry` per event, under its state key (rule id + filled suppression key,
  :func:`state_key`). Within the window the first article that brings the event over
  ``min_articles`` emits a ``new`` alert; each further distinct article emits an ``update`` with
  the corroboration count raised and counts escalated. The entry is rewritten on every update, so
  it is small and of constant size: no article references, only the id of the last article.
- one :class:`ArticleSeen` per (event, article), under :func:`article_key`, written once per
  article (again only when the article's content changes): the article's reference as alerts
  carry it, the hash of its content, and the id of the article counted before it. The references
  of an alert (the last ``MAX_ARTICLES_KEPT``) are read by following that chain from the entry's
  last article. A redelivered article (same id, same content) emits nothing, so at-least-once
  redelivery after a crash does not duplicate alerts.

**Updated articles.** The same article id published again with other content (a content hash,
``MatchEnvelope.content``) is evaluated again; its match updates the event it belongs to without
counting the article twice: its facts are merged (counts escalate: 4 killed -> 40 killed) and,
when that changes the event's facts, an ``update`` alert (revision + 1) is emitted; otherwise
nothing. An update whose new facts give another suppression key (a new place) belongs to another
event, where the article is new. An exact duplicate stays a no-op. docs/reliability.md.

Entries whose event can no longer be updated are dropped by the worker
(``streams.alerts.expiry``), with the event's ``ArticleSeen`` markers; a match for a dropped key
starts a new event, as for an expired window.

Alert content is a function of the matches and their event times only (no wall clock), so a
replay of the same input produces byte-identical alerts.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from typing import Any

from streams.alerts.facts import merge_facts
from streams.alerts.identity import alert_id, iso
from streams.models import Alert, ArticleRef, Match

MAX_ARTICLES_KEPT = 25  # article references carried in an alert; corroboration still counts all
ARTICLE_KEY_PREFIX = "~"  # rule ids never start with it (rule.schema.json): marker keys are told apart


@dataclass(frozen=True)
class Outcome:
    alert: Alert | None
    reason: str  # new | update | duplicate_article | unchanged_article | below_threshold


def state_key(match: Match) -> str:
    key = match.suppression_key or f"article:{match.article_id}"
    return f"{match.rule_id}|{key}"


def article_key(event_key: str, article_id: str) -> str:
    """State key of the ArticleSeen marker of ``article_id`` in the event ``event_key``:
    ``~<length of the event key>:<event key><article id>`` (unambiguous for any strings)."""
    return f"{ARTICLE_KEY_PREFIX}{len(event_key)}:{event_key}{article_id}"


def event_key_of(key: str) -> str | None:
    """The event key a marker key belongs to; None when ``key`` is an event key itself.
    Raises ValueError on a marker key this version did not write."""
    if not key.startswith(ARTICLE_KEY_PREFIX):
        return None
    length, sep, rest = key[len(ARTICLE_KEY_PREFIX):].partition(":")
    if not sep or not length.isdigit() or int(length) > len(rest):
        raise ValueError(f"not a marker key: {key[:80]!r}")
    return rest[:int(length)]


@dataclass
class SuppressionEntry:
    """The state of one event. ``window_seconds`` and ``keyed`` are what ``streams.alerts.expiry``
    needs to tell when the event can no longer be updated."""

    alert_id: str
    window_start: float
    window_seconds: int
    keyed: bool  # has a suppression key (else one article's event: ``rule|article:<id>``)
    first_seen: float
    last_seen: float
    corroboration: int = 0
    revision: int = 0
    facts: dict[str, Any] = field(default_factory=dict)
    last_article: str | None = None  # id of the last article counted (its ArticleSeen has the one before)

    def to_json(self) -> dict[str, Any]:
        return {"alert_id": self.alert_id, "window_start": self.window_start,
                "window_seconds": self.window_seconds, "keyed": self.keyed, "first_seen": self.first_seen,
                "last_seen": self.last_seen, "corroboration": self.corroboration, "revision": self.revision,
                "facts": self.facts, "last_article": self.last_article}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SuppressionEntry:
        """Raises KeyError, TypeError or ValueError on a value this version did not write."""
        return cls(alert_id=str(data["alert_id"]), window_start=_number(data["window_start"]),
                   window_seconds=int(data["window_seconds"]), keyed=bool(data["keyed"]),
                   first_seen=_number(data["first_seen"]), last_seen=_number(data["last_seen"]),
                   corroboration=int(data["corroboration"]), revision=int(data["revision"]),
                   facts=dict(data["facts"]),
                   last_article=None if data["last_article"] is None else str(data["last_article"]))


@dataclass(frozen=True)
class ArticleSeen:
    """One article counted by one event: the event's alert id (a marker left by an earlier window
    of the same key does not count), the hash of the article's content when it was last seen, its
    reference as alerts carry it, and the id of the article the event counted before it."""

    event: str
    content: str
    ref: ArticleRef
    prev: str | None = None
    # the event's corroboration once this article was counted: an event entry below it was never
    # written (a worker killed between the marker's changelog write and the entry's), so the
    # article is counted again rather than lost or counted twice (the marker is written first)
    counted_at: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"event": self.event, "content": self.content, "ref": self.ref.to_dict(), "prev": self.prev,
                "counted_at": self.counted_at}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ArticleSeen:
        prev = data["prev"]
        return cls(event=str(data["event"]), content=str(data["content"]), ref=ArticleRef(**data["ref"]),
                   prev=None if prev is None else str(prev), counted_at=int(data.get("counted_at", 0)))


class Suppressor:
    """Decides, per rule match, whether subscribers get a new alert, an update, or nothing.

    ``observe`` is called once per match, in the order the matches arrive for their key (the
    worker keys the matches topic by suppression key, so one key's matches are in one partition).
    """

    def __init__(self, state: MutableMapping[str, Any], pipeline_version: str) -> None:
        self.state = state
        self.pipeline_version = pipeline_version

    def observe(self, match: Match, article: ArticleRef, event_time: float, content: str = "") -> Outcome:
        """``content``: hash of the article's content (``MatchEnvelope.content``); "" when unknown."""
        key = state_key(match)
        entry = _read(SuppressionEntry, self.state.get(key))
        window = match.window_seconds
        # window 0 with a key: the event never expires (one alert per key, then updates)
        if entry is None or (window > 0 and event_time >= entry.window_start + window):
            entry = SuppressionEntry(alert_id=alert_id(match.rule_id, match.suppression_key or key, event_time),
                                     window_start=event_time, window_seconds=window,
                                     keyed=bool(match.suppression_key), first_seen=event_time, last_seen=event_time)
        marker = article_key(key, article.id)
        seen = _read(ArticleSeen, self.state.get(marker))
        counted = seen is not None and seen.event == entry.alert_id and entry.corroboration >= seen.counted_at
        if counted and seen is not None and seen.content == content:
            return Outcome(None, "duplicate_article")
        entry.window_seconds = window
        entry.first_seen = min(entry.first_seen, event_time)
        entry.last_seen = max(entry.last_seen, event_time)
        facts = merge_facts(entry.facts, match.facts)
        changed = facts != entry.facts
        entry.facts = facts
        if counted and seen is not None:
            prev, counted_at = seen.prev, seen.counted_at  # an updated article keeps its place
        else:
            prev, entry.last_article = entry.last_article, article.id
            entry.corroboration += 1
            counted_at = entry.corroboration
        self.state[marker] = ArticleSeen(entry.alert_id, content, article, prev, counted_at).to_json()
        if counted and not changed:
            # the same article again with other content that brings nothing new to the event
            self.state[key] = entry.to_json()
            return Outcome(None, "unchanged_article")
        if entry.corroboration < max(1, match.min_articles):
            self.state[key] = entry.to_json()
            return Outcome(None, "below_threshold")
        entry.revision += 1
        self.state[key] = entry.to_json()
        status = "new" if entry.revision == 1 else "update"
        return Outcome(self._alert(match, article, entry, event_time, status), status)

    def articles(self, key: str, entry: SuppressionEntry) -> tuple[ArticleRef, ...]:
        """The references of the last ``MAX_ARTICLES_KEPT`` articles of the event, oldest first."""
        refs: list[ArticleRef] = []
        current = entry.last_article
        while current is not None and len(refs) < MAX_ARTICLES_KEPT:
            raw = self.state.get(article_key(key, current))
            if raw is None:
                break
            seen = ArticleSeen.from_json(raw)
            if seen.event != entry.alert_id:
                break
            refs.append(seen.ref)
            current = seen.prev
        return tuple(reversed(refs))

    def _alert(self, match: Match, article: ArticleRef, entry: SuppressionEntry, event_time: float,
               status: str) -> Alert:
        # evidence of this alert message: the triggering article's own evidence (its offsets refer
        # to that article's text); the state keeps none
        return Alert(
            alert_id=entry.alert_id,
            status=status,
            revision=entry.revision,
            rule_id=match.rule_id,
            rule_version=match.rule_version,
            severity=match.severity,
            tags=match.tags,
            title=match.title,
            summary=match.summary,
            facts=entry.facts,
            evidence=match.evidence,
            article_id=article.id,
            articles=self.articles(state_key(match), entry),
            corroboration=entry.corroboration,
            suppression_key=match.suppression_key,
            first_seen=iso(entry.first_seen),
            last_seen=iso(entry.last_seen),
            detected_at=iso(event_time),
            pipeline_version=self.pipeline_version,
            topics=match.topics,
        )


def standalone_alert(match: Match, article: ArticleRef, event_time: float | None, pipeline_version: str,
                     *, now: float) -> Alert:
    """The alert one article gives on its own (``newsalert check``: no state across articles).

    An undated article (``event_time`` None) gets its alert id from window start 0, so the id stays
    deterministic, and ``now`` as its first/last seen and detection time."""
    single = replace(match, min_articles=1)
    outcome = Suppressor({}, pipeline_version).observe(single, article, event_time if event_time is not None else 0.0)
    assert outcome.alert is not None
    alert = outcome.alert
    if event_time is None:
        stamp = iso(now)
        alert = replace(alert, first_seen=stamp, last_seen=stamp, detected_at=stamp)
    return alert


def _read(cls: Any, raw: Any) -> Any:
    """``cls.from_json(raw)``, or None when there is no value or one this version cannot read (a
    development version's state, or a corrupt value): such an event starts again, it does not
    make every later match of its key fail."""
    if not isinstance(raw, Mapping):
        return None
    try:
        return cls.from_json(raw)
    except (KeyError, TypeError, ValueError):
        return None


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return float(value)
