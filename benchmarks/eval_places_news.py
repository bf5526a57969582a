"""Places in real news: LOC and LOCderiv against hand labels, strict character spans.

    .venv/bin/python benchmarks/eval_places_news.py [--set de|de-tune|de-fresh|en|en-tune] [--errors FILE]
        [--articles FILE --labels GLOB --lang de|en]

The labels (``tests/data/places/``, character offsets only, no text) were made by reading the
articles, before and without looking at what newsalert finds, with GermEval 2014's outer tags
(see docs/extraction.md, "Places in real news"):
  de       41 articles of ``gnad-dev.jsonl`` (every 20th from index 7): held out, no rule was
           tuned on them (``news-de-labels-*.jsonl``)
  de-tune  41 other articles of ``gnad-dev.jsonl`` (every 20th from index 13): the fourth places
           round read their errors (``tune-de-labels-*.jsonl``)
  de-fresh 41 other articles of ``gnad-dev.jsonl`` (every 20th from index 17), labelled for the
           fifth places round: held out (``fresh-de-labels-*.jsonl``)
  en       190 items of ``agnews-world-dev.jsonl`` (every 5th from index 2), the text field:
           held out (``news-en-labels.jsonl``)
  en-tune  190 other items of ``agnews-world-dev.jsonl`` (every 5th from index 0): the fourth
           places round read their errors (``tune-en-labels.jsonl``)

Each article is extracted in the set's language (``Extractor.extract_as``). Compared, exact spans:
  LOC      labelled LOC      vs predicted GPE + LOC
  LOCderiv labelled LOCderiv vs predicted NORP
``--errors FILE`` writes every error with 60 characters of context (keep that file out of the
project: it quotes the articles).
"""

from __future__ import annotations

import argparse
import collections
import glob
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streams.extraction.extractor import Extractor  # noqa: E402
from streams.models import Article  # noqa: E402

NEWS = ROOT.parent / "shared" / "data" / "real-news"
LABEL_DIR = ROOT / "tests" / "data" / "places"
SETS = {
    "de": (NEWS / "gnad-dev.jsonl", str(LABEL_DIR / "news-de-labels-*.jsonl"), "de"),
    "de-tune": (NEWS / "gnad-dev.jsonl", str(LABEL_DIR / "tune-de-labels-*.jsonl"), "de"),
    "de-fresh": (NEWS / "gnad-dev.jsonl", str(LABEL_DIR / "fresh-de-labels-*.jsonl"), "de"),
    "en": (NEWS / "agnews-world-dev.jsonl", str(LABEL_DIR / "news-en-labels.jsonl"), "en"),
    "en-tune": (NEWS / "agnews-world-dev.jsonl", str(LABEL_DIR / "tune-en-labels.jsonl"), "en"),
}
CLASSES = {"LOC": {"GPE", "LOC"}, "LOCderiv": {"NORP"}}


def read_labels(pattern: str) -> dict[str, dict[str, set[tuple[int, int]]]]:
    labels: dict[str, dict[str, set[tuple[int, int]]]] = {}
    for path in sorted(glob.glob(pattern)):
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row["id"] in labels:
                raise SystemExit(f"{path}:{n}: {row['id']} labelled twice")
            labels[row["id"]] = {cls: {(int(s), int(e)) for s, e in row.get(cls, [])} for cls in CLASSES}
    if not labels:
        raise SystemExit(f"{pattern}: no labels")
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="de", help="a labelled set (default: de)")
    parser.add_argument("--articles", type=Path, help="articles (JSON lines), instead of the set's")
    parser.add_argument("--labels", help="glob of label files, instead of the set's")
    parser.add_argument("--lang", choices=("de", "en"), help="language, instead of the set's")
    parser.add_argument("--errors", type=Path, help="write every error with its context to this file")
    args = parser.parse_args()
    set_articles, set_labels, set_lang = SETS[args.set]
    args.articles = args.articles or set_articles
    args.labels = args.labels or set_labels
    lang = args.lang or set_lang
    if not args.articles.is_file():
        raise SystemExit(f"{args.articles}: not found")
    labels = read_labels(args.labels)
    texts = {}
    for line in args.articles.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] in labels:
            texts[row["id"]] = row["text"]
    missing = sorted(set(labels) - set(texts))
    if missing:
        raise SystemExit(f"{args.articles}: labelled articles not found: {', '.join(missing[:5])}")
    ids = sorted(labels, key=lambda i: int(i.rsplit("-", 1)[-1]) if i.rsplit("-", 1)[-1].isdigit() else 0)
    ex = Extractor.from_settings()
    results = ex.extract_as([Article(id=i, text=texts[i]) for i in ids], lang)
    tp: collections.Counter[str] = collections.Counter()
    n_pred: collections.Counter[str] = collections.Counter()
    n_gold: collections.Counter[str] = collections.Counter()
    errors: list[str] = []
    for aid, x in zip(ids, results, strict=True):
        text = texts[aid]
        for cls, types in CLASSES.items():
            gold = labels[aid][cls]
            pred = {(e.start, e.end): e for e in x.entities if e.type in types}
            for span in sorted(set(pred) - gold):
                e = pred[span]
                errors.append(f"{aid} FP {cls} {e.text!r} {e.kind}/{e.source} {e.id} | "
                              f"{text[max(0, span[0] - 60):span[1] + 60]!r}")
            for s, t in sorted(gold - set(pred)):
                errors.append(f"{aid} FN {cls} {text[s:t]!r} | {text[max(0, s - 60):t + 60]!r}")
            tp[cls] += len(gold & set(pred))
            n_pred[cls] += len(pred)
            n_gold[cls] += len(gold)
    if args.errors:
        args.errors.write_text("\n".join(errors) + "\n", encoding="utf-8")
    print(f"{args.articles.name} ({lang}, labels {Path(args.labels).name}): {len(ids)} labelled articles")
    for cls in CLASSES:
        p = tp[cls] / n_pred[cls] if n_pred[cls] else 0.0
        r = tp[cls] / n_gold[cls] if n_gold[cls] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{cls:9s} gold={n_gold[cls]:5d} predicted={n_pred[cls]:5d} correct={tp[cls]:5d}  "
              f"P={p:.3f} R={r:.3f} F1={f:.3f}")


if __name__ == "__main__":
    main()
