"""Article-wide steps on the frames of one article, after each clause has its frame: harm in one
sentence merged into one event, an actor carried to the next sentence's forces, the same actor's
figures related across frames. Also small helpers on places and words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from streams.extraction.frames.cues import ANIMAL_KINDS, COMBATANT_KINDS, FORCE_KINDS, year_of
from streams.models import Count, Entity, Extraction, Frame


def most_specific(places: Sequence[Entity]) -> Entity:
    """A city or region over its country ("in Kursk, Russia" -> Kursk); the first otherwise."""
    rank = {"city": 0, "district": 0, "region": 1, "feature": 1, "country": 2}
    return sorted(places, key=lambda e: (rank.get(e.kind or "", 1), e.start))[0]


def german_participle(word: str) -> bool:
    return word.startswith("ge") or word.endswith(("iert", "t", "en")) and not word.endswith("ten")


def latest_year(ex: Extraction) -> int | None:
    years = [y for t in ex.tokens if t.like_num and (y := year_of(t.text)) is not None]
    return max(years) if years else None


def inherit_actors(frames: list[Frame]) -> list[Frame]:
    """"The US ordered 3,000 troops to the region. Some of the forces will be stationed in
    Jordan.": a deployment of forces without an actor takes the actor of a deployment up to two
    sentences before."""
    out: list[Frame] = []
    last: Frame | None = None
    for f in frames:
        if f.kind == "deployment" and f.actor is None and f.theme_kind in FORCE_KINDS and last is not None \
                and 0 < f.sentence - last.sentence <= 2:
            f = replace(f, actor=last.actor)
        if f.kind == "deployment" and f.actor is not None and f.theme_kind in FORCE_KINDS:
            last = f
        out.append(f)
    return out


def relate_counts(frames: list[Frame], counts: Sequence[Count]) -> list[Frame]:
    """Give each deployment frame the same actor's troop figures from the article's other
    deployment frames ("a small number ... 3,000 ... expected to rise to up to 12,000"): their own
    counts, and a number without a noun later in their sentence (the same figure, updated)."""
    by_actor: dict[str, list[Frame]] = {}
    for f in frames:
        if f.kind == "deployment" and f.actor is not None and f.actor.country and f.counts:
            by_actor.setdefault(f.actor.country, []).append(f)
    out = []
    for f in frames:
        peers = by_actor.get(f.actor.country or "", []) if f.kind == "deployment" and f.actor else []
        related: list[Count] = []
        for p in peers:
            if p is f:
                continue
            last = max(k.token_start for k in p.counts)
            related.extend(k for k in p.counts if k not in f.counts)
            related.extend(k for k in counts if k.sentence == p.sentence and k.token_start > last
                           and k.counted in (None, "soldiers", "fighters") and k not in f.counts and k not in related)
        out.append(replace(f, related_counts=tuple(related)) if related else f)
    return out


def merge_harm(frames: list[Frame], text: str) -> list[Frame]:
    """One harm frame per sentence and reading: "four were killed and six injured" is one event."""
    out: list[Frame] = []
    for f in frames:
        prev = out[-1] if out else None
        if (prev is not None and f.kind == "harm" and prev.kind == "harm" and prev.sentence == f.sentence
                and (prev.polarity, prev.time) == (f.polarity, f.time)):
            start, end = min(prev.start, f.start), max(prev.end, f.end)
            out[-1] = replace(
                prev, start=start, end=end, text=text[start:end], token_start=min(prev.token_start, f.token_start),
                token_end=max(prev.token_end, f.token_end),
                counts=prev.counts + tuple(k for k in f.counts if k not in prev.counts),
                theme_kinds=tuple(dict.fromkeys(prev.theme_kinds + f.theme_kinds)),
                theme_kind=prev.theme_kind if prev.theme_kind != "unspecified" else f.theme_kind,
                location=prev.location or f.location, location_source=prev.location_source or f.location_source,
                actor=prev.actor or f.actor, cause=prev.cause if prev.cause != "unknown" else f.cause,
                cues=prev.cues + tuple(c for c in f.cues if c not in prev.cues),
            )
            continue
        out.append(f)
    return out


def resolve_harmed(frames: list[Frame]) -> list[Frame]:
    """Who was harmed, told once for the article: "Mosul killings" in the headline and "members of
    the security forces" in the body; "Rebel attacks kill 12 Iraqis" and "a dozen police officers";
    "geschützte Greifvögel getötet" and "kamen durch Schrotmunition zu Tode". When every harm frame
    that names its harmed names combatants (soldiers, fighters, police), or every one names
    animals, a harm frame that leaves them unnamed, or counts as many "people" as such a frame
    counts, is about them too."""
    named = [f for f in frames if f.kind == "harm" and f.polarity == "affirmed"
             and f.theme_kind not in (None, "unspecified", "people")]
    kinds = {k for f in named for k in f.theme_kinds or (f.theme_kind or "",)}
    if not named or not (kinds <= COMBATANT_KINDS or kinds <= ANIMAL_KINDS):
        return frames
    kind = named[0].theme_kind
    figures = {k.value for f in named for k in f.counts}
    out = []
    for f in frames:
        if f.kind == "harm" and (
                f.theme_kind == "unspecified" and not f.counts
                or f.theme_kind in ("unspecified", "people") and f.counts and {k.value for k in f.counts} <= figures):
            f = replace(f, theme_kind=kind, theme_kinds=(kind or "",), cues=f.cues + ("harmed named elsewhere",))
        out.append(f)
    return out
