"""Faust's own sensor metrics (messages in/out, commits, rebalances, send latency) in our registry.

faust-streaming ships ``faust.sensors.prometheus``: ``PrometheusMonitor`` is a Faust ``Monitor``
whose hooks update a ``FaustMetrics`` tuple. Its ``setup_prometheus_sensors(app, pattern, registry,
name_prefix)`` would also mount a page on Faust's web server and build names that fail
``promtool check metrics`` (``*_runtime_ms``, counters without base units, latencies in
milliseconds). So we build the same tuple ourselves, with conventional names in seconds, in the
caller's registry, and hand it to ``PrometheusMonitor``. The worker's HTTP endpoint
(streams.metrics.http) then serves Faust's metrics next to ours.

Two corrections to faust-streaming's monitor (checked against a running worker's /metrics):

- Labels name things as they are named elsewhere: ``topic="alerts"``, not ``topic="topic.alerts"``
  (Faust decorates the sent-messages label only), ``table="suppression"``, ``stream="topic_articles"``.
- Metrics that a newsalert worker never samples are not exported at all, rather than as families
  without samples or histograms stuck at zero: the web server ones (Faust's web server is off),
  ``named_events`` (nothing calls ``Monitor.count`` here) and ``event_runtime`` (the agents ack
  whole batches through ``Stream.ack``, which passes Faust no timing state).
"""

from __future__ import annotations

from typing import Any, cast

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

DEFAULT_PREFIX = "newsalert_faust"
# Faust observes these latencies in milliseconds; we store seconds. Buckets 1 ms .. 10 s cover a
# local commit (milliseconds) up to a slow rebalance (seconds).
SECONDS_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class _NotExported:
    """Stands in for a metric that would never get samples in the worker: accepts and drops updates."""

    def labels(self, *args: Any, **kwargs: Any) -> _NotExported:
        return self

    def inc(self, amount: float = 1) -> None:
        pass

    def dec(self, amount: float = 1) -> None:
        pass

    def set(self, value: float) -> None:
        pass

    def observe(self, amount: float, exemplar: Any = None) -> None:
        pass


class _MillisecondsToSeconds:
    """Stands in for a Histogram inside FaustMetrics: Faust calls observe(ms), we record seconds."""

    def __init__(self, histogram: Histogram) -> None:
        self.histogram = histogram

    def observe(self, amount: float, exemplar: Any = None) -> None:
        self.histogram.observe(amount / 1000.0)


