"""Gazetteer entities: ids, types, countries, German inflections and the ambiguity rules."""

from __future__ import annotations

import pytest

from streams.extraction.extractor import Extractor, default_extractor
from streams.models import Article, Extraction


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return default_extractor()


def run(ex: Extractor, text: str, lang: str) -> Extraction:
    return ex.extract_as([Article(id="t", text=text)], lang)[0]


def ents(x: Extraction) -> dict[str, tuple[str, str, str | None, str | None]]:
    return {e.text: (e.type, e.id, e.country, e.kind) for e in x.entities}


@pytest.mark.parametrize("form", ["nordkoreanisch", "nordkoreanische", "nordkoreanischer", "nordkoreanischen",
                                  "nordkoreanisches", "nordkoreanischem"])
def test_german_demonym_inflections(ex: Extractor, form: str) -> None:
    x = run(ex, f"Er sprach über {form} Pläne.", "de")
    assert ents(x)[form][:3] == ("NORP", "country:KP", "KP")


def test_capitalised_demonym_at_sentence_start_but_not_inside_a_name(ex: Extractor) -> None:
    assert ents(run(ex, "Nordkoreanische Soldaten kamen an.", "de"))["Nordkoreanische"][1] == "country:KP"
    assert "Deutsche" not in ents(run(ex, "Er arbeitet bei der Deutsche Bahn.", "de"))
    assert ents(run(ex, "Das sagen die Deutschen.", "de"))["Deutschen"][1] == "country:DE"


def test_german_person_nouns_and_genitive(ex: Extractor) -> None:
    x = run(ex, "Nordkoreaner und Ukrainer trafen sich; die Rolle Russlands und Nordkoreas blieb offen.", "de")
    e = ents(x)
    assert e["Nordkoreaner"][:3] == ("NORP", "country:KP", "KP")
    assert e["Ukrainer"][:3] == ("NORP", "country:UA", "UA")
    assert e["Russlands"][:3] == ("GPE", "country:RU", "RU")
    assert e["Nordkoreas"][:3] == ("GPE", "country:KP", "KP")


@pytest.mark.parametrize(("text", "name"), [("Region Kursk", "Kursk"), ("Gebiet Kursk", "Kursk"),
                                          ("Oblast Kursk", "Kursk"), ("Kursker Gebiet", "Kursker Gebiet")])
def test_german_region_forms(ex: Extractor, text: str, name: str) -> None:
    # the noun chooses the region over the town; the entity's span is the name only (rule 35)
    x = run(ex, f"Die Kämpfe im {text} dauern an.", "de") if text == "Kursker Gebiet" else run(ex, f"Die Kämpfe in der {text} dauern an.", "de")
    assert ents(x)[name] == ("GPE", "region:RU-KRS", "RU", "region")


def test_oblast_charkiw_and_cities(ex: Extractor) -> None:
    x = run(ex, "In der Oblast Charkiw und in Kiew heulten die Sirenen, auch in Moskau.", "de")
    e = ents(x)
    assert e["Charkiw"] == ("GPE", "region:UA-63", "UA", "region")
    assert e["Kiew"][2:] == ("UA", "city")
    assert e["Moskau"][2:] == ("RU", "city")
    kyiv = next(en for en in x.entities if en.text == "Kiew")
    assert kyiv.name == "Kyiv" and kyiv.id.startswith("city:geonames:")


def test_english_entities(ex: Extractor) -> None:
    x = run(ex, "North Korean troops reached the Kursk Oblast, while Russian forces shelled Kharkiv, the Pentagon said.", "en")
    e = ents(x)
    assert e["North Korean"] == ("NORP", "country:KP", "KP", "demonym")
    assert e["Kursk Oblast"] == ("GPE", "region:RU-KRS", "RU", "region")
    # the adjective is a nationality, the noun the forces (rule 24, in English too)
    assert e["Russian"] == ("NORP", "country:RU", "RU", "demonym")
    assert e["forces"] == ("ORG", "armed_forces:RU", "RU", "armed_forces")
    assert e["Kharkiv"][2:] == ("UA", "city")
    assert e["Pentagon"] == ("ORG", "org:pentagon", "US", "defence_ministry")


