"""The condition tree of a rule (``match:``), as frozen dataclasses built by streams.rules.compiler.

Leaves find things in the extraction (concepts, entities, counts, regex hits) and may bind them
to a name (``as: actor``). Combinators join leaves (all / any / not / optional) and scopes say
where they must lie together (same_sentence / within N tokens / article).
"""

from __future__ import annotations

from dataclasses import dataclass

import re2

from streams.rules.expr import Expression


@dataclass(frozen=True, slots=True)
class ConceptLeaf:
    concepts: frozenset[str]
    binding: str | None = None


@dataclass(frozen=True, slots=True)
class EntityLeaf:
    types: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    role: str | None = None  # place | origin
    binding: str | None = None


@dataclass(frozen=True, slots=True)
class CountLeaf:
    counted: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
    at_least: int | None = None
    at_most: int | None = None
    binding: str | None = None


@dataclass(frozen=True, slots=True)
class FrameRole:
    """A role of a frame leaf: ``actor``, ``location`` or ``origin``, bound to a name."""

    role: str
    binding: str | None = None
    required: bool = True


@dataclass(frozen=True, slots=True)
class FrameCount:
    """A count of a frame leaf, bound when the frame has one that fits (the largest)."""

    binding: str
    counted: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()


# What a frame leaf accepts unless the rule says otherwise: an affirmed, current report of a fact
# or of an announced, planned or alleged event. Negations, background and speculation, demands and
# fears fail by construction.
DEFAULT_POLARITY = frozenset({"affirmed"})
DEFAULT_MODALITY = frozenset({"fact", "announced", "planned", "alleged"})
DEFAULT_TIME = frozenset({"current"})


@dataclass(frozen=True, slots=True)
class FrameLeaf:
    kinds: frozenset[str]
    themes: frozenset[str] = frozenset()
    causes: frozenset[str] = frozenset()
    polarity: frozenset[str] = DEFAULT_POLARITY
    modality: frozenset[str] = DEFAULT_MODALITY
    time: frozenset[str] = DEFAULT_TIME
    roles: tuple[FrameRole, ...] = ()
    counts: tuple[FrameCount, ...] = ()
    binding: str | None = None


@dataclass(frozen=True)
class RegexLeaf:
    source: str
    pattern: re2._Regexp
    binding: str | None = None


@dataclass(frozen=True, slots=True)
class AllOf:
    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class NotOf:
    child: Condition


@dataclass(frozen=True, slots=True)
class OptionalOf:
    child: Condition


@dataclass(frozen=True, slots=True)
class Exists:
    """Context: holds when the child has a solution; contributes no bindings and no evidence."""

    child: Condition


@dataclass(frozen=True, slots=True)
class SameSentence:
    child: Condition
    # presearch inside the article: terms a sentence must contain for the child to hold there
    # (filled by the compiler; empty: try every sentence)
    clauses: tuple[frozenset[str], ...] = ()


@dataclass(frozen=True, slots=True)
class WholeArticle:
    child: Condition


@dataclass(frozen=True, slots=True)
class Lead:
    """The first ``sentences`` sentences of the article (the lead), whatever the enclosing scope."""

    sentences: int
    child: Condition


@dataclass(frozen=True, slots=True)
class Within:
    tokens: int
    child: Condition
    ordered: bool = False  # the matched items appear in the text in the order they are listed


@dataclass(frozen=True)
class Where:
    child: Condition
    expression: Expression


Condition = (
    ConceptLeaf | EntityLeaf | CountLeaf | RegexLeaf | FrameLeaf | AllOf | AnyOf | NotOf | OptionalOf | SameSentence
    | WholeArticle | Within | Where | Lead | Exists
)


def bindings_of(cond: Condition) -> dict[str, str]:
    """Binding name -> kind of thing bound (entity | count | concept | regex) anywhere in ``cond``.

    Bindings inside ``not`` are not visible outside it and are not listed.
    """
    out: dict[str, str] = {}
    _collect(cond, out)
    return out


def required_bindings(cond: Condition) -> set[str]:
    """Bindings bound in every solution of ``cond`` (not under any/optional/not)."""
    if isinstance(cond, FrameLeaf):
        out_f = {cond.binding} if cond.binding else set()
        return out_f | {r.binding for r in cond.roles if r.binding and r.required}
    if isinstance(cond, ConceptLeaf | EntityLeaf | CountLeaf | RegexLeaf):
        return {cond.binding} if cond.binding else set()
    if isinstance(cond, AllOf):
        out: set[str] = set()
        for child in cond.children:
            out |= required_bindings(child)
        return out
    if isinstance(cond, AnyOf):
        sets = [required_bindings(c) for c in cond.children]
        return set.intersection(*sets) if sets else set()
    if isinstance(cond, SameSentence | WholeArticle | Within | Where | Lead):
        return required_bindings(cond.child)
    return set()


def _collect(cond: Condition, out: dict[str, str]) -> None:
    if isinstance(cond, ConceptLeaf):
        if cond.binding:
            out[cond.binding] = "concept"
    elif isinstance(cond, EntityLeaf):
        if cond.binding:
            out[cond.binding] = "entity"
    elif isinstance(cond, CountLeaf):
        if cond.binding:
            out[cond.binding] = "count"
    elif isinstance(cond, RegexLeaf):
        if cond.binding:
            out[cond.binding] = "regex"
    elif isinstance(cond, FrameLeaf):
        if cond.binding:
            out[cond.binding] = "frame"
        for r in cond.roles:
            if r.binding:
                out[r.binding] = "entity"
        for c in cond.counts:
            out[c.binding] = "count"
    elif isinstance(cond, AllOf | AnyOf):
        for child in cond.children:
            _collect(child, out)
    elif isinstance(cond, OptionalOf | SameSentence | WholeArticle | Within | Where | Lead):
        _collect(cond.child, out)
    # NotOf: bindings inside a negation never reach the facts


ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "entity": ("text", "id", "name", "type", "country", "kind"),
    "count": ("text", "value", "min", "max", "counted", "event", "approximate"),
    "concept": ("text", "concept", "lemma"),
    "regex": ("text",),
    "frame": ("text", "kind", "trigger", "polarity", "modality", "time", "cause", "theme", "location_source",
              "figures_min", "figures_max"),
    "article": ("id", "language", "source", "title", "url"),
}
