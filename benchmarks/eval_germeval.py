"""Entity quality on GermEval 2014 (German NER, dev split): LOC and LOCderiv, strict spans.

    .venv/bin/python benchmarks/eval_germeval.py [--data ../shared/data/germeval2014/NER-de-dev.tsv] [--show N]
        [--half even|odd] [--part K/N] [--errors FILE]

``--half even`` keeps the sentences with an even index (0, 2, 4 ...; the half the place rules
were tuned on in the first three rounds), ``--half odd`` the others; ``--part K/N`` keeps the
sentences whose index is K modulo N (the fourth round tuned on ``--part 1/4`` and kept
``--part 3/4`` held out); ``--errors FILE`` writes every LOC and LOCderiv error with its sentence.

Each sentence is rebuilt from its gold tokens joined by single spaces and extracted as German
(``Extractor.extract_as``, no language detection). Predicted entity character spans are mapped to
gold token spans; a prediction that does not start and end on gold token boundaries counts as a
false positive. Compared (outer tags only, exact span match):
  LOC      gold LOC      vs predicted GPE + LOC
  LOCderiv gold LOCderiv vs predicted NORP
A second precision counts predictions that match a nested (inner) tag as correct too: "Dortmund"
in "Borussia Dortmund" is an outer ORG with a nested LOC in GermEval.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streams.extraction.extractor import Extractor  # noqa: E402
from streams.models import Article  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "germeval2014" / "NER-de-dev.tsv"
CLASSES = {"LOC": {"GPE", "LOC"}, "LOCderiv": {"NORP"}}


def read(path: Path) -> list[tuple[list[str], list[str], list[str]]]:
    sentences: list[tuple[list[str], list[str], list[str]]] = []
    words: list[str] = []
    tags: list[str] = []
    nested: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if words:
                sentences.append((words, tags, nested))
            words, tags, nested = [], [], []
            continue
        parts = line.split("\t")
        words.append(parts[1])
        tags.append(parts[2])
        nested.append(parts[3] if len(parts) > 3 else "O")
    if words:
        sentences.append((words, tags, nested))
    return sentences


def spans(tags: list[str], label: str) -> set[tuple[int, int]]:
    out = set()
    start = None
    for i, t in enumerate([*tags, "O"]):
        if start is not None and t != f"I-{label}":
            out.add((start, i))
            start = None
        if t == f"B-{label}":
            start = i
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show", type=int, default=0, help="print the N most frequent false positives/negatives")
    parser.add_argument("--half", choices=("even", "odd"), help="only sentences with an even/odd index")
    parser.add_argument("--part", help="K/N: only sentences whose index is K modulo N")
    parser.add_argument("--errors", type=Path, help="write every error with its sentence to this file")
    args = parser.parse_args()
    if not args.data.is_file():
        raise SystemExit(f"{args.data}: not found")
    sentences = read(args.data)
    if args.half:
        sentences = sentences[0 if args.half == "even" else 1 :: 2]
    part = ""
    if args.part:
        k, _, n = args.part.partition("/")
        if not (k.isdigit() and n.isdigit() and 0 <= int(k) < int(n)):
            raise SystemExit(f"--part {args.part!r}: expected K/N with 0 <= K < N")
        sentences = sentences[int(k) :: int(n)]
        part = f" (part {args.part})"
    error_lines: list[str] = []
    ex = Extractor.from_settings()
    articles = [Article(id=str(i), text=" ".join(w)) for i, (w, _, _) in enumerate(sentences)]
    results = ex.extract_as(articles, "de")
    tp: collections.Counter[str] = collections.Counter()
    tp_lenient: collections.Counter[str] = collections.Counter()
    n_pred: collections.Counter[str] = collections.Counter()
    n_gold: collections.Counter[str] = collections.Counter()
    fps: dict[str, collections.Counter[str]] = {c: collections.Counter() for c in CLASSES}
    fns: dict[str, collections.Counter[str]] = {c: collections.Counter() for c in CLASSES}
    for (words, tags, nested), x in zip(sentences, results, strict=True):
        starts, ends = {}, {}
        pos = 0
        for i, w in enumerate(words):
            starts[pos] = i
            ends[pos + len(w)] = i + 1
            pos += len(w) + 1
        for cls, types in CLASSES.items():
            gold = spans(tags, cls)
            pred = set()
            for e in x.entities:
                if e.type in types:
                    s, t = starts.get(e.start), ends.get(e.end)
                    pred.add((s, t) if s is not None and t is not None else (-e.start - 1, -e.end - 1))
                    if (s, t) not in gold:
                        fps[cls][e.text] += 1
                        error_lines.append(f"FP {cls} {e.text!r} {e.kind}/{e.source} {e.id} | {x.text}")
            for s, t in gold - pred:
                fns[cls][" ".join(words[s:t])] += 1
                error_lines.append(f"FN {cls} {' '.join(words[s:t])!r} | {x.text}")
            tp[cls] += len(gold & pred)
            tp_lenient[cls] += len(pred & (gold | spans(nested, cls)))
            n_pred[cls] += len(pred)
            n_gold[cls] += len(gold)
    if args.errors:
        args.errors.write_text("\n".join(sorted(error_lines)) + "\n", encoding="utf-8")
    half = f" ({args.half} half)" if args.half else ""
    print(f"GermEval 2014 dev{half}{part}: {len(sentences)} sentences, extracted in {ex.start_seconds:.1f} s start-up")
    for cls in CLASSES:
        p = tp[cls] / n_pred[cls] if n_pred[cls] else 0.0
        r = tp[cls] / n_gold[cls] if n_gold[cls] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        pl = tp_lenient[cls] / n_pred[cls] if n_pred[cls] else 0.0
        print(f"{cls:9s} gold={n_gold[cls]:5d} predicted={n_pred[cls]:5d} correct={tp[cls]:5d}  P={p:.3f} R={r:.3f} F1={f:.3f}"
              f"  (P counting nested {cls} inside ORG/OTH names as correct: {pl:.3f})")
    if args.show:
        for cls in CLASSES:
            print(f"\n{cls} false positives: {fps[cls].most_common(args.show)}")
            print(f"{cls} false negatives: {fns[cls].most_common(args.show)}")


if __name__ == "__main__":
    main()
