"""Places as the news names them (issue 13): never a non-place, small places with evidence,
features and subdivisions, context candidates, datelines. All sentences written for these tests."""

from __future__ import annotations

import pytest

from streams.extraction import build_gazetteer as bg
from streams.extraction.entities import is_non_place
from streams.extraction.extractor import Extractor, default_extractor
from streams.extraction.gazetteer import DEFAULT_GAZETTEER, load_gazetteer, small_entries
from streams.models import Article, Entity, Extraction


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return default_extractor()


def run(ex: Extractor, text: str, lang: str) -> Extraction:
    return ex.extract_as([Article(id="t", text=text)], lang)[0]


def places(x: Extraction) -> dict[str, Entity]:
    return {e.text: e for e in x.entities if e.type in ("GPE", "LOC")}


def by_text(x: Extraction) -> dict[str, Entity]:
    return {e.text: e for e in x.entities}


# ------------------------------------------------------------------ 1. never a non-place


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "Im März und im Mai kamen am Montag und am Sonntag die russischen und ungarischen Gesandten."),
        ("en", "In March and May, Hungarian and Nigerian envoys met Russian officials on Monday and Sunday."),
        ("de", "Der Ort des Angriffs ist unbekannt ( ? ) , die Lage unklar."),
        ("en", "The location is unknown ( ? ) and the attackers are unknown."),
    ],
)
def test_months_weekdays_demonyms_and_unknown_are_never_places(ex: Extractor, lang: str, text: str) -> None:
    x = run(ex, text, lang)
    assert places(x) == {}


def test_demonyms_stay_norp_with_their_country(ex: Extractor) -> None:
    e = by_text(run(ex, "Hungarian, Nigerian and Russian diplomats met.", "en"))
    assert [(e[w].type, e[w].country) for w in ("Hungarian", "Nigerian", "Russian")] == [
        ("NORP", "HU"), ("NORP", "NG"), ("NORP", "RU")]
    d = by_text(run(ex, "Die russischen und ungarischen Diplomaten trafen sich.", "de"))
    assert (d["russischen"].type, d["russischen"].country) == ("NORP", "RU")
    assert (d["ungarischen"].type, d["ungarischen"].country) == ("NORP", "HU")


@pytest.mark.parametrize("text", ["?", "unknown", "Unbekannt", "März", "Sunday", "russischen", "Hungarian",
                                  "Nigerian", "Russian", "Chinese", "British", "Russisch", "-", "42"])
def test_is_non_place(text: str) -> None:
    assert is_non_place(text)


@pytest.mark.parametrize("text", ["Kabul", "Charkiw", "Wien", "Gaza", "New York", "Bunia", "Donbas"])
def test_places_are_not_non_places(text: str) -> None:
    assert not is_non_place(text)


def test_surname_after_a_given_name_is_no_place(ex: Extractor) -> None:
    x = run(ex, "Der Abgeordnete Martin Roth sagte am Abend, er werde bleiben.", "de")
    assert "Roth" not in places(x)
    assert "Roth" in places(run(ex, "Die Feuerwehr rückte in Roth aus.", "de"))


def test_places_inside_organisation_names_are_no_places_in_german(ex: Extractor) -> None:
    x = run(ex, "Der Spieler wechselt von Juventus Turin zum THW Kiel und studiert an der Hochschule Hannover.", "de")
    assert places(x) == {}
    # but after nouns for places or institutions of a place, and countries after any noun
    y = run(ex, "Die ukrainische Hauptstadt Kiew und das Nachbarland Polen meldeten Alarm; das Atomkraftwerk "
                "Saporischschja ist ohne Strom.", "de")
    assert {"Kiew", "Polen"} <= set(places(y))


# ------------------------------------------------------------------ 2. breadth


