"""Shared parts of the benchmark scripts: machine facts, the corpus, statistics, a broker.

Benchmarks print figures (medians over several runs and a baseline measured in the same run);
they assert nothing about speed. Run them from the repository root, e.g.
``.venv/bin/python -m benchmarks.bench_pipeline``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/x.py` as well as `python -m benchmarks.x`
    sys.path.insert(0, str(ROOT))

CORPUS_FILES = (ROOT / "tests" / "data" / "corpus" / "articles.jsonl", ROOT / "streams" / "samples" / "articles.jsonl")
DEFAULT_BROKER_PORT = int(os.environ.get("NEWSALERT_BENCH_BROKER_PORT", "19392"))


def machine() -> str:
    """nproc, RAM, CPU model, Python: printed at the top of every benchmark."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return (f"machine: nproc={os.cpu_count()} RAM={mem} CPU={cpu!r} python={platform.python_version()} "
            f"loadavg(1m)={load[0]:.2f}")


def load_corpus(files: Sequence[Path] = CORPUS_FILES) -> list[dict[str, Any]]:
    """Articles as wire dicts from the test corpus and the shipped samples (those that exist)."""
    articles: list[dict[str, Any]] = []
    for path in files:
        if not path.exists():
            print(f"note: {path.relative_to(ROOT)} is missing, skipped", file=sys.stderr)
            continue
        with path.open(encoding="utf-8") as fh:
            articles.extend(json.loads(line) for line in fh if line.strip())
    if not articles:
        raise SystemExit("no corpus found")
    return articles


def cycle_articles(corpus: Sequence[dict[str, Any]], n: int, prefix: str) -> list[dict[str, Any]]:
    """``n`` articles cycling over the corpus, each with a unique id."""
    return [{**corpus[i % len(corpus)], "id": f"{prefix}-{i:06d}"} for i in range(n)]


def to_articles(items: Sequence[dict[str, Any]]) -> list[Any]:
    from streams.models import Article

    return [Article.from_dict(d) for d in items]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def fmt_runs(values: Sequence[float], unit: str = "") -> str:
    return f"median {median(values):,.1f}{unit} (runs: {', '.join(f'{v:,.1f}' for v in values)})"


def load_pipeline() -> Any:
    from streams.pipeline import Pipeline

    return Pipeline.from_dirs(ROOT / "rules")


def in_process_rate(pipeline: Any, articles: Sequence[Any], batch_size: int) -> float:
    """Articles/s of ``Pipeline.process_many`` over ``articles`` in batches, as the worker calls it."""
    t0 = time.perf_counter()
    for i in range(0, len(articles), batch_size):
        pipeline.process_many(articles[i:i + batch_size])
    return len(articles) / (time.perf_counter() - t0)


@contextmanager
def broker(bootstrap: str | None, port: int = DEFAULT_BROKER_PORT) -> Iterator[str]:
    """Use the broker at ``bootstrap``, or one already listening on ``port``, or start one there."""
    if bootstrap:
        yield bootstrap
        return
    from streams.broker.local import LocalBroker

    with tempfile.TemporaryDirectory(prefix="newsalert-bench-broker-") as tmp:
        local = LocalBroker(data_dir=Path(tmp), port=port)
        if local.accepts_clients(timeout=2):
            yield local.bootstrap
            return
        seconds = local.start(timeout=120)
        print(f"started a broker on {local.bootstrap} in {seconds:.1f} s", file=sys.stderr)
        try:
            yield local.bootstrap
        finally:
            local.stop()


def harness(bootstrap: str, tmp: Path, partitions: int, env: dict[str, str] | None = None,
            console: str = "info") -> Any:
    """A WorkerHarness (tests/integration/worker_harness.py) with fresh topics and app id.
    ``console``: ``info`` (Faust's verbose console, as the tests run it) or ``quiet`` (the
    worker's default console, as deployed)."""
    from tests.integration.worker_harness import WorkerHarness

    tmp.mkdir(parents=True, exist_ok=True)
    h = WorkerHarness(bootstrap=bootstrap, tmp=tmp, partitions=partitions,
                      worker_args=("--loglevel", "info") if console == "info" else ())
    h.extra_env.update({"NEWSALERT_BATCH_WITHIN_S": os.environ.get("NEWSALERT_BATCH_WITHIN_S", "0.05")})
    h.extra_env.update(env or {})
    return h


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process ``pid`` so far (Linux /proc); 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def with_children(pid: int) -> list[int]:
    """``pid`` and its direct children (a worker and its pipeline process)."""
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        kids = []
    return [pid, *(int(k) for k in kids)]


def wait_for(condition: Any, timeout: float, interval: float = 0.05) -> float | None:
    """Poll ``condition()`` until true; return the time.time() it became true, or None on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return time.time()
        except OSError:
            pass
        time.sleep(interval)
    return None
