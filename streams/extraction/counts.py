"""Counts: numbers attached to what they count and to the event of their clause.

``CountFinder.find`` is called once per document by the Extractor, after entities and concepts.

How a count is found (documented in docs/extraction.md, tested in tests/unit/test_counts*.py):

1. an optional modifier ("bis zu", "mehr als", "at least", "nearly") before
2. a number: digits ("3.000", "12,000", "1,5 Millionen"), number words ("vier", "zweitausend",
   "two thousand"), or a vague quantity ("ein paar tausend", "Dutzende", "a small number");
3. what it counts: the first noun after it, skipping adjectives, demonyms and quotes
   ("3.000 nordkoreanische Soldaten"); its category comes from the lexicon (``count_category``);
   a noun outside the lexicon gives category "other". If no noun follows, a counted word earlier
   in the clause is used ("Zahl der Toten ... auf 12"), or after "diese Zahl"/"this number" the
   previous count's noun (anaphora);
4. the event: the nearest lexicon word with ``count_event`` in the same clause (clauses end at
   , ; : ( ) dashes and und/oder/aber/and/or/but); "diese Zahl" counts inherit it;
5. never counts: years (a bare 1900-2100 unless a lexicon noun follows), dates (month names),
   times, percentages, distances, durations, money, ages (units list), decimals without scale,
   "ein"/"one" unless a counted lexicon noun follows.

Cost: linear in the document, also when a 200,000-character article is one sentence or one clause
full of numbers. The clause, event and fallback look-ups of a count do not walk over its clause or
sentence: ``_DocIndex`` builds, on first use in a ``find`` call, sorted token positions (clause
boundaries, event words, counted words, anaphora and inclusion words) searched with bisect, and
remembers the latest count per sentence (tests/unit/test_counts.py checks the work per size).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from streams.extraction.numbers import (
    DE_TEENS,
    DE_TENS,
    DE_UNITS,
    EN_SMALL,
    MODIFIERS,
    SCALES,
    VAGUE,
    parse_digits,
    parse_english_words,
    parse_german_word,
)

CATEGORY_PRIORITY = (
    "children", "civilians", "journalists", "hostages", "refugees", "soldiers", "fighters", "police", "drones", "missiles",
    "people",
)


def category_rank(category: str) -> int:
    """Where a count category stands in CATEGORY_PRIORITY; a lexicon's own categories come after
    the known ones (a rule author may add any ``count_category``)."""
    try:
        return CATEGORY_PRIORITY.index(category)
    except ValueError:
        return len(CATEGORY_PRIORITY)
QUOTES = {"„", "“", "”", '"', "'", "‚", "‘", "’", "»", "«", "›", "‹"}
CLAUSE_PUNCT = {",", ";", ":", "(", ")", "–", "—", "-", ".", "!", "?"}
CLAUSE_WORDS = {
    "de": {"und", "oder", "aber", "sowie", "während", "nachdem", "weil", "obwohl", "sondern"},
    "en": {"and", "or", "but", "while", "whereas", "after", "because", "although"},
}
STOP_WORDS = {
    "de": {"und", "oder", "in", "im", "an", "am", "auf", "aus", "bei", "mit", "von", "vom", "zu", "zum", "zur", "nach",
           "für", "gegen", "seit", "während", "über", "unter", "vor", "durch", "um", "als", "wie", "der", "die", "das",
           "den", "dem", "des", "ist", "sind", "war", "waren", "wurde", "wurden", "werden", "hat", "haben", "hatte"},
    "en": {"and", "or", "in", "on", "at", "from", "to", "with", "by", "for", "against", "since", "during", "as", "than",
           "the", "a", "an", "who", "which", "that", "were", "was", "are", "is", "have", "has", "had", "be", "been",
           "into", "near", "across", "per", "over", "under", "after", "before", "within", "of"},
}
UNITS = {
    "de": {"kilometer", "km", "meter", "m", "meilen", "stunde", "stunden", "minute", "minuten", "sekunde", "sekunden",
           "tag", "tage", "tagen", "woche", "wochen", "monat", "monate", "monaten", "jahr", "jahre", "jahren", "jahres",
           "jahrzehnt", "jahrzehnte", "uhr", "prozent", "%", "euro", "€", "dollar", "us-dollar", "$", "franken", "rubel",
           "hrywnja", "pfund", "tonne", "tonnen", "kilogramm", "kg", "kilo", "liter", "grad", "prozentpunkte", "mal",
           "punkte", "quadratkilometer", "hektar", "seiten", "cent", "cm", "millimeter", "mm", "jährige", "jährigen",
           "drittel", "viertel", "hälfte", "zehntel", "fünftel"},
    "en": {"km", "kilometres", "kilometers", "kilometre", "kilometer", "miles", "mile", "metres", "meters", "metre",
           "meter", "m", "hours", "hour", "minutes", "minute", "seconds", "second", "days", "day", "weeks", "week",
           "months", "month", "years", "year", "decades", "decade", "percent", "per", "%", "euros", "euro", "€",
           "dollars", "dollar", "$", "pounds", "pound", "tonnes", "tons", "ton", "kg", "kilograms", "litres", "liters",
           "degrees", "times", "points", "am", "a.m.", "pm", "p.m.", "o'clock", "square", "acres", "hectares", "cm",
           "mm", "pc", "bn", "thirds", "third", "quarters", "quarter", "half", "fifths", "tenths"},
}
MONTHS = {
    "de": {"januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "dezember", "jan.", "feb.", "aug.", "sept.", "okt.", "nov.", "dez."},
    "en": {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"},
}
BEFORE_EXCLUDE = {
    "de": {"jahr", "jahre", "jahren", "seit", "anno", "alter", "nummer", "nr.", "platz", "artikel", "paragraf",
           "kapitel", "seite", "€", "$", "uhr", "um", "resolution", "version"},
    "en": {"year", "since", "aged", "age", "number", "no.", "article", "chapter", "page", "€", "$", "£", "resolution",
           "version", "at", "route", "flight"},
}
EN_ADJECTIVE_ENDINGS = ("ed", "al", "ive", "ous", "ic", "ian", "ish", "ese", "ary", "ful", "less", "ing", "est", "er", "ly")
MORE_WORDS = {"more", "additional", "further", "other", "extra", "new", "fresh", "weitere", "weiteren", "weiterer",
              "zusätzliche", "zusätzlichen", "neue", "neuen"}
RANGE_WORDS = {"zwischen", "between"}
INCLUSIVE = {"darunter", "davon", "including", "among them", "unter ihnen", "of which", "of whom", "among whom"}
INCLUSIVE_FIRST = {w.split(" ")[0] for w in INCLUSIVE if " " in w}  # first words of the two-word ones
ORDINAL_OR_FINAL = re.compile(r"^\d+\.$")
ANAPHORA = {"zahl", "anzahl", "number", "figure", "total"}
LOOKAHEAD = 5


@dataclass(frozen=True, slots=True)
class CountHit:
    token_start: int
    token_end: int
    min: int
    max: int | None
    approximate: bool
    counted: str | None
    counted_start: int | None  # token index
    counted_end: int | None
    event: str | None


@dataclass(frozen=True, slots=True)
class DocView:
    """What counting needs of a document (token-parallel lists)."""

    texts: Sequence[str]
    lowers: Sequence[str]
    sentence_of: Sequence[int]
    is_punct: Sequence[bool]
    concepts: Sequence[frozenset[str]]  # concept ids per token
    norp: Sequence[bool]  # token is inside a NORP entity
    norp_span_end: Mapping[int, int]  # NORP entity start token -> end token


class CountFinder:
    """Per language; built at start-up from the lexicon's count_category / count_event fields."""

    def __init__(
        self,
        lang: str,
        categories: Mapping[str, str],
        events: Mapping[str, str],
        priorities: Mapping[str, int] | None = None,
    ) -> None:
        self.lang = lang
        self.categories = dict(categories)  # concept id -> category
        self.priorities = dict(priorities or {})  # concept id -> count_priority
        self._number_words: dict[str, bool] = {}
        self.events = dict(events)  # concept id -> event
        self.vague = VAGUE.get(lang, {})
        self.vague_max = max((len(k) for k in self.vague), default=0)
        self.vague_first = {k[0] for k in self.vague}  # quick test before the tuple lookups
        self.modifiers = MODIFIERS.get(lang, {})
        self.modifier_first = {k[0] for k in self.modifiers}
        self.units = UNITS.get(lang, set())
        self.months = MONTHS.get(lang, set())
        self.stop = STOP_WORDS.get(lang, set())
        self.clause_words = CLAUSE_WORDS.get(lang, set())
        self.before_exclude = BEFORE_EXCLUDE.get(lang, set())
        self.scales = SCALES.get(lang, {})
        self.first_words = {k[0] for k in self.vague} | {k[0] for k in self.modifiers} | RANGE_WORDS
        if lang == "de":
            self.first_words |= set(DE_UNITS) | set(DE_TEENS) | set(DE_TENS)
        else:
            self.first_words |= set(EN_SMALL)

    # -- public

    def may_start(self, low: str) -> bool:
        """Whether a count can start at a token with this lower-case text (cached per word by
        the Extractor's LexemeTable)."""
        return bool(low[:1].isdigit() or low in self.first_words or self._german_number_word(low))

    def find(self, doc: DocView, starts: Sequence[bool] | None = None) -> list[CountHit]:
        """Counts of one document; ``starts[i]``, when given, is ``may_start`` of token i."""
        hits: list[CountHit] = []
        if starts is None:
            starts = [self.may_start(low) for low in doc.lowers]
        next_free = 0
        ix = _DocIndex(self, doc)
        for i in [k for k, s in enumerate(starts) if s]:
            if i < next_free:
                continue  # inside the previous count
            hit, end = self._count_at(doc, i, hits, ix)
            if hit is not None:
                hits.append(hit)
                ix.add(hit, len(hits) - 1)
                next_free = max(end, i + 1)
        return hits

    # -- internals

    def _german_number_word(self, low: str) -> bool:
        if self.lang != "de" or len(low) <= 4 or not ("tausend" in low or "hundert" in low or "und" in low):
            return False
        hit = self._number_words.get(low)
        if hit is None:
            hit = low.isalpha() and parse_german_word(low) is not None
            if len(self._number_words) > 100_000:
                self._number_words.clear()
            self._number_words[low] = hit
        return hit

    def _count_at(
        self, doc: DocView, i: int, previous: list[CountHit], ix: _DocIndex | None = None
    ) -> tuple[CountHit | None, int]:
        """The count starting at token i, if any, and where the search goes on; ``ix`` is the
        ``find`` call's index, in step with ``previous`` (built here when not given)."""
        if ix is None:
            ix = _DocIndex(self, doc)
            for pos, hit in enumerate(previous):
                ix.add(hit, pos)
        lowers = doc.lowers
        n = len(lowers)
        sent = doc.sentence_of[i]
        modifier = None
        j = i
        for length in (3, 2, 1) if lowers[i] in self.modifier_first else ():
            key = tuple(lowers[i : i + length])
            if len(key) == length and key in self.modifiers and all(doc.sentence_of[k] == sent for k in range(i, i + length)):
                modifier = self.modifiers[key]
                j = i + length
                break
        if lowers[i] in RANGE_WORDS:
            core = self._range(doc, i + 1)
            if core is not None:
                modifier = None
        else:
            core = self._number(doc, j)
        if core is None:
            return None, i + 1
        lo, hi, vague, core_end, single = core
        # exclusions around the number
        prev = lowers[i - 1] if i > 0 and doc.sentence_of[i - 1] == sent else ""
        if prev in self.before_exclude or prev in self.months:
            return None, core_end
        after = self._next_word(doc, core_end)
        if after is not None:
            a_low = lowers[after]
            if a_low in self.units or a_low in self.months:
                return None, core_end
            if a_low == "-" and after + 1 < n and lowers[after + 1] in self.units:
                return None, core_end
        counted, c_start, c_end = self._counted(doc, core_end, sent)
        is_year = not vague and lo == hi and 1900 <= lo <= 2100 and doc.texts[j].isdigit() and modifier is None
        if (is_year or single) and (counted is None or counted == "other"):
            return None, core_end
        event = self._event(doc, i, core_end, sent, c_start, ix)
        if event is None and self._inclusive(doc, i, sent, ix):
            event = ix.last_event.get(sent)  # the latest count of the sentence with an event
        if counted is None:
            counted, c_start, c_end, inherited_event = self._fallback_counted(doc, i, sent, previous, ix)
            event = event or inherited_event
        if counted is None and event is None:
            return None, core_end
        lo2, hi2, approx = self._apply_modifier(modifier, lo, hi, vague)
        return (
            CountHit(i, core_end, lo2, hi2, approx, counted, c_start, c_end, event),
            core_end,
        )

    def _number(self, doc: DocView, j: int) -> tuple[int, int, bool, int, bool] | None:
        """(min, max, vague, end, single-article) of the number starting at token j."""
        lowers = doc.lowers
        n = len(lowers)
        if j >= n:
            return None
        # vague phrases, quotes inside allowed ("„kleine Anzahl“")
        for length in range(self.vague_max, 0, -1) if lowers[j] in self.vague_first else ():
            if j + length > n:
                continue
            key = tuple(lowers[j : j + length])
            if key in self.vague:
                lo, hi = self.vague[key]
                return lo, hi, True, j + length, False
        text = doc.texts[j]
        nxt = lowers[j + 1] if j + 1 < n else None
        if ORDINAL_OR_FINAL.match(text):
            # German tokenizer keeps "54." together; only a number when it ends the sentence
            if j + 1 < n and doc.sentence_of[j + 1] == doc.sentence_of[j]:
                return None
            value = int(text[:-1])
            return value, value, False, j + 1, False
        if text[:1].isdigit():
            got = parse_digits(text, nxt, self.lang)
            if got is None:
                return None
            value, used = got
            return value, value, False, j + used, False
        if self.lang == "de":
            low = lowers[j]
            if low in ("ein", "eine", "einen", "einem", "einer", "eines", "eins"):
                if nxt is not None and nxt in self.scales and nxt != "tausend":  # "eine Million"
                    return self.scales[nxt], self.scales[nxt], False, j + 2, False
                return None  # the indefinite article is not a count
            word_value = parse_german_word(low)
            if word_value is None:
                return None
            if nxt is not None and nxt in self.scales:
                scaled = word_value * self.scales[nxt]
                return scaled, scaled, False, j + 2, False
            return word_value, word_value, False, j + 1, False
        words = list(lowers[j : j + 8])
        got_en = parse_english_words(words)
        if got_en is None:
            return None
        value, used = got_en
        end = j + used
        if end < n and lowers[end] in ("million", "millions", "billion") and value < 1000:
            value *= self.scales[lowers[end]]
            end += 1
        single = value == 1 and used == 1
        return value, value, False, end, single

    def _is_verb_like(self, text: str) -> bool:
        if self.lang == "de":
            return not text[:1].isupper()
        return text.endswith(("ing", "ed"))

    def _inclusive(self, doc: DocView, i: int, sent: int, ix: _DocIndex) -> bool:
        """The count is a part of an earlier one: "darunter neun Kinder", "including nine children":
        an INCLUSIVE word or two-word phrase between the clause start and the count."""
        lo, _ = ix.clause(i, i, sent)
        return ix.inclusive_between(lo, i)

    def _range(self, doc: DocView, j: int) -> tuple[int, int, bool, int, bool] | None:
        """ "zwischen 3.000 und 4.000" / "between 3,000 and 4,000" -> (3000, 4000)."""
        first = self._number(doc, j)
        if first is None:
            return None
        k = first[3]
        if k >= len(doc.lowers) or doc.lowers[k] not in ("und", "and"):
            return None
        second = self._number(doc, k + 1)
        if second is None:
            return None
        return first[0], second[1], True, second[3], False

    def _next_word(self, doc: DocView, k: int) -> int | None:
        n = len(doc.lowers)
        while k < n and doc.lowers[k] in QUOTES:
            k += 1
        return k if k < n else None

    def _category(self, concepts: frozenset[str]) -> str | None:
        found = [(self.priorities.get(c, 0), self.categories[c]) for c in concepts if c in self.categories]
        if not found:
            return None
        top = max(p for p, _ in found)
        cats = {cat for p, cat in found if p == top}
        for c in CATEGORY_PRIORITY:
            if c in cats:
                return c
        return sorted(cats)[0]

    def _counted(self, doc: DocView, k: int, sent: int) -> tuple[str | None, int | None, int | None]:
        """The counted noun after the number: (category, token start, token end)."""
        n = len(doc.lowers)
        adjective_category: str | None = None
        other: tuple[int, int] | None = None
        steps = 0
        first = True
        while k < n and steps < LOOKAHEAD and doc.sentence_of[k] == sent:
            low = doc.lowers[k]
            text = doc.texts[k]
            if low in QUOTES:
                k += 1
                continue
            if (first and low == "of" and self.lang == "en") or low in MORE_WORDS:
                k += 1
                first = False
                continue
            first = False
            if doc.is_punct[k] or low in self.stop or low in self.units:
                break
            steps += 1
            if doc.norp[k] and k in doc.norp_span_end:
                end = doc.norp_span_end[k]
                if self._norp_is_noun(doc, k, end):
                    # "12 Iraqis" count people; "2.500 US-Marines" (a state's forces) count soldiers
                    own = self._category(doc.concepts[k]) if end == k + 1 else None
                    return adjective_category or own or "people", k, end
                k = end
                continue
            cat = self._category(doc.concepts[k])
            if cat is None and len(text) >= 2 and text.isupper() and text.isalpha():
                k += 1  # an acronym before the noun ("RSF fighters")
                continue
            is_noun = text[:1].isupper() if self.lang == "de" else text.isalpha()
            if cat is not None and self.lang == "en" and k + 1 < n and doc.sentence_of[k + 1] == sent:
                nxt_cat = self._category(doc.concepts[k + 1])
                here, there = category_rank(cat), category_rank(nxt_cat) if nxt_cat else len(CATEGORY_PRIORITY) + 1
                if nxt_cat is not None and (there < here or (there == here and self._is_verb_like(text))):
                    k += 1  # "three wounded soldiers": the noun, not the participle
                    continue
            if cat is not None:
                if self.lang == "de" and not text[:1].isupper():
                    # an adjective with a category ("zivile"): remember, keep looking for the noun
                    adjective_category = adjective_category or cat
                    k += 1
                    continue
                if adjective_category and CATEGORY_PRIORITY.index(adjective_category) < CATEGORY_PRIORITY.index(cat):
                    cat = adjective_category
                return cat, k, k + 1
            if is_noun and text.replace("-", "").isalpha():
                if self.lang == "de":
                    return adjective_category or "other", k, k + 1
                other = (k, k + 1)
                proper_adjective = (
                    text[:1].isupper() and k + 1 < n and doc.texts[k + 1].isalpha() and doc.texts[k + 1].islower()
                )
                if not low.endswith(EN_ADJECTIVE_ENDINGS) and not proper_adjective:
                    break  # English: the first word that does not look like an adjective
            elif self.lang == "en" and other is not None:
                break
            k += 1
        if other is not None:
            return adjective_category or "other", other[0], other[1]
        return None, None, None

    def _norp_is_noun(self, doc: DocView, start: int, end: int) -> bool:
        last = doc.lowers[end - 1]
        if self.lang == "de":
            return doc.texts[start][:1].isupper() and not last.rstrip("emnrs").endswith("isch")
        nxt = end if end < len(doc.lowers) else None
        return nxt is None or not doc.texts[nxt].isalpha() or doc.lowers[nxt] in self.stop

    def _boundary(self, low: str) -> bool:
        """A clause ends at this word (punctuation or a conjunction)."""
        return low in CLAUSE_PUNCT or low in self.clause_words

    def _event(
        self, doc: DocView, i: int, end: int, sent: int, counted_start: int | None, ix: _DocIndex
    ) -> str | None:
        lo, hi = ix.clause(i, end, sent)
        found = ix.event_in(i, end, lo, hi)
        if found is not None:
            return found
        # coordinated noun phrases share the verb: "48 Drohnen und sechs Raketen gestartet"
        n = len(doc.lowers)
        candidates = []
        if lo > 0 and doc.sentence_of[lo - 1] == sent and doc.lowers[lo - 1] in self.clause_words:
            plo, _ = ix.clause(lo - 2, lo - 1, sent) if lo >= 2 else (lo - 1, lo - 1)
            candidates.append((plo, lo - 1))
        if hi < n and doc.sentence_of[hi] == sent and doc.lowers[hi] in self.clause_words:
            _, nhi = ix.clause(hi + 1, hi + 1, sent)
            candidates.append((hi + 1, nhi))
        for clo, chi in candidates:
            found = ix.event_in(i, end, clo, chi)
            if found is not None:
                return found
        # an apposition between count and verb ("Zwei Zivilisten, ein Ehepaar aus X, wurden getötet"):
        # the sentence's event, when it has exactly one kind
        return ix.sentence_event(i, end, sent)

    def _fallback_counted(
        self, doc: DocView, i: int, sent: int, previous: list[CountHit], ix: _DocIndex
    ) -> tuple[str | None, int | None, int | None, str | None]:
        lo, _ = ix.clause(i, i, sent)
        # the nearest word before the count in its clause with a category that is not verb-like
        # ("killing three people and injuring 42": not "injuring")
        found = ix.counted_before(lo, i)
        if found is not None:
            k, cat = found
            return cat, k, k + 1, None
        if ix.anaphora_between(lo, i):
            hit = ix.latest_counted_since(sent - 1, sent, previous)
            if hit is not None:
                return hit.counted, hit.counted_start, hit.counted_end, hit.event
        # ellipsis: "Zwölf Menschen starben, 28 weitere wurden verletzt"; "50 davon"; "50 of which"
        latest = ix.last_counted.get(sent)
        if latest is not None:
            hit = latest[1]
            return hit.counted, hit.counted_start, hit.counted_end, None
        return None, None, None, None

    @staticmethod
    def _apply_modifier(modifier: str | None, lo: int, hi: int, vague: bool) -> tuple[int, int | None, bool]:
        if modifier is None:
            return lo, hi, vague
        if modifier == "up_to":
            return min(1, hi), hi, True
        if modifier == "more_than":
            return lo + 1, None, vague
        if modifier == "at_least":
            return lo, None, vague
        if modifier == "less_than":
            return 0, max(hi - 1, 0), vague
        if modifier == "almost":
            return lo, hi, True
        return lo, hi, True  # about


