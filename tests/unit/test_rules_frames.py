"""The `frame` leaf of the rule language: strict defaults, role and count bindings, file:line errors,
and the optional template parts the core rules use. Rules are written in the test; articles go
through the real extractor."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from streams.extraction.extractor import default_extractor
from streams.models import Article, Match
from streams.rules import RuleSetError, load_ruleset
from streams.rules.template import Template, TemplateError

RULE = """
id: moves
title: "{actor.name} to {location.name}"
severity: high
tags: [test]
match:
  frame:
    kind: deployment
    theme: [troops, unit]
    actor: {as: actor}
    location: {as: location}
    counts: [{counted: soldiers, as: troops}]
    as: event
    %s
where: "actor.country != location.country"
summary: "[{troops.text} soldiers. ]Polarity {event.polarity}."
"""


def matches(tmp_path: Path, text: str, lang: str, extra: str = "") -> list[Match]:
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / "moves.yaml").write_text(textwrap.dedent(RULE % extra))
    rs = load_ruleset(d)
    article = Article(id="a", text=text)
    return rs.evaluate(default_extractor().extract_as([article], lang)[0], article)


def test_frame_binds_roles_counts_and_the_frame(tmp_path: Path) -> None:
    [m] = matches(tmp_path, "Spanien verlegt 200 Soldaten nach Estland.", "de")
    assert m.title == "Spain to Estonia"
    assert m.facts["troops"]["value"] == 200
    assert m.facts["event"]["kind"] == "deployment" and m.facts["event"]["modality"] == "fact"
    assert m.summary == "200 soldiers. Polarity affirmed."
    assert m.evidence[0].text == "Spanien verlegt 200 Soldaten nach Estland."


def test_defaults_reject_negated_background_and_speculation(tmp_path: Path) -> None:
    for text in ("Portugal schickt keine Soldaten nach Libyen.",
                 "Portugal hatte 2003 Soldaten nach Libyen geschickt.",
                 "Portugal könnte Soldaten nach Libyen schicken."):
        assert matches(tmp_path, text, "de") == [], text


def test_a_rule_may_ask_for_negated_frames(tmp_path: Path) -> None:
    [m] = matches(tmp_path, "Portugal schickt keine Soldaten nach Libyen.", "de", "polarity: negated")
    assert m.facts["event"]["polarity"] == "negated"
    assert m.summary == "Polarity negated."  # no count: the bracketed part is left out


def test_optional_role_may_be_missing(tmp_path: Path) -> None:
    d = tmp_path / "rules"
    d.mkdir()
    (d / "harm.yaml").write_text(textwrap.dedent("""
        id: harm
        title: "Harm in {location.name|an unnamed place}"
        severity: high
        tags: [test]
        match:
          frame: {kind: harm, cause: violence, location: {as: location, optional: true}}
    """))
    rs = load_ruleset(d)
    article = Article(id="a", text="Gunmen shot dead two bakers.")
    [m] = rs.evaluate(default_extractor().extract_as([article], "en")[0], article)
    assert m.title == "Harm in an unnamed place"


@pytest.mark.parametrize(("body", "message"), [
    ("frame: {kind: deployment, actor: {as: x}, location: {as: x}}", "binds one name twice"),
    ("frame: {kind: parade}", "is not valid"),
    ("frame: {kind: harm, polarity: maybe}", "is not valid"),
    ("frame: {kind: harm, actor: {as: a, role: place}}", "unknown key 'role'"),
])
def test_bad_frame_leaf_is_an_error_with_its_line(tmp_path: Path, body: str, message: str) -> None:
    d = tmp_path / "rules"
    d.mkdir()
    (d / "bad.yaml").write_text(f"id: bad\ntitle: t\nseverity: high\ntags: [test]\nmatch:\n  {body}\n")
    with pytest.raises(RuleSetError) as err:
        load_ruleset(d)
    text = " ".join(f"{e.location}: {e.message}" for e in err.value.errors)
    assert "bad.yaml:" in text and message in text, text


def test_optional_template_parts() -> None:
    t = Template.parse("{place.name|somewhere}:[ {killed.value} killed][, {injured.value} injured]. [[sic]]")
    assert t.render({"place": {"name": "Mosul"}, "injured": {"value": 6}}) == "Mosul:, 6 injured. [sic]"
    assert t.render({}) == "somewhere:. [sic]"
    assert [f.parts for f in t.fields()] == [("place", "name"), ("killed", "value"), ("injured", "value")]
    for bad in ("[{a.b}", "{a.b}]", "[[x][{a.b} [{c.d}]]"):
        with pytest.raises(TemplateError):
            Template.parse(bad)
