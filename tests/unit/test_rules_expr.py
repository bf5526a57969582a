"""The where-expression language and templates: parsing, evaluation, errors, no eval/exec."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from streams.rules.expr import MAX_EXPR_DEPTH, ExprError, Expression
from streams.rules.template import Template, TemplateError

ENV = {"actor": {"country": "KP", "name": "North Korea"}, "location": {"country": "RU", "id": "region:RU-KRS"},
       "killed": {"value": 4}, "article": {"language": "de"}}
LISTS = {"nato-members": ["DE", "PL", "US"], "frontline": ["UA", "RU"]}


@pytest.mark.parametrize("text,expected", [
    ("actor.country != location.country", True),
    ("actor.country == location.country", False),
    ("killed.value >= 4 and killed.value < 5", True),
    ("killed.value + 1 == 5", True),
    ("-killed.value < 0", True),
    ("location.country in @frontline", True),
    ("actor.country not in @nato-members", True),
    ("actor.country in ['KP', 'RU']", True),
    ("'Korea' in actor.name", True),
    ("injured.value > 0", False),          # missing binding: null, ordering is false
    ("injured.value == null", True),
    ("not (killed.value > 10) or false", True),
    ("upper(lower(actor.name)) == 'NORTH KOREA'", True),
    ("len(actor.country) == 2 and endswith(location.id, 'KRS')", True),
    ("article.language == \"de\"", True),
    ("actor.name > 3", False),             # string vs number: false, not an exception
])
def test_evaluation(text: str, expected: bool) -> None:
    assert Expression.parse(text).evaluate(ENV, LISTS) is expected


@pytest.mark.parametrize("text,fragment", [
    ("a ==", "expected a value"),
    ("a = b", "use '=='"),
    ("(a", "expected ')'"),
    ("a b", "unexpected 'b'"),
    ("exec('x')", "unknown function 'exec'"),
    ("__import__('os')", "unknown function '__import__'"),
    ("'open", "unterminated string"),
    ("a ; b", "unexpected character"),
    ("lower(a, b)", "takes 1 argument"),
    ("", "empty"),
])
def test_syntax_errors(text: str, fragment: str) -> None:
    with pytest.raises(ExprError) as info:
        Expression.parse(text)
    assert fragment in str(info.value)


def test_dunder_paths_are_plain_dictionary_lookups() -> None:
    # paths read facts (dicts) only; no attribute access on Python objects happens
    assert Expression.parse("actor.__class__ == null").evaluate(ENV, LISTS) is True


def test_nesting_and_length_limits() -> None:
    with pytest.raises(ExprError, match="nested deeper"):
        Expression.parse("(" * (MAX_EXPR_DEPTH + 2) + "1" + ")" * (MAX_EXPR_DEPTH + 2))
    with pytest.raises(ExprError, match="longer than"):
        Expression.parse("a == 1 or " * 300 + "true")


def test_paths_and_lists_are_reported_for_load_time_checks() -> None:
    e = Expression.parse("actor.country in @nato-members and lower(location.name) == 'x'")
    assert [p.parts for p in e.paths()] == [("actor", "country"), ("location", "name")]
    assert [lref.name for lref in e.list_refs()] == ["nato-members"]


def test_templates() -> None:
    t = Template.parse("{actor.name} troops in {location.name|somewhere} {{literal}} {rule}")
    assert t.render({**ENV, "rule": "r1"}) == "North Korea troops in somewhere {literal} r1"
    assert Template.parse("{x.y}").render({}, missing="-") == "-"
    for bad in ("{actor.name", "{}", "{a b}", "x } y"):
        with pytest.raises(TemplateError):
            Template.parse(bad)


def test_no_eval_or_exec_in_the_rules_package() -> None:
    src = Path(__file__).resolve().parents[2] / "streams" / "rules"
    for path in src.glob("*.py"):
        code = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith(("#", '"""')))
        assert not re.search(r"(?<![\w.])(eval|exec|compile|__import__)\(", code), path.name
