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
already in force (a broken file was removed again): nothing changes but the failure is over. When
``on_change`` raises, the new set is not counted as in force and is tried again at the next rescan.
All callbacks run on the watcher thread, one at a time.

A Kubernetes ConfigMap volume updates by writing a new timestamped directory and swapping the
``..data`` symlink; the file names in the mount are symlinks through ``..data``. The watcher sees
the swap as events in the mount directory and reads the files through the symlinks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from streams.config import Limits
from streams.rules.errors import RuleError
from streams.rules.loader import build_ruleset, files_digest
from streams.rules.ruleset import RuleSet

log = logging.getLogger(__name__)


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
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._digest: str | None = None
        self._version = current_version
        self.reloads = 0  # how many times on_change was called
        self.failures = 0  # how many times on_error was called or on_change failed
        self.failing = False  # the last look found invalid files (or on_change failed)

    @property
    def version(self) -> str | None:
        """The version of the rule set currently in force (as far as this watcher knows)."""
        return self._version

    def start(self) -> None:
        """Take the current files as the baseline and start the background thread."""
        if self._thread is not None:
            raise RuntimeError("watcher already started")
        self._digest = files_digest(self.directory)
        if self._version is None:
            ruleset, _ = build_ruleset(self.directory, self.limits)
            self._version = ruleset.version if ruleset is not None else None
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="rule-watcher", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread; returns when it has ended (or after ``timeout``)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def check_now(self) -> bool:
        """Look at the files once; returns True when on_change was called. Thread-safe."""
        with self._lock:
            digest = files_digest(self.directory)
            if digest == self._digest:
                return False
            self._digest = digest
            ruleset, errors = build_ruleset(self.directory, self.limits)
            if errors or ruleset is None:
                self.failures += 1
                self.failing = True
                log.warning("rule reload failed, keeping version %s: %d error(s)", self._version, len(errors))
                self._call(self.on_error, errors)
                return False
            if ruleset.version == self._version:
                if self.failing:
                    self.failing = False
                    log.info("rule files valid again, version %s still in force", self._version)
                    if self.on_recovered is not None:
                        self._call(self.on_recovered, ruleset)
                return False
            log.info("rules changed: %s -> %s (%d rules)", self._version, ruleset.version, len(ruleset))
            if not self._call(self.on_change, ruleset):
                self.failures += 1
                self.failing = True
                self._digest = None  # try this set again at the next look
                return False
            self._version = ruleset.version
            self.failing = False
            self.reloads += 1
            return True

    @staticmethod
    def _call(fn: Callable[..., None], arg: object) -> bool:
        try:
            fn(arg)
        except Exception:  # a failing callback must not kill the watcher
            log.exception("rule watcher callback failed")
            return False
        return True

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
