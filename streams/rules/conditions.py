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

    def children(self) -> tuple[Condition, ...]:
        return ()

    def bound(self) -> dict[str, str]:
        """Binding name -> kind of item bound (concept)."""
        return {self.binding: "concept"} if self.binding else {}

    def required(self) -> set[str]:
        """Bindings every solution of this leaf binds."""
        return set(self.bound())


@dataclass(frozen=True, slots=True)
class EntityLeaf:
    types: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    role: str | None = None  # place | origin
    binding: str | None = None

    def children(self) -> tuple[Condition, ...]:
        return ()

    def bound(self) -> dict[str, str]:
        """Binding name -> kind of item bound (entity)."""
        return {self.binding: "entity"} if self.binding else {}

    def required(self) -> set[str]:
        """Bindings every solution of this leaf binds."""
        return set(self.bound())


@dataclass(frozen=True, slots=True)
class CountLeaf:
    counted: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
    at_least: int | None = None
    at_most: int | None = None
    binding: str | None = None

    def children(self) -> tuple[Condition, ...]:
        return ()

    def bound(self) -> dict[str, str]:
        """Binding name -> kind of item bound (count)."""
        return {self.binding: "count"} if self.binding else {}

    def required(self) -> set[str]:
        """Bindings every solution of this leaf binds."""
        return set(self.bound())


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

    def children(self) -> tuple[Condition, ...]:
        return ()

    def bound(self) -> dict[str, str]:
        """Binding name -> kind: the frame itself, its roles (entities) and its counts."""
        out = {self.binding: "frame"} if self.binding else {}
        out.update({r.binding: "entity" for r in self.roles if r.binding})
        out.update({c.binding: "count" for c in self.counts})
        return out

    def required(self) -> set[str]:
        """The frame's own binding and its required roles (counts and optional roles may be absent)."""
        out = {self.binding} if self.binding else set()
        return out | {r.binding for r in self.roles if r.binding and r.required}


@dataclass(frozen=True)
class RegexLeaf:
    source: str
    pattern: re2._Regexp
    binding: str | None = None

    def children(self) -> tuple[Condition, ...]:
        return ()

    def bound(self) -> dict[str, str]:
        """Binding name -> kind of item bound (regex)."""
        return {self.binding: "regex"} if self.binding else {}

    def required(self) -> set[str]:
        """Bindings every solution of this leaf binds."""
        return set(self.bound())


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Condition, ...]

    def children(self) -> tuple[Condition, ...]:
        return self.parts


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def children(self) -> tuple[Condition, ...]:
        return self.parts


@dataclass(frozen=True, slots=True)
class NotOf:
    child: Condition

    def children(self) -> tuple[Condition, ...]:
        return (self.child,)


@dataclass(frozen=True, slots=True)
class OptionalOf:
    child: Condition

    def children(self) -> tuple[Condition, ...]:
        return (self.child,)


@dataclass(frozen=True, slots=True)
class Exists:
    """Context: holds when the child has a solution; contributes no bindings and no evidence."""

    child: Condition

    def children(self) -> tuple[Condition, ...]:
        return (self.child,)


@dataclass(frozen=True, slots=True)
class SameSentence:
    child: Condition
    # presearch inside the article: terms a sentence must contain for the child to hold there
    # (filled by the compiler; empty: try every sentence)
    clauses: tuple[frozenset[str], ...] = ()

    def children(self) -> tuple[Condition, ...]:
        return (self.child,)


@dataclass(frozen=True, slots=True)
class WholeArticle:
    child: Condition

    def children(self) -> tuple[Condition, ...]:
        return (self.child,)


@dataclass(frozen=True, slots=True)
class Lead:
    """The first ``sentences`` sentences of the article (the lead), whatever the enclosing scope."""

    sentences: int
    child: Condition

    def children(self) -> tuple[Condition, ...]:
        return (self.child,)


@dataclass(frozen=True, slots=True)
class Within:
    tokens: int
    child: Condition
    ordered: bool = False  # the matched items appear in the text in the order they are listed

    def children(self) -> tuple[Condition, ...]:
        return (self.child,)


@dataclass(frozen=True)
class Where:
    child: Condition
    expression: Expression

    def children(self) -> tuple[Condition, ...]:
        return (self.child,)


Condition = (
    ConceptLeaf | EntityLeaf | CountLeaf | RegexLeaf | FrameLeaf | AllOf | AnyOf | NotOf | OptionalOf | SameSentence
    | WholeArticle | Within | Where | Lead | Exists
)


LEAVES = (ConceptLeaf, EntityLeaf, CountLeaf, RegexLeaf, FrameLeaf)


def bindings_of(cond: Condition) -> dict[str, str]:
    """Binding name -> kind of thing bound (entity | count | concept | regex | frame) anywhere in
    ``cond``. Bindings inside ``not`` are not visible outside it and are not listed; ``exists``
    contributes none."""
    if isinstance(cond, LEAVES):
        return cond.bound()
    out: dict[str, str] = {}
    if not isinstance(cond, NotOf | Exists):
        for child in cond.children():
            out.update(bindings_of(child))
    return out


def required_bindings(cond: Condition) -> set[str]:
    """Bindings bound in every solution of ``cond`` (not under any/optional/not/exists)."""
    if isinstance(cond, LEAVES):
        return cond.required()
    if isinstance(cond, NotOf | OptionalOf | Exists):
        return set()
    sets = [required_bindings(c) for c in cond.children()]
    if isinstance(cond, AnyOf):
        return set.intersection(*sets) if sets else set()
    return set().union(*sets)


#: The one list of what a rule can read of a bound item, per kind: attribute name in rules, facts
#: and expressions -> attribute of the extraction item (streams.models). The compiler checks
#: templates and expressions against it; the matcher builds facts from it.
ITEM_ATTRIBUTES: dict[str, dict[str, str]] = {
    "entity": {"text": "text", "id": "id", "name": "name", "type": "type", "country": "country", "kind": "kind"},
    "count": {"text": "text", "value": "value", "min": "min", "max": "max", "counted": "counted", "event": "event",
              "approximate": "approximate"},
    "concept": {"text": "text", "concept": "concept", "lemma": "lemma"},
    "regex": {"text": "text"},
    "frame": {"text": "text", "kind": "kind", "trigger": "trigger", "polarity": "polarity", "modality": "modality",
              "time": "time", "cause": "cause", "theme": "theme_kind", "location_source": "location_source",
              "figures_min": "figures_min", "figures_max": "figures_max"},
}
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    **{kind: tuple(attrs) for kind, attrs in ITEM_ATTRIBUTES.items()},
    "article": ("id", "language", "source", "title", "url"),
}