class _DocIndex:
    """Look-ups of one ``CountFinder.find`` call on one document, so that no count walks over its
    clause or sentence (quadratic when a long article is one sentence full of numbers).

    Each table is built on first use in one pass over the document; the queries give exactly what
    the walks gave: the same clause bounds, the nearest event word with the same tie-breaking
    (before the count wins over after it; a token's first event concept in sorted order), and
    the latest earlier count with the wanted properties. ``add`` is called for each count found,
    in order, with its position in the hit list."""

    def __init__(self, finder: CountFinder, doc: DocView) -> None:
        self.finder = finder
        self.doc = doc
        self.n = len(doc.lowers)
        self._boundaries: list[int] | None = None  # token positions that end a clause
        self._runs: dict[int, tuple[int, int]] = {}  # sentence -> (start, end) of a run of its tokens
        self._event_table: tuple[list[int], list[str], list[frozenset[str]]] | None = None
        self._sentence_events: dict[tuple[int, int], str | None] = {}
        self._counted_table: tuple[list[int], list[str]] | None = None
        self._anaphora: list[int] | None = None
        self._inclusive_table: tuple[list[int], list[int]] | None = None
        # counts found so far
        self.last_event: dict[int, str] = {}  # sentence -> event of its latest count with an event
        self.last_counted: dict[int, tuple[int, CountHit]] = {}  # sentence -> (hit position, latest count with a noun)
        self.max_hit_sentence = -1

    def add(self, hit: CountHit, position: int) -> None:
        sent = self.doc.sentence_of[hit.token_start]
        self.max_hit_sentence = max(self.max_hit_sentence, sent)
        if hit.event is not None:
            self.last_event[sent] = hit.event
        if hit.counted is not None:
            self.last_counted[sent] = (position, hit)

    def latest_counted_since(self, first_sentence: int, sent: int, previous: list[CountHit]) -> CountHit | None:
        """The latest count with a noun in a sentence >= first_sentence (``sent`` is the current one)."""
        if self.max_hit_sentence > sent:
            sentence_of = self.doc.sentence_of  # not reached: the Extractor numbers sentences in order
            for hit in reversed(previous):
                if hit.counted is not None and sentence_of[hit.token_start] >= first_sentence:
                    return hit
            return None
        # all earlier counts are in sentences <= sent: only the sentences first_sentence..sent can hold it
        best: tuple[int, CountHit] | None = None
        for s in range(first_sentence, sent + 1):
            got = self.last_counted.get(s)
            if got is not None and (best is None or got[0] > best[0]):
                best = got
        return best[1] if best else None

    # -- clauses and sentences

    @property
    def boundaries(self) -> list[int]:
        if self._boundaries is None:
            boundary = self.finder._boundary
            self._boundaries = [k for k, low in enumerate(self.doc.lowers) if boundary(low)]
        return self._boundaries

    def _run(self, p: int) -> tuple[int, int]:
        """The maximal run of consecutive tokens around p in p's sentence (walked once per sentence)."""
        sentence_of = self.doc.sentence_of
        sent = sentence_of[p]
        got = self._runs.get(sent)
        if got is not None and got[0] <= p < got[1]:
            return got
        lo, hi = p, p + 1
        while lo > 0 and sentence_of[lo - 1] == sent:
            lo -= 1
        while hi < self.n and sentence_of[hi] == sent:
            hi += 1
        self._runs[sent] = (lo, hi)
        return lo, hi

    def clause(self, i: int, end: int, sent: int) -> tuple[int, int]:
        """From i back and from end on, up to a clause boundary or the sentence's end (boundaries
        not included)."""
        sentence_of = self.doc.sentence_of
        lo = i
        if i > 0 and sentence_of[i - 1] == sent:
            b = self.boundaries
            p = bisect_left(b, i) - 1  # the last boundary before i
            lo = max(self._run(i - 1)[0], b[p] + 1 if p >= 0 else 0)
        hi = end
        if end < self.n and sentence_of[end] == sent:
            b = self.boundaries
            p = bisect_left(b, end)  # the first boundary from end on
            hi = min(self._run(end)[1], b[p] if p < len(b) else self.n)
        return lo, hi

    def _sentence_bounds(self, i: int, end: int, sent: int) -> tuple[int, int]:
        sentence_of = self.doc.sentence_of
        lo = self._run(i - 1)[0] if i > 0 and sentence_of[i - 1] == sent else i
        hi = self._run(end)[1] if end < self.n and sentence_of[end] == sent else end
        return lo, hi

    # -- events

    @property
    def events(self) -> tuple[list[int], list[str], list[frozenset[str]]]:
        """Tokens with an event concept: positions, the event of the first such concept in sorted
        order, all their events."""
        if self._event_table is None:
            events = self.finder.events
            positions: list[int] = []
            first: list[str] = []
            kinds: list[frozenset[str]] = []
            for k, concepts in enumerate(self.doc.concepts):
                if not concepts or not any(c in events for c in concepts):
                    continue
                found = [events[c] for c in sorted(concepts) if c in events]
                positions.append(k)
                first.append(found[0])
                kinds.append(frozenset(found))
            self._event_table = positions, first, kinds
        return self._event_table

    def event_in(self, i: int, end: int, lo: int, hi: int) -> str | None:
        """The event of the token in [lo, hi) nearest to the count [i, end) (i < end): distance
        i - k before it, k - end + 1 from its end on (<= 0 inside it); ties go to the first token."""
        if lo >= hi:
            return None
        positions, first, _ = self.events
        # inside the count: the first one is the nearest
        a, b = max(lo, i), min(hi, end)
        if a < b:
            p = bisect_left(positions, a)
            if p < len(positions) and positions[p] < b:
                return first[p]
        best: tuple[int, str] | None = None
        before = min(hi, i)
        if lo < before:
            p = bisect_left(positions, before) - 1
            if p >= 0 and positions[p] >= lo:
                best = (i - positions[p], first[p])
        after = max(lo, end)
        if after < hi:
            p = bisect_left(positions, after)
            if p < len(positions) and positions[p] < hi:
                dist = positions[p] - end + 1
                if best is None or dist < best[0]:
                    best = (dist, first[p])
        return best[1] if best else None

    def sentence_event(self, i: int, end: int, sent: int) -> str | None:
        """The only kind of event in the sentence of the count, or None."""
        bounds = self._sentence_bounds(i, end, sent)
        if bounds not in self._sentence_events:
            positions, _, kinds = self.events
            found: set[str] = set()
            for p in range(bisect_left(positions, bounds[0]), bisect_left(positions, bounds[1])):
                found |= kinds[p]
            self._sentence_events[bounds] = found.pop() if len(found) == 1 else None
        return self._sentence_events[bounds]

    # -- fallbacks

    def counted_before(self, lo: int, i: int) -> tuple[int, str] | None:
        """The last token in [lo, i) that is not verb-like and has a category, with it."""
        if self._counted_table is None:
            finder = self.finder
            texts = self.doc.texts
            categories = finder.categories
            positions: list[int] = []
            cats: list[str] = []
            for k, concepts in enumerate(self.doc.concepts):
                if not concepts or not any(c in categories for c in concepts) or finder._is_verb_like(texts[k]):
                    continue
                if finder.lang == "en" and self._modifies_noun(k):
                    continue  # "the toll from the militant siege rose to 31": an adjective, not the counted
                cat = finder._category(concepts)
                if cat is not None:
                    positions.append(k)
                    cats.append(cat)
            self._counted_table = positions, cats
        positions, cats = self._counted_table
        p = bisect_left(positions, i) - 1
        return (positions[p], cats[p]) if p >= 0 and positions[p] >= lo else None

    def _modifies_noun(self, k: int) -> bool:
        """English: the word at ``k`` stands before a plain lower-case noun ("militant siege",
        "civilian areas"), not before a verb, a function word or the end."""
        texts, finder = self.doc.texts, self.finder
        if k + 1 >= len(texts) or self.doc.sentence_of[k + 1] != self.doc.sentence_of[k]:
            return False
        nxt = texts[k + 1]
        return (nxt.isalpha() and nxt.islower() and not finder._is_verb_like(nxt) and nxt not in finder.stop
                and not self.doc.concepts[k + 1] & finder.categories.keys())

    def anaphora_between(self, lo: int, i: int) -> bool:
        """ "diese Zahl", "this number" in [lo, i)."""
        if self._anaphora is None:
            self._anaphora = [k for k, low in enumerate(self.doc.lowers) if low in ANAPHORA]
        p = bisect_left(self._anaphora, lo)
        return p < len(self._anaphora) and self._anaphora[p] < i

    def inclusive_between(self, lo: int, i: int) -> bool:
        """An INCLUSIVE word or two-word phrase inside [lo, i)."""
        if self._inclusive_table is None:
            lowers = self.doc.lowers
            found: list[tuple[int, int]] = []  # (end, start)
            for k, low in enumerate(lowers):
                if low in INCLUSIVE:
                    found.append((k + 1, k))
                if low in INCLUSIVE_FIRST and k + 1 < self.n and f"{low} {lowers[k + 1]}" in INCLUSIVE:
                    found.append((k + 2, k))
            found.sort()
            ends = [e for e, _ in found]
            latest_start: list[int] = []  # the largest start among the phrases up to here
            for _, start in found:
                latest_start.append(max(start, latest_start[-1]) if latest_start else start)
            self._inclusive_table = ends, latest_start
        ends, latest_start = self._inclusive_table
        p = bisect_right(ends, i)  # the phrases that end by i
        return p > 0 and latest_start[p - 1] >= lo
