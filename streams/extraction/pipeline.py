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
from spacy.attrs import IS_PUNCT, LIKE_NUM, LOWER
from spacy.language import Language

BLANK_FALLBACK = "xx"  # multi-language tokenizer for unsupported languages (sentences only)
# chunks (whitespace-separated strings) whose tokenisation the tokenizer keeps; spaCy's default
# of 10,000 is full after a few hundred news articles, and every chunk after that is split by the
# prefix/suffix/infix rules again each time it comes (the tokenizer's largest cost). A cached
# chunk gives the same tokens (spaCy does not cache chunks that contain a special case).
TOKENIZER_CACHE = 300_000
# the lexeme attributes that anything reads: LexemeTable (lower_, is_punct, like_num) and the full
# pipeline's components (the sentencizer reads is_punct; the lookup lemmatizer the text)
LEXEME_ATTRS = (LOWER, IS_PUNCT, LIKE_NUM)


def build_nlp(lang: str) -> Language:
    """spacy.blank(lang) with a sentencizer and a lookup-mode lemmatizer.

    The tokenizer keeps up to TOKENIZER_CACHE chunks, and a new word's lexeme gets only the
    attributes of LEXEME_ATTRS: spaCy computes each of the language's ~23 lexeme attributes (shape,
    prefix, suffix, norm, is_stop ...) with a Python function for every new word, and nothing
    here reads the others (they are 0 / "" on new words)."""
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    tokenizer: Any = nlp.tokenizer
    tokenizer.max_cache_size = TOKENIZER_CACHE
    vocab: Any = nlp.vocab
    vocab.lex_attr_getters = {attr: vocab.lex_attr_getters[attr] for attr in LEXEME_ATTRS if attr in vocab.lex_attr_getters}
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
