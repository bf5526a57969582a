"""The worker's own Prometheus metrics, all built in one place from one registry.

The worker creates one ``Metrics(registry)`` at start-up and calls its typed methods; nothing else
in the code base touches prometheus_client directly. Tests pass a fresh ``CollectorRegistry()``.
Every metric name, type and label is listed in docs/monitoring.md.

Label values that come from data (article source, language, reason, rule id) are bounded: each
label keeps at most ``max_label_values`` distinct values and folds the rest into ``"other"``, so a
producer that sends a new ``source`` per article cannot blow up the number of time series.
"""

from __future__ import annotations

import contextlib
import platform
import re
import threading
import time
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, disable_created_metrics

# No ``*_created`` series next to every counter and histogram: they double the series count, and
# Prometheus' text format has no use for them (rate() and increase() handle resets themselves).
disable_created_metrics()

UNKNOWN = "unknown"
OTHER = "other"
ALERT_STATUSES = ("new", "update")
RELOAD_RESULTS = ("success", "failure")
MAX_COUNTED_FIELDS = 50  # unknown fields of one article counted by name; the rest as "other"

# End-to-end latency, Kafka record timestamp -> article done (alert produced or nothing to say).
# It includes the batching wait (batch_within_s, 50 ms by default), spaCy extraction of the whole
# batch and producing the alert, so the healthy range is tens of milliseconds to a few seconds;
# a worker catching up on a backlog sees minutes. 5 ms is below anything a real batch can achieve;
# 300 s keeps p99 finite (not +Inf) while a backlog drains.
PROCESSING_LATENCY_BUCKETS = (
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
)
# Extraction of ONE article (tokenise, lemmatise, gazetteer, concepts, counts) is CPU work on a
# blank spaCy pipeline: about a millisecond for a short wire item, tens of milliseconds for a
# long report, seconds only near the max_article_chars limit (200,000 characters).
EXTRACTION_BUCKETS = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)
# Evaluating all rules against ONE extraction is pure Python over small lists: tens of
# microseconds for a few rules, milliseconds for thousands (max_rules is 5,000).
RULE_EVALUATION_BUCKETS = (
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
)
# Articles per stream.take() batch: 1 .. batch_size (16 by default); powers of two up to 256
# cover any sensible NEWSALERT_BATCH_SIZE.
BATCH_SIZE_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)

_LANGUAGE = re.compile(r"[a-z]{2,3}")
_MAX_LABEL_CHARS = 100


class BoundedLabel:
    """Maps raw label values onto at most ``limit`` distinct values plus ``"other"``.

    Called on every observation. Values are stripped and cut to 100 characters; empty ones become
    ``empty``. Thread-safe: the worker may observe from executor threads.
    """

    def __init__(self, limit: int, *, empty: str = UNKNOWN) -> None:
        self._limit = limit
        self._empty = empty
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, raw: str | None) -> str:
        value = (raw or "").strip()[:_MAX_LABEL_CHARS]
        if not value:
            return self._empty
        if value in self._seen:
            return value
        with self._lock:
            if len(self._seen) >= self._limit:
                return OTHER
            self._seen.add(value)
        return value


