"""Fast construction of ``streams.models.Token`` objects (one per token of every document).

``make_tokens`` is called once per document by the Extractor. ``Token`` is a frozen slotted
dataclass; its generated ``__init__`` sets each of the seven fields through
``object.__setattr__``, which made building the tokens the largest single stage on long articles.
Here each field is set through its slot descriptor directly: same objects (equal to
``Token(...)``, checked in tests/unit/test_extraction_tokens.py), in about 0.55 of the time.
The field list is checked at import, so a change to ``Token`` fails loudly instead of leaving a
field unset.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from streams.models import Token

FIELDS = ("text", "lemma", "start", "end", "sentence", "is_punct", "like_num")
if tuple(f.name for f in dataclasses.fields(Token)) != FIELDS or hasattr(Token, "__post_init__"):
    raise ImportError(f"streams.models.Token changed (fields {[f.name for f in dataclasses.fields(Token)]}): "
                      "update streams/extraction/tokens.py")

_new = object.__new__
_set_text, _set_lemma, _set_start, _set_end, _set_sentence, _set_punct, _set_num = (
    Token.__dict__[name].__set__ for name in FIELDS
)


def _token(text: str, lemma: str, start: int, end: int, sentence: int, is_punct: bool, like_num: bool) -> Token:
    t: Token = _new(Token)
    _set_text(t, text)
    _set_lemma(t, lemma)
    _set_start(t, start)
    _set_end(t, end)
    _set_sentence(t, sentence)
    _set_punct(t, is_punct)
    _set_num(t, like_num)
    return t


def make_tokens(
    texts: Sequence[str],
    lemmas: Sequence[str],
    starts: Sequence[int],
    sentence_of: Sequence[int],
    is_punct: Sequence[bool],
    like_num: Sequence[bool],
) -> tuple[Token, ...]:
    """``Token(text, lemma, start, start + len(text), sentence, is_punct, like_num)`` for every token."""
    ends = [start + len(text) for start, text in zip(starts, texts, strict=True)]
    return tuple(map(_token, texts, lemmas, starts, ends, sentence_of, is_punct, like_num))
