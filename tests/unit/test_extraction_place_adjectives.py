"""German adjectives derived from place names (rules 24-26 of ``entities``): the adjective of an
armed-forces name stays NORP, adjectives in -isch and -er of any place of the main table by the
rules of German derivation, prefixes of attitude and "US-" on demonyms; and what is no such
adjective. Rule 27: a town's name the article uses for a person is that person throughout; rule
28: town districts written with a hyphen. All sentences written for these tests."""

from __future__ import annotations

import pytest

from streams.extraction.extractor import Extractor, default_extractor
from streams.models import Article, Entity, Extraction


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return default_extractor()


def run(ex: Extractor, text: str, lang: str = "de") -> Extraction:
    return ex.extract_as([Article(id="t", text=text)], lang)[0]


def norps(x: Extraction) -> dict[str, Entity]:
    return {e.text: e for e in x.entities if e.type == "NORP"}


# ------------------------------------------------------------------ 24. armed forces


@pytest.mark.parametrize(
    ("text", "adjective", "noun", "country"),
    [
        ("Am Morgen rückte die israelische Armee in das Viertel vor.", "israelische", "Armee", "IL"),
        ("Nach Angaben der britischen Luftwaffe stürzte keine Maschine ab.", "britischen", "Luftwaffe", "GB"),
        ("Die ukrainischen Streitkräfte meldeten zwei abgeschossene Drohnen.", "ukrainischen", "Streitkräfte", "UA"),
        ("Russische Streitkräfte beschossen die Stadt erneut.", "Russische", "Streitkräfte", "RU"),
    ],
)
def test_forces_adjective_stays_norp(ex: Extractor, text: str, adjective: str, noun: str, country: str) -> None:
    x = run(ex, text)
    by_text = {e.text: e for e in x.entities}
    assert by_text[adjective].type == "NORP" and by_text[adjective].country == country
    assert by_text[noun].kind == "armed_forces" and by_text[noun].id == f"armed_forces:{country}"


def test_forces_name_without_adjective_is_one_org(ex: Extractor) -> None:
    x = run(ex, "Die Rote Armee erreichte die Oder im Winter.")
    assert [(e.text, e.kind) for e in x.entities if e.type == "ORG"] == [("Rote Armee", "armed_forces")]
    assert not norps(x)


def test_english_forces_adjective_stays_norp(ex: Extractor) -> None:
    # as in German (rule 24): the adjective is the nationality, the noun the forces
    x = run(ex, "The Israeli army said it had struck a depot.", "en")
    assert any(e.text == "army" and e.kind == "armed_forces" and e.country == "IL" for e in x.entities)
    assert any(e.text == "Israeli" and e.type == "NORP" for e in x.entities)


# ------------------------------------------------------------------ 25. derived adjectives


@pytest.mark.parametrize(
    ("text", "adjective", "place_id"),
    [
        ("Die sibirische Kälte hielt wochenlang an.", "sibirische", "area:siberia"),
        ("Mehrere kaukasischen Dörfer wurden evakuiert.", "kaukasischen", "area:caucasus"),
        ("Die pfälzischen Winzer klagen über Hagel.", "pfälzischen", "area:palatinate"),
        ("Ein Sturm zog über die karibischen Inseln.", "karibischen", "area:caribbean"),
        ("Der niederösterreichische Landtag tagte am Montag.", "niederösterreichische", "region:AT-3"),
        ("Die Madrider Polizei sperrte den Platz.", "Madrider", "city:geonames:3117735"),
        ("Die Bachmuter Front blieb heftig umkämpft.", "Bachmuter", "city:geonames:713174"),
        ("Ein Kärntner Bürgermeister trat zurück.", "Kärntner", "region:AT-2"),
        ("Der Basler Stadtrat stimmte zu.", "Basler", "city:geonames:2661604"),
    ],
)
def test_adjective_of_any_known_place(ex: Extractor, text: str, adjective: str, place_id: str) -> None:
    found = norps(run(ex, text))
    assert adjective in found, found
    assert found[adjective].id == place_id and found[adjective].kind == "demonym"


@pytest.mark.parametrize(
    ("text", "adjective", "country"),
    [
        ("Die prorussischen Milizen zogen ab.", "prorussischen", "RU"),
        ("Eine antiamerikanische Stimmung machte sich breit.", "antiamerikanische", "US"),
        ("Die pro-russischen Kräfte verloren die Wahl.", "pro-russischen", "RU"),
        ("Die US-amerikanische Regierung widersprach.", "US-amerikanische", "US"),
        ("Zwei US-amerikanischen Soldaten wurden verletzt.", "US-amerikanischen", "US"),
    ],
)
def test_prefixed_demonyms(ex: Extractor, text: str, adjective: str, country: str) -> None:
    found = norps(run(ex, text))
    assert adjective in found, found
    assert found[adjective].country == country


@pytest.mark.parametrize(
    "text",
    [
        "Das Verhalten war kindisch und wenig logisch.",  # Kindu, Loge: cities abroad take -er
        "Die Lage ist politisch und technisch schwierig.",
        "Trainer Madrider Art gibt es nicht.",  # after a title: a surname
        "Ulrike Bachmuter Fotos hängen im Flur.",  # after a given name: a surname
        "Die Madrider Zeitung berichtete.",  # part of a newspaper's name
    ],
)
def test_no_derived_adjective(ex: Extractor, text: str) -> None:
    found = norps(run(ex, text))
    assert not found, found


