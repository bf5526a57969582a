"""Precision and recall of counts on tests/data/counts/sentences.jsonl (helper-written sentences).

    .venv/bin/python benchmarks/eval_counts.py [--show-errors]

A predicted count is matched to a gold count of the same sentence when their texts overlap
(character offsets; the gold text is located in the sentence). Reported:
  value     : min and max equal
  counted   : value and counted category equal
  full      : value, counted category and event equal (the "value+attachment" figure)
Precision = matched / predicted, recall = matched / gold, per level.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streams.extraction.extractor import Extractor  # noqa: E402
from streams.models import Article, Count  # noqa: E402

DATA = ROOT / "tests" / "data" / "counts" / "sentences.jsonl"


def _span(text: str, needle: str, used: set[int]) -> tuple[int, int]:
    start = 0
    while True:
        m = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)").search(text, start)
        i = m.start() if m else -1
        if i < 0:
            return -1, -1
        if i not in used:
            used.add(i)
            return i, i + len(needle)
        start = i + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    ex = Extractor.from_settings()
    arts = [Article(id=r["id"], text=r["text"], language=r.get("language")) for r in rows]
    results = ex.extract_many(arts)
    levels = ("value", "counted", "full")
    matched = {lv: 0 for lv in levels}
    n_pred = n_gold = 0
    errors: list[str] = []
    for row, x in zip(rows, results, strict=True):
        gold: list[dict[str, Any]] = row["counts"]
        used: set[int] = set()
        gold_spans = [_span(row["text"], g["text"], used) for g in gold]
        preds: list[Count] = list(x.counts)
        n_pred += len(preds)
        n_gold += len(gold)
        taken: set[int] = set()
        for gi, g in enumerate(gold):
            gs, ge = gold_spans[gi]
            best = None
            for pi, p in enumerate(preds):
                if pi in taken or p.end <= gs or p.start >= ge:
                    continue
                best = pi
                break
            if best is None:
                errors.append(f"{row['id']}: MISSED {g['text']!r} {g['min']}-{g['max']} {g['counted']} {g['event']}  | {row['text']}")
                continue
            taken.add(best)
            p = preds[best]
            ok_value = p.min == g["min"] and p.max == g["max"]
            ok_counted = ok_value and p.counted == g["counted"]
            ok_full = ok_counted and p.event == g["event"]
            matched["value"] += ok_value
            matched["counted"] += ok_counted
            matched["full"] += ok_full
            if not ok_full:
                errors.append(
                    f"{row['id']}: WRONG {p.text!r} got {p.min}-{p.max} {p.counted}({p.counted_text}) {p.event}; "
                    f"gold {g['min']}-{g['max']} {g['counted']}({g.get('counted_text')}) {g['event']}  | {row['text']}"
                )
        for pi, p in enumerate(preds):
            if pi not in taken:
                errors.append(f"{row['id']}: EXTRA {p.text!r} {p.min}-{p.max} {p.counted}({p.counted_text}) {p.event}  | {row['text']}")
    print(f"sentences={len(rows)} gold counts={n_gold} predicted={n_pred}")
    for lv in levels:
        p = matched[lv] / n_pred if n_pred else 0.0
        r = matched[lv] / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{lv:8s} P={p:.3f} R={r:.3f} F1={f:.3f} ({matched[lv]} matched)")
    if args.show_errors:
        for e in errors:
            print(e)


if __name__ == "__main__":
    main()
