"""The core tags on the probe articles (tests/data/probe, written for this project to probe the
event frames): a floor under precision and recall, below today's figures (docs/rules.md, "the
third round"), so that a change that loses a kind of error fixed there fails here."""

from __future__ import annotations

from pathlib import Path

from streams.extraction.extractor import default_extractor
from streams.rules import load_ruleset
from streams.rules.backtest import backtest, load_corpus

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tests" / "data" / "probe"
FLOORS = {  # tag: (precision, recall); today 1.000 / 1.000 and 1.000 / 0.923
    "civilian-casualties": (0.95, 0.95),
    "foreign-troop-deployment": (0.95, 0.88),
}


def test_core_tags_on_the_probe_articles() -> None:
    articles, gold = load_corpus([PROBE / "articles.jsonl"], PROBE / "labels.jsonl")
    assert len(articles) == 110
    result = backtest(load_ruleset(ROOT / "rules"), articles, gold, default_extractor().extract_many)
    scores = {s.name: s for s in result.per_tag}
    for tag, (precision, recall) in FLOORS.items():
        s = scores[tag]
        assert s.precision >= precision and s.recall >= recall, (tag, s.precision, s.recall, s.false_positives,
                                                                 s.false_negatives)
