"""Extraction throughput against spaCy's bare tokenizer, per-stage timings, start-up time and memory.

    .venv/bin/python -m benchmarks.bench_extraction [--runs 5] [--min-articles 1000] [--batch 16]
        [--long-chars 10000] [--long-articles 40] [--no-startup] [--profile] [--compare-ruler]
    .venv/bin/python -m benchmarks.bench_extraction --snapshot /tmp/x.jsonl   # outputs, to diff before/after

Two article sets, both measured in every run:
  short: tests/data/corpus/articles.jsonl, streams/samples/articles.jsonl and the reference article
         (../shared/data/samples/kursk-troops-de.txt, when present), cycled to --min-articles;
  long : the same texts joined per language into articles of about --long-chars characters
         (German ones start with the reference article), cycled to --long-articles.
In the same process and run, for each set:
  tokenizer  : ``spacy.blank(lang).tokenizer(text)`` for every article (lang = the article's field),
               a separate instance from the Extractor's (the same-run baseline);
  spaCy pipes: tokenizer + sentencizer + lookup lemmatizer (``nlp.pipe``), which the Extractor ran
               before it cached per-word attributes; for perspective;
  extraction : ``Extractor.extract_many`` in batches of --batch (everything: language detection,
               tokenizer, per-word attributes, sentences, entities, concepts, counts, streams.models);
  trusted    : the same with the article's language field trusted (no detection);
  stages     : ms/article of each stage of the extraction run on its own over the set (language,
               tokenizer, words = per-word attributes and sentences, tokens = streams.models.Token
               objects, entities, concepts, counts); their sum is close to the extraction's time.
Medians over --runs (articles/s and the ratio extraction/tokenizer). The tokenizer keeps a cache of
the strings it has split, so from the second run on both it and the extraction's tokenizer are
faster on these repeated texts; the first run of each set is printed separately ("cold").
The largest allowed article (200,000 characters) is timed three times. Start-up time and RSS are measured in a fresh subprocess (``Extractor.from_settings()`` with every
gazetteer loaded, before and after extracting 300 articles).

Runs against older code too (stages missing there are printed as n/a), e.g. from a worktree:
``PYTHONPATH=/tmp/before .venv/bin/python benchmarks/bench_extraction.py``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import cycle_articles, load_corpus, machine, to_articles

HERE = Path(__file__).resolve().parent.parent
REFERENCE = HERE.parent / "shared" / "data" / "samples" / "kursk-troops-de.txt"
STAGES = ("language", "tokenizer", "words", "tokens", "entities", "concepts", "counts")

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


def long_texts(base: Sequence[dict[str, Any]], chars: int) -> list[dict[str, Any]]:
    """The corpus texts joined per language (blank line between) into articles of ~``chars``."""
    out: list[dict[str, Any]] = []
    reference = REFERENCE.read_text(encoding="utf-8") if REFERENCE.is_file() else None
    for lang in ("de", "en"):
        texts = sorted((d["text"] for d in base if d.get("language") == lang), key=lambda t: t != reference)
        current: list[str] = []
        size = 0
        for t in texts:
            current.append(t)
            size += len(t) + 2
            if size >= chars:
                out.append({"id": f"long-{lang}-{len(out)}", "text": "\n\n".join(current), "language": lang})
                current, size = [], 0
    return out


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def tokenizer_seconds(tokenizers: dict[str, Any], articles: Sequence[Any]) -> float:
    def run() -> None:
        for a in articles:
            tokenizers.get(a.language or "en", tokenizers["en"])(a.text)
    return timed(run)


def spacy_pipes_seconds(extractor: Any, articles: Sequence[Any], batch: int) -> float:
    def run() -> None:
        for lang in ("de", "en"):
            texts = [a.text for a in articles if (a.language or "en") == lang]
            for _ in extractor.pipelines[lang].nlp.pipe(texts, batch_size=batch):
                pass
    return timed(run)


def extraction_seconds(extractor: Any, articles: Sequence[Any], batch: int) -> float:
    def run() -> None:
        for i in range(0, len(articles), batch):
            extractor.extract_many(articles[i : i + batch])
    return timed(run)


def stage_seconds(extractor: Any, articles: Sequence[Any]) -> dict[str, float | None]:
    """Each stage of Extractor._from_doc over all articles, one stage at a time (n/a on code
    without the stage methods)."""
    out: dict[str, float | None] = dict.fromkeys(STAGES)
    t0 = time.perf_counter()
    langs = [extractor._language(a) for a in articles]
    out["language"] = time.perf_counter() - t0
    if not hasattr(extractor, "_words"):
        return out
    from streams.extraction.extractor import _tokenize

    groups: dict[str, list[Any]] = {}
    for a, lang in zip(articles, langs, strict=True):
        if lang in extractor.pipelines:
            groups.setdefault(lang, []).append(a)
    for key in STAGES[1:]:
        out[key] = 0.0
    for lang, arts in groups.items():
        pipe = extractor.pipelines[lang]
        t0 = time.perf_counter()
        docs = _tokenize(pipe, [a.text for a in arts])
        t1 = time.perf_counter()
        words = [extractor._words(a.text, pipe, d) for a, d in zip(arts, docs, strict=True)]
        t2 = time.perf_counter()
        for w in words:
            extractor._tokens(w)
        t3 = time.perf_counter()
        entities = [extractor._entities(w, pipe, d) for w, d in zip(words, docs, strict=True)]
        t4 = time.perf_counter()
        concepts = [extractor._concepts(w, pipe) for w in words]
        t5 = time.perf_counter()
        for w, ents, (_c, per_token) in zip(words, entities, concepts, strict=True):
            extractor._counts(w, pipe, ents, per_token)
        t6 = time.perf_counter()
        for key, seconds in zip(STAGES[1:], (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5), strict=True):
            out[key] = (out[key] or 0.0) + seconds
    return out


def measure(name: str, extractor: Any, trusting: Any, tokenizers: dict[str, Any], articles: Sequence[Any],
            runs: int, batch: int) -> dict[str, Any]:
    """All figures of one article set; the first run is kept apart as the cold one."""
    n = len(articles)
    rounds: list[dict[str, Any]] = []
    for _ in range(runs + 1):
        r: dict[str, Any] = {
            "tokenizer": n / tokenizer_seconds(tokenizers, articles),
            "spacy_pipes": n / spacy_pipes_seconds(extractor, articles, batch),
            "extraction": n / extraction_seconds(extractor, articles, batch),
            "trusted": n / extraction_seconds(trusting, articles, batch),
        }
        r["stages"] = stage_seconds(extractor, articles)
        rounds.append(r)
    cold, warm = rounds[0], rounds[1:]
    chars = sum(len(a.text) for a in articles) / n
    print(f"\n== {name}: {n} articles, mean {chars:,.0f} characters; median of {runs} runs after a cold one")
    for key, label in (("tokenizer", "bare tokenizer (baseline)"), ("spacy_pipes", "spaCy tokenizer+sentencizer+lemmatizer"),
                       ("extraction", "full extraction"), ("trusted", "full extraction, language field trusted")):
        values = [r[key] for r in warm]
        print(f"  {label:42s} {statistics.median(values):>10,.0f} articles/s  (runs {', '.join(f'{v:,.0f}' for v in values)};"
              f" cold {cold[key]:,.0f})")
    tok = statistics.median(r["tokenizer"] for r in warm)
    ext = statistics.median(r["extraction"] for r in warm)
    trusted = statistics.median(r["trusted"] for r in warm)
    print(f"  ratio extraction/tokenizer {ext / tok:.1%} (cold {cold['extraction'] / cold['tokenizer']:.1%}); "
          f"trusted field/tokenizer {trusted / tok:.1%} (cold {cold['trusted'] / cold['tokenizer']:.1%})")
    print("  stages, ms/article (median):", end="")
    total = 0.0
    for key in STAGES:
        values = [r["stages"][key] for r in warm if r["stages"][key] is not None]
        if values:
            ms = statistics.median(values) / n * 1000
            total += ms
            print(f" {key} {ms:.3f};", end="")
        else:
            print(f" {key} n/a;", end="")
    print(f" sum {total:.3f}; whole extraction {1000 / ext:.3f}; bare tokenizer {1000 / tok:.3f}")
    return {"tokenizer": tok, "extraction": ext, "trusted": trusted}


def snapshot(extractor: Any, path: Path, base: Sequence[dict[str, Any]], long_items: Sequence[dict[str, Any]]) -> None:
    """Every Extraction (with tokens) of the corpus texts with and without their language field,
    the count sentences, the long texts and, when present, the GermEval dev sentences as German:
    one JSON line each, and their SHA-256. A speed change must leave this file byte-identical."""
    import hashlib

    from streams.models import Article

    items = [dict(d) for d in base] + [{"id": f"nolang-{d['id']}", "text": d["text"]} for d in base]
    counts_file = HERE / "tests" / "data" / "counts" / "sentences.jsonl"
    for k, line in enumerate(counts_file.read_text(encoding="utf-8").splitlines()):
        d = json.loads(line)
        items.append({"id": f"count-{k}", "text": d["text"], "language": d.get("language")})
    items += [dict(d) for d in long_items]
    articles = [Article.from_dict({k: v for k, v in d.items() if k in ("id", "text", "language")}) for d in items]
    lines = [json.dumps(x.to_dict(with_tokens=True), ensure_ascii=False, sort_keys=True)
             for i in range(0, len(articles), 16) for x in extractor.extract_many(articles[i : i + 16])]
    germeval = HERE.parent / "shared" / "data" / "germeval2014" / "NER-de-dev.tsv"
    if germeval.is_file():
        sentences: list[str] = []
        current: list[str] = []
        for line in germeval.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                continue
            if not line.strip():
                if current:
                    sentences.append(" ".join(current))
                current = []
            else:
                current.append(line.split("\t")[1])
        docs = [Article(id=f"germeval-{k}", text=t) for k, t in enumerate(sentences)]
        lines += [json.dumps(x.to_dict(with_tokens=True), ensure_ascii=False, sort_keys=True)
                  for x in extractor.extract_as(docs, "de")]
    data = "\n".join(lines) + "\n"
    path.write_text(data, encoding="utf-8")
    print(f"snapshot: {len(lines)} extractions -> {path}, sha256 {hashlib.sha256(data.encode()).hexdigest()}")


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
    tokenizer: Any = nlp.tokenizer
    docs = list(tokenizer.pipe(names))
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
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--min-articles", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--long-chars", type=int, default=10_000, help="size of the long articles")
    parser.add_argument("--long-articles", type=int, default=40)
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up/RSS subprocess")
    parser.add_argument("--snapshot", type=Path, metavar="FILE",
                        help="only write every Extraction of the test texts to FILE (JSON lines) and print its SHA-256")
    parser.add_argument("--profile", action="store_true", help="pyinstrument profile of one extraction round (short set)")
    parser.add_argument("--compare-ruler", action="store_true",
                        help="also time loading the German gazetteer names into spaCy's PhraseMatcher and EntityRuler")
    args = parser.parse_args()

    import spacy

    from streams.extraction.extractor import Extractor

    print(machine())
    base = corpus()
    short = to_articles(cycle_articles(base, max(args.min_articles, len(base)), "bench"))
    long_items = long_texts(base, args.long_chars)
    long = to_articles(cycle_articles(long_items, max(args.long_articles, len(long_items)), "long"))
    print(f"short: {len(base)} distinct texts; long: {len(long_items)} distinct texts of ~{args.long_chars:,} characters; "
          f"batch {args.batch}")

    if not args.no_startup and not args.snapshot:
        child = subprocess.run(
            [sys.executable, "-c", STARTUP_CHILD], input=json.dumps(cycle_articles(base, 300, "s")), capture_output=True,
            text=True, check=True,
        )
        facts = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"start-up (fresh process, Extractor.from_settings): {facts['start_s']:.2f} s; "
              f"RSS after start {facts['rss_start_mb']:.0f} MB, after 300 articles {facts['rss_after_mb']:.0f} MB")

    extractor = Extractor.from_settings()
    if args.snapshot:
        snapshot(extractor, args.snapshot, base, long_items)
        return
    trusting = Extractor(extractor.pipelines, extractor.identifier, extractor.splitter, extractor.lexicon,
                         extractor.gazetteer, trust_language_field=True)
    tokenizers = {lang: spacy.blank(lang).tokenizer for lang in ("de", "en", "fr", "es")}
    extractor.extract_many(short[:50])  # word caches warm, as in a running worker
    measure("short articles (corpus)", extractor, trusting, tokenizers, short, args.runs, args.batch)
    measure("long articles (corpus joined)", extractor, trusting, tokenizers, long, args.runs, args.batch)

    if long_items:
        # the largest article the worker accepts (Limits: 200,000 characters), built from the long texts
        from streams.models import Article

        german = [d["text"] for d in long_items if d["language"] == "de"]
        parts: list[str] = []
        while sum(len(p) + 2 for p in parts) < 200_000:
            parts.append(german[len(parts) % len(german)])
        big = Article(id="largest", text="\n\n".join(parts)[:200_000], language="de")
        seconds = [timed(lambda: extractor.extract(big)) for _ in range(3)]
        print(f"\nlargest allowed article (200,000 characters of the German long texts): {statistics.median(seconds):.2f} s "
              f"(runs {', '.join(f'{v:.2f}' for v in seconds)})")

    if args.compare_ruler:
        compare_ruler()

    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
        extraction_seconds(extractor, short, args.batch)
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
