"""Entity roles that rules can ask for (``entity: {role: place}``), decided from nearby words.

- place:  the entity follows a locative or directional preposition, with at most three words
          between and no punctuation ("in Charkiw", "in die Region Kursk", "to the city of Kharkiv").
- origin: the entity follows "aus"/"von"/"from" with at most two words between ("Truppen aus
          Nordkorea", "soldiers from North Korea").
- actor:  the entity is not a place in the sense above (it may be the one acting: "Nordkorea
          schickt Truppen", "North Korean troops").
Called by the matcher for entity leaves that have a role.
"""

from __future__ import annotations

import re2

from streams.models import Entity, Extraction

PLACE_WORDS: dict[str, frozenset[str]] = {
    "de": frozenset({"in", "im", "ins", "nach", "bei", "beim", "nahe", "nähe", "an", "am", "auf", "innerhalb", "zwischen", "vor", "um"}),
    "en": frozenset({"in", "into", "to", "at", "near", "inside", "within", "across", "on", "outside", "around", "throughout", "between"}),
}
ORIGIN_WORDS: dict[str, frozenset[str]] = {
    "de": frozenset({"aus", "von", "vom"}),
    "en": frozenset({"from"}),
}
_GAP = {"place": 3, "origin": 2}
_QUOTES = frozenset("\"'„“”‚‘’«»‹›")
_WORD = re2.compile(r"[\pL\pN]+|[^\pL\pN\s]")


def _words_before(ex: Extraction, e: Entity, n: int) -> list[str]:
    """Up to ``n`` lower-cased tokens before the entity in its sentence, nearest first."""
    if ex.tokens:
        first = ex.sentences[e.sentence].token_start if ex.sentences and e.sentence < len(ex.sentences) else 0
        out: list[str] = []
        i = e.token_start - 1
        while i >= first and len(out) < n:
            t = ex.tokens[i]
            i -= 1
            if t.text in _QUOTES:
                continue
            out.append("," if t.is_punct else t.text.lower())
        return out
    start = ex.sentences[e.sentence].start if ex.sentences and e.sentence < len(ex.sentences) else 0
    words = [m.group(0).lower() for m in _WORD.finditer(ex.text[start : e.start]) if m.group(0) not in _QUOTES]
    return [("," if not any(ch.isalnum() for ch in w) else w) for w in reversed(words)][:n]


def has_role(ex: Extraction, e: Entity, role: str) -> bool:
    """True when the entity plays ``role`` (place | origin | actor) in its sentence."""
    if role == "actor":
        return not has_role(ex, e, "place")
    table = PLACE_WORDS if role == "place" else ORIGIN_WORDS
    words = table.get(ex.language) or (table["de"] | table["en"])
    gap = _GAP[role]
    for w in _words_before(ex, e, gap + 1):
        if w == ",":
            return False
        if w in words:
            return True
    return False
