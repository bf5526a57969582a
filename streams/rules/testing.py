"""Run every rule's own examples (``examples: match / no_match``) through extraction and the engine.

Used by ``newsalert rules test`` and by the test suite, like ``promtool test rules``: a rule ships
with sentences it must match (with expected facts) and sentences it must not match.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from streams.models import Article, Extraction, Match
from streams.rules.model import Rule
from streams.rules.ruleset import RuleSet

Extract = Callable[[Article], Extraction]


@dataclass(frozen=True)
class ExampleResult:
    rule_id: str
    kind: str  # match | no_match | coverage
    text: str
    language: str
    line: int
    file: str
    passed: bool
    detail: str = ""  # what differed


def lookup(facts: dict[str, Any], path: str) -> Any:
    value: Any = facts
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def same(actual: Any, expected: Any) -> bool:
    if expected is None:
        return actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return float(actual) == float(expected)
    return actual is not None and str(actual) == str(expected)


def _describe(matches: Sequence[Match], paths: Iterable[str]) -> str:
    if not matches:
        return "the rule did not match"
    parts = []
    for m in matches:
        got = ", ".join(f"{p}={lookup(m.facts, p)!r}" for p in paths) or m.title
        parts.append(f"[{got}]")
    return "matched with " + " ".join(parts)


def run_examples(
    ruleset: RuleSet,
    extract: Extract,
    *,
    rule_ids: Sequence[str] = (),
    require_languages: Sequence[str] = ("de", "en"),
) -> list[ExampleResult]:
    """One result per example (and per missing language), in rule order."""
    results: list[ExampleResult] = []
    for rule in ruleset.rules:
        if rule_ids and rule.id not in rule_ids:
            continue
        results.extend(_rule_examples(ruleset, rule, extract, require_languages))
    return results


def _rule_examples(ruleset: RuleSet, rule: Rule, extract: Extract, require: Sequence[str]) -> list[ExampleResult]:
    out: list[ExampleResult] = []
    langs_match: set[str] = set()
    langs_no: set[str] = set()
    for i, ex in enumerate(rule.examples_match):
        article = Article(id=f"{rule.id}#match{i}", text=ex.text, language=ex.lang, source=ex.source)
        extraction = extract(article)
        language = ex.lang or extraction.language
        langs_match.add(language)
        matches = [m for m in ruleset.evaluate(extraction, article) if m.rule_id == rule.id]
        expect = dict(ex.expect)
        ok = any(all(same(lookup(m.facts, k), v) for k, v in expect.items()) for m in matches)
        detail = ""
        if not ok:
            want = ", ".join(f"{k}={v!r}" for k, v in expect.items()) or "a match"
            detail = f"expected {want}; {_describe(matches, expect)}"
        out.append(ExampleResult(rule.id, "match", ex.text, language, ex.line, rule.file, ok, detail))
    for i, nx in enumerate(rule.examples_no_match):
        article = Article(id=f"{rule.id}#no_match{i}", text=nx.text, language=nx.lang, source=nx.source)
        extraction = extract(article)
        language = nx.lang or extraction.language
        langs_no.add(language)
        matches = [m for m in ruleset.evaluate(extraction, article) if m.rule_id == rule.id]
        detail = "" if not matches else f"expected no match; got {len(matches)}: " + "; ".join(m.title for m in matches)
        out.append(ExampleResult(rule.id, "no_match", nx.text, language, nx.line, rule.file, not matches, detail))
    for lang in require:
        for kind, have in (("match", langs_match), ("no_match", langs_no)):
            if lang not in have:
                out.append(ExampleResult(rule.id, "coverage", "", lang, rule.line, rule.file, False,
                                         f"no '{kind}' example in language '{lang}'"))
    return out
