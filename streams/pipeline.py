"""The pipeline: article -> extraction -> rule matches, behind one interface (``ArticlePipeline``).

Two implementations: :class:`Pipeline`, in this process (``newsalert check``, and the worker with
``NEWSALERT_PIPELINE_PROCESS=false``, in a thread executor), and
:class:`streams.worker.pipeline_process.PipelineProcess`, which forwards batches to a child
process. Both return :class:`Result`: what the worker needs per article (language, supported,
matches, timings), never the extraction itself. The rule set can be swapped at any time (hot
reload): every call reads the current set once, so one article is always evaluated against one
consistent set.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from streams import __version__
from streams.alerts.identity import parse_time
from streams.alerts.suppression import standalone_alert
from streams.config import Limits
from streams.extraction.extractor import Extractor
from streams.models import Alert, Article, ArticleRef, Match
from streams.rules import RuleSet, load_ruleset

PIPELINE_VERSION = f"newsalert/{__version__}"


@dataclass(frozen=True)
class Result:
    """One article through the pipeline: its language (detected or given), whether the language is
    supported (an unsupported one is not evaluated: no matches), its matches and timings."""

    article: Article
    language: str
    supported: bool
    matches: tuple[Match, ...]
    extraction_seconds: float
    evaluation_seconds: float

    @property
    def article_ref(self) -> ArticleRef:
        return ArticleRef.of(self.article, self.language)

    def event_time(self, fallback: float = 0.0) -> float:
        """When the event was reported: the article's published_at, else ``fallback``."""
        ts = parse_time(self.article.published_at)
        return ts if ts is not None else fallback

    def standalone_alerts(self) -> list[Alert]:
        """One alert per match, with no state across articles (what `check` prints)."""
        published = parse_time(self.article.published_at)
        now = time.time()
        return [standalone_alert(m, self.article_ref, published, PIPELINE_VERSION, now=now) for m in self.matches]


class ArticlePipeline(Protocol):
    """What the worker and ``check`` call: the current rule set, swapping it, and batches.

    ``process_many`` may block (it is called from a thread executor). ``parallel_batches`` says
    whether several batches may be submitted at once (a child process queues them) or one at a
    time (spaCy objects are not shared between threads)."""

    parallel_batches: bool

    @property
    def ruleset(self) -> RuleSet: ...

    def swap_rules(self, ruleset: RuleSet) -> None: ...

    def process(self, article: Article) -> Result: ...

    def process_many(self, articles: Sequence[Article]) -> list[Result]: ...

    def close(self) -> None: ...


@dataclass
class Pipeline:
    """The pipeline in this process."""

    extractor: Extractor
    ruleset: RuleSet
    parallel_batches = False

    @classmethod
    def from_dirs(cls, rules_dir: Path, lexicon_dir: Path | None = None, limits: Limits | None = None,
                  *, lazy: bool = False) -> Pipeline:
        """Rules first (an invalid set fails before spaCy loads), then the extractor; ``lazy``
        builds each language's pipeline on first use (one-off commands)."""
        ruleset = load_ruleset(rules_dir, limits)
        extractor = Extractor.from_settings(lexicon_dir=lexicon_dir or rules_dir / "lexicon", lazy=lazy)
        return cls(extractor=extractor, ruleset=ruleset)

    def swap_rules(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset  # one attribute store: atomic for readers

    def close(self) -> None:
        """Nothing to release: the extractor lives as long as the process."""

    def process(self, article: Article) -> Result:
        return self.process_many([article])[0]

    def process_many(self, articles: Sequence[Article]) -> list[Result]:
        ruleset = self.ruleset
        extractions = self.extractor.extract_many_timed(list(articles))
        results = []
        for article, (extraction, extraction_seconds) in zip(articles, extractions, strict=True):
            t1 = time.perf_counter()
            matches = tuple(ruleset.evaluate(extraction, article)) if extraction.supported else ()
            results.append(Result(article, extraction.language, extraction.supported, matches, extraction_seconds,
                                  time.perf_counter() - t1))
        return results
