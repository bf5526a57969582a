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
"""

from __future__ import annotations

import re
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
    "children", "civilians", "journalists", "hostages", "refugees", "soldiers", "fighters", "drones", "missiles", "people",
)
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
        for i in [k for k, s in enumerate(starts) if s]:
            if i < next_free:
                continue  # inside the previous count
            hit, end = self._count_at(doc, i, hits)
            if hit is not None:
                hits.append(hit)
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

    def _count_at(self, doc: DocView, i: int, previous: list[CountHit]) -> tuple[CountHit | None, int]:
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
        event = self._event(doc, i, core_end, sent, c_start)
        if event is None and self._inclusive(doc, i, sent):
            for hit in reversed(previous):
                if doc.sentence_of[hit.token_start] == sent and hit.event is not None:
                    event = hit.event
                    break
        if counted is None:
            counted, c_start, c_end, inherited_event = self._fallback_counted(doc, i, sent, previous)
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

    def _inclusive(self, doc: DocView, i: int, sent: int) -> bool:
        """The count is a part of an earlier one: "darunter neun Kinder", "including nine children"."""
        lo, _ = self._clause(doc, i, i, sent)
        words = tuple(doc.lowers[lo:i])
        return any(w in INCLUSIVE for w in words) or any(" ".join(words[k : k + 2]) in INCLUSIVE for k in range(len(words)))

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
                    return adjective_category or "people", k, end
                k = end
                continue
            cat = self._category(doc.concepts[k])
            if cat is None and len(text) >= 2 and text.isupper() and text.isalpha():
                k += 1  # an acronym before the noun ("RSF fighters")
                continue
            is_noun = text[:1].isupper() if self.lang == "de" else text.isalpha()
            if cat is not None and self.lang == "en" and k + 1 < n and doc.sentence_of[k + 1] == sent:
                nxt_cat = self._category(doc.concepts[k + 1])
                here, there = CATEGORY_PRIORITY.index(cat), CATEGORY_PRIORITY.index(nxt_cat) if nxt_cat else len(CATEGORY_PRIORITY)
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

    def _clause(self, doc: DocView, i: int, end: int, sent: int) -> tuple[int, int]:
        lo = i
        while lo > 0 and doc.sentence_of[lo - 1] == sent and not self._boundary(doc, lo - 1):
            lo -= 1
        hi = end
        n = len(doc.lowers)
        while hi < n and doc.sentence_of[hi] == sent and not self._boundary(doc, hi):
            hi += 1
        return lo, hi

    def _boundary(self, doc: DocView, k: int) -> bool:
        low = doc.lowers[k]
        return low in CLAUSE_PUNCT or low in self.clause_words

    def _event(self, doc: DocView, i: int, end: int, sent: int, counted_start: int | None) -> str | None:
        lo, hi = self._clause(doc, i, end, sent)
        found = self._event_in(doc, i, end, lo, hi)
        if found is not None:
            return found
        # coordinated noun phrases share the verb: "48 Drohnen und sechs Raketen gestartet"
        n = len(doc.lowers)
        candidates = []
        if lo > 0 and doc.sentence_of[lo - 1] == sent and doc.lowers[lo - 1] in self.clause_words:
            plo, _ = self._clause(doc, lo - 2, lo - 1, sent) if lo >= 2 else (lo - 1, lo - 1)
            candidates.append((plo, lo - 1))
        if hi < n and doc.sentence_of[hi] == sent and doc.lowers[hi] in self.clause_words:
            _, nhi = self._clause(doc, hi + 1, hi + 1, sent)
            candidates.append((hi + 1, nhi))
        for clo, chi in candidates:
            found = self._event_in(doc, i, end, clo, chi)
            if found is not None:
                return found
        # an apposition between count and verb ("Zwei Zivilisten, ein Ehepaar aus X, wurden getötet"):
        # the sentence's event, when it has exactly one kind
        s_lo, s_hi = i, end
        while s_lo > 0 and doc.sentence_of[s_lo - 1] == sent:
            s_lo -= 1
        while s_hi < n and doc.sentence_of[s_hi] == sent:
            s_hi += 1
        kinds = {self.events[c] for k in range(s_lo, s_hi) for c in doc.concepts[k] if c in self.events}
        return kinds.pop() if len(kinds) == 1 else None

    def _event_in(self, doc: DocView, i: int, end: int, lo: int, hi: int) -> str | None:
        best: tuple[int, str] | None = None
        concepts = doc.concepts
        for k in range(lo, hi):
            if not concepts[k]:
                continue
            for c in sorted(concepts[k]):
                ev = self.events.get(c)
                if ev is None:
                    continue
                dist = i - k if k < i else k - end + 1
                if best is None or dist < best[0]:
                    best = (dist, ev)
        return best[1] if best else None

    def _fallback_counted(
        self, doc: DocView, i: int, sent: int, previous: list[CountHit]
    ) -> tuple[str | None, int | None, int | None, str | None]:
        lo, _ = self._clause(doc, i, i, sent)
        for k in range(i - 1, lo - 1, -1):
            if self._is_verb_like(doc.texts[k]):
                continue  # "killing three people and injuring 42": not "injuring"
            cat = self._category(doc.concepts[k])
            if cat is not None:
                return cat, k, k + 1, None
        if any(doc.lowers[k] in ANAPHORA for k in range(lo, i)):
            for hit in reversed(previous):
                if hit.counted is not None and doc.sentence_of[hit.token_start] >= sent - 1:
                    return hit.counted, hit.counted_start, hit.counted_end, hit.event
        # ellipsis: "Zwölf Menschen starben, 28 weitere wurden verletzt"; "50 davon"; "50 of which"
        for hit in reversed(previous):
            if doc.sentence_of[hit.token_start] == sent and hit.counted is not None:
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
