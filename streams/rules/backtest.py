"""Backtest a rule set on a labelled corpus: precision, recall and F1 per rule and per tag.

    corpus: JSONL of articles (streams.models.Article fields)
    labels: JSONL of {"id": ..., "tags": [...]} — the tags a person gave each article

A rule is scored against the corpus tags it carries (its tags that occur in the label vocabulary);
a tag is predicted for an article when any rule with that tag matched it. Used by
``newsalert rules backtest``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from streams.models import Article, Extraction
from streams.rules.ruleset import RuleSet


@dataclass(frozen=True)
class Score:
    name: str
    tp: int
    fp: int
    fn: int
    false_positives: tuple[str, ...] = ()
    false_negatives: tuple[str, ...] = ()

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass(frozen=True)
class BacktestResult:
    articles: int
    per_tag: tuple[Score, ...]
    per_rule: tuple[Score, ...]
    predicted: dict[str, frozenset[str]] = field(default_factory=dict)  # article id -> tags
    micro: Score | None = None


def read_jsonl(path: Path) -> list[dict[str, object]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: invalid JSON: {exc.msg}") from None
    return out


def load_corpus(corpus: Path | Sequence[Path], labels: Path,
                split: tuple[int, int] | None = None) -> tuple[list[Article], dict[str, frozenset[str]]]:
    """Articles (of one or more files, in order) and gold tags; ``split=(i, k)`` keeps articles
    whose line index (counted over all files) % k == i."""
    files = [corpus] if isinstance(corpus, Path) else list(corpus)
    articles = [Article.from_dict(d) for f in files for d in read_jsonl(f)]
    gold: dict[str, frozenset[str]] = {}
    for d in read_jsonl(labels):
        tags = d.get("tags") or []
        if not isinstance(tags, list):
            raise ValueError(f"{labels}: tags of {d.get('id')} must be a list")
        gold[str(d["id"])] = frozenset(str(t) for t in tags)
    missing = [a.id for a in articles if a.id not in gold]
    if missing:
        raise ValueError(f"{len(missing)} article(s) have no labels, e.g. {missing[0]}")
    if split is not None:
        i, k = split
        articles = [a for n, a in enumerate(articles) if n % k == i]
    return articles, gold


def _score(name: str, ids: Sequence[str], gold: set[str], pred: set[str]) -> Score:
    """Score one rule or tag: ``gold`` and ``pred`` are the ids labelled / predicted positive."""
    tp = fp = fn = 0
    fps: list[str] = []
    fns: list[str] = []
    for aid in ids:
        g, p = aid in gold, aid in pred
        if g and p:
            tp += 1
        elif p:
            fp += 1
            fps.append(aid)
        elif g:
            fn += 1
            fns.append(aid)
    return Score(name, tp, fp, fn, tuple(fps), tuple(fns))


def backtest(
    ruleset: RuleSet,
    articles: Sequence[Article],
    gold: dict[str, frozenset[str]],
    extract_many: Callable[[list[Article]], Iterable[Extraction]],
) -> BacktestResult:
    """Evaluate every article once and score rules and tags against the gold labels."""
    ids = [a.id for a in articles]
    by_rule: dict[str, set[str]] = {r.id: set() for r in ruleset.rules}
    predicted: dict[str, frozenset[str]] = {}
    for article, extraction in zip(articles, extract_many(list(articles)), strict=True):
        tags: set[str] = set()
        for m in ruleset.evaluate(extraction, article):
            by_rule[m.rule_id].add(article.id)
            tags.update(m.tags)
        predicted[article.id] = frozenset(tags)
    vocabulary = sorted({t for aid in ids for t in gold[aid]} | {t for r in ruleset.rules for t in r.tags if _in_vocab(t, gold)})
    per_tag = tuple(
        _score(tag, ids, {a for a in ids if tag in gold[a]}, {a for a in ids if tag in predicted[a]})
        for tag in vocabulary
    )
    per_rule = []
    for rule in ruleset.rules:
        rtags = frozenset(t for t in rule.tags if t in vocabulary)
        if not rtags:
            continue
        per_rule.append(_score(rule.id, ids, {a for a in ids if rtags & gold[a]}, by_rule[rule.id]))
    tp = sum(s.tp for s in per_tag)
    fp = sum(s.fp for s in per_tag)
    fn = sum(s.fn for s in per_tag)
    return BacktestResult(len(ids), per_tag, tuple(per_rule), predicted, Score("micro", tp, fp, fn))


def _in_vocab(tag: str, gold: dict[str, frozenset[str]]) -> bool:
    return any(tag in tags for tags in gold.values())
