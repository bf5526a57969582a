"""Worker and pipeline settings, read from NEWSALERT_* environment variables (CLI options override).

Every setting is documented in docs/configuration.md; the names here are the source of truth.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from streams.kafka.settings import KafkaSettings


def _default_rules_dir() -> Path:
    # A source checkout keeps the rule pack beside the package; an installed package has it in the
    # working directory or wherever NEWSALERT_RULES_DIR points.
    here = Path(__file__).resolve().parent.parent / "rules"
    return here if here.is_dir() else Path("rules")


@dataclass(frozen=True)
class Limits:
    """Bounds on input, so that no message or rule file can stall the worker."""

    max_article_bytes: int = 1_000_000  # raw message size; larger goes to the DLQ as too_large
    max_article_chars: int = 200_000  # text length after decoding
    # an article's unknown fields travel with each alert reference up to this size (JSON bytes)
    max_extra_bytes: int = 4096
    max_rules: int = 5_000
    max_regex_length: int = 1_000
    max_rule_file_bytes: int = 1_000_000
    max_yaml_depth: int = 32
    max_yaml_nodes: int = 50_000


@dataclass(frozen=True)
class Settings:
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    app_id: str = "newsalert"
    articles_topic: str = "articles"
    alerts_topic: str = "alerts"
    dlq_topic: str = "articles.dlq"
    matches_topic: str = ""  # internal: matches re-keyed by suppression key; "" = "<app_id>-matches"
    topic_partitions: int = 4
    topic_replication: int = 1
    rules_dir: Path = field(default_factory=_default_rules_dir)
    reload_rules: bool = True
    # unknown article fields: kept and passed on to the alerts (false), or dead-lettered (true)
    strict_input: bool = False
    # a changed rule directory is read once it has not changed for this long (applied whole or not at all)
    rules_settle_s: float = 1.0
    # a valid set that could not be applied (its topics not created) is retried, backoff up to this
    rules_reload_retry_max_s: float = 60.0
    batch_size: int = 16
    batch_within_s: float = 0.05
    # matches wait at most this long for a fuller batch: the batch exists to share one ack round
    # trip, and waiting much longer than a round trip only adds latency (p50 85 -> 55 ms at 50/s)
    suppression_batch_within_s: float = 0.01
    batches_in_flight: int = 3  # pipelined: one in the pipeline while earlier ones wait for acks
    pipeline_process: bool = True  # extraction + rules in a child process (own core); false: a thread
    producer_linger_s: float = 0.005  # batch produced messages this long: fewer, larger requests
    session_timeout_s: float = 10.0  # a worker that stops heartbeating (kill -9) leaves the group after this
    # suppression state of an event is dropped once its partition's newest event time is this far
    # past the event's window (tolerated lateness; streams/alerts/expiry.py), checked this often
    suppression_grace_s: float = 86_400.0
    suppression_prune_interval_s: float = 60.0
    # liveness (/healthz) fails when one agent crashed this many times within this many seconds
    agent_crash_limit: int = 3
    agent_crash_window_s: float = 300.0
    # `newsalert publish`: a message not acknowledged this long after its send is reported (file:line)
    publish_delivery_timeout_s: float = 120.0
    # worker log: a repeated Kafka client error (broker outage) is written once per interval, with a count
    log_repeat_interval_s: float = 10.0
    metrics_host: str = "0.0.0.0"
    metrics_port: int = 9108
    metrics_path: str = "/metrics"
    # /healthz fails (liveness: restart me) once the worker's event loop has not run a callback for
    # this long: a loop blocked by a stuck call still leaves the HTTP thread answering otherwise
    liveness_stall_s: float = 60.0
    data_dir: Path = Path(".newsalert/worker")
    limits: Limits = field(default_factory=Limits)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in ("kafka", "limits"):
                continue
            raw = env.get(f"NEWSALERT_{f.name.upper()}")
            if raw is None:
                continue
            values[f.name] = _convert(f.type, raw)
        limits = Limits(
            **{
                f.name: int(env[f"NEWSALERT_{f.name.upper()}"])
                for f in fields(Limits)
                if f"NEWSALERT_{f.name.upper()}" in env
            }
        )
        values["limits"] = limits
        values["kafka"] = KafkaSettings.from_env(env)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def __post_init__(self) -> None:
        if not self.matches_topic:  # one internal topic per consumer group, never shared by accident
            object.__setattr__(self, "matches_topic", f"{self.app_id}-matches")

    def replace(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _convert(type_name: Any, raw: str) -> Any:
    t = str(type_name)
    if "int" in t:
        return int(raw)
    if "float" in t:
        return float(raw)
    if "bool" in t:
        return raw.lower() not in ("0", "false", "no", "off")
    if "Path" in t:
        return Path(raw)
    return raw
