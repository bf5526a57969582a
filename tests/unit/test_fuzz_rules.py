"""Hostile rule files at the default limits: rejected quickly with a clear error, never a crash.

The loader's ordinary error paths (unknown keys, bad regex syntax, a small YAML bomb, depth and
size with lowered limits) are tested in tests/unit/test_rules_errors.py; this module adds what
those do not cover: arbitrary text and bytes (hypothesis), the default limits against
large inputs (100k-line files, 100k-deep nesting, many rules), unsafe YAML tags, and
catastrophic-backtracking regexes, which RE2 runs in linear time. Durations are measured and
printed, not asserted.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.config import Limits
from streams.models import Article
from streams.rules import RuleSetError, check_rules, load_ruleset
from streams.rules.errors import RuleError

TIMINGS: dict[str, float] = defaultdict(float)

GOOD = """\
id: good
title: "{location.name}"
severity: high
tags: [civilian-casualties]
match:
  same_sentence:
    - count: {event: killed, as: killed}
    - entity: {type: GPE, as: location}
"""


@pytest.fixture(scope="module", autouse=True)
def report_timings(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    text = "rule fuzz timings (slowest):\n" + "\n".join(
        f"  {k}: {v * 1000:.0f} ms" for k, v in sorted(TIMINGS.items()))
    if reporter is not None:
        reporter.write_line(text)


def check(directory: Path, kind: str, limits: Limits | None = None) -> list[RuleError]:
    t0 = time.perf_counter()
    try:
        return check_rules(directory, limits)
    finally:
        TIMINGS[kind] = max(TIMINGS[kind], time.perf_counter() - t0)


def rule_dir(tmp_path: Path, content: str | bytes, name: str = "hostile.yaml") -> Path:
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    path = d / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return d


def assert_clear(errors: list[RuleError], *fragments: str) -> RuleError:
    """At least one error, each naming its file; the first one containing a fragment is returned."""
    assert errors, "a hostile file was accepted"
    for e in errors:
        assert e.file.endswith(".yaml") or e.file.endswith("rules"), e
        assert e.message
    for e in errors:
        if any(f in e.message for f in fragments):
            return e
    raise AssertionError(f"no error mentions {fragments}: {[str(e) for e in errors]}")


FUZZ = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.function_scoped_fixture])

yaml_alphabet = st.sampled_from(list("abcxyz:-[]{}&*!|>'\"#%@`,? \n\t0123456789.") + ["id: ", "match:", "\n  - ",
                                                                                   "&a ", "*a", "!!", "---\n"])


@FUZZ
@given(st.lists(yaml_alphabet, max_size=200).map("".join))
def test_yaml_like_noise_gives_errors_not_exceptions(tmp_path: Path, text: str) -> None:
    d = rule_dir(tmp_path, text)
    errors = check(d, "hypothesis yaml-like text")
    for e in errors:
        assert e.message and e.file


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_errors_not_exceptions(tmp_path: Path, raw: bytes) -> None:
    d = rule_dir(tmp_path, raw)
    errors = check(d, "hypothesis bytes")
    for e in errors:
        assert e.message and e.file


def test_hundred_thousand_line_file_over_the_size_limit(tmp_path: Path) -> None:
    text = GOOD + "".join(f"# comment line {i:06d} .........\n" for i in range(100_000))  # ~3.3 MB
    e = assert_clear(check(rule_dir(tmp_path, text), "100k lines, 3 MB"), "limit")
    assert "1000000" in e.message or "1,000,000" in e.message


def test_hundred_thousand_line_file_under_the_size_limit(tmp_path: Path) -> None:
    text = "lists:\n  big:\n" + "".join("    - x\n" for _ in range(100_000))  # 800 kB, 100k nodes
    assert len(text.encode()) < Limits().max_rule_file_bytes
    assert_clear(check(rule_dir(tmp_path, text), "100k lines, 800 kB"), "nodes")


def test_billion_laughs_at_default_limits(tmp_path: Path) -> None:
    levels = ['lol: &l0 "lol"']
    for i in range(1, 10):
        levels.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]")
    e = assert_clear(check(rule_dir(tmp_path, "\n".join(levels) + "\n"), "billion laughs"), "nodes", "bomb")
    assert e.line > 0


def test_hundred_thousand_deep_nesting(tmp_path: Path) -> None:
    for text, kind in (("x: " + "[" * 100_000 + "]" * 100_000 + "\n", "100k-deep flow sequence"),
                       ("x: " + "{a: " * 30_000 + "1" + "}" * 30_000 + "\n", "30k-deep flow mapping"),
                       ("".join("  " * i + f"k{i}:\n" for i in range(500)) + "  " * 500 + "v\n",
                        "500-deep block mapping")):
        assert_clear(check(rule_dir(tmp_path, text), kind), "deeper", "nesting")


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system ['touch pwned']",
    "!!python/name:os.system",
    "!custom {a: 1}",
])
def test_unsafe_and_unknown_tags_are_not_constructed(tmp_path: Path, tag: str) -> None:
    d = rule_dir(tmp_path, GOOD.replace('title: "{location.name}"', f"title: {tag}"))
    errors = check(d, "yaml tags")
    assert errors, f"a rule with title {tag!r} was accepted"
    assert not (Path.cwd() / "pwned").exists() and not (tmp_path / "pwned").exists()


def test_too_many_rules(tmp_path: Path) -> None:
    library = "rules:\n" + "".join(
        f"  - id: r{i}\n    title: t\n    severity: low\n    tags: [x]\n    match: {{concept: kill}}\n"
        for i in range(12))
    e = assert_clear(check(rule_dir(tmp_path, library), "too many rules", Limits(max_rules=10)), "limit is 10")
    assert "12" in e.message


def test_binary_and_odd_files(tmp_path: Path) -> None:
    cases = {
        "nul.yaml": GOOD.encode().replace(b"severity", b"sev\x00erity"),
        "latin1.yaml": GOOD.replace("good", "gr\u00fcn").encode("latin-1"),
        "bom.yaml": b"\xef\xbb\xbf" + GOOD.encode(),
        "empty.yaml": b"",
        "scalar.yaml": b"just a string\n",
        "two-docs.yaml": (GOOD + "---\n" + GOOD.replace("id: good", "id: other")).encode(),
    }
    for name, raw in cases.items():
        d = tmp_path / name.replace(".", "-")
        d.mkdir()
        (d / name).write_bytes(raw)
        errors = check(d, f"odd file {name}")
        if name != "bom.yaml":  # a UTF-8 byte-order mark is harmless
            assert errors, f"{name} was accepted"
        for e in errors:
            assert e.file.endswith(name), e


def test_huge_scalar_under_the_size_limit_loads(tmp_path: Path) -> None:
    """A 900 kB title is within the limits: it loads (no limit on one scalar), in bounded time."""
    d = rule_dir(tmp_path, GOOD.replace("{location.name}", "x" * 900_000))
    assert check(d, "900 kB scalar") == []


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(a|aa)+$", r"(a*)*b", r"(\w+\s?)+$", r"^(([a-z])+.)+[A-Z]([a-z])+$"])
def test_catastrophic_backtracking_regexes_run_in_linear_time(tmp_path: Path, pattern: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Patterns that take exponential time in a backtracking engine are accepted, and run by RE2,
    whose work is linear in the text it is given: the work counted is the characters handed to
    RE2, which must stay within a small multiple of the article (each sentence once, not once per
    position). The duration is reported in the timings summary, not asserted."""
    import re2

    text = GOOD + f"    - regex: '{pattern}'\n"
    d = rule_dir(tmp_path, text)
    ruleset = load_ruleset(d)
    from streams.pipeline import Pipeline
    from tests.conftest import ROOT

    given: list[int] = []
    finditer = re2._Regexp.finditer

    def counting(self: Any, text: str, *args: Any) -> Any:
        given.append(len(text))
        return finditer(self, text, *args)

    monkeypatch.setattr(re2._Regexp, "finditer", counting)
    extractor = _extractor(ROOT)
    pipeline = Pipeline(extractor=extractor, ruleset=ruleset)
    hostile = "In Kiew wurden vier Menschen getötet " + "a" * 30_000 + "!"
    t0 = time.perf_counter()
    pipeline.process(Article(id="redos", text=hostile, language="de"))
    TIMINGS[f"regex {pattern} on 30k 'a'"] = time.perf_counter() - t0
    assert given, "the regex was evaluated"
    assert sum(given) <= 2 * len(hostile), f"RE2 was given {sum(given)} characters for {len(hostile)}"


_EXTRACTOR: list[object] = []


def _extractor(root: Path) -> object:
    if not _EXTRACTOR:
        from streams.pipeline import Pipeline

        _EXTRACTOR.append(Pipeline.from_dirs(root / "rules").extractor)
    return _EXTRACTOR[0]


def test_load_ruleset_raises_ruleseterror_with_locations(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError) as exc:
        load_ruleset(rule_dir(tmp_path, "x: " + "[" * 100_000 + "\n"))
    assert "hostile.yaml" in str(exc.value)
