"""Event frames on the real extractor: one test per kind of error that real news showed.

All sentences are written for these tests. Each asserts on the frame's parts (kind, polarity,
modality, time, cause, theme, actor, location, counts), so a change that reads a sentence
differently fails here with the kind of error it brings back.
"""

from __future__ import annotations

import pytest

from streams.extraction.extractor import default_extractor
from streams.models import Article, Frame


def frames(text: str, lang: str, kind: str, title: str | None = None) -> list[Frame]:
    ex = default_extractor().extract_as([Article(id="t", text=text, title=title)], lang)[0]
    return [f for f in ex.frames if f.kind == kind]


def one(text: str, lang: str, kind: str) -> Frame:
    found = frames(text, lang, kind)
    assert len(found) == 1, [(f.trigger, f.text) for f in found]
    return found[0]


# ---------------------------------------------------------------- roles of a deployment


@pytest.mark.parametrize(("text", "lang", "actor", "location", "troops"), [
    ("Nordkoreanische Soldaten sind in der russischen Region Kursk eingetroffen.", "de", "KP", "RU", None),
    ("Die Niederlande verlegen 300 Soldaten nach Rumänien.", "de", "NL", "RO", 300),
    ("Canada is sending 450 more troops to Latvia.", "en", "CA", "LV", 450),
    ("Turkish tanks rolled into northern Syria on Sunday.", "en", "TR", "SY", None),
    ("Britain will move a squadron of fighter jets to Cyprus.", "en", "GB", "CY", None),
    ("About 800 Danish soldiers were moving toward Kabul from their base.", "en", "DK", "AF", 800),
])
def test_deployment_roles(text: str, lang: str, actor: str, location: str, troops: int | None) -> None:
    f = one(text, lang, "deployment")
    assert f.polarity == "affirmed" and f.time == "current"
    assert f.theme_kind in ("troops", "unit", "equipment")
    assert f.actor is not None and f.actor.country == actor
    assert f.location is not None and f.location.country == location
    if troops is not None:
        assert max(k.value for k in f.counts) == troops


def test_multinational_force_is_the_actor() -> None:
    f = one("Hundreds of U.N. peacekeepers moved into a district of Bangui on Monday.", "en", "deployment")
    assert f.actor is not None and f.actor.id == "org:un" and f.actor.country is None
    assert f.location is not None and f.location.country == "CF"


# ---------------------------------------------------------------- kind 1: negation and denial


@pytest.mark.parametrize(("text", "lang"), [
    ("Greece is not sending any soldiers of its own to Libya, the minister said in Rome.", "en"),
    ("Japan has no plans to send troops to Haiti.", "en"),
    ("Österreich schickt keine Soldaten nach Mali.", "de"),
    ("Die Regierung in Minsk bestritt, dass russische Truppen nach Belarus verlegt wurden.", "de"),
    ("Moscow denied reports that its troops had crossed into Georgia.", "en"),
])
def test_negated_and_denied_deployments(text: str, lang: str) -> None:
    assert all(f.polarity == "negated" for f in frames(text, lang, "deployment"))


def test_place_where_someone_spoke_is_not_the_destination() -> None:
    f = one("Greece is not sending any soldiers of its own to Libya, the minister said in Rome.", "en", "deployment")
    assert f.location is not None and f.location.country == "LY"


def test_not_only_is_no_negation() -> None:
    f = one("Poland is sending not only tanks but also 200 soldiers to Lithuania.", "en", "deployment")
    assert f.polarity == "affirmed"


# ---------------------------------------------------------------- kinds 2 and 3: actor and mover


def test_police_at_home_is_not_a_force() -> None:
    f = one("Israel deployed extra police in Jerusalem as Palestinian protesters gathered.", "en", "deployment")
    assert f.theme_kind == "police"


@pytest.mark.parametrize(("text", "lang"), [
    ("The pope arrived in Manila on Thursday.", "en"),
    ("Hundreds of migrants were taken by bus to the Austrian border.", "en"),
    ("A French military jet carrying the Lebanese prime minister landed outside Paris.", "en"),
])
def test_movers_that_are_not_forces(text: str, lang: str) -> None:
    for f in frames(text, lang, "deployment"):
        assert f.theme_kind not in ("troops", "unit", "fighters", "mercenaries", "equipment"), f


