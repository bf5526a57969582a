"""Fixtures of the fault suite: the in-process pipeline (expectations) and real workers."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.integration.worker_harness import WorkerHarness


@pytest.fixture(scope="session")
def rules_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the rule pack taken once: the workers and the in-process expectation must use
    the same rules even while someone edits ./rules."""
    target = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


@pytest.fixture(scope="session")
def pipeline(rules_snapshot: Path) -> object:
    """The same pipeline the worker runs, in-process: computes what the alerts must be."""
    from streams.pipeline import Pipeline

    return Pipeline.from_dirs(rules_snapshot)


@pytest.fixture
def harness(kafka_bootstrap: str, tmp_path: Path, rules_snapshot: Path) -> Iterator[WorkerHarness]:
    h = WorkerHarness(bootstrap=kafka_bootstrap, tmp=tmp_path, rules_dir=rules_snapshot)
    yield h
    h.stop_all()


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    """Poll ``condition`` until it holds or the deadline passes; return the last verdict."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return True
        except OSError:  # a worker's /metrics is not up yet
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