def test_derived_adjective_never_a_place(ex: Extractor) -> None:
    x = run(ex, "Die Kärntner Polizei und die sibirischen Behörden arbeiten zusammen.")
    assert not [e for e in x.entities if e.type in ("GPE", "LOC")]


# ------------------------------------------------------------------ 27. one sense per article


def places(x: Extraction) -> dict[str, Entity]:
    return {e.text: e for e in x.entities if e.type in ("GPE", "LOC")}


@pytest.mark.parametrize(
    "text",
    [
        "Claudia Roth reiste am Montag nach Odessa. Roth sagte dort, die Theater müssten offen bleiben.",
        "Der Bischof Karl von Dalberg predigte in Regensburg. Dalberg verlor später sein Amt.",
        "Ministerin Reda sprach in Brüssel. Später ruft Reda zum Protest auf.",
    ],
)
def test_town_named_like_a_person_of_the_article(ex: Extractor, text: str) -> None:
    found = places(run(ex, text))
    assert not {"Roth", "Dalberg", "Reda"} & set(found), found


def test_town_after_locative_stays_a_place_beside_the_person(ex: Extractor) -> None:
    x = run(ex, "Claudia Roth eröffnete ein Museum. In Roth in Mittelfranken wurde gefeiert.")
    found = places(x)
    assert "Roth" in found and found["Roth"].country == "DE"


def test_town_alone_unchanged(ex: Extractor) -> None:
    assert "Roth" in places(run(ex, "In Roth bei Nürnberg regnete es den ganzen Tag."))


# ------------------------------------------------------------------ 28. town districts


@pytest.mark.parametrize(
    ("text", "surface", "country"),
    [
        ("Ein Radfahrer wurde in Wien-Hietzing verletzt.", "Wien-Hietzing", "AT"),
        ("Die Polizei räumte eine Wohnung in Berlin-Kreuzberg.", "Berlin-Kreuzberg", "DE"),
        ("Ein Kraftwerk in Graz-Puntigam wird nicht gebaut.", "Graz-Puntigam", "AT"),
    ],
)
def test_town_district(ex: Extractor, text: str, surface: str, country: str) -> None:
    found = places(run(ex, text))
    assert surface in found, found
    assert found[surface].country == country


@pytest.mark.parametrize(
    "text",
    [
        "Der Berlin-Besuch des Kanzlers dauerte zwei Tage.",
        "Nach der Wien-Wahl bildete sich eine Koalition.",
        "Die Kiew-Reise wurde verschoben.",
    ],
)
def test_town_compound_noun_is_no_district(ex: Extractor, text: str) -> None:
    assert not places(run(ex, text))


# ------------------------------------------------------------------ 25. person nouns, 26. unknown places' adjectives


@pytest.mark.parametrize(
    ("text", "noun", "place_id"),
    [
        ("Der Aufschlag des Amerikaners kam zu spät.", "Amerikaners", "country:US"),
        ("Im Finale traf sie auf die Kroatin.", "Kroatin", "country:HR"),
        ("Zwei Brasilianerinnen liefen vorne mit.", "Brasilianerinnen", "country:BR"),
        ("Die Kärntnerin sprang am weitesten.", "Kärntnerin", "region:AT-2"),
        ("Die Anzeige des beschuldigten Irakers wurde geprüft.", "Irakers", "country:IQ"),
    ],
)
def test_inflected_person_nouns(ex: Extractor, text: str, noun: str, place_id: str) -> None:
    found = norps(run(ex, text))
    assert noun in found, found
    assert found[noun].id == place_id


@pytest.mark.parametrize(
    "text",
    [
        "Seit Springers Vorschlag wird gestritten.",  # a name's genitive, no article
        "Das ist Hans Schweizers Garten.",  # a surname after a given name
        "Die Kaiserin und die Lehrerin kamen zusammen.",  # words, not demonyms
    ],
)
def test_no_person_noun(ex: Extractor, text: str) -> None:
    assert not norps(run(ex, text))


@pytest.mark.parametrize(
    ("text", "adjective"),
    [
        ("Der Wolkenfelder Bürgermeister lud zur Sitzung.", "Wolkenfelder"),
        ("Im Ahlbrunner Wald wurde ein Wolf gesichtet.", "Ahlbrunner"),
    ],
)
def test_adjective_of_a_place_the_gazetteer_lacks(ex: Extractor, text: str, adjective: str) -> None:
    found = norps(run(ex, text))
    assert adjective in found, found
    assert found[adjective].source == "candidate" and found[adjective].country is None


def test_unknown_word_before_an_ordinary_noun_is_no_adjective(ex: Extractor) -> None:
    assert not norps(run(ex, "Der Wolkenfelder Vorschlag wurde abgelehnt."))


def test_county_named_after_two_towns_is_no_district(ex: Extractor) -> None:
    x = run(ex, "Im Landkreis Straubing-Bogen fiel viel Schnee.")
    assert all(e.id != "city:geonames:2947026" for e in x.entities), x.entities
