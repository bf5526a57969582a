"""Time of one long article through the pipeline, by article length: is it linear?

One German article with English and mixed-script sentences, built by repeating a fixed set of
sentences (written for this benchmark; some of them match rules of the pack) up to 12,500,
25,000, 50,000 and 200,000 characters (200,000 is the default NEWSALERT_MAX_ARTICLE_CHARS).
Timed per length, medians of ``--runs``:

- spaCy's bare tokenizer (``spacy.blank("de").tokenizer``) on the same text: the baseline, in
  the same run; no spaCy pipeline can be faster than its own tokenizer;
- extraction alone (``Extractor.extract_many``);
- ``Pipeline.process`` (extraction + rules), and its rule evaluation part.

The last column divides each time per character by the one at the smallest length: about 1 when
the time grows linearly, about 16 at 200,000 if it grew with the square. ``--one-sentence`` joins
the sentences with commas instead of full stops, so the whole article is a single sentence (the
worst case for anything that works per sentence).

    .venv/bin/python -m benchmarks.bench_long_articles [--runs 5] [--sizes 12500,25000,50000,200000]
        [--one-sentence]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from benchmarks.common import fmt_runs, load_pipeline, machine, median

SENTENCES = (
    "Am Montagabend zog ein Gewitter über den Bodensee, und die Fähren nach Konstanz blieben im Hafen.",
    "Bei einem Raketenangriff auf Saporischschja wurden nach Angaben der Stadtverwaltung vier Zivilisten getötet.",
    "The council in Bristol voted to turn the old bus depot into a covered market with forty stalls.",
    "Ein Sprecher der Verkehrsbetriebe sagte, die neue Straßenbahnlinie werde im Frühjahr eröffnet.",
    "Drones hit apartment blocks in Kherson overnight, injuring six residents, the regional governor said.",
    "Студенты из Новосибирска und Schülerinnen aus Leipzig sangen gemeinsam im Chor 🎶.",
    "Die Bibliothek verlängert in der Prüfungszeit ihre Öffnungszeiten bis Mitternacht.",
    "Nordkorea hat nach Geheimdienstberichten weitere 3000 Soldaten in die russische Region Kursk verlegt.",
    "A local bakery in Cork won a prize for its rye bread, made with flour from a nearby mill.",
    "قال المعلم — so erzählte es die Lehrerin — dass der Ausflug wegen des Regens verschoben wurde.",
    "Die Europäische Union beschloss am Donnerstag neue Sanktionen gegen Belarus.",
    "Im Stadtpark von Graz blühen in diesem Jahr die Kirschbäume ungewöhnlich früh.",
)
SIZES = (12_500, 25_000, 50_000, 200_000)


def build_text(chars: int, one_sentence: bool = False) -> str:
    """The sentences repeated in order, cut at exactly ``chars`` characters (the last sentence may
    be cut short); with ``one_sentence``, joined by commas."""
    base = (", ".join(s.rstrip(".") for s in SENTENCES) + ", ") if one_sentence else " ".join(SENTENCES) + " "
    return (base * (chars // len(base) + 1))[:chars]


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES), help="article lengths in characters")
    parser.add_argument("--one-sentence", action="store_true", help="the whole article as one sentence")
    parser.add_argument("--profile", action="store_true", help="one extra run of the largest size under pyinstrument")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    import spacy

    from streams.models import Article

    print(machine())
    t0 = time.perf_counter()
    pipeline = load_pipeline()
    print(f"pipeline loaded in {time.perf_counter() - t0:.1f} s: {len(pipeline.ruleset.rules)} rules; "
          f"article shape: {'one sentence' if args.one_sentence else 'sentences'}")
    tokenizer = spacy.blank("de").tokenizer

    rows = []
    for chars in sizes:
        text = build_text(chars, args.one_sentence)
        article = Article(id=f"long-{chars}", text=text, title="Lang", language="de", source="bench",
                          url="https://example.invalid/long")
        result = pipeline.process(article)  # warm-up: lazy loads do not count
        tokenizer(text)
        base, extraction, full, rules = [], [], [], []
        for _ in range(args.runs):  # interleaved, so all see the same machine load
            base.append(timed(lambda: tokenizer(text)) * 1000)  # noqa: B023
            extraction.append(timed(lambda: pipeline.extractor.extract_many([article])) * 1000)  # noqa: B023
            t1 = time.perf_counter()
            result = pipeline.process(article)
            full.append((time.perf_counter() - t1) * 1000)
            rules.append(result.evaluation_seconds * 1000)
        ex = pipeline.extractor.extract_many([article])[0]
        print(f"\n{chars:,} characters: {len(ex.sentences):,} sentences, {len(ex.tokens):,} tokens, "
              f"{len(ex.entities):,} entities, {len(ex.concepts):,} concepts, {len(ex.counts):,} counts, "
              f"{len(result.matches)} matches")
        print(f"  spaCy bare tokenizer : {fmt_runs(base, ' ms')}")
        print(f"  extraction alone     : {fmt_runs(extraction, ' ms')}")
        print(f"  Pipeline.process     : {fmt_runs(full, ' ms')}")
        print(f"  of which rules       : {fmt_runs(rules, ' ms')}")
        rows.append((chars, median(base), median(extraction), median(full), median(rules)))

    print("\nmedians (ms); 'per char vs first' = (ms / chars) / (ms / chars at the first size)")
    print(f"{'chars':>9} {'tokenizer':>10} {'extraction':>11} {'process':>9} {'rules':>8} {'process/tok':>12} "
          f"{'per char vs first (process)':>28}")
    first = rows[0]
    for chars, b, e, f, r in rows:
        per_char = (f / chars) / (first[3] / first[0])
        print(f"{chars:>9,} {b:>10.1f} {e:>11.1f} {f:>9.1f} {r:>8.1f} {f / b:>12.1f} {per_char:>28.2f}")

    if args.profile:
        from pyinstrument import Profiler

        text = build_text(sizes[-1], args.one_sentence)
        article = Article(id="long-profile", text=text, title="Lang", language="de", source="bench",
                          url="https://example.invalid/long")
        profiler = Profiler(interval=0.001)
        profiler.start()
        pipeline.process(article)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