def test_curated_features_with_their_country(ex: Extractor) -> None:
    x = run(ex, "Die Kämpfe in Darfur und im Sahel gehen weiter; im Gazastreifen, im Westjordanland und auf der "
                "Krim wurde geschossen, Schiffe meiden die Straße von Hormus und das Schwarze Meer.", "de")
    p = places(x)
    assert (p["Darfur"].country, p["Darfur"].type) == ("SD", "LOC")
    assert p["Sahel"].country is None
    assert p["Gazastreifen"].country == "PS" and p["Westjordanland"].country == "PS"
    assert p["Krim"].country == "UA"
    assert p["Straße von Hormus"].id == "sea:hormuz"


def test_german_transliterations_of_ukrainian_places(ex: Extractor) -> None:
    x = run(ex, "Angriffe auf Charkiw, Saporischschja, Cherson, Awdijiwka und bei Tschassiw Jar und Wuhledar.", "de")
    p = places(x)
    for name in ("Charkiw", "Saporischschja", "Cherson", "Awdijiwka", "Tschassiw Jar", "Wuhledar"):
        assert p[name].country == "UA", name
        assert p[name].id.startswith("city:geonames:"), name
    assert p["Tschassiw Jar"].name == "Chasiv Yar"


def test_transliteration_rules() -> None:
    cases = {("Харків", True): "Charkiw", ("Запоріжжя", True): "Saporischschja", ("Херсон", True): "Cherson",
             ("Донецьк", True): "Donezk", ("Луганськ", True): "Luhansk", ("Луганск", False): "Lugansk",
             ("Часів Яр", True): "Tschassiw Jar", ("Ельня", False): "Jelnja"}
    for (cyr, uk), de in cases.items():
        assert bg.german_transliteration(cyr, ukrainian=uk) == de
    assert bg.german_transliteration("Kyiv", ukrainian=True) is None


def test_small_place_names_are_filtered() -> None:
    assert bg.short_place_name("Taiskirchen im Innkreis") == "Taiskirchen"
    assert bg.short_place_name("Frankfurt (Oder)") == "Frankfurt"
    assert not bg.small_name_ok("Mai", primary=True)  # too short, and a month
    assert not bg.small_name_ok("Sunday", primary=True)
    assert not bg.small_name_ok("IEV", primary=False)
    assert not bg.small_name_ok("Łódź", primary=False)  # alternate names only in German/English letters
    assert bg.small_name_ok("Łódź", primary=True)


def test_small_places_and_subdivisions_are_in_the_evidence_tier() -> None:
    small = load_gazetteer(DEFAULT_GAZETTEER).small
    assert small is not None and small.size > 300_000
    taiskirchen = [small_entries(r) for words, r, _f in small.lookup("Taiskirchen") if words == ("Taiskirchen",)]
    assert taiskirchen and taiskirchen[0][0].country == "AT" and taiskirchen[0][0].population < 1000
    lualaba = [small_entries(r) for words, r, _f in small.lookup("Lualaba") if words == ("Lualaba",)]
    assert lualaba[0][0].id == "region:CD-LU"  # ISO 3166-2 via pycountry


# ------------------------------------------------------------------ 3. context


def test_small_place_needs_evidence(ex: Extractor) -> None:
    assert "Kreischa" not in places(run(ex, "Kreischa meldet Hochwasser.", "de"))
    assert places(run(ex, "In Kreischa steht das Wasser hoch.", "de"))["Kreischa"].country == "DE"
    # a country of the place named in the article is evidence too
    assert "Kreischa" in places(run(ex, "Deutschland: Kreischa meldet Hochwasser.", "de"))


def test_small_place_that_is_a_word_needs_strong_evidence(ex: Extractor) -> None:
    assert places(run(ex, "Momentan träumt jeder vom Jackpot.", "de")) == {}


def test_small_place_prefers_the_country_of_the_article(ex: Extractor) -> None:
    at = places(run(ex, "Österreich: In Pfaffenhofen brannte ein Stall.", "de"))["Pfaffenhofen"]
    de = places(run(ex, "Deutschland: In Pfaffenhofen brannte ein Stall.", "de"))["Pfaffenhofen"]
    assert at.country == "AT" and de.country == "DE" and at.id != de.id


