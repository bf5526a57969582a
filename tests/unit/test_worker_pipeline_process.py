"""PipelineProcess: the worker's pipeline in a child process gives what the in-process one gives,
takes rule reloads, and survives its child dying."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from streams.models import Article
from streams.pipeline import Pipeline
from streams.rules import load_ruleset
from streams.worker.pipeline_process import PipelineProcess
from tests.conftest import ROOT

RULES = ROOT / "rules"

ARTICLES = [
    Article(id="de-1", language="de", published_at="2026-11-20T06:00:00Z",
            text="Bei einem Raketenangriff auf Charkiw sind in der Nacht drei Zivilisten getötet worden. "
                 "Das teilte die Gebietsverwaltung mit."),
    Article(id="en-1", language="en", published_at="2026-11-20T07:00:00Z",
            text="Four people were injured when missiles struck the centre of Odesa on Monday morning, "
                 "local officials reported."),
    Article(id="en-2", text="The council approved the new budget for the city library on Tuesday."),
]


@pytest.fixture(scope="module")
def in_process() -> Pipeline:
    return Pipeline.from_dirs(RULES)


@pytest.fixture(scope="module")
def child() -> Iterator[PipelineProcess]:
    with PipelineProcess.start(RULES) as process:
        yield process


def summary(results: list) -> list[tuple[str, str, bool, list[tuple[str, str, tuple[str, ...]]]]]:
    return [(r.article.id, r.language, r.supported,
             sorted((m.rule_id, m.suppression_key, tuple(e.text for e in m.evidence)) for m in r.matches))
            for r in results]


def test_child_gives_the_in_process_results(child: PipelineProcess, in_process: Pipeline) -> None:
    got = child.process_many(ARTICLES)
    want = in_process.process_many(ARTICLES)
    assert summary(got) == summary(want)
    assert any(r.matches for r in got), "the sample articles must match something"
    assert [r.article for r in got] == ARTICLES  # the worker's own article objects come back
    assert got[0].event_time() == want[0].event_time()


def test_swapped_rules_reach_the_child(child: PipelineProcess, in_process: Pipeline, tmp_path: Path) -> None:
    original = child.ruleset
    matched = {m.rule_id for r in in_process.process_many(ARTICLES) for m in r.matches}
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    for rule in original.rules:  # a reload that removed the rules these articles match
        if rule.id in matched:
            (rules / Path(rule.file).name).unlink(missing_ok=True)
    smaller = load_ruleset(rules)
    assert smaller.version != original.version and not matched & set(smaller.rule_ids)
    try:
        child.swap_rules(smaller)
        assert all(not r.matches for r in child.process_many(ARTICLES))
    finally:
        child.swap_rules(original)
    assert summary(child.process_many(ARTICLES)) == summary(in_process.process_many(ARTICLES))


def test_a_dead_child_is_replaced(child: PipelineProcess, in_process: Pipeline) -> None:
    child._pool.submit(os._exit, 3)  # the child dies as it would on a crash in native code
    with pytest.raises(BrokenProcessPool):
        child.process_many(ARTICLES[:1])
    # the worker retries the batch one article at a time: the new child answers, with the rules
    # the worker has now
    assert summary([child.process(ARTICLES[0])]) == summary(in_process.process_many(ARTICLES[:1]))


def test_invalid_rules_fail_before_a_child_starts(tmp_path: Path) -> None:
    from streams.rules import RuleSetError

    (tmp_path / "bad.yaml").write_text("id: x\nkind: nonsense\n")
    with pytest.raises(RuleSetError):
        PipelineProcess.start(tmp_path)


def test_the_child_leaves_when_its_worker_is_killed(tmp_path: Path) -> None:
    """kill -9 of the worker must not leave its pipeline process behind (380 MB each)."""
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "worker.py"
    script.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "from streams.worker.pipeline_process import PipelineProcess\n"
        "if __name__ == '__main__':\n"
        f"    p = PipelineProcess.start(Path({str(RULES)!r}))\n"
        "    print(next(iter(p._pool._processes)), flush=True)\n"
        "    sys.stdin.read()\n")
    parent = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              cwd=str(ROOT), text=True)
    try:
        child_pid = int(parent.stdout.readline())  # type: ignore[union-attr]
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(child_pid, 0)
            except ProcessLookupError:
                return
            if _is_zombie(child_pid):
                return
            time.sleep(0.1)
        os.kill(child_pid, signal.SIGKILL)
        pytest.fail("the pipeline process outlived its killed worker by 10 s")
    finally:
        if parent.poll() is None:
            parent.kill()


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True
