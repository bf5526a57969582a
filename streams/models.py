"""The data that flows through newsalert: articles in, extractions, rule matches, alerts out.

Everything here is plain, frozen, typed data with ``to_dict``/``from_dict``; no Kafka, no spaCy.
Imports point one way: cli -> worker -> rules/extraction -> models.

Offsets: every ``start``/``end`` is a character offset into ``Article.text`` (end exclusive);
every ``token_start``/``token_end`` is a token index into the article's token list (end exclusive);
``sentence`` is the index into ``Extraction.sentences``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

ARTICLE_FIELDS = ("id", "text", "title", "url", "source", "language", "published_at")

# The UTC instants an article's published_at may name. Every time the worker handles must be
# representable as a datetime (years 1..9999) in UTC, also after adding a time-zone offset or a
# suppression window; outside this range a time is bogus, not news (docs/reliability.md).
EARLIEST_PUBLISHED = datetime(1900, 1, 1, tzinfo=UTC).timestamp()
LATEST_PUBLISHED = datetime(9999, 1, 1, tzinfo=UTC).timestamp()


def published_epoch(value: str) -> float:
    """An ISO 8601 ``published_at`` (naive means UTC) as epoch seconds; raise ArticleError
    ``bad_published_at`` when it is not ISO 8601 or its UTC instant is outside 1900-01-01 ..
    9999-01-01 (e.g. ``9999-12-31T23:59:59-14:00``, which is in the year 10000 in UTC)."""
    text = value.strip()
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ArticleError("bad_published_at", f"published_at {value[:60]!r} is not an ISO 8601 date-time") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        ts = dt.timestamp()
    except (OverflowError, ValueError):
        ts = float("nan")
    if not EARLIEST_PUBLISHED <= ts < LATEST_PUBLISHED:  # also false for NaN
        raise ArticleError("bad_published_at",
                           f"published_at {value[:60]!r} is outside 1900-01-01 .. 9999-01-01 in UTC")
    return ts


class ArticleError(ValueError):
    """A message that is not a valid article. ``reason`` is a short machine-readable code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


TITLE_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    language: str | None = None  # as given by the producer; extraction detects its own
    published_at: str | None = None  # ISO 8601 as given
    # fields newsalert does not know ("category", "author", "tags", ...), kept as given (any JSON)
    # and passed on to the alerts' article references; strict input rejects them instead
    extra: dict[str, Any] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        known = {k: v for k, v in asdict(self).items() if v is not None and k != "extra"}
        return {**known, **{k: v for k, v in self.extra.items() if k not in known}}

    def analysed_text(self) -> tuple[str, int]:
        """The text extraction reads and where ``text`` starts in it: the headline, a blank line and
        the text; the text alone when there is no title or the text already opens with it."""
        title = (self.title or "").strip()
        if not title or self.text.lstrip().startswith(title):
            return self.text, 0
        head = title + TITLE_SEPARATOR
        return head + self.text, len(head)

    @classmethod
    def from_dict(cls, data: Any, *, max_text_chars: int | None = None, strict: bool = False) -> Article:
        """Validate a decoded JSON value as an article; raise ArticleError with a reason code.

        Unknown fields are kept in ``extra``; with ``strict`` they are an ``unknown_field`` error.
        """
        if not isinstance(data, dict):
            raise ArticleError("not_an_object", f"expected a JSON object, got {type(data).__name__}")
        unknown = sorted(set(data) - set(ARTICLE_FIELDS))
        if unknown and strict:
            raise ArticleError("unknown_field", f"unknown field(s): {', '.join(unknown)} (strict input)")
        for key in ("id", "text"):
            if data.get(key) is None:  # absent or null
                raise ArticleError("missing_field", f"required field '{key}' is missing")
        for key in ARTICLE_FIELDS:
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise ArticleError("wrong_type", f"field '{key}' must be a string, got {type(value).__name__}")
        if not data["id"].strip():
            raise ArticleError("empty_field", "field 'id' is empty")
        if not data["text"].strip():
            raise ArticleError("empty_field", "field 'text' is empty")
        if max_text_chars is not None and len(data["text"]) > max_text_chars:
            raise ArticleError("too_large", f"text has {len(data['text'])} characters, limit is {max_text_chars}")
        if data.get("published_at") is not None:
            published_epoch(data["published_at"])  # raises bad_published_at
        return cls(
            id=data["id"],
            text=data["text"],
            title=data.get("title"),
            url=data.get("url"),
            source=data.get("source"),
            language=data.get("language"),
            published_at=data.get("published_at"),
            extra={k: data[k] for k in unknown},
        )


# ---------------------------------------------------------------------------------------------
# Extraction: what a rule can see


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    lemma: str  # lower-cased lemma
    start: int
    end: int
    sentence: int
    is_punct: bool = False
    like_num: bool = False


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    end: int
    token_start: int
    token_end: int