# ---------------------------------------------------------------- kind 4: background and history


@pytest.mark.parametrize(("text", "lang", "kind"), [
    ("Spain had previously sent only a few hundred soldiers to Iraq.", "en", "deployment"),
    ("Frankreich hatte bereits 2013 Soldaten nach Mali geschickt.", "de", "deployment"),
    ("Frankreich schickt seit 2014 Soldaten nach Mali.", "de", "deployment"),
    ("A court sentenced two men for the 2002 bombing that killed 40 people in Casablanca.", "en", "harm"),
    ("Der Prozess um den Anschlag, bei dem drei Menschen getötet wurden, begann am Montag.", "de", "harm"),
])
def test_background(text: str, lang: str, kind: str) -> None:
    found = frames(text, lang, kind)
    assert found and all(f.time == "background" for f in found)


def test_year_relative_to_publication() -> None:
    ex = default_extractor().extract_as(
        [Article(id="t", text="In 2019, gunmen killed twelve villagers in Mali.", published_at="2026-03-01")], "en")[0]
    assert [f.time for f in ex.frames if f.kind == "harm"] == ["background"]
    ex = default_extractor().extract_as(
        [Article(id="t", text="In 2026, gunmen killed twelve villagers in Mali.", published_at="2026-03-01")], "en")[0]
    assert [f.time for f in ex.frames if f.kind == "harm"] == ["current"]


# ---------------------------------------------------------------- modality


@pytest.mark.parametrize(("text", "lang", "modality"), [
    ("Experts say North Korean troops could soon be sent to Ukraine.", "en", "speculated"),
    ("Die Opposition fordert, dass Deutschland Soldaten nach Mali schickt.", "de", "demanded"),
    ("Britain will send military trainers to Ukraine.", "en", "announced"),
    ("Attackers set off a bomb in a failed attempt to kill the governor.", "en", "attempted"),
    ("Nordkorea soll weitere Soldaten nach Russland geschickt haben.", "de", "alleged"),
])
def test_modality(text: str, lang: str, modality: str) -> None:
    found = frames(text, lang, "deployment") + frames(text, lang, "harm")
    assert found and found[0].modality == modality, [(f.trigger, f.modality, f.cues) for f in found]


# ---------------------------------------------------------------- kind 6: deaths without violence


@pytest.mark.parametrize(("text", "lang", "cause"), [
    ("Bei der Explosion in einer Chemiefabrik wurden drei Arbeiter getötet.", "de", None),
    ("A gas explosion in a coal mine killed 31 miners.", "en", "accident"),
    ("A crane collapsed on a building site, killing two workers.", "en", "accident"),
    ("Cholera has killed more than 200 people in the region since June.", "en", "disease"),
    ("The hurricane killed at least 14 people on the island.", "en", "disaster"),
    ("A swimmer was killed in a shark attack off the beach.", "en", "animal"),
    ("The singer died of a heart attack.", "en", "disease"),
])
def test_non_violent_causes(text: str, lang: str, cause: str | None) -> None:
    found = frames(text, lang, "harm")
    assert found and all(f.cause != "violence" for f in found), [(f.cause, f.cues) for f in found]
    if cause is not None:
        assert found[0].cause == cause


# ---------------------------------------------------------------- kind 7: casualties that were missed


@pytest.mark.parametrize(("text", "lang", "theme"), [
    ("Gunmen shot dead a local journalist outside his home in Peshawar.", "en", "journalists"),
    ("Israel kills five in a raid on a Gaza town.", "en", "unspecified"),
    ("Soldiers opened fire at a checkpoint near Hebron, killing three men.", "en", "people"),
    ("Kidnappers beheaded a Bulgarian hostage, a video showed.", "en", "hostages"),
    ("Bei einem Messerangriff in Graz wurden zwei Passanten verletzt.", "de", "civilians"),
])
def test_violent_harm_to_civilians(text: str, lang: str, theme: str) -> None:
    f = frames(text, lang, "harm")[0]
    assert f.cause == "violence" and f.polarity == "affirmed" and f.time == "current", (f.cause, f.cues)
    assert f.theme_kind == theme


