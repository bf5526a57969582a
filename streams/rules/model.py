"""Rules as frozen dataclasses. Built once by the loader (``Rule.from_dict``), then only read."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
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

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        file: str,
        line_of: Callable[[tuple[str | int, ...]], int],
        compile_condition: Callable[[Any, tuple[str | int, ...]], Condition],
        compile_expression: Callable[[str, tuple[str | int, ...], Mapping[str, str]], Expression],
        compile_template: Callable[[str, tuple[str | int, ...], Mapping[str, str]], Template],
        version_extra: Callable[[], Any] | None = None,
        path: tuple[str | int, ...] = (),
    ) -> Rule:
        """Build a rule from schema-valid data; the compile callbacks raise RuleFileError with lines.

        Called by the loader once per rule, after lists and macros of the whole set are known.
        """
        from streams.rules.conditions import bindings_of

        match = compile_condition(data["match"], path + ("match",))
        bindings = bindings_of(match)
        where = compile_expression(data["where"], path + ("where",), bindings) if "where" in data else None
        title = compile_template(data["title"], path + ("title",), bindings)
        summary = compile_template(data["summary"], path + ("summary",), bindings) if "summary" in data else None
        suppress = data.get("suppress") or {}
        aggregate = data.get("aggregate") or {}
        key_source = aggregate.get("key") or suppress.get("key")
        key_path = path + (("aggregate", "key") if aggregate.get("key") else ("suppress", "key"))
        suppress_key = compile_template(key_source, key_path, bindings) if key_source else None
        window_raw = aggregate.get("window", suppress.get("window"))
        try:
            window = parse_duration(window_raw)
        except RuleFileError as exc:
            raise RuleFileError(line_of(path + ("suppress",)), exc.message, exc.hint) from None
        examples = data.get("examples") or {}
        ex_match = tuple(
            MatchExample(
                text=e["text"],
                line=line_of(path + ("examples", "match", i)),
                lang=e.get("lang"),
                source=e.get("source"),
                expect=tuple(sorted((e.get("expect") or {}).items())),
            )
            for i, e in enumerate(examples.get("match") or [])
        )
        ex_no = tuple(
            NoMatchExample(e["text"], line_of(path + ("examples", "no_match", i)), e.get("lang"), e.get("source"))
            for i, e in enumerate(examples.get("no_match") or [])
        )
        for i, ex in enumerate(ex_match):
            for key, _ in ex.expect:
                root = key.split(".")[0]
                if root not in bindings:
                    raise RuleFileError(
                        line_of(path + ("examples", "match", i, "expect", key)),
                        f"example expects '{key}' but the rule has no binding '{root}'",
                        f"bindings of this rule: {', '.join(sorted(bindings)) or 'none'}",
                    )
        # examples document a rule; they do not change what it matches, so they are not hashed
        own = {k: v for k, v in data.items() if k != "examples"}
        rule_content = {"rule": own, "uses": version_extra() if version_extra else None}
        return cls(
            id=data["id"],
            title=title,
            severity=data["severity"],
            tags=tuple(data["tags"]),
            match=match,
            file=file,
            line=line_of(path + ("id",)),
            version=content_hash(rule_content),
            description=str(data.get("description", "")).strip(),
            summary=summary,
            status=data.get("status", "experimental"),
            owner=data.get("owner", ""),
            enabled=bool(data.get("enabled", True)),
            topics=tuple(data.get("topics") or ()),
            languages=frozenset(_strings(data.get("languages"))),
            sources=frozenset(s.lower() for s in _strings(data.get("sources"))),
            exclude_sources=frozenset(s.lower() for s in _strings(data.get("exclude_sources"))),
            where=where,
            suppress_key=suppress_key,
            window_seconds=window,
            min_articles=int(aggregate.get("min_articles", 1)),
            bindings=dict(bindings),
            examples_match=ex_match,
            examples_no_match=ex_no,
        )


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]
