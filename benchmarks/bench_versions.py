"""In-process pipeline throughput (extraction + rules) of this tree against another checkout, same run.

Each run starts one fresh process per tree (alternating, so that both see the same machine load)
that loads the Extractor and the tree's own rule pack, warms up on 50 articles, then times
``extract_many`` in batches of 16 plus ``RuleSet.evaluate`` on every article of the corpus, once
per pass (``--passes 2``: the second pass is the steady state of a long-running worker, whose
per-word caches and lazily read gazetteer buckets are filled by then; the first pass pays for
filling them). The
code of each tree is its own (``PYTHONPATH=TREE``), so an older commit checked out with
``git worktree add /tmp/before <rev>`` is a same-run baseline for a change to extraction or rules:

    .venv/bin/python -m benchmarks.bench_versions --baseline /tmp/before [--runs 5] \\
        [--corpus ../shared/data/real-news/agnews-world-dev.jsonl ../shared/data/real-news/gnad-dev.jsonl]

Prints articles/s per run and tree, the medians and the ratio this tree / baseline; the same per
second of the process's CPU time, which other processes on a loaded machine disturb less than
wall-clock time (both are timed around the same passes). Also the start-up of each process: wall
clock and CPU time from the first line of the child (imports included) until the Extractor and the
rules are ready, and the peak RSS then (``--passes 0`` measures only that).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.common import machine

ROOT = Path(__file__).resolve().parent.parent
REAL_NEWS = ROOT.parent / "shared" / "data" / "real-news"
DEFAULT_CORPUS = [REAL_NEWS / "agnews-world-dev.jsonl", REAL_NEWS / "gnad-dev.jsonl"]

# Runs in the child with the tree first on sys.path; uses only APIs every version has.
CHILD = r"""
import time
T0 = time.perf_counter()
import json, resource, sys
from pathlib import Path
from streams.extraction.extractor import Extractor
from streams.models import Article
from streams.rules import load_ruleset
tree, passes, files = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
rows = [json.loads(line) for f in files for line in open(f, encoding="utf-8") if line.strip()]
articles = [Article.from_dict(r) for r in rows]
extractor = Extractor.from_settings(lexicon_dir=tree / "rules" / "lexicon")
rules = load_ruleset(tree / "rules")
ready = {"ready_seconds": time.perf_counter() - T0, "ready_cpu": time.process_time(),
         "ready_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
def run(batch):
    n = 0
    for i in range(0, len(batch), 16):
        part = batch[i:i + 16]
        for a, x in zip(part, extractor.extract_many(part)):
            n += len(rules.evaluate(x, a))
    return n
if passes:
    run(articles[:50])
seconds, cpu = [], []
matches = 0
for _ in range(passes):
    t0, c0 = time.perf_counter(), time.process_time()
    matches = run(articles)
    seconds.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
print(json.dumps({"articles": len(articles), "seconds": seconds, "cpu": cpu, "matches": matches if passes else 0,
                  **ready}))
"""


def one_run(tree: Path, corpus: list[Path], passes: int) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(passes), *map(str, corpus)], env=env,
                         cwd=tree, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="checkout of the baseline commit")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, nargs="+", default=DEFAULT_CORPUS)
    parser.add_argument("--passes", type=int, default=1,
                        help="passes over the corpus per process (2: steady state; 0: start-up only)")
    args = parser.parse_args(argv)
    print(machine())
    print(f"corpus: {', '.join(str(c) for c in args.corpus)}")
    rates: dict[tuple[str, int], list[float]] = {}
    cpu_rates: dict[tuple[str, int], list[float]] = {}
    ready: dict[str, list[tuple[float, float, float]]] = {}
    for run in range(1, args.runs + 1):
        for name, tree in (("baseline", args.baseline.resolve()), ("this", ROOT)):
            r = one_run(tree, args.corpus, args.passes)
            ready.setdefault(name, []).append((r["ready_seconds"], r["ready_cpu"], r["ready_rss_mb"]))
            print(f"run {run} ready    {name:<8} {r['ready_seconds']:.2f} s wall, {r['ready_cpu']:.2f} s CPU, "
                  f"max RSS {r['ready_rss_mb']:.0f} MB")
            for p, (seconds, cpu) in enumerate(zip(r["seconds"], r["cpu"], strict=True), 1):
                rate = r["articles"] / seconds
                rates.setdefault((name, p), []).append(rate)
                cpu_rates.setdefault((name, p), []).append(r["articles"] / cpu)
                print(f"run {run} pass {p} {name:<8} {r['articles']:.0f} articles in {seconds:.2f} s = {rate:7.1f}/s"
                      f"  (CPU {cpu:.2f} s = {r['articles'] / cpu:7.1f}/s; {r['matches']:.0f} matches)")
    for name in ("this", "baseline"):
        walls, cpus, rss = zip(*ready[name], strict=True)
        print(f"ready {name}: median {statistics.median(walls):.2f} s wall ({min(walls):.2f}-{max(walls):.2f}), "
              f"{statistics.median(cpus):.2f} s CPU ({min(cpus):.2f}-{max(cpus):.2f}), max RSS {statistics.median(rss):.0f} MB")
    for p in range(1, args.passes + 1):
        this, base = statistics.median(rates[("this", p)]), statistics.median(rates[("baseline", p)])
        cpu_this, cpu_base = statistics.median(cpu_rates[("this", p)]), statistics.median(cpu_rates[("baseline", p)])
        print(f"median pass {p}: this {this:.1f}/s, baseline {base:.1f}/s, ratio {this / base:.2f}"
              f"  (per CPU second: this {cpu_this:.1f}/s, baseline {cpu_base:.1f}/s, ratio {cpu_this / cpu_base:.2f})")


if __name__ == "__main__":
    main()