def build_faust_metrics(registry: CollectorRegistry, prefix: str = DEFAULT_PREFIX) -> Any:
    """Return a ``faust.sensors.prometheus.FaustMetrics`` whose metrics live in ``registry``."""
    from faust.sensors.prometheus import FaustMetrics

    p = prefix

    def hist(name: str, doc: str) -> Histogram:
        h = Histogram(f"{p}_{name}_seconds", doc, registry=registry, buckets=SECONDS_BUCKETS)
        return cast(Histogram, _MillisecondsToSeconds(h))

    tp = ["topic", "partition"]
    unexported = cast(Any, _NotExported())
    return FaustMetrics(
        messages_received=Counter(f"{p}_messages_received", "Messages received from Kafka.",
                                  registry=registry),
        active_messages=Gauge(f"{p}_active_messages", "Messages received and not yet acknowledged.",
                              registry=registry),
        messages_received_per_topics=Counter(f"{p}_topic_messages_received", "Messages received per topic.",
                                             ["topic"], registry=registry),
        messages_received_per_topics_partition=Gauge(
            f"{p}_topic_partition_read_offset", "Offset of the last message received per partition.",
            tp, registry=registry),
        events_runtime_latency=unexported,
        total_events=Counter(f"{p}_events", "Stream events started.", registry=registry),
        total_active_events=Gauge(f"{p}_active_events", "Stream events in progress.", registry=registry),
        total_events_per_stream=Counter(f"{p}_stream_events", "Stream events started per stream.",
                                        ["stream"], registry=registry),
        table_operations=Counter(f"{p}_table_operations", "Table get/set/delete operations.",
                                 ["table", "operation"], registry=registry),
        topic_messages_sent=Counter(f"{p}_topic_messages_sent", "Messages handed to the producer per topic.",
                                    ["topic"], registry=registry),
        total_sent_messages=Counter(f"{p}_messages_sent", "Messages the broker acknowledged.",
                                    registry=registry),
        producer_send_latency=hist("producer_send_latency", "Time from send to broker acknowledgement."),
        total_error_messages_sent=Counter(f"{p}_messages_send_errors", "Messages the producer failed to send.",
                                          registry=registry),
        producer_error_send_latency=hist("producer_error_send_latency", "Time from send to send error."),
        assignment_operations=Counter(f"{p}_assignment_operations", "Partition assignments by outcome.",
                                      ["operation"], registry=registry),
        assign_latency=hist("assignment_latency", "Time the partition assignor took."),
        total_rebalances=Gauge(f"{p}_rebalances_in_progress", "Rebalances in progress.", registry=registry),
        total_rebalances_recovering=Gauge(f"{p}_rebalances_recovering", "Rebalances recovering tables.",
                                          registry=registry),
        rebalance_done_consumer_latency=hist("rebalance_return_latency",
                                             "Time until the consumer replied that a rebalance is done."),
        rebalance_done_latency=hist("rebalance_done_latency", "Time until a rebalance fully completed."),
        count_metrics_by_name=unexported,
        http_status_codes=unexported,
        http_latency=unexported,
        topic_partition_end_offset=Gauge(f"{p}_topic_partition_end_offset", "End offset per partition.",
                                         tp, registry=registry),
        topic_partition_offset_commited=Gauge(f"{p}_topic_partition_committed_offset",
                                              "Committed offset per partition.", tp, registry=registry),
        consumer_commit_latency=hist("consumer_commit_latency", "Time an offset commit took."),
    )


def make_monitor(metrics: Any) -> Any:
    """A faust-streaming ``PrometheusMonitor`` whose labels carry bare topic, table and stream names."""
    from faust.sensors.monitor import Monitor
    from faust.sensors.prometheus import PrometheusMonitor

    class NewsalertPrometheusMonitor(PrometheusMonitor):  # type: ignore[misc]
        def on_send_initiated(self, producer: Any, topic: str, message: Any, keysize: int, valsize: int) -> Any:
            self._metrics.topic_messages_sent.labels(topic=topic).inc()
            return Monitor.on_send_initiated(self, producer, topic, message, keysize, valsize)

        def on_stream_event_in(self, tp: Any, offset: int, stream: Any, event: Any) -> Any:
            state = Monitor.on_stream_event_in(self, tp, offset, stream, event)
            self._metrics.total_events.inc()
            self._metrics.total_active_events.inc()
            self._metrics.total_events_per_stream.labels(stream=self._stream_label(stream)).inc()
            return state

        def _table(self, table: Any, operation: str) -> None:
            self._metrics.table_operations.labels(table=table.name, operation=operation).inc()

        def on_table_get(self, table: Any, key: Any) -> None:
            Monitor.on_table_get(self, table, key)
            self._table(table, self.KEYS_RETRIEVED)

        def on_table_set(self, table: Any, key: Any, value: Any) -> None:
            Monitor.on_table_set(self, table, key, value)
            self._table(table, self.KEYS_UPDATED)

        def on_table_del(self, table: Any, key: Any) -> None:
            Monitor.on_table_del(self, table, key)
            self._table(table, self.KEYS_DELETED)

    return NewsalertPrometheusMonitor(metrics=metrics)


def install_faust_sensors(app: Any, registry: CollectorRegistry, prefix: str = DEFAULT_PREFIX) -> Any:
    """Make ``app``'s monitor a PrometheusMonitor writing to ``registry``; return the monitor.

    Call once, after creating the ``faust.App`` and before it starts (the app attaches its
    monitor as a sensor when it starts).
    """
    monitor = make_monitor(build_faust_metrics(registry, prefix))
    app.monitor = monitor
    return monitor
