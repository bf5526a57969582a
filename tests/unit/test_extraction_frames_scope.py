"""Event frames, second round of error kinds from real news: what a cue word governs (relative
clauses, participles, "following the massacre"), who the harmed are across an article, attacks
named deadly, and where forces go. All sentences are written for these tests.
"""

from __future__ import annotations

import pytest

from streams.extraction.extractor import default_extractor
from streams.models import Article, Frame


def frames(text: str, lang: str, kind: str, title: str | None = None) -> list[Frame]:
    ex = default_extractor().extract_as([Article(id="t", text=text, title=title)], lang)[0]
    return [f for f in ex.frames if f.kind == kind]


# ---------------------------------------------------------------- what a cue word governs


@pytest.mark.parametrize(("text", "lang"), [
    # a relative clause tells its own event; the warning, the appeal, the plan are the main clause's
    ("Officials issued a warning after studying the siege that killed 120 people in Kadugli.", "en"),
    ("The bishop urged calm in the north, where 60 people have been killed since March.", "en"),
    ("The minister will visit the market that was hit by a bomb which killed nine shoppers in Kano.", "en"),
    ("Die Regierung will die Region besuchen, wo am Montag zwölf Menschen getötet wurden.", "de"),
    # a participle as a modifier reports a fact
    ("Lawmakers warned of the threat and failed to protect a writer slain by an extremist in Utrecht.", "en"),
    # an event named as what came before
    ("Thousands are expected to march in Nalchik following the school massacre.", "en"),
])
def test_relative_clauses_and_modifiers_report_facts(text: str, lang: str) -> None:
    harm = frames(text, lang, "harm")
    assert harm and all(f.modality == "fact" for f in harm), [(f.trigger, f.modality, f.cues) for f in harm]


@pytest.mark.parametrize(("text", "lang", "modality"), [
    # the cue still governs a clause it introduces, or the trigger itself
    ("Aid groups warned that dozens of people could be killed in Goma.", "en", "speculated"),
    ("Die Behörden fürchten, dass weitere Menschen getötet werden.", "de", "feared"),
    # a harm verb after an infinitive marker reports no death
    ("Die Demonstranten sagten, sie seien bereit, für ihre Freiheit zu sterben.", "de", "speculated"),
    ("In the game, players are not allowed to die before the last level.", "en", "speculated"),
])
def test_cues_that_still_govern(text: str, lang: str, modality: str) -> None:
    harm = frames(text, lang, "harm")
    assert harm and all(f.modality == modality for f in harm), [(f.trigger, f.modality, f.cues) for f in harm]


def test_a_denial_does_not_reach_past_a_clause_break() -> None:
    harm = frames("Jerusalem rejected calls to end the offensive after deadly bombings at hotels in Taba.", "en",
                  "harm")
    assert harm and all(f.polarity == "affirmed" for f in harm)


@pytest.mark.parametrize(("text", "kind"), [
    ("Die Armee bestritt, dass bei dem Angriff Zivilisten getötet wurden.", "harm"),
    # "das" after a verb and a comma is an article, not a relative pronoun
    ("Moskau bestritt, das Umspannwerk in Charkiw beschossen zu haben.", "attack"),
    ("Die Regierung dementierte, die Soldaten nach Mali verlegt zu haben.", "deployment"),
])
def test_a_denial_governs_its_complement(text: str, kind: str) -> None:
    found = frames(text, "de", kind)
    assert found and all(f.polarity == "negated" for f in found)


def test_past_perfect_of_another_verb_is_not_the_triggers() -> None:
    harm = frames("Police said they had arrested a driver linked to last week's deadly car bombing in Kabul.", "en",
                  "harm")
    assert harm and all(f.time == "current" for f in harm)


@pytest.mark.parametrize(("text", "lang"), [
    ("Twenty years on, veterans recalled how German troops arrived in Kabul.", "en"),
    ("Dreißig Jahre danach erinnern Veteranen daran, wie die Truppen in Sarajevo eintrafen.", "de"),
])
def test_years_on_is_background(text: str, lang: str) -> None:
    found = frames(text, lang, "deployment")
    assert found and all(f.time == "background" for f in found)


