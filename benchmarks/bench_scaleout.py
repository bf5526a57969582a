"""Scale-out: two workers in one consumer group on a 4-partition topic, against one worker.

For each worker count: start the workers (same NEWSALERT_APP_ID = same consumer group), wait
until they are ready and the articles topic's partitions are split between them (the workers'
``newsalert_consumer_lag_messages`` series name the partitions each owns), then publish N articles
as fast as the producer goes. Clock: first article handed to the producer -> the workers'
``newsalert_articles_consumed_total`` counters add up to N. Speed-up = rate(2) / rate(1), from
runs interleaved in the same invocation.

Note: every worker process is CPU-bound (spaCy); on a 2-core machine that also runs the broker,
the producer and this script, two workers cannot get two full cores.

    .venv/bin/python -m benchmarks.bench_scaleout [--bootstrap HOST:PORT | --port 19392]
        [--articles 2000] [--runs 2] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.common import (
    DEFAULT_BROKER_PORT,
    broker,
    cycle_articles,
    fmt_runs,
    harness,
    load_corpus,
    machine,
    median,
    wait_for,
)


def owned_partitions(port: int, topic: str) -> set[int]:
    from prometheus_client.parser import text_string_to_metric_families

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as resp:
        text = resp.read().decode()
    return {int(s.labels["partition"]) for f in text_string_to_metric_families(text) for s in f.samples
            if s.name == "newsalert_consumer_lag_messages" and s.labels.get("topic") == topic}


def run(bootstrap: str, tmp: Path, items: list[dict[str, Any]], workers: int, partitions: int) -> dict[str, float]:
    from tests.integration.worker_harness import RatePublisher

    h = harness(bootstrap, tmp, partitions)
    try:
        spawned = [h.spawn_worker() for _ in range(workers)]
        for proc, port in spawned:
            h.wait_ready(proc, port, timeout=180)
        ports = [port for _, port in spawned]

        def split() -> bool:
            owned = [owned_partitions(p, h.articles) for p in ports]
            return all(owned) and sum(map(len, owned)) == partitions and len(set().union(*owned)) == partitions

        if wait_for(split, timeout=60, interval=0.5) is None:
            print("  warning: partitions not split between the workers within 60 s", file=sys.stderr)
        pub = RatePublisher(bootstrap, h.articles, items).start()
        done = wait_for(lambda: sum(h.consumed(p) for p in ports) >= len(items), timeout=900)
        assert pub.join(60)
        if done is None:
            raise SystemExit(f"not finished: {[h.consumed(p) for p in ports]}\n{h.logs()}")
        elapsed = done - pub.sent_at[0]
        shares = [h.consumed(p) for p in ports]
        return {"rate": len(items) / elapsed, "elapsed": elapsed, "share_min": min(shares) / len(items)}
    finally:
        h.stop_all()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default=None)
    parser.add_argument("--port", type=int, default=DEFAULT_BROKER_PORT)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args(argv)
    counts = [int(x) for x in args.workers.split(",")]

    print(machine())
    corpus = load_corpus()
    results: dict[int, list[dict[str, float]]] = {c: [] for c in counts}
    with broker(args.bootstrap, args.port) as bootstrap, tempfile.TemporaryDirectory(prefix="bench-scale-") as tmpdir:
        for r in range(args.runs):
            for c in counts:  # interleaved: each count sees the same machine load over time
                items = cycle_articles(corpus, args.articles, f"scale-{c}-{r}-{int(time.time())}")
                results[c].append(run(bootstrap, Path(tmpdir) / f"{c}-{r}", items, c, args.partitions))
    print(f"\n{args.articles} articles, {args.partitions} partitions, publish -> all consumed:")
    for c in counts:
        rates = [x["rate"] for x in results[c]]
        print(f"  {c} worker(s): {fmt_runs(rates, ' articles/s')}; smallest worker share "
              f"{min(x['share_min'] for x in results[c]):.0%}")
    if 1 in counts:
        for c in counts:
            if c != 1:
                print(f"  speed-up {c} vs 1: {median([x['rate'] for x in results[c]]) / median([x['rate'] for x in results[1]]):.2f}x")


if __name__ == "__main__":
    main()
