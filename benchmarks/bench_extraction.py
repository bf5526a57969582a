"""Extraction throughput against spaCy's bare tokenizer, start-up time and memory.

    .venv/bin/python -m benchmarks.bench_extraction [--runs 5] [--min-articles 1000] [--batch 16] [--profile]

Articles: tests/data/corpus/articles.jsonl, streams/samples/articles.jsonl and the reference
article (../shared/data/samples/kursk-troops-de.txt, when present), repeated to --min-articles.
In the same process and run, each round times
  tokenizer : ``spacy.blank(lang).tokenizer(text)`` for every article (lang = the article's field),
  spaCy     : the Extractor's own spaCy pipelines alone (nlp.pipe), for perspective,
  extraction: ``Extractor.extract_many`` in batches of --batch (language detection, tokenizer,
              sentencizer, lemmatizer, entities, concepts, counts, conversion to streams.models),
and prints the medians (articles/s) and their ratio. Start-up time and RSS are measured in a
fresh subprocess (``Extractor.from_settings()`` with every gazetteer loaded, before and after
extracting the articles once).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

from benchmarks.common import ROOT, cycle_articles, fmt_runs, load_corpus, machine, median, to_articles

REFERENCE = ROOT.parent / "shared" / "data" / "samples" / "kursk-troops-de.txt"

STARTUP_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from streams.extraction.extractor import Extractor
from streams.models import Article
ex = Extractor.from_settings()
start = time.perf_counter() - t0
rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
arts = [Article.from_dict(d) for d in json.loads(sys.stdin.read())]
for i in range(0, len(arts), 16):
    ex.extract_many(arts[i:i + 16])
rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"start_s": start, "rss_start_mb": rss_start, "rss_after_mb": rss_after}))
"""


def corpus() -> list[dict[str, Any]]:
    items = load_corpus()
    if REFERENCE.is_file():
        items.append({"id": "kursk-reference", "text": REFERENCE.read_text(encoding="utf-8"), "language": "de"})
    else:
        print(f"note: {REFERENCE} missing, not included", file=sys.stderr)
    return items


def tokenizer_rate(tokenizers: dict[str, Any], articles: list[Any]) -> float:
    t0 = time.perf_counter()
    for a in articles:
        tokenizers.get(a.language or "en", tokenizers["en"])(a.text)
    return len(articles) / (time.perf_counter() - t0)


def spacy_pipeline_rate(extractor: Any, articles: list[Any], batch: int) -> float:
    """spaCy alone, as the Extractor runs it: tokenizer + sentencizer + lookup lemmatizer (nlp.pipe)."""
    t0 = time.perf_counter()
    for lang in ("de", "en"):
        texts = [a.text for a in articles if (a.language or "en") == lang]
        for _ in extractor.pipelines[lang].nlp.pipe(texts, batch_size=batch):
            pass
    return len([a for a in articles if (a.language or "en") in ("de", "en")]) / (time.perf_counter() - t0)


def extraction_rate(extractor: Any, articles: list[Any], batch: int) -> float:
    t0 = time.perf_counter()
    for i in range(0, len(articles), batch):
        extractor.extract_many(articles[i : i + batch])
    return len(articles) / (time.perf_counter() - t0)


def compare_ruler() -> None:
    """Load time of the German names in spaCy's own matchers, against our EntityMatcher."""
    import spacy
    from spacy.matcher import PhraseMatcher

    from streams.extraction.entities import EntityMatcher
    from streams.extraction.gazetteer import load_gazetteer

    g = load_gazetteer()
    names = sorted({n[0] for n in g.names if n[2] in ("de", "*")})
    nlp = spacy.blank("de")
    t0 = time.perf_counter()
    EntityMatcher(g, "de", lambda text: [t.text for t in nlp.tokenizer(text)])
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    docs = list(nlp.tokenizer.pipe(names))
    for i in range(0, len(docs), 5000):
        matcher.add(f"N{i}", docs[i : i + 5000])
    phrase = time.perf_counter() - t0
    t0 = time.perf_counter()
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
    ruler.add_patterns([{"label": "GPE", "pattern": n, "id": str(i)} for i, n in enumerate(names)])  # type: ignore[attr-defined]
    entity_ruler = time.perf_counter() - t0
    print(f"loading {len(names):,} German names: EntityMatcher {ours:.1f} s, PhraseMatcher {phrase:.1f} s, "
          f"EntityRuler {entity_ruler:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--min-articles", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--profile", action="store_true", help="pyinstrument profile of one extraction round")
    parser.add_argument("--compare-ruler", action="store_true",
                        help="also time loading the German gazetteer names into spaCy's PhraseMatcher and EntityRuler")
    args = parser.parse_args()

    import spacy

    from streams.extraction.extractor import Extractor

    print(machine())
    base = corpus()
    items = cycle_articles(base, max(args.min_articles, len(base)), "bench")
    articles = to_articles(items)
    chars = sum(len(a.text) for a in articles) / len(articles)
    print(f"articles: {len(articles)} ({len(base)} distinct, mean {chars:,.0f} characters), batch {args.batch}")

    child = subprocess.run(
        [sys.executable, "-c", STARTUP_CHILD], input=json.dumps(items[: min(len(items), 300)]), capture_output=True,
        text=True, cwd=ROOT, check=True,
    )
    facts = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"start-up (fresh process, Extractor.from_settings): {facts['start_s']:.2f} s; "
          f"RSS after start {facts['rss_start_mb']:.0f} MB, after 300 articles {facts['rss_after_mb']:.0f} MB")

    extractor = Extractor.from_settings()
    tokenizers = {lang: spacy.blank(lang).tokenizer for lang in ("de", "en", "fr", "es")}
    extractor.extract_many(articles[:50])  # warm caches, as a running worker has
    tok_runs: list[float] = []
    nlp_runs: list[float] = []
    ext_runs: list[float] = []
    for _ in range(args.runs):
        tok_runs.append(tokenizer_rate(tokenizers, articles))
        nlp_runs.append(spacy_pipeline_rate(extractor, articles, args.batch))
        ext_runs.append(extraction_rate(extractor, articles, args.batch))
    trusting = Extractor(extractor.pipelines, extractor.identifier, extractor.splitter, extractor.lexicon,
                         extractor.gazetteer, trust_language_field=True)
    trust_runs = [extraction_rate(trusting, articles, args.batch) for _ in range(args.runs)]
    tok, nlp_rate, ext = median(tok_runs), median(nlp_runs), median(ext_runs)
    print(f"bare tokenizer        : {fmt_runs(tok_runs, ' articles/s')}")
    print(f"spaCy pipeline only   : {fmt_runs(nlp_runs, ' articles/s')}  (tokenizer+sentencizer+lemmatizer, nlp.pipe)")
    print(f"full extraction       : {fmt_runs(ext_runs, ' articles/s')}")
    print(f"extraction, language field trusted: {fmt_runs(trust_runs, ' articles/s')}  (NEWSALERT_TRUST_LANGUAGE_FIELD=1)")
    print(f"ratio extraction/tokenizer: {ext / tok:.1%}; spaCy pipeline/tokenizer: {nlp_rate / tok:.1%}; "
          f"extraction/spaCy pipeline: {ext / nlp_rate:.1%}; trusted-field extraction/tokenizer: "
          f"{median(trust_runs) / tok:.1%}")

    if args.compare_ruler:
        compare_ruler()

    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
        extraction_rate(extractor, articles, args.batch)
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