class Metrics:
    """The worker's metrics. Create once per process (per registry); call the methods from the worker.

    ``namespace`` prefixes every name (``newsalert_articles_consumed_total`` ...). ``max_label_values``
    bounds each data-derived label (source, language, reason, rule) as described in the module doc.
    """

    def __init__(
        self,
        registry: CollectorRegistry,
        namespace: str = "newsalert",
        *,
        max_label_values: int = 500,
    ) -> None:
        self.registry = registry
        self.namespace = namespace
        self._source = BoundedLabel(max_label_values)
        self._language = BoundedLabel(max_label_values, empty="und")
        self._reason = BoundedLabel(max_label_values)
        self._field = BoundedLabel(max_label_values)
        self._rule = BoundedLabel(max_label_values)
        self._severity = BoundedLabel(max_label_values)
        self._agent = BoundedLabel(10)
        self._error = BoundedLabel(50)
        ns = namespace
        r = registry

        # --- input -------------------------------------------------------------------------
        self.articles_consumed = Counter(
            "articles_consumed", "Valid articles read from the articles topic, by detected language "
            "and producer-given source.", ["language", "source"], namespace=ns, registry=r)
        self.articles_unsupported_language = Counter(
            "articles_unsupported_language", "Articles whose detected language has no extraction "
            "pipeline (skipped, not dead-lettered).", ["language"], namespace=ns, registry=r)
        self.unknown_fields_counter = Counter(
            "article_unknown_fields", "Fields newsalert does not know in valid articles, by name; they "
            "are kept and passed on to the alerts' article references.", ["field"], namespace=ns, registry=r)
        self.unknown_fields_dropped = Counter(
            "article_unknown_fields_dropped", "Articles whose unknown fields were too large "
            "(NEWSALERT_MAX_EXTRA_BYTES) to travel with their alerts.", namespace=ns, registry=r)
        self.dead_letters = Counter(
            "dead_letters", "Messages sent to the dead-letter topic, by reason code.",
            ["reason"], namespace=ns, registry=r)
        self.record_failures = Counter(
            "record_failures", "Records whose handling raised in an agent (process_articles, "
            "suppress_matches): each was dead-lettered and its partition went on. By agent and "
            "exception class.", ["agent", "error"], namespace=ns, registry=r)
        self.agent_crashes = Counter(
            "agent_crashes", "Agent bodies that raised (Faust restarts them); repeated crashes make "
            "/healthz fail.", ["agent"], namespace=ns, registry=r)
        self.batch_size = Histogram(
            "batch_size", "Articles per processing batch.", namespace=ns, registry=r,
            buckets=BATCH_SIZE_BUCKETS)

        # --- timing ------------------------------------------------------------------------
        self.processing_latency = Histogram(
            "processing_latency_seconds", "End-to-end latency from the Kafka record timestamp "
            "to the article being done (alerts produced).", namespace=ns, registry=r,
            buckets=PROCESSING_LATENCY_BUCKETS)
        self.extraction_duration = Histogram(
            "extraction_duration_seconds", "Time to extract one article (spaCy, gazetteer, "
            "concepts, counts).", ["language"], namespace=ns, registry=r, buckets=EXTRACTION_BUCKETS)
        self.rule_evaluation_duration = Histogram(
            "rule_evaluation_duration_seconds", "Time to evaluate all loaded rules against one "
            "article.", namespace=ns, registry=r, buckets=RULE_EVALUATION_BUCKETS)
        self.last_processed_timestamp = Gauge(
            "last_processed_timestamp_seconds", "Unix time at which the worker last finished "
            "an article.", namespace=ns, registry=r)

        # --- rules and alerts --------------------------------------------------------------
        self.rule_matches = Counter(
            "rule_matches", "Rule matches before suppression and aggregation.", ["rule"],
            namespace=ns, registry=r)
        self.alerts = Counter(
            "alerts", "Alert messages produced, by rule, severity and status (new|update).",
            ["rule", "severity", "status"], namespace=ns, registry=r)
        self.alerts_suppressed = Counter(
            "alerts_suppressed", "Matches that produced no alert message (suppressed inside the "
            "window or waiting for min_articles).", ["rule"], namespace=ns, registry=r)
        self.suppression_entries = Gauge(
            "suppression_entries", "Events (rule + suppression key) in the suppression table for "
            "the partitions this worker owns, after the last expiry pass.", namespace=ns, registry=r)
        self.suppression_pruned = Counter(
            "suppression_pruned", "Suppression table entries dropped because their event's window "
            "plus NEWSALERT_SUPPRESSION_GRACE_S is over (each one a tombstone on the changelog).",
            namespace=ns, registry=r)
        self.rules_loaded_gauge = Gauge(
            "rules_loaded", "Rules in the active rule set.", namespace=ns, registry=r)
        self.rule_files_loaded = Gauge(
            "rule_files_loaded", "Rule files in the active rule set.", namespace=ns, registry=r)
        self.ruleset = Info(
            "ruleset", "Version (content hash) of the active rule set.", namespace=ns, registry=r)
        self.rules_reloads = Counter(
            "rules_reloads", "Rule set reload attempts, by result.", ["result"],
            namespace=ns, registry=r)
        self.rules_last_reload_success = Gauge(
            "rules_last_reload_success_timestamp_seconds", "Unix time of the last successful "
            "rule set load or reload.", namespace=ns, registry=r)
        self.rules_last_reload_successful = Gauge(
            "rules_last_reload_successful", "1 when the last rule set load or reload succeeded, 0 "
            "when it was rejected (the previous rules keep running).", namespace=ns, registry=r)
        # the worker does not start with invalid rules, so "no rejected reload yet" is the start state
        self.rules_last_reload_successful.set(1)
        for result in RELOAD_RESULTS:
            self.rules_reloads.labels(result=result)

        # --- Kafka -------------------------------------------------------------------------
        self.consumer_lag = Gauge(
            "consumer_lag_messages", "Records in the partition not yet committed by this "
            "worker's consumer group (end offset - committed offset).", ["topic", "partition"],
            namespace=ns, registry=r)

        # --- process -----------------------------------------------------------------------
        self.build = Info("build", "Version of the running newsalert worker.", namespace=ns, registry=r)

    # ---- input -----------------------------------------------------------------------------
    def article_consumed(self, language: str | None, source: str | None) -> None:
        """Call once per valid article, after decoding and language detection."""
        self.articles_consumed.labels(language=self._lang(language), source=self._source(source)).inc()

    def unsupported_language(self, language: str | None) -> None:
        """Call when an article's detected language has no pipeline."""
        self.articles_unsupported_language.labels(language=self._lang(language)).inc()

    def unknown_fields(self, names: Iterable[str], *, carried: bool = True) -> None:
        """Call once per valid article that has unknown fields; ``carried``: they fit in the alerts."""
        names = list(names)
        for name in names[:MAX_COUNTED_FIELDS]:
            self.unknown_fields_counter.labels(field=self._field(name)).inc()
        if len(names) > MAX_COUNTED_FIELDS:  # a message with thousands of keys costs one update
            self.unknown_fields_counter.labels(field=OTHER).inc(len(names) - MAX_COUNTED_FIELDS)
        if not carried:
            self.unknown_fields_dropped.inc()

    def dead_letter(self, reason: str) -> None:
        """Call once per message written to the DLQ, with its reason code (ArticleError.reason)."""
        self.dead_letters.labels(reason=self._reason(reason)).inc()

    def record_failure(self, agent: str, error: str) -> None:
        """Call once per record whose handling raised and that was dead-lettered instead."""
        self.record_failures.labels(agent=self._agent(agent), error=self._error(error)).inc()

    def agent_crash(self, agent: str) -> None:
        """Call once per agent body that raised."""
        self.agent_crashes.labels(agent=self._agent(agent)).inc()

    def observe_batch(self, size: int) -> None:
        """Call once per batch taken from the stream, with the number of records in it."""
        self.batch_size.observe(size)

    # ---- timing ----------------------------------------------------------------------------
    def observe_processing_latency(self, seconds: float) -> None:
        """Call when an article is done: now - Kafka record timestamp, in seconds."""
        self.processing_latency.observe(max(0.0, seconds))

    def observe_extraction(self, seconds: float, language: str | None) -> None:
        """Call after extracting one article."""
        self.extraction_duration.labels(language=self._lang(language)).observe(max(0.0, seconds))

    def observe_rule_evaluation(self, seconds: float) -> None:
        """Call after evaluating the rule set against one article."""
        self.rule_evaluation_duration.observe(max(0.0, seconds))

    def article_processed(self, timestamp: float | None = None) -> None:
        """Call when an article is done (also unsupported or dead-lettered ones): the worker is alive."""
        self.last_processed_timestamp.set(time.time() if timestamp is None else timestamp)

    # ---- rules and alerts ------------------------------------------------------------------
    def matches(self, rule: str, count: int = 1) -> None:
        """Call per rule match, before suppression."""
        if count > 0:
            self.rule_matches.labels(rule=self._rule(rule)).inc(count)

    def alert_emitted(self, rule: str, severity: str, status: str) -> None:
        """Call once per alert message produced; status is ``new`` or ``update``."""
        if status not in ALERT_STATUSES:
            raise ValueError(f"alert status must be one of {ALERT_STATUSES}, got {status!r}")
        self.alerts.labels(rule=self._rule(rule), severity=self._severity(severity), status=status).inc()

    def alert_suppressed(self, rule: str) -> None:
        """Call once per match that produced no alert message."""
        self.alerts_suppressed.labels(rule=self._rule(rule)).inc()

    def suppression_expiry(self, pruned: int, entries: int) -> None:
        """Call after each expiry pass of the suppression table (streams.alerts.expiry)."""
        if pruned > 0:
            self.suppression_pruned.inc(pruned)
        self.suppression_entries.set(max(0, entries))

    def rules_loaded(self, count: int, version: str, files: int) -> None:
        """Call after the rule set has been (re)loaded and is active (also the first load at start-up)."""
        self.rules_loaded_gauge.set(count)
        self.rule_files_loaded.set(files)
        self.ruleset.info({"version": version})
        # an active new rule set is a successful load, whether or not rules_reload() is also called
        self.rules_last_reload_successful.set(1)
        self.rules_last_reload_success.set_to_current_time()

    def rules_reload(self, success: bool) -> None:
        """Call after every load or reload attempt (also the first load at start-up)."""
        result = "success" if success else "failure"
        self.rules_reloads.labels(result=result).inc()
        self.rules_last_reload_successful.set(1 if success else 0)
        if success:
            self.rules_last_reload_success.set_to_current_time()

    # ---- Kafka -----------------------------------------------------------------------------
    def set_consumer_lag(self, topic: str, partition: int, lag: int) -> None:
        """Call periodically per assigned partition (see streams.metrics.lag)."""
        self.consumer_lag.labels(topic=topic, partition=str(partition)).set(max(0, lag))

    def clear_consumer_lag(self, topic: str, partition: int) -> None:
        """Call when a partition is no longer assigned, so its last lag does not linger."""
        with contextlib.suppress(KeyError):
            self.consumer_lag.remove(topic, str(partition))

    # ---- process ---------------------------------------------------------------------------
    def build_info(self, version: str) -> None:
        """Call once at start-up."""
        self.build.info({"version": version, "python": platform.python_version()})

    def _lang(self, language: str | None) -> str:
        value = (language or "").strip().lower()
        return self._language(value if _LANGUAGE.fullmatch(value) else "und")
