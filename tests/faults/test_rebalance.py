"""A second worker joins the group mid-stream, then the first one leaves: the two rebalances lose
nothing and contradict nothing."""

from __future__ import annotations

import pytest

from tests.faults import checks
from tests.faults.conftest import wait_until
from tests.faults.events import EventCorpus
from tests.integration.worker_harness import RatePublisher, TopicCollector, WorkerHarness

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ARTICLES = 1200
RATE = 40.0  # the stream lasts 30 s: longer than a worker's start (~10 s on a busy 2-core machine)


def test_worker_joins_and_leaves_mid_stream(harness: WorkerHarness, pipeline: object) -> None:
    corpus = EventCorpus.build(pipeline, ARTICLES, n_events=10, prefix="rb")
    harness.partitions = 4
    first, first_port = harness.start_worker()
    with TopicCollector(harness.bootstrap, harness.alerts) as alerts:
        # a third of the stream is left when the second worker is ready, however long it takes to start
        publisher = RatePublisher(harness.bootstrap, harness.articles, corpus.articles, rate=RATE,
                                  hold_at=ARTICLES * 2 // 3).start()
        assert wait_until(lambda: harness.consumed(first_port) >= 100, timeout=60), harness.logs()
        second, second_port = harness.start_worker()  # joins: partitions are split between the two
        publisher.release()
        assert wait_until(lambda: harness.consumed(second_port) >= 50, timeout=60), (
            f"the joining worker got no work:\n{harness.logs()}")
        assert not checks.complete(corpus, alerts.values()), "the stream ended before the first worker left"
        harness.stop_worker(first)  # leaves cleanly: its partitions move to the second worker
        assert first.returncode == 0, harness.logs()
        assert publisher.join(timeout=60)
        done = alerts.wait_for(lambda v: checks.complete(corpus, v), timeout=90)
        values = alerts.values()
        assert second.poll() is None, harness.logs()

    found = checks.problems(corpus, values)
    done_articles, total = checks.progress(corpus, values)
    assert done and not found, (f"{done_articles}/{total} articles fully alerted; problems: {found}\n"
                                f"{harness.logs()}")
    print(f"join + leave: {len(values)} alert messages, {checks.duplicates(values)} redelivered duplicates")
