"""The core tags on the labelled real news (../shared/data/real-news, labels in tests/data/real):
a floor under precision and recall, so that a change to extraction or rules that loses what the
event frames won fails here. The floors are below today's figures (docs/rules.md, "Backtest on
real news"); raise them when the figures rise."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.extraction.extractor import default_extractor
from streams.rules import load_ruleset
from streams.rules.backtest import backtest, load_corpus

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "data" / "real-news"
FILES = [REAL / "agnews-world-dev.jsonl", REAL / "gnad-dev.jsonl"]
FLOORS = {  # tag: (precision, recall)
    "civilian-casualties": (0.90, 0.82),
    "foreign-troop-deployment": (0.85, 0.78),
}


@pytest.mark.skipif(not all(f.exists() for f in FILES), reason="../shared/data/real-news is not beside the project")
def test_core_tags_on_real_news() -> None:
    articles, gold = load_corpus(FILES, ROOT / "tests" / "data" / "real" / "labels.jsonl")
    assert len(articles) == 1777
    result = backtest(load_ruleset(ROOT / "rules"), articles, gold, default_extractor().extract_many)
    scores = {s.name: s for s in result.per_tag}
    for tag, (precision, recall) in FLOORS.items():
        s = scores[tag]
        assert s.precision >= precision and s.recall >= recall, (tag, s.precision, s.recall, s.false_positives,
                                                                 s.false_negatives)
