"""Evaluate a condition tree on one extraction: every way it can be satisfied, with bindings.

Called by RuleSet.evaluate for each candidate rule. A *solution* is a set of bindings (name ->
entity/count/concept/regex hit) plus the items that satisfied the leaves (for evidence and for
``within`` distances). Regions restrict where leaves look: a set of sentence indices, or the whole
article (None). Cost is bounded: at most MAX_SOLUTIONS solutions per node.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from streams.extraction.roles import has_role
from streams.models import ConceptMatch, Count, Entity, Extraction, Frame
from streams.rules.conditions import (
    ITEM_ATTRIBUTES,
    AllOf,
    AnyOf,
    ConceptLeaf,
    Condition,
    CountLeaf,
    EntityLeaf,
    Exists,
    FrameLeaf,
    Lead,
    NotOf,
    OptionalOf,
    RegexLeaf,
    SameSentence,
    Where,
    WholeArticle,
    Within,
)

MAX_SOLUTIONS = 2_000


@dataclass(frozen=True, slots=True)
class RegexHit:
    text: str
    start: int
    end: int
    token_start: int
    token_end: int
    sentence: int


Item = Entity | Count | ConceptMatch | RegexHit | Frame
Region = frozenset[int] | None  # sentence indices; None = whole article


@dataclass(frozen=True, slots=True)
class Solution:
    bindings: tuple[tuple[str, Item], ...]  # sorted by name
    items: tuple[Item, ...]  # every item that satisfied a leaf, including bound ones

    def binding_map(self) -> dict[str, Item]:
        return dict(self.bindings)


EMPTY = Solution((), ())


_KIND_OF_ITEM: dict[type, str] = {Entity: "entity", Count: "count", ConceptMatch: "concept", Frame: "frame"}


def facts_of(item: Item) -> dict[str, Any]:
    """The attributes of a bound item, as they appear in Match.facts and expressions
    (``conditions.ITEM_ATTRIBUTES``; anything else bound is a regex hit)."""
    attributes = ITEM_ATTRIBUTES[_KIND_OF_ITEM.get(type(item), "regex")]
    return {name: getattr(item, attr) for name, attr in attributes.items()}


@dataclass
class ExtractionView:
    """One extraction, indexed for fast lookups. Built once per article by RuleSet.evaluate."""

    extraction: Extraction
    article: Mapping[str, Any]  # article.* attributes for expressions
    lists: Mapping[str, Sequence[Any]]
    _facts: dict[int, dict[str, Any]] = field(default_factory=dict)
    # memo of evaluate(): (id(condition), region) -> solutions; conditions are immutable and the
    # view lives for one article, so a sub-condition (a macro, an article-wide context) used in
    # many places or for many sentences is evaluated once
    memo: dict[tuple[int, Region], list[Solution]] = field(default_factory=dict)
    roles: dict[tuple[int, str], bool] = field(default_factory=dict)

    @cached_property
    def concepts_by_id(self) -> dict[str, list[ConceptMatch]]:
        out: dict[str, list[ConceptMatch]] = defaultdict(list)
        for c in self.extraction.concepts:
            out[c.concept].append(c)
        return out

    @cached_property
    def concepts_by_sentence(self) -> dict[tuple[str, int], list[ConceptMatch]]:
        out: dict[tuple[str, int], list[ConceptMatch]] = defaultdict(list)
        for c in self.extraction.concepts:
            out[(c.concept, c.sentence)].append(c)
        return out

    @cached_property
    def entities_by_sentence(self) -> dict[int, list[Entity]]:
        out: dict[int, list[Entity]] = defaultdict(list)
        for e in self.extraction.entities:
            out[e.sentence].append(e)
        return out

    @cached_property
    def counts_by_sentence(self) -> dict[int, list[Count]]:
        out: dict[int, list[Count]] = defaultdict(list)
        for c in self.extraction.counts:
            out[c.sentence].append(c)
        return out

    def entities_in(self, region: Region) -> Iterable[Entity]:
        if region is None:
            return self.extraction.entities
        if len(region) == 1:
            return self.entities_by_sentence.get(next(iter(region)), ())
        return [e for i in sorted(region) for e in self.entities_by_sentence.get(i, ())]

    @cached_property
    def frames_by_sentence(self) -> dict[int, list[Frame]]:
        out: dict[int, list[Frame]] = defaultdict(list)
        for f in self.extraction.frames:
            out[f.sentence].append(f)
        return out

    def frames_in(self, region: Region) -> Iterable[Frame]:
        if region is None:
            return self.extraction.frames
        return [f for i in sorted(region) for f in self.frames_by_sentence.get(i, ())]

    def counts_in(self, region: Region) -> Iterable[Count]:
        if region is None:
            return self.extraction.counts
        if len(region) == 1:
            return self.counts_by_sentence.get(next(iter(region)), ())
        return [c for i in sorted(region) for c in self.counts_by_sentence.get(i, ())]

    def concepts_in(self, concept: str, region: Region) -> Iterable[ConceptMatch]:
        if region is None:
            return self.concepts_by_id.get(concept, ())
        if len(region) == 1:
            return self.concepts_by_sentence.get((concept, next(iter(region))), ())
        return [c for i in sorted(region) for c in self.concepts_by_sentence.get((concept, i), ())]

    @cached_property
    def sentence_terms(self) -> list[frozenset[str]]:
        from streams.rules.presearch import sentence_terms

        return sentence_terms(self.extraction)

    def has_role(self, e: Entity, role: str) -> bool:
        key = (id(e), role)
        hit = self.roles.get(key)
        if hit is None:
            hit = self.roles[key] = has_role(self.extraction, e, role)
        return hit

    def facts(self, item: Item) -> dict[str, Any]:
        key = id(item)
        f = self._facts.get(key)
        if f is None:
            f = self._facts[key] = facts_of(item)
        return f

    def env(self, sol: Solution) -> dict[str, Any]:
        env: dict[str, Any] = {name: self.facts(item) for name, item in sol.bindings}
        env["article"] = self.article
        return env

    @cached_property
    def sentence_starts(self) -> list[int]:
        return [s.start for s in self.extraction.sentences]

    def sentence_of_offset(self, offset: int) -> int:
        """Index of the sentence that contains the character ``offset`` (0 without sentences)."""
        return max(0, bisect_right(self.sentence_starts, offset) - 1)

    @cached_property
    def token_bounds(self) -> tuple[list[int], list[int]] | None:
        """Start and end offsets of all tokens, to bisect; None unless both never decrease."""
        starts = [t.start for t in self.extraction.tokens]
        ends = [t.end for t in self.extraction.tokens]
        if any(a > b for a, b in zip(starts, starts[1:], strict=False)) or any(
            a > b for a, b in zip(ends, ends[1:], strict=False)
        ):
            return None
        return starts, ends


def _in(region: Region, sentence: int) -> bool:
    return region is None or sentence in region


def _join(a: Solution, b: Solution) -> Solution | None:
    """Both solutions together, or None when they bind one name to different items."""
    if not b.bindings:
        return Solution(a.bindings, a.items + b.items)
    if not a.bindings:
        return Solution(b.bindings, a.items + b.items)
    merged = dict(a.bindings)
    for name, item in b.bindings:
        have = merged.get(name)
        if have is None:
            merged[name] = item
        elif have is not item and have != item:
            return None
    return Solution(tuple(sorted(merged.items(), key=lambda kv: kv[0])), a.items + b.items)


def _leaf(item: Item, binding: str | None) -> Solution:
    return Solution(((binding, item),) if binding else (), (item,))


def evaluate(cond: Condition, view: ExtractionView, region: Region = None) -> list[Solution]:
    """Every solution of ``cond`` inside ``region`` (capped at MAX_SOLUTIONS, in text order)."""
    key = (id(cond), region)
    hit = view.memo.get(key)
    if hit is None:
        hit = view.memo[key] = _evaluate(cond, view, region)
    return hit


def _evaluate(cond: Condition, view: ExtractionView, region: Region) -> list[Solution]:
    out: list[Solution]
    if isinstance(cond, ConceptLeaf):
        out = []
        for concept in sorted(cond.concepts):
            out.extend(_leaf(c, cond.binding) for c in view.concepts_in(concept, region))
        if len(cond.concepts) > 1:
            out.sort(key=lambda s: s.items[0].start)
        return out[:MAX_SOLUTIONS]
    if isinstance(cond, EntityLeaf):
        return [_leaf(e, cond.binding) for e in view.entities_in(region) if _entity_ok(cond, e, view)][:MAX_SOLUTIONS]
    if isinstance(cond, CountLeaf):
        return [_leaf(c, cond.binding) for c in view.counts_in(region) if _count_ok(cond, c)][:MAX_SOLUTIONS]
    if isinstance(cond, RegexLeaf):
        return _regex(cond, view, region)
    if isinstance(cond, FrameLeaf):
        out = []
        for f in view.frames_in(region):
            sol = _frame_solution(cond, f)
            if sol is not None:
                out.append(sol)
        return out[:MAX_SOLUTIONS]
    if isinstance(cond, AllOf):
        return _all(cond.parts, view, region)
    if isinstance(cond, AnyOf):
        out = []
        for child in cond.parts:
            out.extend(evaluate(child, view, region))
            if len(out) >= MAX_SOLUTIONS:
                break
        return out[:MAX_SOLUTIONS]
    if isinstance(cond, NotOf):
        return [] if evaluate(cond.child, view, region) else [EMPTY]
    if isinstance(cond, Exists):
        return [EMPTY] if evaluate(cond.child, view, region) else []
    if isinstance(cond, OptionalOf):
        return evaluate(cond.child, view, region) or [EMPTY]
    if isinstance(cond, SameSentence):
        out = []
        sentences: Iterable[int] = range(len(view.extraction.sentences)) if region is None else sorted(region)
        if cond.clauses:
            terms = view.sentence_terms
            sentences = [i for i in sentences if i < len(terms)
                         and all(not clause.isdisjoint(terms[i]) for clause in cond.clauses)]
        for i in sentences:
            out.extend(evaluate(cond.child, view, frozenset((i,))))
            if len(out) >= MAX_SOLUTIONS:
                break
        return out[:MAX_SOLUTIONS]
    if isinstance(cond, WholeArticle):
        return evaluate(cond.child, view, None)
    if isinstance(cond, Lead):
        n = min(cond.sentences, len(view.extraction.sentences))
        return evaluate(cond.child, view, frozenset(range(n)) if view.extraction.sentences else None)
    if isinstance(cond, Within):
        if isinstance(cond.child, AllOf):
            sols = _all(cond.child.parts, view, region, max_spread=cond.tokens)
        else:
            sols = evaluate(cond.child, view, region)
        return [s for s in sols if _spread(s.items) <= cond.tokens and (not cond.ordered or _in_order(s.items))]
    if isinstance(cond, Where):
        return [s for s in evaluate(cond.child, view, region) if cond.expression.evaluate(view.env(s), view.lists)]
    raise TypeError(f"unknown condition {type(cond).__name__}")  # pragma: no cover


def _all(children: Sequence[Condition], view: ExtractionView, region: Region,
         max_spread: int | None = None) -> list[Solution]:
    # Negations and optionals see the region only; check negations first (cheap rejection), join
    # the required children in order, then widen with optionals.
    required = [c for c in children if not isinstance(c, NotOf | OptionalOf)]
    for child in children:
        if isinstance(child, NotOf) and evaluate(child.child, view, region):
            return []
    sols = [EMPTY]
    for child in required:
        found = evaluate(child, view, region)
        if not found:
            return []
        nxt: list[Solution] = []
        window = _Window(found) if max_spread is not None and len(found) > 8 else None
        for a in sols:
            near = window.near(a, max_spread) if window is not None and max_spread is not None else found
            for b in near:
                j = _join(a, b)
                if j is not None and (max_spread is None or _spread(j.items) <= max_spread):
                    nxt.append(j)
                    if len(nxt) >= MAX_SOLUTIONS:
                        break
            if len(nxt) >= MAX_SOLUTIONS:
                break
        if not nxt:
            return []
        sols = nxt
    for child in children:
        if not isinstance(child, OptionalOf):
            continue
        found = evaluate(child.child, view, region)
        if not found:
            continue
        # stop at MAX_SOLUTIONS: the same prefix as widening everything and cutting it, without
        # len(sols) * len(found) joins (a long sentence can have 2,000 of each)
        widened: list[Solution] = []
        for a in sols:
            before = len(widened)
            for b in found:
                j = _join(a, b)
                if j is not None:
                    widened.append(j)
                    if len(widened) >= MAX_SOLUTIONS:
                        break
            if len(widened) == before:
                widened.append(a)
            if len(widened) >= MAX_SOLUTIONS:
                break
        sols = widened[:MAX_SOLUTIONS]
    return sols


class _Window:
    """Solutions sorted by their last token start, to find those near another one quickly."""

    def __init__(self, sols: Sequence[Solution]) -> None:
        keyed = sorted(((max((i.token_start for i in s.items), default=0), n) for n, s in enumerate(sols)))
        self.starts = [k for k, _ in keyed]
        self.sols = [sols[n] for _, n in keyed]
        self.longest = max((i.token_end - i.token_start for s in sols for i in s.items), default=0)

    def near(self, a: Solution, tokens: int) -> list[Solution]:
        """A superset of the solutions b for which a and b together span at most ``tokens``.

        With last(x) the largest token_start and first_end(x) the smallest token_end of x:
        last(b) <= first_end(a) + tokens, and first_end(b) >= last(a) - tokens, where
        last(b) >= first_end(b) - longest item.
        """
        if not a.items:
            return list(self.sols)
        lo = max(i.token_start for i in a.items) - tokens - self.longest
        hi = min(i.token_end for i in a.items) + tokens
        return self.sols[bisect_left(self.starts, lo):bisect_right(self.starts, hi)]


def _in_order(items: Sequence[Item]) -> bool:
    return all(a.token_start <= b.token_start for a, b in zip(items, items[1:], strict=False))


def _spread(items: Sequence[Item]) -> int:
    """Tokens between the end of the first item and the start of the last one (0 if adjacent)."""
    if len(items) < 2:
        return 0
    return max(0, max(i.token_start for i in items) - min(i.token_end for i in items))


def _entity_ok(cond: EntityLeaf, e: Entity, view: ExtractionView) -> bool:
    if cond.types and e.type not in cond.types:
        return False
    if cond.ids and e.id not in cond.ids:
        return False
    if cond.countries and (e.country or "") not in cond.countries:
        return False
    if cond.kinds and (e.kind or "") not in cond.kinds:
        return False
    return not (cond.role and not view.has_role(e, cond.role))


def _frame_solution(cond: FrameLeaf, f: Frame) -> Solution | None:
    """The solution of a frame leaf on one frame: the frame and its roles bound, or None."""
    if f.kind not in cond.kinds or f.polarity not in cond.polarity or f.modality not in cond.modality:
        return None
    if f.time not in cond.time:
        return None
    if cond.themes and cond.themes.isdisjoint(f.theme_kinds or (f.theme_kind or "",)):
        return None
    if cond.causes and (f.cause or "") not in cond.causes:
        return None
    bindings: list[tuple[str, Item]] = []
    items: list[Item] = [f]
    for r in cond.roles:
        e = getattr(f, r.role)
        if e is None:
            if r.required:
                return None
            continue
        items.append(e)
        if r.binding:
            bindings.append((r.binding, e))
    for fc in cond.counts:
        fits = [k for k in f.counts if (not fc.counted or (k.counted or "") in fc.counted)
                and (not fc.events or (k.event or "") in fc.events)]
        if fits:
            best = max(fits, key=lambda k: k.value)
            bindings.append((fc.binding, best))
            items.append(best)
    if cond.binding:
        bindings.append((cond.binding, f))
    items.extend(f.related_counts)  # their sentences are evidence of the range
    return Solution(tuple(sorted(bindings, key=lambda kv: kv[0])), tuple(items))


def _count_ok(cond: CountLeaf, c: Count) -> bool:
    if cond.counted and (c.counted or "") not in cond.counted:
        return False
    if cond.events and (c.event or "") not in cond.events:
        return False
    if cond.at_least is not None and c.value < cond.at_least:
        return False
    return not (cond.at_most is not None and c.value > cond.at_most)


def _regex(cond: RegexLeaf, view: ExtractionView, region: Region) -> list[Solution]:
    ex = view.extraction
    spans: list[tuple[int, int]]
    if ex.sentences:
        idx = range(len(ex.sentences)) if region is None else sorted(region)
        spans = [(ex.sentences[i].start, ex.sentences[i].end) for i in idx if i < len(ex.sentences)]
    else:
        spans = [(0, len(ex.text))]
    out: list[Solution] = []
    for start, end in spans:
        # match on the sentence's own text: the re2 wrapper converts offsets over the whole string
        # it is given, which would make long articles quadratic
        for m in cond.pattern.finditer(ex.text[start:end]):
            if m.end() == m.start():
                continue
            mstart, mend = start + m.start(), start + m.end()
            sent = view.sentence_of_offset(mstart)
            tstart, tend = _token_span(view, mstart, mend, sent)
            out.append(_leaf(RegexHit(m.group(0), mstart, mend, tstart, tend, sent), cond.binding))
            if len(out) >= MAX_SOLUTIONS:
                return out
    return out


def _token_span(view: ExtractionView, start: int, end: int, sentence: int) -> tuple[int, int]:
    """Tokens [ts, te) of the sentence that the characters [start, end) touch.

    ts: one past the last token ending at or before ``start``; te: one past the last token
    starting before ``end`` (both the sentence's first token when there is none). Bisected over
    the sentence's tokens: a scan per hit is quadratic in a long sentence with many hits.
    """
    ex = view.extraction
    if not ex.tokens or not ex.sentences:
        return (0, 0)
    s = ex.sentences[sentence]
    bounds = view.token_bounds
    if bounds is not None and 0 <= s.token_start <= s.token_end <= len(ex.tokens):
        starts, ends = bounds
        ts = bisect_right(ends, start, s.token_start, s.token_end)
        te = bisect_left(starts, end, s.token_start, s.token_end)
        return (ts, max(te, ts))
    ts = te = s.token_start
    for i in range(s.token_start, s.token_end):
        t = ex.tokens[i]
        if t.end <= start:
            ts = i + 1
        if t.start < end:
            te = i + 1
    return (ts, max(te, ts))
