"""RuleWatcher on a temp dir: plain edits, a Kubernetes ConfigMap symlink swap, deletions, errors."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from streams.rules import RuleError, RuleSet, RuleWatcher, load_ruleset
from streams.rules.watcher import ReloadRetry

RULE = """\
id: {id}
title: "{title}"
severity: low
tags: [test]
match:
  concept: {concept}
"""


def rule_text(rule_id: str, concept: str = "kill", title: str = "t") -> str:
    return RULE.format(id=rule_id, concept=concept, title=title)


class Recorder:
    def __init__(self) -> None:
        self.changes: list[RuleSet] = []
        self.errors: list[list[RuleError]] = []
        self.cond = threading.Condition()

    def on_change(self, rs: RuleSet) -> None:
        with self.cond:
            self.changes.append(rs)
            self.cond.notify_all()

    def on_error(self, errors: list[RuleError]) -> None:
        with self.cond:
            self.errors.append(errors)
            self.cond.notify_all()

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 15.0) -> bool:
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
            return True


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def start(directory: Path, rec: Recorder) -> RuleWatcher:
    w = RuleWatcher(directory, rec.on_change, rec.on_error, debounce_ms=50, rescan_s=0.5, settle_s=0.2)
    w.start()
    return w


@pytest.fixture
def plain_dir(tmp_path: Path) -> Iterator[Path]:
    d = tmp_path / "rules"
    d.mkdir()
    (d / "a.yaml").write_text(rule_text("rule-a"))
    (d / "b.yaml").write_text(rule_text("rule-b", "injure"))
    yield d


def test_edit_reloads_with_new_version(plain_dir: Path, recorder: Recorder) -> None:
    before = load_ruleset(plain_dir).version
    w = start(plain_dir, recorder)
    try:
        (plain_dir / "a.yaml").write_text(rule_text("rule-a", "attack"))
        assert recorder.wait_for(lambda: len(recorder.changes) == 1)
        new = recorder.changes[0]
        assert new.version != before
        assert w.version == new.version
        assert new.rule("rule-a").match.concepts == frozenset({"attack"})  # type: ignore[union-attr]
    finally:
        w.stop()


def test_formatting_only_change_does_not_reload(plain_dir: Path, recorder: Recorder) -> None:
    w = start(plain_dir, recorder)
    try:
        # comments and quoting change the bytes but not the rule: no on_change
        (plain_dir / "a.yaml").write_text("# a comment\n" + rule_text("rule-a").replace("low", "'low'"))
        # then a real change, to know the watcher has looked at the first one
        (plain_dir / "b.yaml").write_text(rule_text("rule-b", "drone"))
        assert recorder.wait_for(lambda: len(recorder.changes) >= 1)
        time.sleep(0.3)
        assert len(recorder.changes) == 1
        assert recorder.changes[0].rule("rule-b").match.concepts == frozenset({"drone"})  # type: ignore[union-attr]
    finally:
        w.stop()


def test_deleted_rule_is_dropped(plain_dir: Path, recorder: Recorder) -> None:
    w = start(plain_dir, recorder)
    try:
        (plain_dir / "b.yaml").unlink()
        assert recorder.wait_for(lambda: len(recorder.changes) == 1)
        assert recorder.changes[0].rule_ids == ("rule-a",)
    finally:
        w.stop()


def test_invalid_change_reports_errors_and_keeps_old_set(plain_dir: Path, recorder: Recorder) -> None:
    w = start(plain_dir, recorder)
    old = w.version
    try:
        (plain_dir / "a.yaml").write_text(rule_text("rule-a") + "bogus: 1\n")
        assert recorder.wait_for(lambda: len(recorder.errors) == 1)
        errs = recorder.errors[0]
        assert any("unknown key 'bogus'" in e.message and e.line == 7 for e in errs)
        assert w.version == old and recorder.changes == []
        # fixing it reloads; the set is the same as before the broken edit, so no on_change
        (plain_dir / "a.yaml").write_text(rule_text("rule-a", "missile"))
        assert recorder.wait_for(lambda: len(recorder.changes) == 1)
    finally:
        w.stop()


def make_configmap(mount: Path, stamp: str, files: dict[str, str]) -> None:
    """Write files the way the kubelet does: ..<stamp>/ dir, ..data symlink swap, key symlinks."""
    data_dir = mount / f"..{stamp}"
    data_dir.mkdir()
    for name, text in files.items():
        (data_dir / name).write_text(text)
    tmp_link = mount / "..data_tmp"
    tmp_link.symlink_to(data_dir.name)
    os.replace(tmp_link, mount / "..data")  # atomic rename over the old symlink
    for name in files:
        link = mount / name
        if not link.is_symlink():
            link.symlink_to(f"..data/{name}")
    for name in [p.name for p in mount.iterdir() if p.is_symlink() and not p.name.startswith("..")]:
        if name not in files:
            (mount / name).unlink()


def test_configmap_symlink_swap(tmp_path: Path, recorder: Recorder) -> None:
    mount = tmp_path / "mount"
    mount.mkdir()
    make_configmap(mount, "2026_11_27_21_00_00.1", {"a.yaml": rule_text("rule-a"), "b.yaml": rule_text("rule-b")})
    first = load_ruleset(mount)
    assert first.rule_ids == ("rule-a", "rule-b")
    w = start(mount, recorder)
    try:
        # a new ConfigMap version: rule-a changed, rule-b deleted, rule-c added
        make_configmap(mount, "2026_11_27_21_05_00.2", {"a.yaml": rule_text("rule-a", "attack"), "c.yaml": rule_text("rule-c")})
        old_dir = mount / "..2026_11_27_21_00_00.1"
        for p in old_dir.iterdir():
            p.unlink()
        old_dir.rmdir()
        assert recorder.wait_for(lambda: any(rs.rule_ids == ("rule-a", "rule-c") for rs in recorder.changes))
        last = recorder.changes[-1]
        assert last.rule("rule-a").match.concepts == frozenset({"attack"})  # type: ignore[union-attr]
        assert recorder.errors == []
    finally:
        w.stop()


def test_stop_ends_thread(plain_dir: Path, recorder: Recorder) -> None:
    w = start(plain_dir, recorder)
    thread = w._thread
    assert thread is not None and thread.is_alive()
    w.stop()
    assert not thread.is_alive()


class FailingApply(Recorder):
    """on_change raises the first ``failures`` times, as the worker's does while the broker is down."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.left = failures
        self.attempts = 0

    def on_change(self, rs: RuleSet) -> None:
        with self.cond:
            self.attempts += 1
            self.cond.notify_all()
            if self.left > 0:
                self.left -= 1
                raise ConnectionError("KafkaUnavailable: no broker")
        super().on_change(rs)


