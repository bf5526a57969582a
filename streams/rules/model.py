"""Rules as frozen dataclasses. Built once by the compiler (``Compiler.rule``), then only read."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import re2

from streams.rules.conditions import Condition
from streams.rules.errors import RuleFileError
from streams.rules.expr import Expression
from streams.rules.template import Template

SEVERITIES = ("info", "low", "medium", "high", "critical")
_DURATION = re2.compile(r"^([0-9]+)([smhd])$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: int | str | None) -> int:
    """Seconds from ``90s``, ``30m``, ``24h``, ``7d`` or an integer; 0 for None."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    m = _DURATION.match(value)
    if not m:
        raise RuleFileError(0, f"invalid duration {value!r}", "write e.g. 90s, 30m, 24h or 7d")
    return int(m.group(1)) * _UNIT[m.group(2)]


def content_hash(data: Any) -> str:
    """Stable hash of JSON-able content: key order, comments and formatting do not matter."""
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class MatchExample:
    text: str
    line: int
    lang: str | None = None
    source: str | None = None
    expect: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class NoMatchExample:
    text: str
    line: int
    lang: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class RuleException:
    """An exception appended to a rule without editing it (from an ``exceptions:`` section)."""

    rules: frozenset[str]  # rule ids, or {"*"}
    name: str
    file: str
    line: int
    match: Condition | None = None  # evaluated on the match's evidence sentences
    where: Expression | None = None  # evaluated on the match's facts

    def applies_to(self, rule_id: str) -> bool:
        return "*" in self.rules or rule_id in self.rules


@dataclass(frozen=True)
class Rule:
    id: str
    title: Template
    severity: str
    tags: tuple[str, ...]
    match: Condition
    file: str
    line: int
    version: str
    description: str = ""
    summary: Template | None = None
    status: str = "experimental"
    owner: str = ""
    enabled: bool = True
    topics: tuple[str, ...] = ()
    languages: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    exclude_sources: frozenset[str] = frozenset()
    where: Expression | None = None
    suppress_key: Template | None = None
    window_seconds: int = 0
    min_articles: int = 1
    bindings: Mapping[str, str] = field(default_factory=dict)  # name -> entity|count|concept|regex
    examples_match: tuple[MatchExample, ...] = ()
    examples_no_match: tuple[NoMatchExample, ...] = ()
    exceptions: tuple[RuleException, ...] = ()


def strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]
