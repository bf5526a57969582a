"""The per-word cache (streams.extraction.lexemes) gives what spaCy's sentencizer and lookup
lemmatizer give: the Extractor runs only the bare tokenizer and must not change any output, with
one deliberate rule of its own: a year that keeps its full stop ("im Jahr 2024." is one German
token) ends the sentence, as the sentencizer would do with that token among its punctuation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.pipeline import Sentencizer

from streams.extraction.extractor import default_extractor
from streams.extraction.lexemes import YEAR_AT_END, sentence_starts
from streams.models import Article

DATA = Path(__file__).resolve().parent.parent / "data"
# own texts with the cases that decide sentence boundaries: runs of punctuation, quotes after a
# full stop, line breaks, abbreviations, numbers with full stops, ellipses, no final punctuation
TEXTS = {
    "de": [
        "Am 3. Oktober griffen Drohnen an. „Wir sind bereit!“, sagte er... Dann: nichts?! Neue Zeile\n\nNoch ein Satz",
        "Die Zahl stieg auf 54. Weitere 1.200 Menschen flohen (laut UNO).  Ende",
        "Der Krieg begann im Jahr 2014. Im Winter 1944. war es kalt. Am 3. Oktober 2015 kam er zurück.",
        "Z.B. die Bundeswehr u.a. in Litauen. – Gedankenstrich. ... Drei Punkte",
        "",
        "   ",
        "?!",
    ],
    "en": [
        "Dr. Smith said: \"It's over.\" Then he left... Why?! U.S. forces arrived at 5 p.m. in Kyiv.\nNew line",
        "Twenty-five troops were killed.(Reuters) Another 1,200 fled.",
        "wounded soldiers' families' homes were hit;",
    ],
}


def corpus_texts() -> list[tuple[str, str]]:
    out = [(lang, t) for lang, texts in TEXTS.items() for t in texts]
    for path in (DATA / "corpus" / "articles.jsonl", DATA / "counts" / "sentences.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            if d.get("language") in ("de", "en"):
                out.append((d["language"], d["text"]))
    return out


def compare(lang: str, text: str) -> None:
    pipe = default_extractor().pipelines[lang]
    doc = pipe.nlp(text)  # full spaCy pipeline: tokenizer + sentencizer + lemmatizer
    rows = pipe.lexemes.rows([t.orth for t in doc])
    assert [r.text for r in rows] == [t.text for t in doc]
    assert [r.lower for r in rows] == [t.lower_ for t in doc]
    assert [r.lemma for r in rows] == [t.lemma_.lower() or t.lower_ for t in doc]
    assert [r.is_punct for r in rows] == [t.is_punct for t in doc]
    assert [r.like_num for r in rows] == [t.like_num for t in doc]
    starts = sentence_starts(rows)
    sentencizer = pipe.nlp.get_pipe("sentencizer")
    years = {t.text for t in doc if YEAR_AT_END.match(t.text)}
    if years:  # the one rule of our own: the sentencizer with those year tokens as punctuation
        doc = Sentencizer(punct_chars=list(sentencizer.punct_chars | years))(pipe.nlp.make_doc(text))
    expected = [s.start for s in doc.sents] if len(doc) else []
    assert [k for k, s in enumerate(starts) if s] == expected


@pytest.mark.parametrize("lang,text", corpus_texts())
def test_same_as_spacy_components(lang: str, text: str) -> None:
    compare(lang, text)


PIECES = ["a", "Die", ".", "!", "?", "...", "…", "“", "„", '"', ")", "(", "3.", "U.S.", "z.B.", "\n", "\n\n", "  ", "-",
          "Kiew", "troops", "getötet", "Soldaten", ",", ";", "1.200", "Dr.", "usw.", "2024.", "1945"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.sampled_from(["de", "en"]), st.sampled_from(["", " "]))
def test_same_as_spacy_components_random(pieces: list[str], lang: str, sep: str) -> None:
    compare(lang, sep.join(pieces))


def test_extraction_sentences_match_spacy() -> None:
    ex = default_extractor()
    text = TEXTS["de"][0]
    x = ex.extract_as([Article(id="s", text=text)], "de")[0]
    doc = ex.pipelines["de"].nlp(text)
    assert [(s.text, s.start, s.end, s.token_start, s.token_end) for s in x.sentences] == [
        (s.text, s.start_char, s.end_char, s.start, s.end) for s in doc.sents
    ]
    assert [t.lemma for t in x.tokens] == [t.lemma_.lower() or t.lower_ for t in doc]