def test_village_after_place_noun(ex: Extractor) -> None:
    x = run(ex, "Russische Truppen griffen das Dorf Krasnohoriwka nahe Pokrowsk an.", "de")
    p = places(x)
    assert p["Krasnohoriwka"].country == "UA" and p["Krasnohoriwka"].source == "gazetteer"


@pytest.mark.parametrize(
    ("lang", "text", "name"),
    [
        ("de", "In der Ortschaft Blablowka wurde gekämpft, teilte die Ukraine mit.", "Blablowka"),
        ("de", "Im Dorf Sawidiwka im Osten der Ukraine fielen Granaten.", "Sawidiwka"),
        ("en", "Ukrainian officials said troops left the village of Zarichnivka overnight in Ukraine.", "Zarichnivka"),
        ("en", "Shelling hit the Yasenivka district, Ukraine said.", "Yasenivka"),
    ],
)
def test_candidates_from_context_get_the_country_of_the_article(ex: Extractor, lang: str, text: str, name: str) -> None:
    e = places(run(ex, text, lang))[name]
    assert (e.type, e.source, e.country) == ("LOC", "candidate", "UA")


def test_candidate_country_comes_from_places_not_demonyms(ex: Extractor) -> None:
    e = places(run(ex, "Russische Truppen rückten in der Ortschaft Blablowka vor. Die Ukraine meldete Verluste.", "de"))
    assert e["Blablowka"].country == "UA"


def test_german_street_and_toponym_candidates(ex: Extractor) -> None:
    p = places(run(ex, "Der Unfall geschah in der Quastenstraße und auf der Gubener Straße bei Wolkenhausen.", "de"))
    assert p["Quastenstraße"].kind == "street"
    assert p["Gubener Straße"].kind == "street"
    assert p["Wolkenhausen"].source == "candidate"
    assert places(run(ex, "Sie waren in Verhandlungen und in Sorge.", "de")) == {}


# ------------------------------------------------------------------ 4. datelines


@pytest.mark.parametrize(
    ("lang", "text", "dateline", "country"),
    [
        ("en", "KABUL (Reuters) - Officials said a checkpoint was attacked.", "KABUL", "AF"),
        ("en", "BAGHDAD, Iraq — A car bomb exploded near a market.", "BAGHDAD", "IQ"),
        ("de", "Wien – Der Nationalrat tagt am Dienstag.", "Wien", "AT"),
        ("de", "Kiew/Moskau – Beide Seiten tauschten Gefangene aus.", "Kiew", "UA"),
        ("en", "Canadian Press - VANCOUVER (CP) - Police said on Friday.", "VANCOUVER", "CA"),
        ("de", "NEW YORK (dpa) - Die Börse schloss fester.", "NEW YORK", "US"),
        ("en", "WASHINGTON — The Senate voted on Friday.", "WASHINGTON", "US"),
        ("en", "LVIV, Ukraine, March 3 (Reuters) - A missile hit a depot.", "LVIV", "UA"),
        ("en", "Checkpoint attacked\n\nKABUL (Reuters) - Officials said.", "KABUL", "AF"),
        ("de", "Frankfurt/Main (dpa) - Die Börse schloss fester.", "Frankfurt", "DE"),
    ],
)
def test_dateline(ex: Extractor, lang: str, text: str, dateline: str, country: str) -> None:
    x = run(ex, text, lang)
    assert x.dateline is not None
    assert (x.dateline.text, x.dateline.country, x.dateline.role) == (dateline, country, "dateline")
    assert x.dateline in x.entities
    assert x.to_dict()["dateline"]["text"] == dateline


def test_dateline_marks_every_place_of_a_double_dateline(ex: Extractor) -> None:
    x = run(ex, "Kiew/Moskau – Beide Seiten tauschten Gefangene aus.", "de")
    assert [e.text for e in x.entities if e.role == "dateline"] == ["Kiew", "Moskau"]


