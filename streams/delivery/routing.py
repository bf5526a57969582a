"""Which topics an alert goes to, and under which key.

Called by the worker for every alert it emits (and by tests). The key is the suppression key, or
the alert_id when the rule has no suppression key, so every revision of one event lands in the
same partition and subscribers see ``new`` before its ``update``s.
"""

from __future__ import annotations

from collections.abc import Mapping

from streams.models import Alert

SEVERITY_TOPICS_ENV = "NEWSALERT_SEVERITY_TOPICS"


def topics_for(
    alert: Alert,
    *,
    default_topic: str,
    severity_topics: Mapping[str, str],
) -> list[str]:
    """The default topic, then the topic for the alert's exact severity (if configured), then the
    rule's own ``topics`` (``alert.topics``); each once, in that order. Empty names are skipped."""
    names = [default_topic, severity_topics.get(alert.severity, "")]
    names.extend(alert.topics)
    return [n for n in dict.fromkeys(names) if n]


def message_key(alert: Alert) -> bytes:
    """The Kafka message key: suppression key, or alert_id when the suppression key is empty."""
    return (alert.suppression_key or alert.alert_id).encode("utf-8")


def key_of(alert_dict: Mapping[str, object]) -> str:
    """The same key computed from a decoded alert (what consumers can check)."""
    return str(alert_dict.get("suppression_key") or alert_dict.get("alert_id") or "")


def parse_topic_map(text: str, *, what: str = SEVERITY_TOPICS_ENV) -> dict[str, str]:
    """Parse ``"high=alerts.high,critical=alerts.critical"``; raise ValueError naming the bad item."""
    result: dict[str, str] = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, topic = item.partition("=")
        if not sep or not name.strip() or not topic.strip():
            raise ValueError(f"{what}: expected NAME=TOPIC, got {item!r}")
        result[name.strip()] = topic.strip()
    return result


def severity_topics_from_env(env: Mapping[str, str]) -> dict[str, str]:
    """Per-severity topics from NEWSALERT_SEVERITY_TOPICS in ``env``; unknown severities are an error."""
    return severity_topics_of(env.get(SEVERITY_TOPICS_ENV, ""))


def severity_topics_of(text: str) -> dict[str, str]:
    """Per-severity topics from the value of NEWSALERT_SEVERITY_TOPICS (``Settings.severity_topics``)."""
    from streams.alerts.schema import SEVERITIES

    mapping = parse_topic_map(text)
    unknown = sorted(set(mapping) - set(SEVERITIES))
    if unknown:
        raise ValueError(
            f"{SEVERITY_TOPICS_ENV}: unknown severity {', '.join(unknown)} (use {', '.join(SEVERITIES)})"
        )
    return mapping
