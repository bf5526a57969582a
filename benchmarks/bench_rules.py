"""Rule evaluation time per article for 10, 100 and 1,000 rules, with and without the presearcher.

    .venv/bin/python -m benchmarks.bench_rules [--runs 5]

The rule sets are variants of the pack's rules, each watching one place: casualties in X, strikes
on X, troops deployed to X, where X is one of the most populous places of the gazetteer (a watch
list). A second scenario watches countries instead of places (fewer distinct keys: more rules
share what an article contains). Articles: the labelled corpus, extracted once before timing;
only ``RuleSet.evaluate`` is timed. The baseline in the same run is the same rule set with the
presearcher switched off (every rule evaluated on every article). Prints medians of ``--runs``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.common import ROOT, machine
from streams.models import Article, Extraction
from streams.rules import RuleSet, load_ruleset
from streams.rules.presearch import Presearcher

SHAPES = {
    "casualties": """
id: {id}
title: "Casualties in {{location.name}}"
severity: high
tags: [civilian-casualties]
match:
  same_sentence:
    - any:
        - count: {{counted: "@civilian-counted", event: killed, at_least: 1, as: killed}}
        - count: {{counted: "@civilian-counted", event: injured, at_least: 1, as: injured}}
    - entity: {{{key}: "{value}", as: location}}
    - not: {{macro: non-violent-cause}}
suppress: {{key: "{{rule}}:{{location.id}}", window: 24h}}
""",
    "strike": """
id: {id}
title: "Strike on {{location.name}}"
severity: high
tags: [strike-on-populated-area]
match:
  same_sentence:
    - concept: [airstrike, missile, drone, shelling]
    - entity: {{{key}: "{value}", as: location}}
    - macro: civilian-impact
suppress: {{key: "{{rule}}:{{location.id}}", window: 12h}}
""",
    "deployment": """
id: {id}
title: "{{actor.name}} troops deployed to {{location.name}}"
severity: high
tags: [foreign-troop-deployment]
match:
  same_sentence:
    - macro: armed-forces-of-actor
    - concept: deployment
    - entity: {{{key}: "{value}", role: place, as: location}}
where: "actor.country != location.country"
suppress: {{key: "{{rule}}:{{actor.country}}:{{location.id}}", window: 24h}}
""",
}


def watch_values(kind: str, n: int) -> list[str]:
    from streams.extraction.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    if kind == "place":
        places = sorted((e for e in gaz.entries if e.type in ("GPE", "LOC") and e.kind in ("city", "region")),
                        key=lambda e: (-e.population, e.id))
        return [e.id for e in places[:n]]
    countries = sorted({e.country for e in gaz.entries if e.country})
    return [countries[i % len(countries)] for i in range(n)]


def write_rules(directory: Path, n: int, kind: str, with_pack: bool) -> None:
    for f in (ROOT / "rules").glob("*.yaml"):
        if with_pack or f.name == "macros.yaml":
            shutil.copy(f, directory / f.name)
    values = watch_values(kind, (n + 2) // 3)
    shapes = list(SHAPES.items())
    key = "id" if kind == "place" else "country"
    for i in range(n):
        shape_name, shape = shapes[i % 3]
        value = values[(i // 3) % len(values)]
        rid = f"{shape_name}-{kind}-{i:04d}"
        (directory / f"{rid}.yaml").write_text(shape.format(id=rid, key=key, value=value))


def without_presearch(rs: RuleSet) -> RuleSet:
    everything = Presearcher({}, tuple(range(len(rs.rules))), tuple(() for _ in rs.rules))
    return replace(rs, presearcher=everything)


def time_per_article(rs: RuleSet, items: list[tuple[Extraction, Article]], runs: int) -> tuple[float, int, int]:
    """Median over runs of the mean seconds per article; candidates and matches of one pass."""
    times = []
    candidates = sum(len(rs.candidates(ex, a)) for ex, a in items)
    matches = sum(len(rs.evaluate(ex, a)) for ex, a in items)
    for _ in range(runs):
        t0 = time.perf_counter()
        for ex, a in items:
            rs.evaluate(ex, a)
        times.append((time.perf_counter() - t0) / len(items))
    return statistics.median(times), candidates, matches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="10,100,1000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(machine())
    from streams.extraction.extractor import Extractor

    corpus = ROOT / "tests" / "data" / "corpus" / "articles.jsonl"
    articles = [Article.from_dict(json.loads(line)) for line in corpus.open(encoding="utf-8") if line.strip()]
    extractor = Extractor.from_settings(lexicon_dir=ROOT / "rules" / "lexicon")
    items = list(zip(extractor.extract_many(articles), articles, strict=True))
    print(f"{len(items)} articles (extracted once, not timed); median of {args.runs} runs; "
          "per-article time of RuleSet.evaluate")
    pack_rs = load_ruleset(ROOT / "rules")
    pack = len(pack_rs)
    # the largest article the worker accepts (NEWSALERT_MAX_ARTICLE_CHARS, 200,000): the corpus
    # joined into one text, repeated up to the limit
    joined = "\n".join(a.text for a in articles)
    long_text = ("\n".join([joined] * (200_000 // len(joined) + 1)))[:200_000]
    long_article = Article(id="long", text=long_text)
    [long_ex] = extractor.extract_many([long_article])
    times = []
    for _ in range(max(3, args.runs // 2)):
        t0 = time.perf_counter()
        found = pack_rs.evaluate(long_ex, long_article)
        times.append(time.perf_counter() - t0)
    print(f"\nlongest article: {len(long_text)} chars, {len(long_ex.tokens)} tokens, {len(long_ex.entities)} entities;"
          f" the {pack}-rule pack evaluates it in {statistics.median(times):.3f} s (median), {len(found)} matches")
    for kind, with_pack in (("place", False), ("country", False), ("place", True)):
        title = f"{kind} watch rules" + (f" on top of the {pack}-rule pack" if with_pack else " only")
        print(f"\nscenario: {title}")
        print(f"{'rules':>6} {'presearch µs':>13} {'cand/art':>9} {'no presearch µs':>16} {'matches':>8}")
        rows = []
        for n in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                write_rules(Path(tmp), n, kind, with_pack)
                rs = load_ruleset(Path(tmp))
            assert len(rs) == n + (pack if with_pack else 0), (len(rs), n)
            t_idx, cand, m1 = time_per_article(rs, items, args.runs)
            t_all, _, m2 = time_per_article(without_presearch(rs), items, args.runs)
            assert m1 == m2, "the presearcher must not change the matches"
            rows.append((t_idx, t_all))
            print(f"{len(rs):>6} {t_idx * 1e6:>13.1f} {cand / len(items):>9.2f} {t_all * 1e6:>16.1f} {m1:>8}")
        (i0, a0), (i1, a1) = rows[0], rows[-1]
        print(f"ratio largest/smallest set: {i1 / i0:.2f}x with presearch, {a1 / a0:.2f}x without")


if __name__ == "__main__":
    main()
