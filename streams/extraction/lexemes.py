"""Per-word attributes the extraction needs, computed once per distinct token text and cached.

One ``LexemeTable`` per language is built when the Extractor starts; ``rows`` is called once per
document with the token ids (``ORTH`` hashes) of the bare tokenizer's output.

Why: every attribute the extraction reads of a token except its position depends on the token
text alone: the lower-case form, ``is_punct`` and ``like_num`` (spaCy lexeme attributes), the
lookup-mode lemma (spaCy's ``Lemmatizer.lookup_lemmatize`` reads ``lemma_lookup[text]``), whether
the sentencizer treats it as sentence-final punctuation, and its single-word concepts. spaCy's
``lemmatizer`` and ``sentencizer`` components compute them in Python for every token of every
document; news text repeats the same few thousand words, so a dict keyed by the ``ORTH`` id gives
the same values for a fraction of the cost (see docs/extraction.md, "Speed").

``sentence_starts`` reproduces spaCy's ``Sentencizer.predict`` (spaCy 3.x) on these rows, so the
sentences are the ones the ``sentencizer`` component would set, but for one rule of our own: a
year that keeps its full stop ("im Jahr 2024." is one German token) ends the sentence;
``tests/unit/test_extraction_lexemes.py`` checks both against the spaCy components on the test
texts and on random token soups.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from spacy.language import Language
from spacy.pipeline import Sentencizer

CACHE_LIMIT = 300_000  # distinct token texts kept; the table is cleared when it grows beyond this


# The German tokenizer keeps the full stop after a number ("im Jahr 2024." is one token, as
# ordinals are: "am 3. Oktober"); after a year it ends the sentence ("... 2024. Im Winter ...").
YEAR_AT_END = re.compile(r"^(?:1[89]|20)\d\d\.$")

class Lexeme(NamedTuple):
    """What the extraction needs of one token text (position-independent)."""

    text: str
    lower: str
    lemma: str  # lower-cased lookup lemma, or ``lower`` when the table has none
    is_punct: bool
    like_num: bool
    sentence_punct: bool  # in the sentencizer's punct_chars ("." "!" "?" ...), or a year with its full stop
    concepts: frozenset[str]  # single-word concepts (ConceptMatcher.token_concepts)
    phrase_start: bool  # text or lemma starts a multi-word lexicon term
    count_start: bool  # may start a count (CountFinder.may_start)


class LexemeTable:
    """Cache ORTH id -> ``Lexeme`` for one spaCy pipeline built by ``pipeline.build_nlp``."""

    def __init__(
        self,
        nlp: Language,
        concepts: Callable[[str, str], frozenset[str]],
        phrase_start: Callable[[str, str], bool],
        count_start: Callable[[str], bool],
    ) -> None:
        self.vocab = nlp.vocab
        lemmatizer = nlp.get_pipe("lemmatizer")
        self.lemma_lookup = lemmatizer.lookups.get_table("lemma_lookup", {})  # type: ignore[attr-defined]
        sentencizer = nlp.get_pipe("sentencizer")
        assert isinstance(sentencizer, Sentencizer)
        self.punct_chars = frozenset(sentencizer.punct_chars)
        self._concepts = concepts
        self._phrase_start = phrase_start
        self._count_start = count_start
        self._rows: dict[int, Lexeme] = {}

    def rows(self, orths: Sequence[int]) -> list[Lexeme]:
        """The ``Lexeme`` of every token id of a document, in order."""
        cache = self._rows
        out: list[Lexeme] = []
        append = out.append
        for orth in orths:
            row = cache.get(orth)
            if row is None:
                row = self._compute(orth)
            append(row)
        return out

    def _compute(self, orth: int) -> Lexeme:
        lex = self.vocab[orth]
        text = lex.orth_
        lower = lex.lower_
        looked = self.lemma_lookup.get(text, text)
        if not isinstance(looked, str):  # as Lemmatizer.lookup_lemmatize + [0]
            looked = looked[0]
        lemma = looked.lower() or lower
        row = Lexeme(
            text, lower, lemma, bool(lex.is_punct), bool(lex.like_num),
            text in self.punct_chars or bool(YEAR_AT_END.match(text)),
            self._concepts(lower, lemma), self._phrase_start(lower, lemma), self._count_start(lower),
        )
        if len(self._rows) >= CACHE_LIMIT:
            self._rows.clear()
        self._rows[orth] = row
        return row


def sentence_starts(rows: Sequence[Lexeme]) -> list[bool]:
    """Sentence starts as spaCy's ``Sentencizer.predict`` sets them (same algorithm, same input)."""
    n = len(rows)
    starts = [False] * n
    if n == 0:
        return starts
    start = 0
    seen_period = False
    starts[0] = True
    for i, row in enumerate(rows):
        in_punct = row.sentence_punct
        if seen_period and not row.is_punct and not in_punct:
            starts[start] = True
            start = i
            seen_period = False
        elif in_punct:
            seen_period = True
    if start < n:
        starts[start] = True
    return starts
