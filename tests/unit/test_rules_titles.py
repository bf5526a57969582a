"""What a subscriber reads: a title never shows "?" (the checker rejects a field that may have no
value), and one event of a rule in one article gives one alert, told at its most precise place.
All sentences are written for these tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from streams.extraction.extractor import default_extractor
from streams.models import Article, Match
from streams.rules import RuleSetError, load_ruleset

HEAD = "id: r\nseverity: high\ntags: [test]\n"


def errors_of(tmp_path: Path, body: str) -> str:
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / "r.yaml").write_text(HEAD + textwrap.dedent(body))
    with pytest.raises(RuleSetError) as err:
        load_ruleset(d)
    return " ".join(f"{e.location}: {e.message}" for e in err.value.errors)


@pytest.mark.parametrize(("body", "field", "line"), [
    # an optional role
    ("""\
     title: "Harm in {location.name}"
     match:
       frame: {kind: harm, location: {as: location, optional: true}}
     """, "{location.name}", 4),
    # bound in one branch of "any" only
    ("""\
     match:
       any:
         - entity: {type: GPE, as: place}
         - concept: {id: kill}
     title: "Killing in {place.name}"
     """, "{place.name}", 8),
    # bound, but a candidate place has no country
    ("""\
     title: "Troops"
     summary: "Troops in {place.name} ({place.country})."
     match:
       entity: {type: GPE, as: place}
     """, "{place.country}", 5),
])
def test_a_field_that_may_have_no_value_is_an_error_with_its_line(tmp_path: Path, body: str, field: str,
                                                                   line: int) -> None:
    text = errors_of(tmp_path, body)
    assert f"r.yaml:{line}" in text and field in text and "may have no value" in text, text


@pytest.mark.parametrize("body", [
    """\
    title: "Harm in {location.name|a place the article does not name}"
    summary: "Harm[ in {location.name} ({location.country})]."
    match:
      frame: {kind: harm, location: {as: location, optional: true}}
    """,
    """\
    title: "Killing in {place.name}"
    match:
      all:
        - entity: {type: GPE, as: place}
        - any:
            - concept: {id: kill}
            - concept: {id: injure}
    """,
])
def test_fallbacks_brackets_and_bound_fields_pass(tmp_path: Path, body: str) -> None:
    d = tmp_path / "rules"
    d.mkdir()
    (d / "r.yaml").write_text(HEAD + textwrap.dedent(body))
    assert len(load_ruleset(d)) == 1


def test_the_rule_pack_never_titles_a_missing_place_with_a_question_mark() -> None:
    root = Path(__file__).resolve().parents[2]
    rs = load_ruleset(root / "rules")
    article = Article(id="a", text="Two bombings shook the capital on Monday, killing nine people at a bus stop.")
    found = rs.evaluate(default_extractor().extract_as([article], "en")[0], article)
    assert found, "the casualty rule should match"
    assert all("?" not in m.title and "?" not in m.summary for m in found), [(m.title, m.summary) for m in found]


# ------------------------------------------------------------ one event, one alert, most precise place

CASUALTIES = """
id: hurt
title: "Harm in {location.name|a place the article does not name}"
severity: high
tags: [test]
match:
  frame: {kind: harm, cause: violence, location: {as: location, optional: true}, as: event}
suppress: {key: "{rule}:{location.id}", window: 1h}
"""


def alerts(tmp_path: Path, text: str, lang: str, title: str | None = None) -> list[Match]:
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / "hurt.yaml").write_text(CASUALTIES)
    rs = load_ruleset(d)
    article = Article(id="a", text=text, title=title)
    return rs.evaluate(default_extractor().extract_as([article], lang)[0], article)


@pytest.mark.parametrize(("title", "text", "lang", "place"), [
    # the headline names the country, the body the city
    ("Bomb kills six in Iraq", "A car bomb killed six people at a market in Kirkuk on Monday, police said.", "en",
     "Kirkuk"),
    # the headline names no place
    ("Gunmen kill four shoppers", "Gunmen shot dead four shoppers in Peshawar on Friday.", "en", "Peshawar"),
    # a compass part of the country, then the town
    ("Zwölf Menschen in Nigeria getötet", "Bei einem Anschlag auf einen Markt in Maiduguri wurden zwölf Menschen getötet.",
     "de", "Maiduguri"),
])
def test_one_event_told_twice_gives_one_alert_at_the_precise_place(tmp_path: Path, title: str, text: str,
                                                                   lang: str, place: str) -> None:
    found = alerts(tmp_path, text, lang, title)
    assert [m.title for m in found] == [f"Harm in {place}"]
    assert len(found[0].evidence) == 2  # the headline's evidence went with it


def test_two_places_of_the_same_precision_stay_two_alerts(tmp_path: Path) -> None:
    text = ("A bomb killed five people at a mosque in Najaf. Hours later gunmen shot dead three traders in "
            "Basra.")
    assert sorted(m.title for m in alerts(tmp_path, text, "en")) == ["Harm in Basrah", "Harm in Najaf"]


def test_a_country_in_another_country_stays_apart(tmp_path: Path) -> None:
    text = "Gunmen shot dead four farmers in Mali. In Kano, a bomb killed nine worshippers."
    assert sorted(m.title for m in alerts(tmp_path, text, "en")) == ["Harm in Kano", "Harm in Mali"]


# ------------------------------------------------------------ places that are not places


def test_a_country_before_a_noun_is_whose_not_where() -> None:
    text = "Nine people died in a series of US air strikes around Ramadi."
    ex = default_extractor().extract_as([Article(id="a", text=text)], "en")[0]
    harm = [f for f in ex.frames if f.kind == "harm"]
    assert harm and all(f.location is None or f.location.country == "IQ" for f in harm), \
        [(f.location and f.location.name) for f in harm]


def test_a_peoples_adjective_before_an_attack_is_no_place(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    rs = load_ruleset(root / "rules")
    article = Article(id="a", text="Bei einem russischen Drohnenangriff auf das Umspannwerk der Stadt Sumy fiel "
                                   "der Strom aus.")
    found = rs.evaluate(default_extractor().extract_as([article], "de")[0], article)
    titles = [m.title for m in found if m.rule_id == "infrastructure-attack"]
    assert titles and all("russ" not in t.lower() for t in titles), titles
