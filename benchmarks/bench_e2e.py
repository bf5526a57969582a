"""End-to-end through the real broker and a real `newsalert worker` process.

1. Throughput at saturation: N articles (the corpus, cycled) are published first; then one worker
   starts. Clock: from the worker's /readyz turning 200 (partitions assigned) until its
   ``newsalert_articles_consumed_total`` counter reaches N (polled every 50 ms). The counter is
   incremented once an article's matches were handed to the producer. Baseline in the same run:
   ``Pipeline.process_many`` in-process on the same N articles, same batch size.
   CPU time per article (Linux /proc) of the worker's main process and of its pipeline process
   from ready to the last alert, and of the in-process baseline: on a machine shared with other
   work these move far less than the rates do.
2. Latency at a fixed offered rate (default 50 articles/s): every article opens a new event (its
   own suppression key and window), so each must produce a ``new`` alert. Latency = the time the
   alert arrives at a separate consumer of the alerts topic - the time the article was handed to
   the producer. Both clocks are this machine's.

    .venv/bin/python -m benchmarks.bench_e2e [--bootstrap HOST:PORT | --port 19392]
        [--articles 2000] [--runs 3] [--rate 50] [--seconds 20] [--only throughput|latency]
        [--console info|quiet]

Worker settings come from the environment as in production (NEWSALERT_BATCH_SIZE,
NEWSALERT_BATCH_WITHIN_S, ...); the harness default for BATCH_WITHIN_S is the product default.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    DEFAULT_BROKER_PORT,
    broker,
    cpu_seconds,
    cycle_articles,
    fmt_runs,
    harness,
    in_process_rate,
    load_corpus,
    load_pipeline,
    machine,
    median,
    percentile,
    to_articles,
    wait_for,
    with_children,
)


def saturation_run(bootstrap: str, tmp: Path, items: list[dict[str, Any]], partitions: int,
                   console: str = "info") -> dict[str, float]:
    from tests.integration.worker_harness import RatePublisher, TopicCollector

    h = harness(bootstrap, tmp, partitions, console=console)
    # the worker creates its topics on start; create them first so the published articles spread
    # over all partitions (auto-creation would make a single-partition topic)
    from streams.delivery.topics import ensure_topics
    from streams.kafka.settings import KafkaSettings

    ensure_topics(KafkaSettings(bootstrap_servers=bootstrap), [h.articles, h.alerts, h.dlq],
                  partitions=partitions, replication=1)
    pub = RatePublisher(bootstrap, h.articles, items).start()
    assert pub.join(120)
    try:
        with TopicCollector(bootstrap, h.alerts) as alerts:
            proc, port = h.spawn_worker()
            t_spawn = time.time()
            h.wait_ready(proc, port, timeout=120)
            t_ready = time.time()
            pids = with_children(proc.pid)  # the worker and its pipeline process, if it has one
            cpu0 = [cpu_seconds(p) for p in pids]
            first = wait_for(lambda: h.consumed(port) > 0, timeout=120)
            done = wait_for(lambda: h.consumed(port) >= len(items), timeout=600)
            if done is None or first is None:
                raise SystemExit(f"worker did not finish: consumed {h.consumed(port)}\n{h.logs()}")
            # the last alert: when the alerts topic has been quiet for QUIET_S after all articles
            last = quiet_since(alerts, QUIET_S, timeout=600)
            cpu = [cpu_seconds(p) - c for p, c in zip(pids, cpu0, strict=True)]
        return {"startup_s": t_ready - t_spawn, "ready_to_done_s": done - t_ready,
                "cpu_main_ms": 1000 * cpu[0] / len(items), "cpu_child_ms": 1000 * sum(cpu[1:]) / len(items),
                "rate": len(items) / (done - t_ready), "rate_after_first": (len(items) - 1) / (done - first),
                "alert_rate": len(items) / (last - t_ready), "alerts": len(alerts.records())}
    finally:
        h.stop_all()


QUIET_S = 3.0


def quiet_since(collector: Any, quiet: float, timeout: float) -> float:
    """Wait until no message arrived on ``collector``'s topic for ``quiet`` seconds; return the
    arrival time of the last one."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        records = collector.records()
        last = records[-1][0] if records else 0.0
        if records and time.time() - last >= quiet:
            return float(last)
        time.sleep(0.1)
    raise SystemExit("the alerts topic did not settle")