@pytest.mark.parametrize(("text", "time"), [
    # a history told over several sentences
    ("Das Museum in Linz zeigt eine neue Ausstellung. Sie erzählt vom Widerstand im Salzkammergut im Jahr 2024. "
     "Im Winter 1944 versteckten sich drei Männer in einer Hütte. Einer ging nachts ins Dorf. Er wurde erschossen.",
     "background"),
    # the days of the report
    ("Das Museum in Linz zeigt eine neue Ausstellung. Sie erzählt vom Widerstand im Salzkammergut im Jahr 2024. "
     "Im Winter 1944 versteckten sich drei Männer in einer Hütte. Am Montag wurde in Linz ein Mann erschossen.",
     "current"),
])
def test_a_year_told_before_goes_on(text: str, time: str) -> None:
    harm = frames(text, "de", "harm")
    assert harm and harm[-1].time == time


def test_the_lead_does_not_take_the_year_of_the_sentence_before() -> None:
    harm = frames("Im Jahr 2019 begann der Konflikt. Am Morgen wurden in Goma drei Zivilisten getötet.", "de", "harm")
    assert harm and harm[0].time == "current"


# ---------------------------------------------------------------- new harm words, deadly attacks


@pytest.mark.parametrize(("text", "lang"), [
    ("Rebels carried out the slaughter of 80 villagers near Beni.", "en"),
    ("A video showed the beheadings of two aid workers in Raqqa.", "en"),
    ("Bei dem Gemetzel in dem Dorf nahe Kidal starben 40 Menschen.", "de"),
    ("Police arrested a suspect after last week's deadly bombing in Kampala.", "en"),
    ("Nach dem tödlichen Anschlag in Istanbul nahm die Polizei drei Männer fest.", "de"),
])
def test_harm_words_and_deadly_attacks(text: str, lang: str) -> None:
    harm = frames(text, lang, "harm")
    assert harm and harm[0].cause == "violence" and harm[0].polarity == "affirmed"
    assert harm[0].theme_kind in ("unspecified", "people", "civilians", "aid-workers")


def test_a_deadly_attack_on_combatants_harmed_combatants() -> None:
    harm = frames("Ein tödlicher Anschlag auf Soldaten erschütterte am Morgen Kabul.", "de", "harm")
    assert harm and harm[0].theme_kind == "troops"


def test_deadly_fighting_between_armed_sides_names_no_harmed() -> None:
    assert not frames("The truce ended the deadly fighting between the army and the militia in Najaf.", "en", "harm")


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("A teenager was shot near a checkpoint in Hebron on Monday.", "en", True),
    ("Soldiers shot two protesters in Nablus.", "en", True),
    ("The crew shot a documentary about refugees in Lesbos.", "en", False),
    ("Der Koch griff zum Fleischklopfer.", "de", False),
    ("Die Untoten kehren in der dritten Staffel zurück.", "de", False),
])
def test_words_that_look_like_harm(text: str, lang: str, expected: bool) -> None:
    assert bool(frames(text, lang, "harm")) == expected


def test_cyber_attacks_are_no_violence() -> None:
    text = ("Kriminelle erbeuteten mit Phishing-Attacken mehrere Millionen Euro. Die Opfer sollen in zwölf "
            "Ländern leben.")
    assert not frames(text, "de", "attack")
    assert all(f.cause != "violence" for f in frames(text, "de", "harm"))


def test_an_explosion_in_an_article_about_a_chemical_store_is_an_accident() -> None:
    text = ("Nach den Explosionen im Hafen von Rotterdam ist die Zahl der Toten auf zwölf gestiegen. Die Feuerwehr "
            "suchte am Montag weiter nach Vermissten. Die Ermittler prüfen, wie lange die Fässer dort standen. "
            "Ausgelöst wurde das Unglück in einem Lager mit Chemikalien.")
    harm = frames(text, "de", "harm")
    assert harm and harm[0].cause == "accident"


# ---------------------------------------------------------------- who the harmed are


def test_others_are_the_harmed_just_named() -> None:
    harm = frames("Three soldiers were killed and four others wounded in Kandahar.", "en", "harm")
    assert harm and set(harm[0].theme_kinds) == {"troops"}


