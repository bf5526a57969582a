"""kill -9 of the worker, three times, while 2,000 articles stream in: nothing lost, nothing
contradictory, and a subscriber that deduplicates by alert_id sees each event exactly once."""

from __future__ import annotations

import json
import random
import time

import pytest

from tests.faults import checks
from tests.faults.conftest import wait_until
from tests.faults.events import EventCorpus
from tests.integration.worker_harness import RatePublisher, TopicCollector, WorkerHarness

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ARTICLES = 2000
RATE = 120.0  # articles/s offered: the stream lasts ~17 s, through all three kills


def test_kill9_three_times_while_streaming(harness: WorkerHarness, pipeline: object) -> None:
    corpus = EventCorpus.build(pipeline, ARTICLES, n_events=12, prefix="k9", spacing_s=1.0)
    harness.partitions = 4
    t0 = time.monotonic()
    phases: list[str] = []

    def phase(name: str) -> None:
        phases.append(f"{name} {time.monotonic() - t0:.1f}s")

    proc, port = harness.start_worker()
    phase("ready")
    rng = random.Random(9)
    kills: list[tuple[int, float, bool]] = []
    with TopicCollector(harness.bootstrap, harness.alerts) as alerts:
        publisher = RatePublisher(harness.bootstrap, harness.articles, corpus.articles, rate=RATE).start()
        for _ in range(3):
            # let this worker get going, then kill it at a random point in its work
            threshold = rng.randint(60, 250)
            assert wait_until(lambda p=port, t=threshold: harness.consumed(p) >= t, timeout=60), harness.logs()
            time.sleep(rng.uniform(0.0, 0.4))
            outstanding = not checks.complete(corpus, alerts.values())
            kills.append((publisher.sent, harness.consumed(port), outstanding))
            harness.stop_worker(proc, kill=True)
            assert proc.returncode == -9
            phase("killed")
            proc, port = harness.start_worker()
            phase("ready")
        assert publisher.join(timeout=60)
        phase("published")
        done = alerts.wait_for(lambda v: checks.complete(corpus, v), timeout=90)
        phase("complete" if done else "timeout")
        values = alerts.values()

    found = checks.problems(corpus, values)
    done_articles, total = checks.progress(corpus, values)
    if found:  # where were the missing articles lost: before or after the matches topic?
        found.append(checks.locate_losses(corpus, values, harness.bootstrap, f"matches-{harness.suffix}"))
        (harness.tmp / "alerts.jsonl").write_text("\n".join(json.dumps(v) for v in values))
    assert done and not found, (
        f"after kills at (sent, consumed by the killed worker, work outstanding) {kills}: "
        f"{done_articles}/{total} articles (phases: {', '.join(phases)}) "
        f"fully alerted; problems: {found}\n{harness.logs()}"
    )
    # every kill hit a worker with work outstanding
    assert all(outstanding for _, _, outstanding in kills), kills
    print(f"kill -9 x3: {len(values)} alert messages, {checks.duplicates(values)} redelivered duplicates, "
          f"{len(corpus.alerting_events())} events, kills at {kills}; phases: {', '.join(phases)}")
