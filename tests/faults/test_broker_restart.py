"""The broker stops and starts again (same data dir) while articles stream: the running worker
reconnects by itself and nothing is lost.

This test runs its own broker (free ports, or NEWSALERT_TEST_RESTART_BROKER_PORT and the one after
it), because the session's broker is shared.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.broker.local import LocalBroker
from tests.faults import checks
from tests.faults.conftest import wait_until
from tests.faults.events import EventCorpus
from tests.integration.worker_harness import RatePublisher, TopicCollector, WorkerHarness
from tests.ports import ports

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ARTICLES = 600


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[LocalBroker]:
    port, controller_port = ports("NEWSALERT_TEST_RESTART_BROKER_PORT", 2)
    broker = LocalBroker(data_dir=tmp_path / "broker", port=port, controller_port=controller_port)
    broker.start(timeout=90)
    try:
        yield broker
    finally:
        broker.stop()


def test_broker_restart_mid_stream(own_broker: LocalBroker, tmp_path: Path, pipeline: object,
                                   rules_snapshot: Path) -> None:
    corpus = EventCorpus.build(pipeline, ARTICLES, n_events=8, prefix="br")
    harness = WorkerHarness(bootstrap=own_broker.bootstrap, tmp=tmp_path, rules_dir=rules_snapshot)
    try:
        proc, port = harness.start_worker()
        half = ARTICLES // 2
        with TopicCollector(harness.bootstrap, harness.alerts) as alerts:
            first = RatePublisher(harness.bootstrap, harness.articles, corpus.articles[:half], rate=100).start()
            assert wait_until(lambda: harness.consumed(port) >= 100, timeout=60), harness.logs()
            own_broker.stop()
            assert not own_broker.is_running()
            restart_s = own_broker.start(timeout=90)
            # the second half is produced after the restart; the first may still be retrying
            second = RatePublisher(harness.bootstrap, harness.articles, corpus.articles[half:], rate=100).start()
            assert first.join(timeout=120) and second.join(timeout=120)
            done = alerts.wait_for(lambda v: checks.complete(corpus, v), timeout=90)
            values = alerts.values()
        assert proc.poll() is None, f"the worker died with the broker:\n{harness.logs()}"
        found = checks.problems(corpus, values)
        done_articles, total = checks.progress(corpus, values)
        assert done and not found, (f"{done_articles}/{total} articles fully alerted; problems: {found}\n"
                                    f"{harness.logs()}")
        assert harness.consumed(port) >= ARTICLES - half  # the same process went on after the restart
        print(f"broker restart ({restart_s:.1f} s to accept clients): {len(values)} alert messages, "
              f"{checks.duplicates(values)} redelivered duplicates")
    finally:
        harness.stop_all()