def test_harm_to_combatants_only() -> None:
    f = one("Two soldiers were killed and three wounded in a roadside bombing.", "en", "harm")
    assert f.cause == "violence"
    assert f.theme_kinds == ("troops",)


# ---------------------------------------------------------------- kind 9: counts bound to the frame


def test_counts_belong_to_the_harm_frame() -> None:
    f = one("Russian drones injured six civilians in Kyiv on Tuesday.", "en", "harm")
    assert [(k.value, k.event) for k in f.counts] == [(6, "injured")]
    assert f.location is not None and f.location.country == "UA"


def test_a_count_of_things_is_not_a_count_of_people() -> None:
    f = one("A shark at least 18 feet long attacked and killed a swimmer.", "en", "harm")
    assert f.theme_kind != "unspecified" or not f.counts


def test_killed_and_injured_are_one_event() -> None:
    f = one("A car bomb killed four people and injured 17 in Mogadishu.", "en", "harm")
    assert sorted((k.event, k.value) for k in f.counts) == [("injured", 17), ("killed", 4)]


# ---------------------------------------------------------------- no event at all


@pytest.mark.parametrize(("text", "lang"), [
    ("The minister received several death threats last week.", "en"),
    ("Die Toten Hosen spielen am Samstag in Wien.", "de"),
    ("Es geht um verletzte Gefühle und Gewalt in der Ehe.", "de"),
    ("Victims of fraud can ask the bank for help.", "en"),
])
def test_words_that_name_no_harm(text: str, lang: str) -> None:
    assert frames(text, lang, "harm") == []


def test_same_actor_figures_elsewhere_are_a_range() -> None:
    text = ("Der Generalstab bestätigte, dass eine kleine Zahl belarussischer Soldaten nach Polen verlegt wurde. "
            "Später hieß es, 2.500 belarussische Soldaten seien an der Grenze Polens stationiert, und bis zu 9.000 "
            "könnten folgen.")
    deploy = [f for f in frames(text, "de", "deployment") if f.location is not None and f.location.country == "PL"]
    assert deploy and deploy[0].actor is not None and deploy[0].actor.country == "BY"
    assert deploy[0].figures == (2500, 9000)


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("Hundreds attended a vigil for the victims of the Kunduz massacre.", "en", True),
    ("Der Essay spricht von Krieg, Terror, Massaker und zerfallenden Staaten.", "de", False),
    ("Iraq blames the coalition for an army massacre.", "en", False),
])
def test_massacre_needs_a_place_a_number_or_the_harmed(text: str, lang: str, expected: bool) -> None:
    harmed = [f for f in frames(text, lang, "harm")
              if f.cause == "violence" and set(f.theme_kinds or (f.theme_kind or "",)) & {"unspecified", "people"}]
    assert bool(harmed) is expected, [(f.trigger, f.theme_kind, f.theme_kinds) for f in frames(text, lang, "harm")]


def test_work_is_linear_in_a_long_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    """A "sentence" of hundreds of clauses: the cue lists are scanned once per sentence (not once
    per trigger), and the frames of one sentence are bounded."""
    from streams.extraction.frames import cues as cues_module
    from streams.extraction.frames.sentence import ClauseSentence

    scans: dict[int, int] = {}
    real_scan = ClauseSentence._scan

    def counting(self: ClauseSentence) -> None:
        scans[id(self)] = scans.get(id(self), 0) + 1
        real_scan(self)

    monkeypatch.setattr(ClauseSentence, "_scan", counting)
    text = "Russland verlegt Soldaten nach Belarus, Menschen wurden getötet, " * 400
    found = default_extractor().extract_as([Article(id="t", text=text)], "de")[0].frames
    assert 0 < len(found) <= cues_module.MAX_FRAMES_PER_SENTENCE
    assert scans and max(scans.values()) == 1
