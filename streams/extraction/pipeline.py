"""spaCy pipelines: blank German/English + sentencizer + lookup lemmatizer (spacy-lookups-data).

``build_nlp`` is called once per language when the Extractor starts. The Extractor runs only the
pipeline's tokenizer on articles: the lemmatizer's lookup table and the sentencizer's punctuation
are read from the components by ``lexemes.LexemeTable``, which gives the same lemmas and sentence
starts per word from a cache (see docs/extraction.md, "Speed"); the full pipeline remains the
reference the tests compare against.
"""

from __future__ import annotations

from typing import Any

import spacy
from spacy.language import Language

BLANK_FALLBACK = "xx"  # multi-language tokenizer for unsupported languages (sentences only)


def build_nlp(lang: str) -> Language:
    """spacy.blank(lang) with a sentencizer and a lookup-mode lemmatizer."""
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def build_sentence_splitter() -> Language:
    """Tokenizer and sentencizer only, for articles in languages without a pipeline."""
    nlp = spacy.blank(BLANK_FALLBACK)
    nlp.add_pipe("sentencizer")
    nlp.initialize()
    return nlp


def load_model(name_or_path: str) -> Any:
    """A trained spaCy pipeline (package name or directory) whose ``ner`` is merged in."""
    return spacy.load(name_or_path, exclude=["parser", "tagger", "lemmatizer", "attribute_ruler", "senter"])