@pytest.mark.parametrize(
    ("text", "lang", "surface", "expected_id"),
    [
        ("Die UNO und die Vereinten Nationen sind dasselbe.", "de", "Vereinten Nationen", "org:un"),
        ("Die UNO und die Vereinten Nationen sind dasselbe.", "de", "UNO", "org:un"),
        ("Die IAEO schickte Inspektoren.", "de", "IAEO", "org:iaea"),
        ("Das IKRK besuchte Gefangene.", "de", "IKRK", "org:icrc"),
        ("Die OSZE beobachtet die Wahl.", "de", "OSZE", "org:osce"),
        ("Die Bundeswehr verlegt Soldaten.", "de", "Bundeswehr", "armed_forces:DE"),
        ("Die ukrainischen Streitkräfte meldeten Erfolge.", "de", "Streitkräfte", "armed_forces:UA"),
        ("Die ukrainischen Streitkräfte meldeten Erfolge.", "de", "ukrainischen", "country:UA"),
        ("The Russian army advanced.", "en", "army", "armed_forces:RU"),
        ("The Russian army advanced.", "en", "Russian", "country:RU"),
        ("The US Army moved a brigade.", "en", "US Army", "armed_forces:US"),
        ("NATO and the OSCE met.", "en", "OSCE", "org:osce"),
        ("Selenskyj traf Zelensky nicht, aber Zelenskyy.", "de", "Zelenskyy", "person:volodymyr-zelensky"),
    ],
)
def test_organisations_forces_persons(ex: Extractor, text: str, lang: str, surface: str, expected_id: str) -> None:
    assert ents(run(ex, text, lang))[surface][1] == expected_id


def test_every_place_has_a_country(ex: Extractor) -> None:
    x = run(ex, "Von Charkiw über Kursk und Belgorod bis Minsk, Berlin und Washington.", "de")
    places = [e for e in x.entities if e.type == "GPE"]
    assert len(places) >= 5
    assert all(e.country and len(e.country) == 2 for e in places)


def test_turkey_is_case_sensitive(ex: Extractor) -> None:
    x = run(ex, "We ate turkey before flying to Turkey.", "en")
    assert [e.text for e in x.entities] == ["Turkey"]
    assert x.entities[0].id == "country:TR"


def test_georgia_country_by_default_us_state_with_us_context(ex: Extractor) -> None:
    assert ents(run(ex, "Georgia protested to Moscow.", "en"))["Georgia"][1] == "country:GE"
    assert ents(run(ex, "A storm hit Atlanta, Georgia, on Monday.", "en"))["Georgia"][1] == "region:US-GA"


def test_person_like_names(ex: Extractor) -> None:
    x = run(ex, "Michael Jordan met George Washington. Jordan closed its border. Officials in Washington agreed.", "en")
    got = [(e.text, e.id) for e in x.entities]
    assert ("Jordan", "country:JO") in got
    assert sum(1 for t, _ in got if t == "Jordan") == 1  # not the one after "Michael"
    assert [t for t, _ in got if t == "Washington"] == ["Washington"]  # only "in Washington"
    assert ents(x)["Washington"][2] == "US"
    assert "George" not in ents(x)


def test_common_words_need_a_locative(ex: Extractor) -> None:
    assert "Nice" not in ents(run(ex, "Nice weather today.", "en"))
    assert ents(run(ex, "He lives in Nice now.", "en"))["Nice"][2] == "FR"
    assert "Essen" not in ents(run(ex, "Das Essen war kalt.", "de"))
    assert ents(run(ex, "Er wohnt in Essen.", "de"))["Essen"][2] == "DE"
    assert "Auch" not in ents(run(ex, "Auch das war neu.", "de"))


def test_sports_clubs_and_company_names(ex: Extractor) -> None:
    x = run(ex, "Borussia Dortmund schlug Hannover 96, sagte die Deutsche Bank in Frankfurt.", "de")
    e = ents(x)
    assert "Dortmund" not in e and "Hannover" not in e and "Deutsche" not in e
    assert e["Frankfurt"][2] == "DE"


def test_offsets_match_text(ex: Extractor) -> None:
    text = "„Russische Truppen“ griffen Charkiw an – so die Ukraine."
    x = run(ex, text, "de")
    assert x.entities
    for e in x.entities:
        assert text[e.start : e.end] == e.text
        assert x.tokens[e.token_start].start == e.start and x.tokens[e.token_end - 1].end == e.end


def test_hyphenated_demonyms(ex: Extractor) -> None:
    e = ents(run(ex, "Die deutsch-israelische Zusammenarbeit und ein Deutsch-Kanadier.", "de"))
    assert e["deutsch-israelische"][:3] == ("NORP", "country:IL", "IL")
    assert e["Deutsch-Kanadier"][:3] == ("NORP", "country:CA", "CA")
    assert "Schleswig-Holsteiner" not in e or e["Schleswig-Holsteiner"][0] == "NORP"


def test_document_country_context_picks_the_town(ex: Extractor) -> None:
    x = run(ex, "Fighting near Bakhmut, Kharkiv, Sumy and Pokrovsk continued, Belgorod was shelled.", "en")
    assert ents(x)["Pokrovsk"][2] == "UA"
    assert ents(x)["Sumy"][2] == "UA"
