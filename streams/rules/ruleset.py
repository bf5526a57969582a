"""RuleSet: the validated, immutable set of rules that turns an Extraction into Matches.

Built by streams.rules.loader; ``evaluate`` is called by the worker (and ``newsalert check``) once
per article. It is pure and thread-safe: a reload builds a new RuleSet and swaps the reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from streams.models import Article, Entity, Evidence, Extraction, Match
from streams.rules.matcher import ExtractionView, Item, Solution, evaluate
from streams.rules.model import Rule
from streams.rules.presearch import Presearcher, article_terms

_PLACE_TYPES = frozenset({"GPE", "LOC"})
MAX_PRUNE = 500


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    version: str
    lists: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    presearcher: Presearcher = field(default_factory=lambda: Presearcher({}, (), ()))
    files: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.rules)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def candidates(self, extraction: Extraction, article: Article) -> list[Rule]:
        """The rules the presearcher lets through for this article (for tests and benchmarks)."""
        terms = article_terms(extraction, article)
        return [self.rules[p] for p in self.presearcher.candidates(terms)]

    def evaluate(self, extraction: Extraction, article: Article) -> list[Match]:
        """All matches of all rules on one article, ordered by evidence position then rule id.

        One rule can match several times (different suppression keys); matches with the same key
        are merged (evidence and facts united).
        """
        language = extraction.language if extraction.language != "und" else (article.language or "und")
        art = {"id": article.id, "language": language, "source": article.source, "title": article.title,
               "url": article.url}
        view = ExtractionView(extraction, art, self.lists)
        source = (article.source or "").lower()
        out: list[Match] = []
        for rule in self.candidates(extraction, article):
            if rule.languages and language not in rule.languages:
                continue
            if rule.sources and source not in rule.sources:
                continue
            if source and source in rule.exclude_sources:
                continue
            out.extend(self._matches(rule, view, article))
        out.sort(key=lambda m: (m.evidence[0].start if m.evidence else -1, m.rule_id, m.suppression_key))
        return out

    def _matches(self, rule: Rule, view: ExtractionView, article: Article) -> list[Match]:
        """Evaluate one candidate rule: solutions, where, exceptions, specificity, grouping by key."""
        sols = evaluate(rule.match, view)
        if rule.where is not None:
            sols = [s for s in sols if rule.where.evaluate(view.env(s), view.lists)]
        for exc in rule.exceptions:
            kept = []
            for s in sols:
                hit = True
                if exc.where is not None:
                    hit = exc.where.evaluate(view.env(s), view.lists)
                if hit and exc.match is not None:
                    region = frozenset(i.sentence for i in s.items)
                    hit = bool(evaluate(exc.match, view, region))
                if not hit:
                    kept.append(s)
            sols = kept
        if not sols:
            return []
        sols = list(_prune_less_specific(sols))  # a copy: evaluate() results are memoized
        sols.sort(key=lambda s: min((i.start for i in s.items), default=0))
        groups: dict[str, list[Solution]] = {}
        for s in sols:
            env = view.env(s)
            env["rule"] = rule.id
            # a key with a missing fact is no event identity: such solutions give one alert for
            # this article (suppression key ""), never merged with other articles
            key = (rule.suppress_key.render_complete(env) or "") if rule.suppress_key else ""
            groups.setdefault(key, []).append(s)
        groups = _merge_less_specific_groups(groups)
        return [self._match(rule, key, group, view, article) for key, group in groups.items()]

    def _match(self, rule: Rule, key: str, group: Sequence[Solution], view: ExtractionView, article: Article) -> Match:
        """One Match from the solutions that share a suppression key (first in text order wins)."""
        facts: dict[str, Any] = {}
        for s in group:
            for name, item in s.bindings:
                fact = view.facts(item)
                if name not in facts or _larger_count(fact, facts[name]):
                    facts[name] = dict(fact)
        env: dict[str, Any] = dict(facts)
        env["rule"] = rule.id
        env["article"] = view.article
        items = [i for s in group for i in s.items]
        return Match(
            rule_id=rule.id,
            rule_version=rule.version,
            severity=rule.severity,
            tags=rule.tags,
            title=rule.title.render(env),
            summary=rule.summary.render(env) if rule.summary else rule.description,
            facts=facts,
            evidence=_evidence(items, view.extraction),
            suppression_key=key,
            window_seconds=rule.window_seconds,
            min_articles=rule.min_articles,
            topics=rule.topics,
            article_id=article.id,
        )


def _larger_count(new: Mapping[str, Any], old: Mapping[str, Any]) -> bool:
    """Bindings keep their first value in text order, except counts: the largest reported wins
    ("3,000 ... up to 12,000 soldiers" -> 12,000), as counts escalate across articles too."""
    new_value, old_value = new.get("value"), old.get("value")
    return isinstance(new_value, int) and isinstance(old_value, int) and new_value > old_value


def _evidence(items: Sequence[Item], ex: Extraction) -> tuple[Evidence, ...]:
    if ex.sentences:
        spans = sorted({(ex.sentences[i.sentence].start, ex.sentences[i.sentence].end)
                        for i in items if 0 <= i.sentence < len(ex.sentences)})
    else:
        spans = sorted({(i.start, i.end) for i in items})
    out = []
    for s, e in spans:
        raw = ex.text[s:e]
        lead = len(raw) - len(raw.lstrip())
        trail = len(raw) - len(raw.rstrip())
        start, end = s + lead, e - trail
        if start >= ex.body_start:  # offsets stay true to Article.text
            out.append(Evidence(raw.strip(), start - ex.body_start, end - ex.body_start))
        else:  # the headline: offsets into Article.title
            out.append(Evidence(raw.strip(), start, end, field="title"))
    return tuple(out)


# a place that names a whole country (2), or a part of it by compass ("northern Iraq", 1)
_BREADTH = {"country": 2, "demonym": 2, "area": 1}


def _breadth(e: Entity) -> int:
    return _BREADTH.get(e.kind or "", 0)


def _merge_less_specific_groups(groups: dict[str, list[Solution]]) -> dict[str, list[Solution]]:
    """One alert per event of a rule in an article, told at its most precise: a group of
    solutions whose places are missing ("Gunmen kill 12", no place) or broader ("Iraq", "northern
    Iraq") than another group's ("Baghdad", same country), all its other entities the same, joins
    that group. Its evidence and counts go with it; the precise group's key and facts stay first.
    Groups with different places of the same precision ("Najaf" and "Kufa") stay apart."""
    if len(groups) < 2 or len(groups) > MAX_PRUNE:
        return groups
    keys = list(groups)
    places = {k: {n: i for n, i in groups[k][0].bindings if isinstance(i, Entity)} for k in keys}
    into: dict[str, str] = {}
    for a in keys:
        for b in keys:
            if a != b and b not in into and _covers(places[b], places[a]):
                into[a] = b
                break
    if not into:
        return groups
    out: dict[str, list[Solution]] = {k: list(groups[k]) for k in keys if k not in into}
    for a in keys:
        if a in into:
            b = into[a]
            while b in into:  # a chain: Iraq -> northern Iraq -> Mosul
                b = into[b]
            out[b].extend(groups[a])
    return out


def _covers(precise: Mapping[str, Entity], broad: Mapping[str, Entity]) -> bool:
    """True when every entity of ``broad`` is in ``precise``, the same or a place inside it, and
    ``precise`` says more: a place inside, or an entity ``broad`` lacks."""
    if not broad.keys() <= precise.keys():
        return False
    more = len(precise) > len(broad)
    for name, x in broad.items():
        y = precise[name]
        if x.id == y.id:
            continue
        if (x.country is not None and x.country == y.country and y.type in _PLACE_TYPES
                and _breadth(x) > _breadth(y)):
            more = True
            continue
        return False
    return more


def _more_specific(a: Item, b: Item) -> bool:
    """True when place ``a`` lies inside country ``b`` (Kursk region vs Russia)."""
    return (
        isinstance(a, Entity)
        and isinstance(b, Entity)
        and b.kind in ("country", "demonym")
        and a.kind not in ("country", "demonym")
        and a.type in _PLACE_TYPES
        and b.type in _PLACE_TYPES | {"NORP"}
        and a.country is not None
        and a.country == b.country
    )


def _prune_less_specific(sols: list[Solution]) -> list[Solution]:
    """Drop a solution when another binds a place inside the country it binds, all else equal.

    "North Korean troops moved to the Kursk region in Russia" gives location=Kursk and
    location=Russia; only Kursk is kept, and the dropped solution's evidence moves to it.
    """
    if len(sols) < 2 or len(sols) > MAX_PRUNE:
        return sols
    maps = [s.binding_map() for s in sols]
    extra: dict[int, list[Item]] = {}
    dropped: set[int] = set()
    for i, a in enumerate(maps):
        for j, b in enumerate(maps):
            if i == j or j in dropped or a.keys() != b.keys():
                continue
            strictly = False
            ok = True
            for name, item in a.items():
                other = b[name]
                if other is item or other == item:
                    continue
                if _more_specific(other, item):
                    strictly = True
                else:
                    ok = False
                    break
            if ok and strictly:
                dropped.add(i)
                extra.setdefault(j, []).extend(sols[i].items)
                extra[j].extend(extra.pop(i, []))
                break
    out = []
    for i, s in enumerate(sols):
        if i in dropped:
            continue
        if i in extra:
            s = Solution(s.bindings, s.items + tuple(extra[i]))
        out.append(s)
    return out