def test_unknown_dateline_place_in_capitals_is_a_candidate(ex: Extractor) -> None:
    x = run(ex, "ZARQAWIYA (AP) — Gunmen attacked a market.", "en")
    assert x.dateline is not None and (x.dateline.name, x.dateline.source, x.dateline.type) == (
        "Zarqawiya", "candidate", "LOC")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "Russland - ein Land im Umbruch."),
        ("de", "Die Regierung in Wien – so heißt es – will sparen."),
        ("en", "Officials in Kabul said nothing."),
    ],
)
def test_no_dateline(ex: Extractor, lang: str, text: str) -> None:
    x = run(ex, text, lang)
    assert x.dateline is None
    assert "dateline" not in x.to_dict()


# ------------------------------------------------------------------ German demonyms (LOCderiv)


def test_language_names_surnames_and_newspapers_are_no_demonyms(ex: Extractor) -> None:
    e = by_text(run(ex, "Er antwortete auf Russisch. Sagt Sabine Holländer von der Berliner Zeitung.", "de"))
    assert "Russisch" not in e and "Holländer" not in e and "Berliner" not in e
    assert by_text(run(ex, "Die Berliner Polizei und ein chinesischer Verein.", "de"))["Berliner"].type == "NORP"
    assert by_text(run(ex, "Er spielte für einen chinesischen Verein.", "de"))["chinesischen"].country == "CN"


def test_small_town_adjective_only_before_a_noun(ex: Extractor) -> None:
    e = by_text(run(ex, "Der Marsch führt zur Deidesheimer Stadtgrenze.", "de"))
    assert (e["Deidesheimer"].type, e["Deidesheimer"].country) == ("NORP", "DE")
    assert "Deidesheimer" not in by_text(run(ex, "Das sagte der Deidesheimer , als er ging.", "de"))


def test_places_after_institution_nouns_and_name_particles(ex: Extractor) -> None:
    p = places(run(ex, "Die Staatsanwaltschaft Bayreuth ermittelt, die Stadt Halle zahlt.", "de"))
    assert {"Bayreuth", "Halle"} <= set(p)
    assert places(run(ex, "Das Lied sang Ana de Sousa , begleitet von Patrick von Brunn .", "de")) == {}
    assert places(run(ex, "Ein Tor von Martin Stoll entschied das Spiel.", "de")) == {}


def test_german_roads(ex: Extractor) -> None:
    p = places(run(ex, "Auf der A 7 und der A1 staute es sich, die Bundesstraße 96 war gesperrt.", "de"))
    assert {"A 7", "A1", "Bundesstraße 96"} <= set(p) and p["A 7"].kind == "street"
    assert places(run(ex, "Note A 7 ist gut, Plan B 2 auch.", "de")) == {}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "In der Stadt Leben wieder Menschen. Im Dorf Angst und Schrecken. Die Stadt Verwaltung arbeitet."),
        ("de", "In der Region Menschen auf der Flucht. Im Dorf Soldaten gesichtet. In der Gemeinde Wahlen abgehalten."),
        ("en", "The town council met. The village elders said the city officials were wrong. The district court ruled."),
    ],
)
def test_words_after_place_nouns_are_no_candidates(ex: Extractor, lang: str, text: str) -> None:
    assert places(run(ex, text, lang)) == {}


def test_english_feature_names(ex: Extractor) -> None:
    p = places(run(ex, "Sie wohnten am Hudson River und in der Fifth Avenue, nahe Mount Hermon.", "de"))
    assert {"Hudson River", "Fifth Avenue", "Mount Hermon"} <= set(p)
    q = places(run(ex, "Boats crossed the Dnipro River near Lake Chad.", "en"))
    assert q["Dnipro River"].source == "gazetteer" and q["Lake Chad"].source == "gazetteer"
