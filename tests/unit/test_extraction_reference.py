"""The reference article (../shared/data/samples/kursk-troops-de.txt) end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.extraction.extractor import Extractor, default_extractor
from streams.models import Article, Extraction

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "samples" / "kursk-troops-de.txt"


@pytest.fixture(scope="module")
def extraction() -> Extraction:
    if not REFERENCE.is_file():
        pytest.skip(f"{REFERENCE} not present")
    ex: Extractor = default_extractor()
    return ex.extract(Article(id="kursk", text=REFERENCE.read_text(encoding="utf-8")))


def _entity(x: Extraction, text: str) -> list[tuple[str, str, str | None, str | None]]:
    return [(e.type, e.id, e.country, e.kind) for e in x.entities if e.text == text]


def test_language_and_sentences(extraction: Extraction) -> None:
    assert extraction.language == "de"
    assert extraction.supported
    assert len(extraction.sentences) >= 12
    for s in extraction.sentences:
        assert extraction.text[s.start : s.end] == s.text


def test_demonym_is_north_korean(extraction: Extraction) -> None:
    assert ("NORP", "country:KP", "KP", "demonym") in _entity(extraction, "nordkoreanischer")
    assert ("NORP", "country:KP", "KP", "demonym") in _entity(extraction, "nordkoreanische")


def test_kursk_region_in_russia(extraction: Extraction) -> None:
    # "Region Kursk": the noun chooses the region; the span is the name (rule 35)
    assert _entity(extraction, "Kursk") == [("GPE", "region:RU-KRS", "RU", "region")]
    kursk = next(e for e in extraction.entities if e.text == "Kursk")
    assert kursk.name == "Kursk Oblast"


def test_ukrainian_cities(extraction: Extraction) -> None:
    charkiw = _entity(extraction, "Charkiw")
    kiew = _entity(extraction, "Kiew")
    assert charkiw and charkiw[0][0] == "GPE" and charkiw[0][2:] == ("UA", "city")
    assert kiew and kiew[0][0] == "GPE" and kiew[0][2:] == ("UA", "city")
    names = {e.text: e.name for e in extraction.entities}
    assert names["Charkiw"] == "Kharkiv" and names["Kiew"] == "Kyiv"


def test_other_named_entities(extraction: Extraction) -> None:
    ids = {e.id for e in extraction.entities}
    for expected in ("org:pentagon", "person:pat-ryder", "person:joe-biden", "person:volodymyr-zelensky",
                     "person:yoon-suk-yeol", "person:jake-sullivan", "person:andriy-yermak", "person:ihor-terekhov",
                     "country:CA", "country:KR", "country:UA", "country:RU", "country:KP", "armed_forces:UA"):
        assert expected in ids, expected
    assert any(e.text == "Moskaus" and e.country == "RU" for e in extraction.entities)
    assert any(e.text == "Reykjavik" and e.country == "IS" for e in extraction.entities)
    assert any(e.text == "Washington" and e.country == "US" for e in extraction.entities)
    for e in extraction.entities:
        assert extraction.text[e.start : e.end] == e.text


def _counts(x: Extraction) -> dict[str, tuple[int, int | None, str | None, str | None]]:
    return {c.text: (c.min, c.max, c.counted, c.event) for c in x.counts}


def test_counts(extraction: Extraction) -> None:
    counts = _counts(extraction)
    assert counts["3.000"] == (3000, 3000, "soldiers", "deployed")
    assert counts["bis zu 12.000"][1:3] == (12000, "soldiers")
    assert counts["vier"] == (4, 4, "people", "killed")
    assert counts["sechs"] == (6, 6, "civilians", "injured")
    assert counts["ein paar tausend"][:3] == (2000, 5000, "soldiers")
    assert counts["kleine Anzahl"][:3] == (1, 20, "soldiers")
    # "sechs Stunden" is a duration, not a count
    assert sum(1 for c in extraction.counts if c.text == "sechs") == 1
    four = next(c for c in extraction.counts if c.text == "vier")
    assert four.counted_text == "Menschen"
    six = next(c for c in extraction.counts if c.text == "sechs")
    assert six.counted_text == "Zivilisten"
    assert extraction.text[six.counted_start : six.counted_end] == "Zivilisten"  # type: ignore[index]


def test_concepts(extraction: Extraction) -> None:
    found = {(c.concept, c.text) for c in extraction.concepts}
    for expected in (("military-personnel", "Truppen"), ("deployment", "verlegt"), ("deployment", "stationiert"),
                     ("kill", "tötete"), ("airstrike", "Luftangriff"), ("attack", "Luftangriff"),
                     ("injure", "verletzten"), ("civilians", "Zivilisten"), ("drone", "Drohnen"),
                     ("deportation", "Entführung"), ("children", "Kinder"), ("sanction", "Sanktionen")):
        assert expected in found, expected
