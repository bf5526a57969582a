"""The worker's pipeline in a child process: extraction and rules on one core, Kafka on another.

Extraction and rule evaluation are CPU-bound Python and hold the GIL. Run in a thread of the worker
(as before), they share one core with the event loop and the aiokafka thread that carry every
article, match and alert through Kafka; measured end-to-end throughput was a third of the bare
pipeline's (docs/benchmarks.md). Here the pipeline lives in one child process (``spawn``: the
parent has threads, so no ``fork``), started and loaded before the worker joins its group.

``PipelineProcess`` implements :class:`streams.pipeline.ArticlePipeline`: ``ruleset``,
``swap_rules`` (called by the rule watcher thread; the new set travels with the next batch),
``process_many`` and ``process`` (called from the worker's thread executor; they block that
thread, not the event loop). Results are the same :class:`streams.pipeline.Result` as in
process: no tokens are shipped back.

If the child dies (a crash in native code on some input), the call raises
``concurrent.futures.process.BrokenProcessPool`` after a new child has been started; the worker
then retries the batch article by article and dead-letters the one that fails again.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from streams.config import Limits
from streams.models import Article, Match
from streams.pipeline import Pipeline, Result
from streams.rules import RuleSet, load_ruleset

log = logging.getLogger("newsalert.worker")

# --- in the child ------------------------------------------------------------------------------

_child: Pipeline | None = None


def _exit_with_parent(parent: int, interval: float = 0.5) -> None:
    """The pool's pipes do not tell a child that its worker died (``kill -9``): the child holds
    both ends of its call queue. Watch the parent pid and leave when it changes (reparented)."""
    while os.getppid() == parent:
        time.sleep(interval)
    os._exit(0)


def _child_init(lexicon_dir: Path, ruleset: RuleSet) -> None:
    """Runs once in the child when it starts: load the extractor (the slow part) and the rules."""
    global _child
    from streams import logsafe
    from streams.extraction.extractor import Extractor

    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name="exit-with-parent", daemon=True).start()
    logsafe.install()  # the child logs with the same escaping as the worker (streams.logsafe)
    logging.basicConfig(level=logging.WARNING)
    _child = Pipeline(extractor=Extractor.from_settings(lexicon_dir=lexicon_dir), ruleset=ruleset)


def _child_ready() -> bool:
    return _child is not None


def _child_process(ruleset: RuleSet | None, articles: list[Article]
                   ) -> list[tuple[str, bool, tuple[Match, ...], float, float]]:
    """One batch in the child. ``ruleset`` is a new rule set to use from now on, or None."""
    assert _child is not None, "child not initialised"
    if ruleset is not None:
        _child.swap_rules(ruleset)
    return [(r.language, r.supported, r.matches, r.extraction_seconds,
             r.evaluation_seconds) for r in _child.process_many(articles)]


# --- in the worker -----------------------------------------------------------------------------


class PipelineProcess:
    """The pipeline in one child process (an :class:`streams.pipeline.ArticlePipeline`)."""

    parallel_batches = True  # batches queue up for the child

    def __init__(self, ruleset: RuleSet, lexicon_dir: Path) -> None:
        self.ruleset = ruleset
        self.lexicon_dir = lexicon_dir
        self._lock = threading.Lock()  # submits and restarts
        self._pool, self._child_version = self._new_pool()

    @classmethod
    def start(cls, rules_dir: Path, limits: Limits | None = None, *, timeout: float = 300.0) -> PipelineProcess:
        """Load the rules here (invalid rules raise RuleSetError before any child starts), start
        the child and wait until it has loaded its pipeline."""
        process = cls(load_ruleset(rules_dir, limits), rules_dir / "lexicon")
        process.wait_ready(timeout)
        return process

    def _new_pool(self) -> tuple[ProcessPoolExecutor, str]:
        ruleset = self.ruleset
        pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"),
                                   initializer=_child_init, initargs=(self.lexicon_dir, ruleset))
        return pool, ruleset.version

    def wait_ready(self, timeout: float = 300.0) -> None:
        if not self._pool.submit(_child_ready).result(timeout=timeout):
            raise RuntimeError("the pipeline process did not initialise")

    def swap_rules(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset  # shipped to the child with the next batch

    def process(self, article: Article) -> Result:
        return self.process_many([article])[0]

    def process_many(self, articles: Sequence[Article]) -> list[Result]:
        """Safe to call from several threads at once: batches queue up for the child (so it never
        waits for the round trip of the previous one) and are processed in the order submitted."""
        batch = list(articles)
        with self._lock:
            ruleset, pool = self.ruleset, self._pool
            ship = ruleset if ruleset.version != self._child_version else None
            future = pool.submit(_child_process, ship, batch)
            self._child_version = ruleset.version  # batches after this one find the set there
        try:
            rows = future.result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:  # the first caller to notice starts the new child
                    log.error("the pipeline process died; starting a new one")
                    pool.shutdown(wait=False, cancel_futures=True)
                    self._pool, self._child_version = self._new_pool()
            raise
        return [Result(article, language, supported, matches, t_ex, t_ev)
                for article, (language, supported, matches, t_ex, t_ev) in zip(batch, rows, strict=True)]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> PipelineProcess:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
