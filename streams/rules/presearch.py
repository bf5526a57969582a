"""Presearcher: skip rules whose requirements are absent from an article (like Lucene Monitor).

At load time each rule is reduced to *clauses*: sets of terms of which at least one must occur in
the extraction for the rule to possibly match (``c:kill``, ``t:NORP``, ``ctry:KP``, ``ce:killed``,
``lang:de`` ...). The rule is indexed under the terms of its most selective clause. At evaluation
the article's own terms select the candidate rules through the index; the remaining clauses are
checked with cheap set operations; only then is the condition tree evaluated. The cost per
article grows with the number of its terms and of the rules that can actually match, not with
the size of the rule set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from streams.models import Article, ConceptMatch, Count, Entity, Extraction, Frame
from streams.rules.conditions import (
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

Clause = frozenset[str]

# How selective a kind of term is (higher: fewer articles have it). Used to pick the anchor clause.
_WEIGHT = {"f": 5, "id": 7, "ctry": 6, "src": 6, "c": 5, "ce": 4, "cc": 3, "k": 2, "count": 2, "t": 1, "lang": 0}


def clauses_of(cond: Condition, local: bool = False) -> list[Clause]:
    """Necessary conditions of ``cond``: each clause needs at least one of its terms present.

    ``local``: only what must lie inside the current region (a sentence): ``article`` and
    ``lead`` scopes inside ``cond`` look elsewhere and give no clause.
    """
    if local and isinstance(cond, WholeArticle | Lead):
        return []
    if isinstance(cond, ConceptLeaf):
        return [frozenset(f"c:{c}" for c in cond.concepts)]
    if isinstance(cond, EntityLeaf):
        out = []
        if cond.ids:
            out.append(frozenset(f"id:{i}" for i in cond.ids))
        if cond.countries:
            out.append(frozenset(f"ctry:{c}" for c in cond.countries))
        if cond.kinds:
            out.append(frozenset(f"k:{k}" for k in cond.kinds))
        if cond.types:
            out.append(frozenset(f"t:{t}" for t in cond.types))
        return out or [frozenset({"entity"})]
    if isinstance(cond, CountLeaf):
        out = []
        if cond.events:
            out.append(frozenset(f"ce:{e}" for e in cond.events))
        if cond.counted:
            out.append(frozenset(f"cc:{c}" for c in cond.counted))
        return out or [frozenset({"count"})]
    if isinstance(cond, FrameLeaf):
        return [frozenset(f"f:{k}" for k in cond.kinds)]
    if isinstance(cond, RegexLeaf | NotOf | OptionalOf):
        return []
    if isinstance(cond, AllOf):
        clauses: list[Clause] = []
        for child in cond.parts:
            clauses.extend(clauses_of(child, local))
        return _dedupe(clauses)
    if isinstance(cond, AnyOf):
        picked: set[str] = set()
        for child in cond.parts:
            child_clauses = clauses_of(child, local)
            if not child_clauses:
                return []  # one alternative needs nothing indexable
            picked |= best_clause(child_clauses)
        return [frozenset(picked)]
    if isinstance(cond, SameSentence | WholeArticle | Within | Where | Lead | Exists):
        return clauses_of(cond.child, local)
    return []  # pragma: no cover


def _dedupe(clauses: Iterable[Clause]) -> list[Clause]:
    seen: list[Clause] = []
    for c in clauses:
        if c not in seen:
            seen.append(c)
    return seen


def _score(clause: Clause) -> tuple[int, int]:
    weakest = min(_WEIGHT.get(t.split(":", 1)[0], 1) for t in clause)
    return (weakest, -len(clause))


def best_clause(clauses: Sequence[Clause]) -> Clause:
    return max(clauses, key=_score)


def article_terms(extraction: Extraction, article: Article) -> frozenset[str]:
    """The terms of one article; called once per article by RuleSet.evaluate."""
    terms: set[str] = {f"lang:{extraction.language}"}
    if article.source:
        terms.add(f"src:{article.source.lower()}")
    _add_terms(terms, extraction.entities, extraction.concepts, extraction.counts, extraction.frames)
    return frozenset(terms)


def sentence_terms(extraction: Extraction) -> list[frozenset[str]]:
    """The terms of each sentence (for presearch inside same_sentence)."""
    ents: list[list[Entity]] = [[] for _ in extraction.sentences]
    cons: list[list[ConceptMatch]] = [[] for _ in extraction.sentences]
    cnts: list[list[Count]] = [[] for _ in extraction.sentences]
    frms: list[list[Frame]] = [[] for _ in extraction.sentences]
    n = len(extraction.sentences)
    for f in extraction.frames:
        if 0 <= f.sentence < n:
            frms[f.sentence].append(f)
    for e in extraction.entities:
        if 0 <= e.sentence < n:
            ents[e.sentence].append(e)
    for c in extraction.concepts:
        if 0 <= c.sentence < n:
            cons[c.sentence].append(c)
    for k in extraction.counts:
        if 0 <= k.sentence < n:
            cnts[k.sentence].append(k)
    out = []
    for i in range(n):
        terms: set[str] = {f"lang:{extraction.language}"}
        _add_terms(terms, ents[i], cons[i], cnts[i], frms[i])
        out.append(frozenset(terms))
    return out


def _add_terms(terms: set[str], entities: Sequence[Entity], concepts: Sequence[ConceptMatch],
               counts: Sequence[Count], frames: Sequence[Frame] = ()) -> None:
    for f in frames:
        terms.add(f"f:{f.kind}")
    if entities:
        terms.add("entity")
    for e in entities:
        terms.add(f"t:{e.type}")
        terms.add(f"id:{e.id}")
        if e.country:
            terms.add(f"ctry:{e.country}")
        if e.kind:
            terms.add(f"k:{e.kind}")
    for c in concepts:
        terms.add(f"c:{c.concept}")
    if counts:
        terms.add("count")
    for n in counts:
        if n.event:
            terms.add(f"ce:{n.event}")
        if n.counted:
            terms.add(f"cc:{n.counted}")


@dataclass(frozen=True)
class Presearcher:
    """Index from term to rule positions; ``always`` holds rules with nothing to index."""

    index: dict[str, tuple[int, ...]]
    always: tuple[int, ...]
    clauses: tuple[tuple[Clause, ...], ...]  # per rule position

    @classmethod
    def build(cls, rule_clauses: Sequence[Sequence[Clause]]) -> Presearcher:
        """Called once per RuleSet, with the clauses of each rule in rule order."""
        index: dict[str, list[int]] = defaultdict(list)
        always: list[int] = []
        for pos, clauses in enumerate(rule_clauses):
            if not clauses:
                always.append(pos)
                continue
            for term in best_clause(clauses):
                index[term].append(pos)
        return cls({t: tuple(p) for t, p in index.items()}, tuple(always), tuple(tuple(c) for c in rule_clauses))

    def candidates(self, terms: frozenset[str]) -> list[int]:
        """Positions of the rules that may match an article with these terms, in rule order."""
        found: set[int] = set(self.always)
        for term in terms:
            hit = self.index.get(term)
            if hit:
                found.update(hit)
        return sorted(p for p in found if all(not clause.isdisjoint(terms) for clause in self.clauses[p]))
