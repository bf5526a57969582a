"""Every way a rule file can be wrong gives an error with file and line (and a hint)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from streams.config import Limits
from streams.rules import RuleSetError, check_rules, load_ruleset
from streams.rules.errors import RuleError
from streams.rules.schema import rule_schema

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


def errors_for(tmp_path: Path, text: str, name: str = "r.yaml", limits: Limits | None = None,
               extra: dict[str, str] | None = None) -> list[RuleError]:
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / name).write_text(text)
    for n, t in (extra or {}).items():
        (d / n).write_text(t)
    return check_rules(d, limits)


def one(errors: list[RuleError], fragment: str) -> RuleError:
    hits = [e for e in errors if fragment in e.message]
    assert hits, f"no error with {fragment!r} in {[str(e) for e in errors]}"
    return hits[0]


def test_good_rule_has_no_errors(tmp_path: Path) -> None:
    assert errors_for(tmp_path, GOOD) == []


def test_unknown_key(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD.replace("severity: high", "severity: high\nseverty: low")), "unknown key 'severty'")
    assert e.line == 4 and e.file.endswith("r.yaml")
    assert "allowed here" in e.hint
    assert str(e).endswith(f"in {e.file}:4 ({e.hint})")


def test_unknown_key_in_condition_and_entity(tmp_path: Path) -> None:
    errs = errors_for(tmp_path, GOOD.replace("- entity: {type: GPE, as: location}", "- entity: {typ: GPE, as: location}\n    - concpt: kill"))
    assert one(errs, "unknown key 'typ'").line == 8
    assert one(errs, "unknown key 'concpt'").line == 9


def test_wrong_type(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD.replace("tags: [civilian-casualties]", "tags: civilian-casualties")), "tags must be a list")
    assert e.line == 4


def test_wrong_enum(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD.replace("severity: high", "severity: urgent")), "must be one of: info, low")
    assert e.line == 3


def test_missing_required_key(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD.replace('title: "{location.name}"\n', "")), "missing required key 'title'")
    assert e.line == 1


def test_duplicate_key(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD + "severity: low\n"), "duplicate key 'severity'")
    assert e.line == 9


def test_invalid_yaml(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD.replace("tags: [civilian-casualties]", "tags: [civilian-casualties")), "invalid YAML")
    assert e.line >= 4


def test_bad_expression(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD + 'where: "killed.value >= = 3"\n'), "bad expression")
    assert e.line == 9 and "column" in e.message


def test_single_equals_gets_a_hint(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD + 'where: "location.country = \'UA\'"\n'), "use '==' to compare")
    assert e.line == 9


def test_unknown_binding_in_where(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD + 'where: "actor.country != location.country"\n'), "unknown binding 'actor'")
    assert e.line == 9 and "killed, location" in e.hint


def test_unknown_attribute_in_where(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD + 'where: "killed.country == \'UA\'"\n'), "unknown attribute 'country' of count")
    assert e.line == 9


def test_unknown_binding_in_title(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD.replace('"{location.name}"', '"{actor.name} in {location.name}"')), "unknown binding 'actor'")
    assert e.line == 2


def test_unknown_binding_in_suppress_key(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD + 'suppress: {key: "{rule}:{place.id}", window: 24h}\n'), "unknown binding 'place'")
    assert e.line == 9


def test_bad_template_syntax(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD.replace('"{location.name}"', '"{location.name"')), "bad template")
    assert e.line == 2


def test_bad_regex(tmp_path: Path) -> None:
    text = GOOD + "    - regex: 'Angriff(?=en)'\n"
    e = one(errors_for(tmp_path, text), "invalid regex")
    assert e.line == 9 and "RE2" in e.hint


def test_too_long_regex(tmp_path: Path) -> None:
    text = GOOD + f"    - regex: '{'a' * 50}'\n"
    e = one(errors_for(tmp_path, text, limits=Limits(max_regex_length=20)), "regex is 50 characters long, limit is 20")
    assert e.line == 9


def test_yaml_bomb(tmp_path: Path) -> None:
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        bomb.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    e = one(errors_for(tmp_path, "\n".join(bomb) + "\n"), "YAML bomb")
    assert e.line in range(2, 9) and "aliases" in e.hint


def test_deep_nesting(tmp_path: Path) -> None:
    deep = "x: " + "[" * 40 + "]" * 40 + "\n"
    e = one(errors_for(tmp_path, deep, limits=Limits(max_yaml_depth=32)), "nesting is deeper than 32")
    assert e.line == 1


def test_deeply_nested_conditions(tmp_path: Path) -> None:
    cond = "{concept: kill}"
    for _ in range(30):
        cond = "{not: " + cond + "}"
    text = GOOD + f"    - {cond}\n"
    e = one(errors_for(tmp_path, text, limits=Limits(max_yaml_depth=100)), "conditions nested deeper")
    assert e.line == 9


def test_file_too_large(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD + "#" * 2000 + "\n", limits=Limits(max_rule_file_bytes=1000)), "limit is 1000")
    assert e.line == 0 and e.location.endswith("r.yaml")


def test_two_operators_in_one_condition(tmp_path: Path) -> None:
    text = GOOD.replace("- count: {event: killed, as: killed}", "- count: {event: killed, as: killed}\n      concept: kill")
    e = one(errors_for(tmp_path, text), "exactly one operator")
    assert e.line == 7


def test_unknown_macro_and_list(tmp_path: Path) -> None:
    errs = errors_for(tmp_path, GOOD + "    - macro: nope\n", extra={"b.yaml": GOOD.replace("good", "good2").replace("type: GPE", "type: '@nolist'")})
    assert one(errs, "unknown macro 'nope'").line == 9
    e = one(errs, "unknown list 'nolist'")
    assert e.line == 8 and e.file.endswith("b.yaml")


def test_macro_cycle(tmp_path: Path) -> None:
    lib = "macros:\n  a:\n    macro: b\n  b:\n    any:\n      - macro: a\n"
    e = one(errors_for(tmp_path, GOOD + "    - macro: a\n", extra={"lib.yaml": lib}), "uses itself")
    assert e.file.endswith("lib.yaml")


def test_duplicate_rule_id_across_files(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD, extra={"s.yaml": GOOD}), "rule id 'good' is used twice")
    assert e.file.endswith("s.yaml") and e.line == 1 and "r.yaml:1" in e.hint


def test_exception_for_unknown_rule(tmp_path: Path) -> None:
    exc = "exceptions:\n  - rule: nonexistent\n    match: {concept: sport}\n"
    e = one(errors_for(tmp_path, GOOD, extra={"x.yaml": exc}), "exception for unknown rule 'nonexistent'")
    assert e.line == 2 and e.file.endswith("x.yaml")


def test_example_expects_unknown_binding(tmp_path: Path) -> None:
    text = GOOD + "examples:\n  match:\n    - text: x\n      expect: {actor.country: KP}\n"
    e = one(errors_for(tmp_path, text), "no binding 'actor'")
    assert e.line == 12


def test_bad_duration(tmp_path: Path) -> None:
    e = one(errors_for(tmp_path, GOOD + 'suppress: {key: "{rule}", window: 24 hours}\n'), "invalid value '24 hours'")
    assert e.line == 9 and "24h" in e.hint


def test_all_errors_collected_and_load_fails_fast(tmp_path: Path) -> None:
    d = tmp_path / "rules"
    d.mkdir()
    (d / "a.yaml").write_text(GOOD.replace("severity: high", "severity: x"))
    (d / "b.yaml").write_text(GOOD.replace("good", "b") + 'where: "nope.x == 1"\n')
    (d / "c.yaml").write_text("- not a mapping\n")
    errs = check_rules(d)
    assert {Path(e.file).name for e in errs} == {"a.yaml", "b.yaml", "c.yaml"}
    with pytest.raises(RuleSetError) as info:
        load_ruleset(d)
    assert len(info.value.errors) == len(errs)
    assert "a.yaml:3" in str(info.value)


def test_missing_directory(tmp_path: Path) -> None:
    errs = check_rules(tmp_path / "nope")
    assert errs and "does not exist" in errs[0].message


def test_schema_is_valid_and_rejects_what_the_loader_rejects() -> None:
    schema = rule_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    assert not list(v.iter_errors({"id": "x", "title": "t", "severity": "low", "tags": ["a"], "match": {"concept": "kill"}}))
    assert list(v.iter_errors({"id": "x", "title": "t", "severity": "low", "tags": ["a"], "match": {"concept": "kill"}, "extra": 1}))
    assert list(v.iter_errors({"lists": {"a": [1]}, "id_typo": 1}))
    json.dumps(schema)