@dataclass(frozen=True, slots=True)
class Entity:
    text: str
    start: int
    end: int
    token_start: int
    token_end: int
    sentence: int
    type: str  # GPE | LOC | NORP | ORG | PERSON | ...
    id: str  # canonical id, e.g. "country:KP", "geonames:538560", "region:RU-KRS", "org:pentagon"
    name: str  # canonical display name, e.g. "Kursk Oblast"
    country: str | None = None  # ISO 3166-1 alpha-2 the entity belongs to (place: where; NORP: whose)
    kind: str | None = None  # finer type: country | city | region | demonym | armed_forces | ...
    source: str = "gazetteer"  # gazetteer | model | candidate (a place found from its context only)
    role: str | None = None  # "dateline": the place of the article's dateline ("KABUL (Reuters) -")


@dataclass(frozen=True, slots=True)
class ConceptMatch:
    concept: str  # lexicon id, e.g. "military-personnel", "kill", "injure", "civilians"
    text: str
    lemma: str
    start: int
    end: int
    token_start: int
    token_end: int
    sentence: int


@dataclass(frozen=True, slots=True)
class Count:
    text: str  # the quantity as written: "3.000", "bis zu 12.000", "ein paar tausend", "vier"
    start: int
    end: int
    token_start: int
    token_end: int
    sentence: int
    min: int
    max: int | None  # None: open upwards ("more than 100" -> min 101, max None)
    approximate: bool
    counted: str | None  # category of what is counted: people | civilians | children | soldiers | ...
    counted_text: str | None  # the noun as written ("Menschen", "Zivilisten", "troops")
    counted_start: int | None = None
    counted_end: int | None = None
    event: str | None = None  # the verb in the same clause: killed | injured | deployed | missing | ...

    @property
    def value(self) -> int:
        """The single best value: the upper bound when one is stated (up to 12,000 -> 12000)."""
        return self.max if self.max is not None else self.min


@dataclass(frozen=True, slots=True)
class Frame:
    """One event in one clause: who did what, to whom, where (streams.extraction.frames).

    ``kind`` is what happened (deployment | harm | withdrawal | attack), named by the ``trigger``
    word; the roles are entities and counts found in the clause (or, for the location, in the
    sentence, the lead or the dateline: ``location_source`` says which). ``polarity``,
    ``modality`` and ``time`` say whether the clause reports it as a current fact; ``cues`` are
    the words that decided them (and the cause), for explanations.
    """

    kind: str  # deployment | harm | withdrawal | attack
    trigger: str  # the trigger word as written ("entsandt", "killed")
    trigger_concept: str  # the lexicon concept of the trigger
    text: str  # the clause
    start: int
    end: int
    token_start: int
    token_end: int
    sentence: int
    polarity: str = "affirmed"  # affirmed | negated
    modality: str = "fact"  # fact | announced | planned | alleged | speculated | demanded | feared
    time: str = "current"  # current | background
    cause: str | None = None  # harm and attack: violence | accident | disaster | disease | unknown
    theme_kind: str | None = None  # troops | unit | fighters | aircraft | civilians | people | police ...
    theme_kinds: tuple[str, ...] = ()  # every kind the clause names for the theme
    theme_text: str | None = None
    actor: Entity | None = None
    location: Entity | None = None  # deployment: the destination; harm: where it happened
    location_source: str | None = None  # clause | sentence | lead | dateline
    origin: Entity | None = None
    counts: tuple[Count, ...] = ()
    cues: tuple[str, ...] = ()
    # the same actor's figures for the same kind of event elsewhere in the article ("3,000 ... up to
    # 12,000"), reported with the frame's own as a range
    related_counts: tuple[Count, ...] = ()

    @property
    def figures(self) -> tuple[int, int] | None:
        """(lowest, highest) of the frame's own and related counts, or None without counts."""
        counts = self.counts + self.related_counts
        if not counts:
            return None
        # "up to 12,000" says nothing about the low end (its min is 1)
        lows = [k.min for k in counts if k.min > 1] or [k.value for k in counts]
        return min(lows), max(k.value for k in counts)

    @property
    def figures_min(self) -> int | None:
        return self.figures[0] if self.figures else None

    @property
    def figures_max(self) -> int | None:
        return self.figures[1] if self.figures else None


@dataclass(frozen=True, slots=True)
class Extraction:
    article_id: str
    language: str  # ISO 639-1, or "und" when undetermined
    supported: bool  # False: the language has no pipeline; nothing but language/sentences is filled
    text: str
    sentences: tuple[Sentence, ...] = ()
    tokens: tuple[Token, ...] = ()
    entities: tuple[Entity, ...] = ()
    concepts: tuple[ConceptMatch, ...] = ()
    counts: tuple[Count, ...] = ()
    dateline: Entity | None = None  # the dateline place (also in ``entities``, with role "dateline")
    frames: tuple[Frame, ...] = ()
    # where Article.text starts in ``text``: the headline is analysed too, as the first sentence of
    # ``text`` followed by a blank line (0: no title, ``text`` is Article.text)
    body_start: int = 0

    def to_dict(self, *, with_tokens: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "article_id": self.article_id,
            "body_start": self.body_start,
            "language": self.language,
            "supported": self.supported,
            "sentences": [asdict(s) for s in self.sentences],
            "entities": [asdict(e) for e in self.entities],
            "concepts": [asdict(c) for c in self.concepts],
            "counts": [asdict(c) for c in self.counts],
            "frames": [asdict(f) for f in self.frames],
        }
        if with_tokens:
            d["tokens"] = [asdict(t) for t in self.tokens]
        if self.dateline is not None:
            d["dateline"] = asdict(self.dateline)
        return d


