"""Worker and pipeline settings, read from NEWSALERT_* environment variables (CLI options override).

Every setting is documented in docs/configuration.md; the names here are the source of truth.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_type_hints

from streams.envparse import SettingsError, parse_value
from streams.kafka.settings import KafkaSettings

__all__ = ["DEFAULT_BROKER_PORT", "DEFAULT_KAFKA_VERSION", "LocalBrokerSettings", "Limits", "Settings",
           "SettingsError", "env_name"]

DEFAULT_KAFKA_VERSION = "4.4.0"
DEFAULT_BROKER_PORT = 9092


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
    # extra alert topics per severity: "high=alerts.high,critical=alerts.critical"
    severity_topics: str = ""
    # extraction: spaCy NER models merged with the gazetteer, and trusting the article's language
    ner_model_de: str = ""
    ner_model_en: str = ""
    trust_language_field: bool = False
    # `newsalert forward`: the Authorization header of every POST (a secret: kept out of repr)
    webhook_authorization: str = field(default="", repr=False)
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
        """Every field ``name`` is read from ``NEWSALERT_<NAME>`` (Limits' fields too), parsed by its
        type (streams.envparse: a bad value raises SettingsError naming the variable); explicit
        non-None ``overrides`` win. A new setting is one new field."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {name: value for name, value in _read(cls, env).items()
                                  if name not in ("kafka", "limits")}
        values["limits"] = Limits(**_read(Limits, env))
        values["kafka"] = KafkaSettings.from_env(env)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        try:
            settings.severity_topic_map()
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
        return settings

    def severity_topic_map(self) -> dict[str, str]:
        """severity -> topic, from ``severity_topics``; ValueError names a bad item or severity."""
        from streams.delivery.routing import severity_topics_of

        return severity_topics_of(self.severity_topics)

    def ner_models(self) -> dict[str, str]:
        """language -> spaCy NER model package or path, for the languages that have one."""
        return {lang: name for lang, name in (("de", self.ner_model_de), ("en", self.ner_model_en)) if name}

    def __post_init__(self) -> None:
        if not self.matches_topic:  # one internal topic per consumer group, never shared by accident
            object.__setattr__(self, "matches_topic", f"{self.app_id}-matches")

    def replace(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _default_cache_dir(env: Mapping[str, str]) -> Path:
    return Path(env.get("XDG_CACHE_HOME") or Path("~/.cache").expanduser()) / "newsalert"


@dataclass(frozen=True)
class LocalBrokerSettings:
    """The local development broker (`newsalert broker`, streams.broker.local) and the download
    cache. Read by ``from_env`` when a command's defaults are resolved, and by ``fetch_jars`` for
    the cache directory; not part of ``Settings`` (the worker needs none of it)."""

    broker_port: int = DEFAULT_BROKER_PORT
    broker_dir: Path = Path(".newsalert/broker")
    kafka_version: str = DEFAULT_KAFKA_VERSION
    # Kafka jars for the local broker; default $XDG_CACHE_HOME/newsalert or ~/.cache/newsalert
    cache_dir: Path = field(default_factory=lambda: _default_cache_dir({}))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LocalBrokerSettings:
        """``NEWSALERT_<FIELD>`` for each field, parsed as in ``Settings.from_env``."""
        env = os.environ if env is None else env
        return cls(**{"cache_dir": _default_cache_dir(env), **_read(cls, env)})


def env_name(field_name: str) -> str:
    """The environment variable of a Settings or Limits field."""
    return f"NEWSALERT_{field_name.upper()}"


def _read(cls: type, env: Mapping[str, str]) -> dict[str, Any]:
    """The fields of the dataclass ``cls`` that are set in ``env``, parsed by their types."""
    hints = get_type_hints(cls)
    values = {}
    for f in fields(cls):
        raw = env.get(env_name(f.name))
        if raw is None or hints[f.name] in (KafkaSettings, Limits):
            continue
        if not raw.strip() and hints[f.name] is not str:
            continue  # set but empty: the default
        values[f.name] = parse_value(env_name(f.name), raw, hints[f.name])
    return values
