"""Faust's own sensors write into our registry, under newsalert_faust_, in seconds."""

from __future__ import annotations

import faust
from faust.sensors.prometheus import PrometheusMonitor
from faust.types import TP
from prometheus_client import CollectorRegistry

from streams.metrics import install_faust_sensors


def test_faust_monitor_writes_to_the_given_registry() -> None:
    registry = CollectorRegistry()
    app = faust.App("newsalert-unit-sensors", broker="kafka://127.0.0.1:1")
    monitor = install_faust_sensors(app, registry)
    assert app.monitor is monitor
    assert isinstance(monitor, PrometheusMonitor)

    tp = TP("articles", 3)
    monitor.on_tp_commit({tp: 42})
    monitor.track_tp_end_offset(tp, 50)
    # Faust measures latencies in milliseconds (Monitor.ms_since); we must record seconds
    monitor._metrics.producer_send_latency.observe(250.0)

    def v(name: str, **labels: str) -> float | None:
        return registry.get_sample_value(name, labels)

    assert v("newsalert_faust_topic_partition_committed_offset", topic="articles", partition="3") == 42
    assert v("newsalert_faust_topic_partition_end_offset", topic="articles", partition="3") == 50
    assert v("newsalert_faust_producer_send_latency_seconds_sum") == 0.25
    assert v("newsalert_faust_producer_send_latency_seconds_bucket", le="0.25") == 1
    assert v("newsalert_faust_producer_send_latency_seconds_bucket", le="0.1") == 0
    assert v("newsalert_faust_messages_received_total") == 0


def test_prefix_is_configurable() -> None:
    registry = CollectorRegistry()
    app = faust.App("newsalert-unit-prefix", broker="kafka://127.0.0.1:1")
    install_faust_sensors(app, registry, prefix="nf")
    assert registry.get_sample_value("nf_messages_received_total") == 0
