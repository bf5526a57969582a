"""Entity roles that rules can ask for (``entity: {role: place}``), decided from nearby words.

- place:  the entity follows a locative or directional preposition ("in Charkiw", "nach Litauen",
          "to Poland"). Up to five words may stand between if each is an article, a place noun
          ("in die Region Kursk", "in the city of Kharkiv", "in der Nähe von Kiew"), "von"/"of",
          or an adjective ("in der ostukrainischen Stadt Charkiw", "in the eastern Ukrainian
          city of Kharkiv"). A German genitive ("nahe der Frontlinien der Ukraine") or a source
          ("nach Angaben der Ukraine") is not a place.
- origin: the entity follows "aus"/"von"/"from", with the same words allowed between
          ("Truppen aus Nordkorea", "soldiers from North Korea").
- actor:  the entity is not a place in the sense above (it may be the one acting: "Nordkorea
          schickt Truppen", "North Korean troops").
Called by the rule matcher for entity leaves that have a role, and by the event frames.
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
MAX_GAP = 5
ARTICLES = frozenset({"der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einem", "einen", "the", "a", "an"})
CONNECTORS = frozenset({"von", "of"})
PLACE_NOUNS = frozenset({
    "region", "gebiet", "gebiete", "grenzregion", "grenzgebiet", "stadt", "hauptstadt", "großstadt", "hafenstadt",
    "küstenstadt", "frontstadt", "kleinstadt", "metropole", "provinz", "oblast", "dorf", "ort", "ortschaft",
    "umgebung", "nähe", "raum", "bezirk", "kreis", "landkreis", "bundesstaat", "teilrepublik", "republik",
    "hafen", "stadtteil", "vorort", "vororten", "territorium", "halbinsel", "insel",
    "city", "town", "village", "province", "capital", "area", "district", "outskirts", "vicinity", "state",
    "port", "territory", "peninsula", "island", "suburb", "suburbs", "republic", "county",
    # parts of a country: "in den Norden Syriens", "in the south of Lebanon"
    "norden", "süden", "osten", "westen", "nordosten", "nordwesten", "südosten", "südwesten", "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "border",
})
SOIL_NOUNS = frozenset({"boden", "territorium", "hoheitsgebiet", "staatsgebiet", "soil", "territory"})
_COORDINATION = frozenset({"and", "or", "und", "oder", "sowie"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_EN_ADJ_SUFFIXES = ("ern", "ian", "ese", "ish", "al", "ic", "ed", "ine")
_QUOTES = frozenset("\"'„“”‚‘’«»‹›")
_WORD = re2.compile(r"[\pL\pN]+|[^\pL\pN\s]")


def _words_before(ex: Extraction, e: Entity, n: int) -> list[str]:
    """Up to ``n`` tokens before the entity in its sentence, nearest first, as written
    (quotes skipped, other punctuation as ",")."""
    if ex.tokens:
        first = ex.sentences[e.sentence].token_start if ex.sentences and e.sentence < len(ex.sentences) else 0
        out: list[str] = []
        i = e.token_start - 1
        while i >= first and len(out) < n:
            t = ex.tokens[i]
            i -= 1
            if t.text in _QUOTES:
                continue
            out.append("," if t.is_punct else t.text)
        return out
    start = ex.sentences[e.sentence].start if ex.sentences and e.sentence < len(ex.sentences) else 0
    words = [m.group(0) for m in _WORD.finditer(ex.text[start : e.start]) if m.group(0) not in _QUOTES]
    return [("," if not any(ch.isalnum() for ch in w) else w) for w in reversed(words)][:n]


def _may_stand_between(word: str, language: str) -> bool:
    low = word.lower()
    if low in ARTICLES or low in CONNECTORS or low in PLACE_NOUNS:
        return True
    if not word.isalpha():
        return False
    if language == "en":
        return low.endswith(_EN_ADJ_SUFFIXES) and (word.islower() or low.endswith(("ian", "ese", "ish")))
    return word.islower()  # German: lower-case words before a noun are adjectives ("ostukrainischen")


def has_role(ex: Extraction, e: Entity, role: str) -> bool:
    """True when the entity plays ``role`` (place | origin | actor) in its sentence."""
    if role in ("actor", "!place"):
        return not has_role(ex, e, "place")
    if role == "!origin":
        return not has_role(ex, e, "origin")
    table = PLACE_WORDS if role == "place" else ORIGIN_WORDS
    words = table.get(ex.language) or (table["de"] | table["en"])
    if role == "place" and e.type == "NORP":
        # "der äthiopischen Region", "on Congolese soil"; not "bei einem russischen Drohnenangriff",
        # "in Russian": a people's adjective names a place only with a place noun after it
        return _next_word(ex, e).lower() in PLACE_NOUNS | SOIL_NOUNS
    skip_possessor = False
    coordinated = 0  # after "and"/"und": the words of the other place ("in Italy and Germany")
    for w in _words_before(ex, e, MAX_GAP + 6):
        if coordinated and w[:1].isupper():
            coordinated -= 1
            continue
        coordinated = 0
        if skip_possessor:  # "in Russia's Kursk region": Russia is the possessor
            skip_possessor = False
            if w[:1].isupper():
                continue
            return False
        if w in _POSSESSIVE:
            skip_possessor = True
            continue
        if w[:1].isupper() and w.endswith(("'s", "’s")):  # one token: "Russia's"
            continue
        low = w.lower()
        if low in words:
            return True
        if low in _COORDINATION:  # "in Italy and Germany"
            coordinated = 3
            continue
        if w == "," or not _may_stand_between(w, ex.language):
            return False
    return False


def _next_word(ex: Extraction, e: Entity) -> str:
    if ex.tokens:
        i = e.token_end
        if i < len(ex.tokens) and ex.tokens[i].sentence == e.sentence:
            return ex.tokens[i].text
        return ""
    m = _WORD.search(ex.text, e.end)
    return m.group(0) if m else ""
