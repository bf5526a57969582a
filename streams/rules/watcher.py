"""Hot reload: watch the rule directory and hand over a new RuleSet when its content changed.

    watcher = RuleWatcher(Path("rules"), on_change=swap_ruleset, on_error=report_errors)
    watcher.start()   # background thread (watchfiles: inotify, or polling with force_polling)
    ...
    watcher.stop()

On every file event (and every ``rescan_s`` seconds, in case an event is missed) the watcher
hashes the raw bytes of the rule files; only when they differ from the last seen bytes does it
load and validate the whole set. ``on_change`` is called with the new RuleSet only when the set's
normalized version differs from the current one (comments and formatting do not count);
``on_error`` is called with every error when the new files are invalid, and the old set stays in
force. ``on_recovered`` is called when the files are valid again after a failure but hold the set
already in force (a broken file was removed again): nothing changes but the failure is over. All
callbacks run on the watcher thread (or the retry timer), one at a time.

A set is applied whole or not at all:

- the directory must stay unchanged for ``settle_s`` before it is read as one version (files
  copied one by one, or a ConfigMap swap, are not taken half-way), and the set is built from the
  same bytes that were hashed (``read_rule_files``);
- ``on_change`` applying the set (creating its topics, swapping it in) may raise: then the set is
  *not* in force, ``on_error`` gets one RuleError saying why, and the same set is tried again with
  backoff (``ReloadRetry``) until it applies or the files change.

A Kubernetes ConfigMap volume updates by writing a new timestamped directory and swapping the
``..data`` symlink; the file names in the mount are symlinks through ``..data``. The watcher sees
the swap as events in the mount directory and reads the files through the symlinks.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

from streams.config import Limits
from streams.rules.errors import RuleError
from streams.rules.loader import RuleFiles, build_ruleset, read_rule_files
from streams.rules.ruleset import RuleSet

log = logging.getLogger(__name__)


class ReloadRetry:
    """When to try again to apply a valid rule set that could not be applied (exponential, jittered).

    The n-th retry waits ``initial_s * 2**(n-1)`` capped at ``max_s``, times a random factor in
    [1 - jitter, 1]; ``schedule`` runs the callback on a daemon timer thread.
    """

    def __init__(self, initial_s: float = 1.0, max_s: float = 60.0, jitter: float = 0.25) -> None:
        self.initial_s = initial_s
        self.max_s = max_s
        self.jitter = jitter
        self.attempts = 0  # failed attempts since the last success
        self._timer: threading.Timer | None = None

    def next_delay(self) -> float:
        base = min(self.max_s, self.initial_s * 2 ** max(0, self.attempts - 1))
        return base * (1.0 - self.jitter * random.random())

    def schedule(self, fn: Callable[[], object]) -> float:
        """Count a failed attempt and run ``fn`` after the next delay; returns the delay."""
        self.attempts += 1
        delay = self.next_delay()
        self.cancel()
        self._timer = threading.Timer(delay, fn)
        self._timer.daemon = True
        self._timer.start()
        return delay

    def reset(self) -> None:
        """The set applied (or the files changed): no retry pending, backoff starts over."""
        self.cancel()
        self.attempts = 0

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class RuleWatcher:
    def __init__(
        self,
        directory: Path,
        on_change: Callable[[RuleSet], None],
        on_error: Callable[[list[RuleError]], None],
        *,
        on_recovered: Callable[[RuleSet], None] | None = None,
        limits: Limits | None = None,
        current_version: str | None = None,
        debounce_ms: int = 200,
        rescan_s: float = 10.0,
        force_polling: bool = False,
        settle_s: float = 1.0,
        retry: ReloadRetry | None = None,
    ) -> None:
        """``current_version``: the version of the set already in use (default: what is on disk now)."""
        self.directory = Path(directory)
        self.on_change = on_change
        self.on_error = on_error
        self.on_recovered = on_recovered
        self.limits = limits or Limits()
        self.debounce_ms = debounce_ms
        self.rescan_s = rescan_s
        self.force_polling = force_polling
        self.settle_s = settle_s
        self.retry = retry or ReloadRetry()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._digest: str | None = None  # the files last handled (applied, or rejected as invalid)
        self._pending: str | None = None  # files of a valid set that failed to apply (retried)
        self._version = current_version
        self.reloads = 0  # how many new sets were applied (on_change returned)
        self.failures = 0  # how many times on_error was called (invalid set, or applying it failed)
        self.failing = False  # the last look found invalid files, or the set could not be applied

    @property
    def version(self) -> str | None:
        """The version of the rule set currently in force (as far as this watcher knows)."""
        return self._version

    def start(self) -> None:
        """Take the current files as the baseline and start the background thread."""
        if self._thread is not None:
            raise RuntimeError("watcher already started")
        snapshot = read_rule_files(self.directory, self.limits)
        self._digest = snapshot.digest
        if self._version is None:
            ruleset, _ = build_ruleset(self.directory, self.limits, snapshot)
            self._version = ruleset.version if ruleset is not None else None
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="rule-watcher", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread; returns when it has ended (or after ``timeout``)."""
        self._stop.set()
        self.retry.cancel()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def check_now(self, *, retrying: bool = False) -> bool:
        """Look at the files once; returns True when a new set was applied. Thread-safe.

        A set that failed to apply is tried again only by the retry timer (``retrying``), unless
        the files changed since.
        """
        with self._lock:
            snapshot = read_rule_files(self.directory, self.limits)
            if snapshot.digest == self._digest:
                self._clear_pending()
                return False
            if snapshot.digest == self._pending and not retrying:
                return False
            settled = self._settled(snapshot)
            if settled is None or settled.digest == self._digest:
                return False
            snapshot = settled
            if snapshot.digest != self._pending:
                self._clear_pending()
            ruleset, errors = build_ruleset(self.directory, self.limits, snapshot)
            if errors or ruleset is None:
                self._digest = snapshot.digest
                self._clear_pending()
                self.failures += 1
                self.failing = True
                log.warning("rule reload failed, keeping version %s: %d error(s)", self._version, len(errors))
                self._call(self.on_error, errors)
                return False
            if ruleset.version == self._version:
                self._digest = snapshot.digest
                self._clear_pending()
                if self.failing:  # a broken file removed again: the set in force is whole again
                    self.failing = False
                    log.info("rule files valid again, version %s still in force", self._version)
                    if self.on_recovered is not None:
                        self._call(self.on_recovered, ruleset)
                return False
            try:
                self.on_change(ruleset)
            except Exception as exc:  # not applied: the old set stays, count it, try again later
                self.failures += 1
                self.failing = True
                self._pending = snapshot.digest
                delay = self.retry.schedule(self._retry_now)
                log.warning("rule set %s could not be applied, keeping version %s; retry %d in %.1f s: %s",
                            ruleset.version, self._version, self.retry.attempts, delay, _reason(exc))
                error = RuleError(str(self.directory), 0,
                                  f"rule set {ruleset.version} ({len(ruleset)} rules) could not be applied: {_reason(exc)}",
                                  f"the old set keeps running; retry {self.retry.attempts} in {delay:.1f} s")
                self._call(self.on_error, [error])
                return False
            log.info("rules changed: %s -> %s (%d rules)", self._version, ruleset.version, len(ruleset))
            self._digest = snapshot.digest
            self._version = ruleset.version
            self.failing = False
            self._clear_pending()
            self.reloads += 1
            return True

    @staticmethod
    def _call(fn: Callable[..., None], arg: object) -> bool:
        try:
            fn(arg)
        except Exception:  # a failing error callback must not kill the watcher
            log.exception("rule watcher callback failed")
            return False
        return True

    def _clear_pending(self) -> None:
        self._pending = None
        self.retry.reset()

    def _retry_now(self) -> None:
        if not self._stop.is_set():
            self.check_now(retrying=True)

    def _settled(self, snapshot: RuleFiles) -> RuleFiles | None:
        """The directory's content once it has not changed for ``settle_s`` (None: stopping)."""
        deadline = time.monotonic() + max(30.0, 20 * self.settle_s)  # a directory that never settles
        while self.settle_s > 0 and time.monotonic() < deadline:
            if self._stop.wait(self.settle_s):
                return None
            again = read_rule_files(self.directory, self.limits)
            if again.digest == snapshot.digest:
                break
            snapshot = again
        return snapshot

    def _run(self) -> None:
        from watchfiles import watch

        while not self._stop.is_set():
            if not self.directory.is_dir():
                self._stop.wait(self.rescan_s)
                self.check_now()
                continue
            try:
                for _changes in watch(
                    self.directory,
                    watch_filter=None,
                    debounce=self.debounce_ms,
                    step=50,
                    stop_event=self._stop,
                    rust_timeout=int(self.rescan_s * 1000),
                    yield_on_timeout=True,
                    force_polling=self.force_polling,
                    poll_delay_ms=200,
                    recursive=True,
                    raise_interrupt=False,
                    ignore_permission_denied=True,
                ):
                    self.check_now()
                    if self._stop.is_set():
                        break
            except (FileNotFoundError, RuntimeError, OSError) as exc:
                # the directory vanished or was replaced: look again after a pause
                log.warning("rule watcher restarting: %s", exc)
                self._stop.wait(min(self.rescan_s, 1.0))
                self.check_now()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
