"""Hostile or random rule files never crash the loader: they give RuleErrors with file:line."""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.config import Limits
from streams.rules import check_rules
from streams.rules.errors import RuleError

KEYS = ["id", "title", "severity", "tags", "match", "where", "suppress", "concept", "entity", "all", "any",
        "not", "within", "tokens", "macro", "lists", "macros", "exceptions", "rule", "regex", "as", "type"]

scalars = st.one_of(st.sampled_from(["kill", "GPE", "high", "{a.b}", "x ==", "@l", "(", "24h", "[", "*a"]),
                    st.integers(-5, 5), st.booleans(), st.none(), st.text(string.printable, max_size=12))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)), max_leaves=20)


def _dump(value: object, indent: int = 0) -> str:
    """Minimal YAML writer (flow style), so that generated data stays YAML-ish but unchecked."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_dump(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(tmp_path: Path, text: str) -> list[RuleError]:
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / "r.yaml").write_text(text, encoding="utf-8")
    errors = check_rules(d, Limits(max_yaml_nodes=2_000))
    for e in errors:
        assert isinstance(e, RuleError) and e.file.endswith("r.yaml") and e.message
    return errors


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(KEYS), values, min_size=1, max_size=6))
def test_structured_garbage(tmp_path: Path, doc: dict[str, object]) -> None:
    _check(tmp_path, "\n".join(f"{k}: {_dump(v)}" for k, v in doc.items()) + "\n")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(string.printable + "äöü„“&*!|>", max_size=200))
def test_text_garbage(tmp_path: Path, text: str) -> None:
    _check(tmp_path, text)
