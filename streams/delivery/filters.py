"""Which alerts a subscriber wants: minimum severity, tags, rules. Works on decoded alert dicts.

Called for every consumed alert by ``subscribe`` and ``forward``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from streams.alerts.schema import SEVERITIES

SEVERITY_RANK = {name: i for i, name in enumerate(SEVERITIES)}


def severity_rank(severity: str) -> int:
    """Position in info < low < medium < high < critical; unknown severities rank below info."""
    return SEVERITY_RANK.get(severity, -1)


@dataclass(frozen=True)
class AlertFilter:
    """All given conditions must hold; within ``tags`` and ``rules`` any one is enough."""

    min_severity: str | None = None
    tags: frozenset[str] = frozenset()
    rules: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.min_severity is not None and self.min_severity not in SEVERITY_RANK:
            raise ValueError(f"unknown severity {self.min_severity!r} (use {', '.join(SEVERITIES)})")

    @classmethod
    def of(cls, severity: str | None, tags: Iterable[str] = (), rules: Iterable[str] = ()) -> AlertFilter:
        return cls(severity.lower() if severity else None, frozenset(tags), frozenset(rules))

    def accepts(self, alert: Mapping[str, Any]) -> bool:
        """True when the alert passes every configured condition."""
        if self.min_severity is not None and severity_rank(str(alert.get("severity", ""))) < SEVERITY_RANK[
            self.min_severity
        ]:
            return False
        if self.tags and not self.tags.intersection(alert.get("tags") or ()):
            return False
        return not (self.rules and alert.get("rule_id") not in self.rules)