# ---------------------------------------------------------------------------------------------
# Rule matches and alerts


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence that supports a match; ``start``/``end`` are offsets into the article's ``field``
    (``text``, or ``title`` for the headline)."""

    text: str
    start: int
    end: int
    field: str = "text"

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "field": self.field}


@dataclass(frozen=True)
class Match:
    """One rule matched one article. Produced by the rule engine; no suppression applied yet."""

    rule_id: str
    rule_version: str  # content hash of the rule as loaded
    severity: str
    tags: tuple[str, ...]
    title: str  # the rule's title template, filled from facts
    summary: str
    facts: dict[str, Any]
    evidence: tuple[Evidence, ...]
    suppression_key: str  # filled template; "" means: no suppression, one alert per article
    window_seconds: int  # suppression / aggregation window; 0 = none
    min_articles: int = 1  # aggregation: alert only once this many distinct articles matched the key
    topics: tuple[str, ...] = ()  # extra output topics from rule routing (besides the default)
    article_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["tags"] = list(self.tags)
        d["topics"] = list(self.topics)
        d["evidence"] = [e.to_dict() for e in self.evidence]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Match:
        return cls(
            rule_id=d["rule_id"],
            rule_version=d["rule_version"],
            severity=d["severity"],
            tags=tuple(d["tags"]),
            title=d["title"],
            summary=d.get("summary", ""),
            facts=dict(d["facts"]),
            evidence=tuple(Evidence(**e) for e in d["evidence"]),
            suppression_key=d["suppression_key"],
            window_seconds=int(d["window_seconds"]),
            min_articles=int(d.get("min_articles", 1)),
            topics=tuple(d.get("topics", ())),
            article_id=d.get("article_id", ""),
        )


# An alert carries up to 25 article references: each passes on at most this much of its
# article's unknown fields (JSON-encoded); a larger ``extra`` is left out of the reference.
MAX_EXTRA_BYTES = 4096


@dataclass(frozen=True)
class ArticleRef:
    id: str
    url: str | None = None
    title: str | None = None
    source: str | None = None
    language: str | None = None
    published_at: str | None = None
    extra: dict[str, Any] | None = None  # the article's unknown fields, when there are any

    @classmethod
    def of(cls, article: Article, language: str | None = None, *,
           max_extra_bytes: int = MAX_EXTRA_BYTES) -> ArticleRef:
        return cls(
            id=article.id,
            url=article.url,
            title=article.title,
            source=article.source,
            language=language or article.language,
            published_at=article.published_at,
            extra=article.extra if article.extra and extra_fits(article.extra, max_extra_bytes) else None,
        )

    def to_dict(self) -> dict[str, Any]:
        # written out: dataclasses.asdict deep-copies, and this runs for up to 25 refs per alert
        d: dict[str, Any] = {"id": self.id, "url": self.url, "title": self.title, "source": self.source,
                             "language": self.language, "published_at": self.published_at}
        if self.extra:
            d["extra"] = self.extra
        return d


def extra_fits(extra: dict[str, Any], max_bytes: int) -> bool:
    """Whether an article's unknown fields are small enough to travel with every alert about it."""
    return len(json.dumps(extra, ensure_ascii=False, separators=(",", ":")).encode("utf-8")) <= max_bytes


@dataclass(frozen=True)
class Alert:
    """What subscribers receive. See streams/alerts/alert.schema.json for the wire format."""

    alert_id: str
    status: str  # new | update
    revision: int  # 1 for new, +1 per update; (alert_id, revision) identifies one message
    rule_id: str
    rule_version: str
    severity: str
    tags: tuple[str, ...]
    title: str
    summary: str
    facts: dict[str, Any]
    evidence: tuple[Evidence, ...]
    article_id: str  # the article that triggered this message
    articles: tuple[ArticleRef, ...]
    corroboration: int  # distinct articles that matched this event so far
    suppression_key: str
    first_seen: str
    last_seen: str
    detected_at: str
    pipeline_version: str
    schema_version: str = "1.0"
    topics: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "alert_id": self.alert_id,
            "status": self.status,
            "revision": self.revision,
            "rule_id": self.rule_id,
            "rule": {"id": self.rule_id, "version": self.rule_version},
            "severity": self.severity,
            "tags": list(self.tags),
            "title": self.title,
            "summary": self.summary,
            "facts": self.facts,
            "evidence": [e.to_dict() for e in self.evidence],
            "article_id": self.article_id,
            "articles": [a.to_dict() for a in self.articles],
            "corroboration": self.corroboration,
            "suppression_key": self.suppression_key,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "detected_at": self.detected_at,
            "pipeline_version": self.pipeline_version,
        }