def test_a_demonym_after_a_number_is_the_harmed_not_the_next_noun() -> None:
    harm = frames("The offensive has killed 80 Yemenis since tanks entered Aden.", "en", "harm")
    assert harm and harm[0].theme_kind == "people"
    moves = frames("The offensive has killed 80 Yemenis since Saudi tanks entered Aden.", "en", "deployment")
    assert moves and all(f.actor is None or f.actor.country != "YE" for f in moves)


def test_the_agent_phrase_is_not_the_harmed() -> None:
    harm = frames("Critics said the state failed to protect a writer slain by a suspected Islamist radical.", "en",
                  "harm")
    assert harm and harm[0].theme_kind not in ("fighters", "suspects")


@pytest.mark.parametrize(("title", "text", "kind"), [
    ("Gunmen kill nine in Ramadi", "Nine policemen were killed when gunmen attacked a checkpoint in Ramadi.",
     "police"),
    ("Group claims Tikrit killings", "A militant group said it had slaughtered members of the Iraqi security "
     "forces in Tikrit.", "troops"),
])
def test_harmed_named_elsewhere_in_the_article(title: str, text: str, kind: str) -> None:
    harm = frames(text, "en", "harm", title=title)
    assert harm and all(f.theme_kind in (kind, "police", "troops") for f in harm), [
        (f.trigger, f.theme_kind) for f in harm]


@pytest.mark.parametrize(("text", "theme"), [
    ("Gunmen who killed a family of five in Peshawar were arrested on Monday.", "unspecified"),
    ("Militants who killed two soldiers in Kunar were captured.", "troops"),
])
def test_the_noun_a_relative_clause_hangs_on_is_the_agent(text: str, theme: str) -> None:
    harm = frames(text, "en", "harm")
    assert harm and harm[0].theme_kind == theme


def test_animals_are_not_people() -> None:
    text = ("Im Burgenland wurden 20 geschützte Greifvögel getötet. Die Tiere kamen durch Schrotkugeln zu Tode.")
    harm = frames(text, "de", "harm")
    assert harm and all(f.theme_kind == "animals" for f in harm), [(f.trigger, f.theme_kind) for f in harm]


def test_civilians_named_beside_combatants_keep_their_kind() -> None:
    text = "A bomb killed 12 people at a bus station in Mosul. Two policemen were among the dead."
    harm = frames(text, "en", "harm")
    assert any(f.theme_kind in ("people", "unspecified") for f in harm)


# ---------------------------------------------------------------- where forces go, and whose they are


def test_a_granted_request_and_the_destination_after_the_verb() -> None:
    text = "Spain agreed to meet a French request for Spanish soldiers to be sent into northern Mali."
    f = frames(text, "en", "deployment")[-1]
    assert f.modality == "announced"
    assert f.actor is not None and f.actor.country == "ES"
    assert f.location is not None and f.location.country == "ML"


def test_of_forces_named_together_the_foreign_one_is_the_actor() -> None:
    text = "BAMAKO, Mali (AP) - French and Malian soldiers stormed rebel-held houses in this city on Monday."
    f = frames(text, "en", "deployment")[0]
    assert f.actor is not None and f.actor.country == "FR"
    assert f.location is not None and f.location.country == "ML"


def test_moving_into_an_unnamed_place_is_in_the_country_of_the_lead() -> None:
    f = frames("U.N. troops moved into a slum of the capital on Sunday.", "en", "deployment",
               title="Liberia moves against armed gangs")[-1]
    assert f.location is not None and f.location.country == "LR" and f.location_source == "lead"


def test_a_mover_the_lexicon_does_not_know_is_named_after() -> None:
    text = ("The Green Howards moved towards Basra on Tuesday. Soldiers from the British regiment were leaving "
            "their camp in Kuwait.")
    f = frames(text, "en", "deployment")[0]
    assert f.theme_kind == "troops" and f.actor is not None and f.actor.country == "GB"
    assert f.location is not None and f.location.country == "IQ"


def test_a_raid_as_the_circumstance_is_no_deployment() -> None:
    assert not frames("Troops captured a militia leader in a raid in Mogadishu on Friday.", "en", "deployment")


def test_a_hyphen_inside_a_word_does_not_end_the_clause() -> None:
    f = frames("US soldiers stormed rebel-held villages outside Kandahar.", "en", "deployment")[0]
    assert f.location is not None and f.location.country == "AF" and f.location_source == "clause"
