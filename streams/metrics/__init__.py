"""Prometheus metrics for the newsalert worker: one registry, one ``Metrics`` object, one endpoint.

Typical wiring (streams/worker):

    registry = CollectorRegistry()
    metrics = Metrics(registry)
    metrics.build_info(__version__)
    install_faust_sensors(app, registry)          # Faust's own sensors, prefix newsalert_faust_
    install_lag_timer(app, metrics, [settings.articles_topic])
    server = start_http_server(registry, settings.metrics_host, settings.metrics_port,
                               settings.metrics_path, is_healthy=..., is_ready=...)
"""

from streams.metrics.faust_sensors import build_faust_metrics, install_faust_sensors
from streams.metrics.http import LoopHeartbeat, MetricsServer, Unhealthy, make_app, start_http_server
from streams.metrics.lag import LagReporter, compute_lag, install_lag_timer
from streams.metrics.service import Metrics

__all__ = [
    "LagReporter",
    "LoopHeartbeat",
    "Metrics",
    "MetricsServer",
    "build_faust_metrics",
    "compute_lag",
    "install_faust_sensors",
    "install_lag_timer",
    "make_app",
    "start_http_server",
    "Unhealthy",
]
