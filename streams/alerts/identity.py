"""Deterministic alert identity and event time.

``alert_id`` is a function of rule id, suppression key and the start of the suppression window, so
a replay or a restart never produces a second, different id for the same event.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from streams.models import ArticleError, published_epoch


def alert_id(rule_id: str, key: str, window_start: float) -> str:
    raw = f"{rule_id}\x1f{key}\x1f{int(window_start)}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


def parse_time(value: str | None) -> float | None:
    """ISO 8601 (with or without zone; naive means UTC) to epoch seconds, or None when absent,
    not ISO 8601 or outside the range ``Article.from_dict`` accepts (streams.models.published_epoch)."""
    if not value:
        return None
    try:
        return published_epoch(value)
    except ArticleError:
        return None


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