def test_set_that_cannot_be_applied_is_a_failure_and_is_retried(plain_dir: Path) -> None:
    """Issue 16 item 3: the watcher recorded the new version although applying it raised, and
    never tried again; the new rule never ran and nothing said it failed."""
    rec = FailingApply(failures=2)
    w = RuleWatcher(plain_dir, rec.on_change, rec.on_error, debounce_ms=50, rescan_s=0.5, settle_s=0.1,
                    retry=ReloadRetry(initial_s=0.3, max_s=1.0, jitter=0.0))
    w.start()
    old = w.version
    try:
        (plain_dir / "c.yaml").write_text(rule_text("rule-c", "drone"))
        assert rec.wait_for(lambda: len(rec.errors) == 1)
        err = rec.errors[0][0]
        assert "could not be applied: ConnectionError: KafkaUnavailable" in err.message
        assert w.version == old and w.failures == 1  # not in force, and counted
        # retried with backoff (0.3 s, 0.6 s) until it applies; then it is the version in force
        assert rec.wait_for(lambda: len(rec.changes) == 1, timeout=10)
        assert rec.attempts == 3 and len(rec.errors) == 2
        assert rec.changes[0].rule_ids == ("rule-a", "rule-b", "rule-c")
        assert w.version == rec.changes[0].version and w.retry.attempts == 0
    finally:
        w.stop()


def test_backoff_grows_with_jitter_and_cap() -> None:
    retry = ReloadRetry(initial_s=1.0, max_s=8.0, jitter=0.25)
    delays = []
    for n in range(1, 7):
        retry.attempts = n
        delays.append(retry.next_delay())
    for d, base in zip(delays, [1, 2, 4, 8, 8, 8], strict=True):
        assert 0.75 * base <= d <= base


def test_files_copied_one_by_one_are_applied_as_one_set(plain_dir: Path, recorder: Recorder) -> None:
    """Issue 16 item 3: a half-copied directory must not run; the set is read once it settled."""
    w = RuleWatcher(plain_dir, recorder.on_change, recorder.on_error, debounce_ms=50, rescan_s=0.5, settle_s=0.8)
    w.start()
    try:
        (plain_dir / "a.yaml").write_text(rule_text("rule-a", "attack"))
        time.sleep(0.4)  # the copy goes on: longer than the debounce
        (plain_dir / "c.yaml").write_text(rule_text("rule-c", "drone"))
        assert recorder.wait_for(lambda: len(recorder.changes) >= 1)
        time.sleep(1.5)
        assert len(recorder.changes) == 1, [rs.rule_ids for rs in recorder.changes]
        assert recorder.changes[0].rule_ids == ("rule-a", "rule-b", "rule-c")
        assert recorder.changes[0].rule("rule-a").match.concepts == frozenset({"attack"})  # type: ignore[union-attr]
    finally:
        w.stop()
