"""In-process throughput of the whole pipeline (extraction + rules) against spaCy's bare tokenizer.

The baseline is ``spacy.blank(lang).tokenizer`` on the same texts in the same run: no spaCy
pipeline can be faster than its own tokenizer. The pipeline is called the way the worker calls
it: ``Pipeline.process_many`` on batches of NEWSALERT_BATCH_SIZE (default 16). This is the
ceiling for the end-to-end figures (benchmarks/bench_e2e.py). Extraction alone is measured by
benchmarks/bench_extraction.py, rule scaling by benchmarks/bench_rules.py.

    .venv/bin/python -m benchmarks.bench_pipeline [--runs 5] [--min-articles 1000] [--profile]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from benchmarks.common import (
    cycle_articles,
    fmt_runs,
    in_process_rate,
    load_corpus,
    load_pipeline,
    machine,
    median,
    to_articles,
)


def tokenizer_rate(tokenizers: dict[str, Any], articles: list[Any]) -> float:
    t0 = time.perf_counter()
    for a in articles:
        tokenizers.get(a.language or "en", tokenizers["en"])(a.text)
    return len(articles) / (time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--min-articles", type=int, default=1000, help="cycle the corpus up to this many")
    parser.add_argument("--batch-size", type=int, default=None, help="default: Settings().batch_size")
    parser.add_argument("--profile", action="store_true", help="one extra pipeline run under pyinstrument")
    args = parser.parse_args(argv)

    import spacy

    from streams.config import Settings

    batch_size = args.batch_size or Settings.from_env().batch_size
    print(machine())
    corpus = load_corpus()
    n = max(args.min_articles, len(corpus))
    articles = to_articles(cycle_articles(corpus, n, "bench"))
    chars = sum(len(a.text) for a in articles)
    langs = sorted({a.language or "en" for a in articles})
    print(f"corpus: {len(corpus)} distinct articles cycled to {n} ({chars / n:,.0f} chars/article, "
          f"languages {langs}); batch size {batch_size}")

    t0 = time.perf_counter()
    pipeline = load_pipeline()
    print(f"pipeline loaded in {time.perf_counter() - t0:.1f} s: {len(pipeline.ruleset.rules)} rules")
    tokenizers = {lang: spacy.blank(lang).tokenizer for lang in {"de", "en", *langs} if lang in ("de", "en")}

    # warm-up: lazy loads (lookups tables, caches) do not count
    in_process_rate(pipeline, articles[: 2 * batch_size], batch_size)
    tokenizer_rate(tokenizers, articles[:100])

    base, full = [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine load
        base.append(tokenizer_rate(tokenizers, articles))
        full.append(in_process_rate(pipeline, articles, batch_size))
    print(f"spaCy bare tokenizer : {fmt_runs(base, ' articles/s')}")
    print(f"full pipeline        : {fmt_runs(full, ' articles/s')}  "
          f"({1000 / median(full):.2f} ms/article, {median(full) * chars / n / 1e6:.2f} M chars/s)")
    print(f"pipeline / tokenizer : {median(full) / median(base):.3f} (tokenizer is {median(base) / median(full):.1f}x faster)")

    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
        in_process_rate(pipeline, articles, batch_size)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
