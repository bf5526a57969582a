"""Arbitrary text never crashes the extraction, and every offset points into the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.extraction.extractor import default_extractor
from streams.models import Article, Extraction

WORDS = ["zwischen", "und", "between", "and", "bis", "zu", "up", "to", "mehr", "als", "3.000", "12,000", "1,5",
         "Millionen", "54.", "vier", "Zahl", "diese", "Soldaten", "troops", "Kiew", "Region", "Kursk", "Oblast",
         "nordkoreanische", "-", "„", "“", ",", ".", "ein", "paar", "tausend", "a", "few", "Dutzende", "getötet",
         "killed", "griffen", "an", "2024", "%", "Jordan", "Georgia", "deutsch-israelische", "Nice", "in"]


def check(x: Extraction, text: str) -> None:
    for s in x.sentences:
        assert text[s.start : s.end] == s.text
    for e in x.entities:
        assert text[e.start : e.end] == e.text and 0 <= e.token_start < e.token_end <= len(x.tokens)
    for c in x.concepts:
        assert text[c.start : c.end] == c.text
    for n in x.counts:
        assert text[n.start : n.end] == n.text
        assert n.max is None or n.min <= n.max
        if n.counted_start is not None:
            assert n.counted_end is not None and text[n.counted_start : n.counted_end] == n.counted_text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), min_size=0, max_size=40), st.sampled_from(["de", "en", None]))
def test_word_soup(words: list[str], lang: str | None) -> None:
    text = " ".join(words)
    ex = default_extractor()
    x = ex.extract(Article(id="h", text=text, language=lang))
    check(x, text)
    if lang:
        check(ex.extract_as([Article(id="h", text=text)], lang)[0], text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text(text: str) -> None:
    x = default_extractor().extract(Article(id="t", text=text))
    check(x, text)
