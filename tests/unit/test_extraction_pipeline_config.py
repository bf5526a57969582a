"""The spaCy pipeline built for extraction (pipeline.build_nlp): a larger tokenizer cache and
fewer lexeme attributes give the same tokens and the attributes that are read."""

from __future__ import annotations

import spacy

from streams.extraction.pipeline import LEXEME_ATTRS, TOKENIZER_CACHE, build_nlp

TEXTS = {
    "de": "Die Bundeswehr verlegt 1.200 Soldaten nach Litauen (dpa). „Wir sind bereit!“, sagte er am 3. Oktober 2024.",
    "en": "U.S. forces arrived in Kyiv at 5 p.m.; twenty-five troops were killed.(Reuters) Another 1,200 fled...",
}


def test_same_tokens_and_read_attributes_as_spacy_blank() -> None:
    for lang, text in TEXTS.items():
        nlp, blank = build_nlp(lang), spacy.blank(lang)
        ours, ref = nlp.tokenizer(text), blank.tokenizer(text)
        again = nlp.tokenizer(text)  # from the tokenizer's cache
        assert [t.text for t in ours] == [t.text for t in again] == [t.text for t in ref]
        for attr in ("lower_", "is_punct", "like_num"):
            assert [getattr(t, attr) for t in ours] == [getattr(t, attr) for t in ref], attr


def test_tokenizer_keeps_many_chunks_and_lexemes_few_attributes() -> None:
    nlp = build_nlp("en")
    assert nlp.tokenizer.max_cache_size == TOKENIZER_CACHE > 10_000  # type: ignore[union-attr]  # spaCy's default
    assert set(nlp.vocab.lex_attr_getters) == set(LEXEME_ATTRS)  # type: ignore[attr-defined]
