"""Concept lexicons: the file format, errors with file:line, compounds, phrases, required ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.extraction.extractor import Extractor, default_extractor
from streams.extraction.lexicon import ConceptMatcher, LexiconError, load_lexicon
from streams.models import Article

ROOT = Path(__file__).resolve().parents[2]
LEXICON = ROOT / "rules" / "lexicon"
REQUIRED = [
    "military-personnel", "military-unit", "deployment", "withdrawal", "exercise", "kill", "injure", "civilians",
    "people", "children", "attack", "airstrike", "drone", "missile", "shelling", "civilian-infrastructure",
    "energy-infrastructure", "hospital", "school", "mobilisation", "nuclear-weapon", "threat", "nuclear-plant",
    "deportation", "mercenary", "chemical-weapon", "ceasefire", "negotiation", "sanction", "cyberattack", "accident",
    "disaster", "sport", "anniversary", "speculation",
]


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return default_extractor()


def concepts(ex: Extractor, text: str, lang: str) -> set[tuple[str, str]]:
    x = ex.extract_as([Article(id="t", text=text)], lang)[0]
    return {(c.concept, c.text) for c in x.concepts}


def test_required_concepts_exist_in_both_languages() -> None:
    lex = load_lexicon(LEXICON)
    for cid in REQUIRED:
        assert cid in lex.concepts, cid
        c = lex.concepts[cid]
        assert c.description and c.terms.get("de") and c.terms.get("en"), cid


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Luftangriff", {"airstrike", "attack"}),
        ("Drohnenangriffen", {"drone", "attack"}),
        ("Raketenbeschuss", {"missile", "shelling"}),
        ("Kinderkrankenhaus", {"hospital", "civilian-infrastructure"}),
        ("Soldaten", {"military-personnel"}),
        ("getötet", {"kill"}),
        ("Zivilisten", {"civilians"}),
    ],
)
def test_german_compounds_and_inflections(ex: Extractor, word: str, expected: set[str]) -> None:
    found = {c for c, _ in concepts(ex, f"Es gab {word} gestern.", "de")}
    assert expected <= found


def test_phrases_and_separable_verbs(ex: Extractor) -> None:
    found = concepts(ex, "Drei Menschen kamen ums Leben. Russische Drohnen griffen die Stadt am Morgen an.", "de")
    assert ("kill", "ums Leben") in found
    assert any(c == "attack" and t.startswith("griffen") and t.endswith("an") for c, t in found)
    en = concepts(ex, "An air strike hit a power plant; peace talks and a ceasefire were announced.", "en")
    assert {("airstrike", "air strike"), ("energy-infrastructure", "power plant"), ("negotiation", "peace talks"),
            ("ceasefire", "ceasefire")} <= en


def test_sport_and_speculation(ex: Extractor) -> None:
    found = {c for c, _ in concepts(ex, "Der Stürmer schoss im Spiel ein Tor; Russland könnte Truppen schicken.", "de")}
    assert {"sport", "speculation", "military-personnel", "deployment"} <= found


def _write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("concepts:\n  ok:\n    description: fine\n    de: [a]\n  Bad_Id:\n    description: x\n", 5, "concept id"),
        ("concepts:\n  nodesc:\n    de: [a]\n", 2, "needs a description"),
        ("concepts:\n  x:\n    description: d\n    colour: red\n", 2, "unknown key"),
        ("concepts:\n  x:\n    description: d\n    de: a-string\n", 4, "must be a list"),
        ("concepts:\n  x:\n    description: d\n    de: ['a*b*']\n", 4, "'*' only"),
        ("concepts:\n  x:\n    description: d\n    de: [\n", 5, "invalid YAML"),
        ("- a list\n", 1, "expected a mapping"),
    ],
)
def test_errors_carry_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    _write(tmp_path, "bad.yaml", text)
    with pytest.raises(LexiconError) as err:
        load_lexicon(tmp_path)
    assert f"bad.yaml:{line}:" in str(err.value)
    assert message in str(err.value)


def test_duplicate_concept_across_files(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", "concepts:\n  x:\n    description: d\n    de: [a]\n")
    _write(tmp_path, "b.yaml", "concepts:\n  y:\n    description: d\n    de: [b]\n  x:\n    description: d\n    de: [c]\n")
    with pytest.raises(LexiconError, match=r"b\.yaml:5: concept 'x' already defined at .*a\.yaml:2"):
        load_lexicon(tmp_path)


def test_matcher_term_kinds(tmp_path: Path) -> None:
    _write(tmp_path, "t.yaml", "concepts:\n  c:\n    description: d\n    de: [wort, '*kopf', 'vor*', 'a b', 'x ... y']\n")
    m = ConceptMatcher(load_lexicon(tmp_path), "de")
    assert m.token_concepts("wort", "wort") == {"c"}
    assert m.token_concepts("wasserkopfes", "wasserkopfes") == {"c"}
    assert m.token_concepts("vorne", "vorne") == {"c"}
    assert m.token_concepts("kopfweh", "kopfweh") == frozenset()
    words = ["a", "b", "x", "q", "q", "y"]
    hits = m.match(words, words, [0] * 6)
    assert [(h.token_start, h.token_end) for h in hits] == [(0, 2), (2, 6)]


def test_hyphenated_compound_heads(ex: Extractor) -> None:
    found = {c for c, _ in concepts(ex, "Ehemalige Wagner-Kämpfer und UN-Soldaten kamen an.", "de")}
    assert {"fighters", "military-personnel"} <= found