def latency_run(bootstrap: str, tmp: Path, pipeline: Any, rate: float, seconds: float, partitions: int
                ) -> dict[str, Any]:
    from tests.faults.events import unique_event_articles
    from tests.integration.worker_harness import RatePublisher, TopicCollector

    pairs = unique_event_articles(pipeline, int(rate * seconds), prefix="lat")
    items = [a for a, _ in pairs]
    expected = sum(n for _, n in pairs)
    h = harness(bootstrap, tmp, partitions)
    try:
        h.start_worker(wait_ready=120)
        with TopicCollector(bootstrap, h.alerts) as alerts:
            pub = RatePublisher(bootstrap, h.articles, items, rate=rate).start()
            assert pub.join(seconds * 3 + 60)
            alerts.wait_for(lambda v: len(v) >= expected, timeout=120)
            records = alerts.records()
        sent = {a["id"]: t for a, t in zip(items, pub.sent_at, strict=True)}
        lat = [(arrived - sent[alert["article_id"]]) * 1000 for arrived, alert in records if alert["status"] == "new"]
        statuses = {alert["status"] for _, alert in records}
        if len(records) < expected:
            print(f"  warning: {len(records)} of {expected} alerts arrived", file=sys.stderr)
        return {"n": len(lat), "expected": expected, "statuses": statuses,
                "p50": percentile(lat, 50), "p90": percentile(lat, 90), "p99": percentile(lat, 99),
                "max": max(lat), "offered": len(items) / (pub.sent_at[-1] - pub.sent_at[0])}
    finally:
        h.stop_all()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default=None, help="use this broker; default: one on --port")
    parser.add_argument("--port", type=int, default=DEFAULT_BROKER_PORT)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--only", choices=["throughput", "latency"], default=None)
    parser.add_argument("--console", choices=["info", "quiet"], default="info",
                        help="the worker's console: info (Faust's verbose console; earlier figures) or quiet "
                             "(its default, as deployed: one line per alert, plain text)")
    args = parser.parse_args(argv)

    from streams.config import Settings

    settings = Settings.from_env()
    print(machine())
    print(f"worker console: {args.console}")
    print(f"worker settings: batch_size={settings.batch_size} "
          f"batch_within_s={__import__('os').environ.get('NEWSALERT_BATCH_WITHIN_S', '0.05')} "
          f"partitions={args.partitions}")
    pipeline = load_pipeline()
    with broker(args.bootstrap, args.port) as bootstrap, tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmpdir:
        tmp = Path(tmpdir)
        if args.only in (None, "throughput"):
            corpus = load_corpus()
            items = cycle_articles(corpus, args.articles, f"e2e-{int(time.time())}")
            articles = to_articles(items)
            in_process_rate(pipeline, articles[:64], settings.batch_size)  # warm-up
            base, e2e, after_first, startup, to_alerts, n_alerts = [], [], [], [], [], []
            base_cpu, main_cpu, child_cpu = [], [], []
            for run in range(args.runs):
                cpu = time.process_time()
                base.append(in_process_rate(pipeline, articles, settings.batch_size))
                base_cpu.append(1000 * (time.process_time() - cpu) / len(articles))
                r = saturation_run(bootstrap, tmp / f"t{run}", items, args.partitions, args.console)
                main_cpu.append(r["cpu_main_ms"])
                child_cpu.append(r["cpu_child_ms"])
                e2e.append(r["rate"])
                after_first.append(r["rate_after_first"])
                startup.append(r["startup_s"])
                to_alerts.append(r["alert_rate"])
                n_alerts.append(int(r["alerts"]))
            print(f"\nthroughput at saturation, {args.articles} articles pre-published, 1 worker:")
            print(f"  in-process pipeline (same run) : {fmt_runs(base, ' articles/s')}")
            print(f"  end-to-end, ready -> all done  : {fmt_runs(e2e, ' articles/s')}")
            print(f"  end-to-end, first -> all done  : {fmt_runs(after_first, ' articles/s')}")
            print(f"  ready -> last alert            : {fmt_runs(to_alerts, ' articles/s')}  "
                  f"(alerts per run: {n_alerts})")
            print(f"  worker start until ready       : {fmt_runs(startup, ' s')}")
            print(f"  CPU per article, in-process    : {fmt_runs(base_cpu, ' ms')}")
            print(f"  CPU per article, worker        : {fmt_runs(main_cpu, ' ms')} (main process, ready -> last alert)")
            print(f"  CPU per article, pipeline proc : {fmt_runs(child_cpu, ' ms')}")
            print(f"  end-to-end / in-process        : {median(e2e) / median(base):.2f} (articles done), "
                  f"{median(to_alerts) / median(base):.2f} (last alert)")
        if args.only in (None, "latency"):
            results = [latency_run(bootstrap, tmp / f"l{run}", pipeline, args.rate, args.seconds, args.partitions)
                       for run in range(args.runs)]
            print(f"\nproduce-to-alert latency at {args.rate:g} articles/s offered for {args.seconds:g} s "
                  f"(every article opens a new event):")
            for key in ("p50", "p90", "p99", "max"):
                print(f"  {key:4}: {fmt_runs([r[key] for r in results], ' ms')}")
            print(f"  alerts received per run: {[r['n'] for r in results]} of {[r['expected'] for r in results]}"
                  f"; offered rate achieved: {fmt_runs([r['offered'] for r in results], '/s')}")


if __name__ == "__main__":
    main()
