"""Merging the facts of several matches of one event: counts escalate, bindings stay."""

from __future__ import annotations

from typing import Any


def _is_count(value: Any) -> bool:
    return isinstance(value, dict) and "value" in value and isinstance(value.get("value"), int | float)


def merge_facts(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """A count keeps the highest value seen (4 killed -> 6 killed); other facts keep their first
    value, and facts only the new match has are added."""
    merged = dict(old)
    for key, value in new.items():
        if key not in merged or _is_count(value) and _is_count(merged[key]) and value["value"] > merged[key]["value"]:
            merged[key] = value
    return merged
