"""Language identification and articles the pipelines do not support."""

from __future__ import annotations

import logging

import pytest

from streams.extraction.extractor import Extractor, default_extractor
from streams.extraction.language import LanguageIdentifier
from streams.models import Article


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return default_extractor()


def test_supported_languages(ex: Extractor) -> None:
    assert ex.supported_languages == ("de", "en")


def test_detects_german_and_english_from_text_not_field(ex: Extractor) -> None:
    de = "Die Regierung in Berlin kündigte am Dienstag neue Hilfen für die Ukraine an, darunter Flugabwehr."
    en = "The government in London announced new aid for Ukraine on Tuesday, including air defence systems."
    got = ex.extract_many([Article(id="a", text=de, language="en"), Article(id="b", text=en, language="de")])
    assert [x.language for x in got] == ["de", "en"]
    assert all(x.supported for x in got)


def test_unsupported_language_is_reported_not_crashed(ex: Extractor, caplog: pytest.LogCaptureFixture) -> None:
    text = "Le gouvernement français a annoncé mardi une nouvelle aide militaire pour l'Ukraine et ses alliés."
    with caplog.at_level(logging.INFO, logger="streams.extraction.extractor"):
        x = ex.extract(Article(id="fr1", text=text))
    assert x.language == "fr" and x.supported is False
    assert x.entities == () and x.concepts == () and x.counts == () and x.tokens == ()
    assert x.sentences and x.sentences[0].start == 0
    assert any("fr" in r.getMessage() and "not supported" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("text", ["", "   ", "!!!", "42", "Kiew"])
def test_short_or_empty_text_does_not_crash(ex: Extractor, text: str) -> None:
    x = ex.extract(Article(id="s", text=text))
    assert x.article_id == "s"
    assert x.language


def test_field_is_used_for_very_short_text() -> None:
    li = LanguageIdentifier()
    assert li.detect("Kiew", "de") == "de"
    assert li.detect("Kyiv", "en") == "en"
    assert li.detect("", None) == "und"


def test_batch_keeps_order_across_languages(ex: Extractor) -> None:
    texts = [
        "Russian drones struck a power plant near Odesa overnight, officials said on Monday morning.",
        "El gobierno español anunció nuevas sanciones contra Rusia por la guerra en Ucrania.",
        "Russische Drohnen trafen in der Nacht ein Kraftwerk bei Odessa, teilten die Behörden mit.",
    ]
    got = ex.extract_many([Article(id=str(i), text=t) for i, t in enumerate(texts)])
    assert [x.article_id for x in got] == ["0", "1", "2"]
    assert [x.language for x in got] == ["en", "es", "de"]


def test_trusting_the_field_is_opt_in(ex: Extractor) -> None:
    text = "The government announced new sanctions against the regime on Tuesday, officials said."
    article = Article(id="t", text=text, language="de")
    assert ex.extract(article).language == "en"
    trusting = Extractor(ex.pipelines, ex.identifier, ex.splitter, ex.lexicon, ex.gazetteer, trust_language_field=True)
    assert trusting.extract(article).language == "de"
    assert trusting.extract(Article(id="u", text=text, language="fr")).language == "en"  # unsupported field: detect
