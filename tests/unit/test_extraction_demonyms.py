"""The German derivation rules for country adjectives (used by the gazetteer build)."""

from __future__ import annotations

import pytest

from streams.extraction.demonyms import (
    derive_german_adjective,
    english_forms,
    german_adjective_forms,
    german_person_nouns,
)


@pytest.mark.parametrize(
    ("country", "adjective"),
    [
        ("Nordkorea", "nordkoreanisch"),
        ("Südkorea", "südkoreanisch"),
        ("Russland", "russisch"),
        ("Finnland", "finnisch"),
        ("Syrien", "syrisch"),
        ("Georgien", "georgisch"),
        ("Türkei", "türkisch"),
        ("Ukraine", "ukrainisch"),
        ("Schweden", "schwedisch"),
        ("Kenia", "kenianisch"),
        ("Irak", "irakisch"),
        ("Israel", "israelisch"),
    ],
)
def test_rules(country: str, adjective: str) -> None:
    assert derive_german_adjective(country) == adjective


def test_multi_word_names_are_not_derived() -> None:
    assert derive_german_adjective("Vereinigte Staaten") is None


def test_all_inflections() -> None:
    forms = german_adjective_forms("nordkoreanisch")
    for f in ("nordkoreanisch", "nordkoreanische", "nordkoreanischer", "nordkoreanischen", "nordkoreanisches",
              "nordkoreanischem", "Nordkoreanischen"):
        assert f in forms


def test_person_nouns() -> None:
    assert german_person_nouns("nordkoreanisch")[:2] == ["Nordkoreaner", "Nordkoreanern"]
    assert "Argentinier" in german_person_nouns("argentinisch", "Argentinien")
    assert german_person_nouns("russisch", "Russland") == []


def test_english_plurals() -> None:
    assert english_forms(["North Korean"], None) == ["North Korean", "North Koreans"]
    assert english_forms(["Chinese"], None) == ["Chinese"]
