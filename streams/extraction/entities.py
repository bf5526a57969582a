"""Gazetteer entity matching on token texts, with explicit rules for ambiguous names.

One ``EntityMatcher`` per language is built when the Extractor starts; ``match`` is called once per
document. Matching is case-sensitive on the token text (so "Turkey" is a country and "turkey"
is not), longest match first, left to right.

Ambiguity rules (tested in tests/unit/test_extraction_entities.py):

1. Several entities share a name: the higher-ranked kind wins (person > organisation/armed
   forces > country > demonym > area/sea > city > region); among cities the larger population.
   So "Georgia" is the country and "Washington" is the city of Washington, D.C.
2. Country context: when a name also belongs to a place in another country and that country is
   named elsewhere in the same sentence, that place wins ("Atlanta, Georgia" -> US state); when
   several candidates' countries are named there, the country named most often in the document
   wins ("Pokrovsk" among Ukrainian towns is the Ukrainian one).
3. Common words: a name that is also a common German/English word (flag D/E from the lemma
   tables: "Essen", "Halle", "Nice", "Reading") counts only after a locative preposition
   ("in Essen", "from Nice").
4. First names and surnames ("Jordan", "Washington", "Chad", flag P): not when directly preceded
   by a capitalised word that does not start the sentence ("Michael Jordan", "George Washington")
   and, in English, not when followed by a capitalised word ("Washington Post", "Chad Smith").
5. English cities: not when directly followed by a capitalised word, which makes them part of a
   longer name ("George Bush", "Paris Saint-Germain"); regions ("Kyiv Oblast") are longer matches
   anyway. Not in German, where every noun is capitalised ("Moskaus Verbündete").
6. Cities are not matched as part of a sports club's name: followed by a two-digit number
   ("Hannover 96", "Mainz 05") or after a club prefix ("Borussia Dortmund", "FC Liverpool").
7. A city whose name is also a first name (flag P: "George", "Victoria") needs a locative
   preposition, like a common word.
8. German: a capitalised country adjective inside a sentence, followed by a capitalised word, is
   part of a name ("Deutsche Bank", "Bayerischer Rundfunk", "Europäische Zentralbank"), not a
   nationality; "die Deutschen sagen" stays a demonym.
9. German hyphenated demonyms ("deutsch-israelische", "Deutsch-Kanadier"): when every part is a
   demonym, the token is one, with the last part's id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from streams.extraction.gazetteer import TOKEN_SEP, GazEntry, Gazetteer

KIND_RANK = {
    "person": 90,
    "org": 85,
    "government": 85,
    "defence_ministry": 85,
    "militia": 85,
    "pmc": 85,
    "armed_forces": 85,
    "country": 80,
    "demonym": 75,
    "continent": 60,
    "historical": 60,
    "area": 60,
    "sea": 60,
    "river": 30,  # "Dnipro" the city before the river
    "city": 40,
    "region": 35,
}

LOCATIVE_PREPOSITIONS = {
    "de": {"in", "im", "nach", "aus", "bei", "von", "vom", "nahe", "um", "durch", "über", "gegen", "südlich", "nördlich", "östlich", "westlich"},
    "en": {"in", "from", "to", "near", "at", "outside", "around", "of", "into", "across", "towards", "toward"},
}
CLUB_PREFIXES = {"Inter", "Borussia", "FC", "SC", "SV", "VfB", "VfL", "TSV", "TSG", "SpVgg", "Eintracht", "Hertha", "Fortuna",
                 "Alemannia", "Dynamo", "Dinamo", "Lokomotive", "Rot-Weiss", "Rot-Weiß", "Kickers", "AC", "AS", "Real",
                 "Atlético", "Olympique", "Sporting", "Racing", "Stade"}
COMMON_WORD_FLAG = {"de": "D", "en": "E"}


# (entry, flags): a plain tuple, there are ~190,000 of them built at start-up
Candidate = tuple[GazEntry, str]


@dataclass(frozen=True, slots=True)
class EntityHit:
    """A matched span (token indices, end exclusive) and the entry chosen for it."""

    token_start: int
    token_end: int
    entry: GazEntry


class EntityMatcher:
    """Maps token sequences to gazetteer entries. Built once per language at start-up."""

    def __init__(self, gazetteer: Gazetteer, lang: str, tokenize: Callable[[str], list[str]]) -> None:
        self.lang = lang
        self.common_flag = COMMON_WORD_FLAG.get(lang, "")
        self.locatives = LOCATIVE_PREPOSITIONS.get(lang, set())
        # candidates as plain tuples while building (fast), sorted best first
        raw: dict[tuple[str, ...], list[tuple[int, int, int, str]]] = {}
        entries = gazetteer.entries
        ranks = [KIND_RANK.get(e.kind, 10) for e in entries]
        stored = gazetteer.tokens_current
        tok_field = 4 if lang == "de" else 5
        for name in gazetteer.names:
            if name[2] != lang and name[2] != "*":
                continue
            text = name[0]
            toks: str | None = str(name[tok_field]) if stored else None
            if toks == "":
                words = tuple(text.split(" "))
            elif toks:
                words = tuple(toks.split(TOKEN_SEP))
            else:
                words = tuple(tokenize(text))
            if not words:
                continue
            e = name[1]
            bucket = raw.get(words)
            if bucket is None:
                raw[words] = [(ranks[e], entries[e].population, e, name[3])]
            elif all(b[2] != e for b in bucket):
                bucket.append((ranks[e], entries[e].population, e, name[3]))
        self.table: dict[tuple[str, ...], tuple[Candidate, ...]] = {}
        for words, bucket in raw.items():
            if len(bucket) > 1:
                bucket.sort(reverse=True)
            self.table[words] = tuple((entries[e], flags) for _r, _p, e, flags in bucket)
        lengths: dict[str, set[int]] = {}
        for words in self.table:
            lengths.setdefault(words[0], set()).add(len(words))
        self.lengths: dict[str, tuple[int, ...]] = {w: tuple(sorted(ls, reverse=True)) for w, ls in lengths.items()}

    def match(self, words: Sequence[str], sentence_starts: Sequence[bool], sentence_of: Sequence[int]) -> list[EntityHit]:
        """Entities in one document. ``words``: token texts; ``sentence_starts[i]``: token i starts
        a sentence; ``sentence_of[i]``: sentence index of token i."""
        n = len(words)
        spans: list[tuple[int, int, tuple[Candidate, ...]]] = []
        lengths = self.lengths
        # only tokens that start a name or contain a hyphen can start an entity; left to right,
        # a match skips the tokens it covers
        next_free = 0
        for i in [k for k, w in enumerate(words) if w in lengths or "-" in w]:
            if i < next_free:
                continue
            lens = lengths.get(words[i])
            if lens is None:
                compound = self._demonym_compound(words[i])
                if compound is not None:
                    spans.append((i, i + 1, (compound,)))
                continue
            for length in lens:
                if i + length > n:
                    continue
                key = tuple(words[i : i + length]) if length > 1 else (words[i],)
                cands = self.table.get(key)
                if cands is None:
                    continue
                accepted = tuple(c for c in cands if self._accept(c, words, i, i + length, sentence_starts))
                if accepted:
                    spans.append((i, i + length, accepted))
                    next_free = i + length
                    break
        # country context from unambiguous matches: per sentence, and counted over the document
        context: dict[int, set[str]] = {}
        doc_counts: dict[str, int] = {}
        for start, _end, cands in spans:
            if len(cands) == 1 and cands[0][0].country:
                country = cands[0][0].country
                context.setdefault(sentence_of[start], set()).add(country)
                doc_counts[country] = doc_counts.get(country, 0) + 1
        hits = []
        for start, end, cands in spans:
            chosen = cands[0][0]
            if len(cands) > 1:
                ctx = context.get(sentence_of[start], set())
                if chosen.country not in ctx:
                    for c, _flags in cands[1:]:
                        if c.country in ctx and c.kind in ("region", "city"):
                            chosen = c
                            break
                elif chosen.kind == "city":
                    # several candidate countries are named: the one named most in the document
                    best = max(
                        (c for c, _ in cands if c.kind == "city" and c.country in ctx),
                        key=lambda c: doc_counts.get(c.country or "", 0),
                    )
                    if doc_counts.get(best.country or "", 0) > doc_counts.get(chosen.country or "", 0):
                        chosen = best
            hits.append(EntityHit(start, end, chosen))
        return hits

    def _demonym_compound(self, word: str) -> Candidate | None:
        """Rule 9: "deutsch-israelische", "Deutsch-Kanadier": every part a demonym -> the last part's."""
        parts = word.split("-")
        if len(parts) < 2 or not all(parts):
            return None
        last = self.table.get((parts[-1],)) or self.table.get((parts[-1].lower(),))
        if not last or last[0][0].type != "NORP":
            return None
        for part in parts[:-1]:
            cands = self.table.get((part.lower(),))
            if not cands or cands[0][0].type != "NORP":
                return None
        return last[0]

    @staticmethod
    def _sports_club(words: Sequence[str], start: int, end: int, sentence_starts: Sequence[bool]) -> bool:
        """Rule 6: "Hannover 96", "Mainz 05", "Borussia Dortmund", "FC Liverpool" are clubs."""
        if end < len(words) and not sentence_starts[end] and words[end].isdigit() and len(words[end]) == 2:
            return True
        return start > 0 and not sentence_starts[start] and words[start - 1] in CLUB_PREFIXES

    def _accept(self, cand: Candidate, words: Sequence[str], start: int, end: int, sentence_starts: Sequence[bool]) -> bool:
        entry, flags = cand
        if (
            self.lang == "de"
            and entry.type == "NORP"
            and start > 0
            and not sentence_starts[start]
            and words[start][:1].isupper()
            and end < len(words)
            and words[end][:1].isupper()
            and (words[start].lower(),) in self.table
        ):
            return False  # rule 8: "Deutsche Bank", "Bayerischen Rundfunk", "Europäischen Zentralbank"
        if entry.kind == "city" and self._sports_club(words, start, end, sentence_starts):
            return False
        if entry.kind == "city" and self.lang == "en" and end < len(words) and not sentence_starts[end]:
            # rule 5: a city name directly followed by another capitalised word is part of a
            # longer name ("George Bush", "Washington Post", "Paris Saint-Germain")
            nxt = words[end]
            if nxt[:1].isupper() and nxt[:1].isalpha():
                return False
        if not flags:
            return True
        prev = words[start - 1] if start > 0 and not sentence_starts[start] else None
        needs_locative = (self.common_flag and self.common_flag in flags) or (
            "P" in flags and entry.kind == "city" and entry.population < 1_000_000
        )
        if needs_locative and (prev is None or prev.lower() not in self.locatives):
            return False
        if "P" in flags:
            if prev is not None and prev[:1].isupper() and prev.isalpha() and prev.lower() not in self.locatives:
                return False
            if self.lang == "en" and end < len(words) and not (end < len(sentence_starts) and sentence_starts[end]):
                nxt = words[end]
                if nxt[:1].isupper() and nxt.isalpha():
                    return False
        return True
