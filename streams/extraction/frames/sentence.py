"""One sentence of an article split into clauses, with cue lookups (``ClauseSentence``), and what
extraction found in it (``SentenceContext``). Built by FrameBuilder for every sentence that has a
trigger."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence

from streams.extraction.frames.cues import PLACE_TYPES, TEXT_ONLY, Cues
from streams.extraction.roles import has_role
from streams.models import ConceptMatch, Count, Entity, Extraction, Token


class ClauseSentence:
    """Tokens of one sentence split into clauses; cue lookups by clause."""

    def __init__(self, ex: Extraction, index: int, cues: Cues, lang: str) -> None:
        s = ex.sentences[index]
        # a headline is in title case ("Rebels Kill 12 In Car Bombing"): cue words may be capitalised
        self.headline = ex.body_start > 0 and s.start < ex.body_start
        self.index = index
        self.first = s.token_start
        self.tokens: Sequence[Token] = ex.tokens[s.token_start : s.token_end]
        self.low = [t.text.lower() for t in self.tokens]
        self.lemma = [t.lemma for t in self.tokens]
        self.cues = cues
        self.lang = lang
        self.clause_of = self._clauses()
        self._spans: dict[int, tuple[int, int]] | None = None
        self._hits: dict[str, list[tuple[int, str, int]]] = {}
        self._hit_starts: dict[str, list[int]] = {}
        self._scanned = False

    def _clauses(self) -> list[int]:
        out: list[int] = []
        clause = 0
        openers = self.cues.words["clause_openers"]
        breaks = self.cues.words["clause_breaks"]
        n = len(self.tokens)
        for i in range(n):
            w = self.low[i]
            # a hyphen inside a word ("insurgent-held", "US-Iraqi") joins, it does not break
            joined = w == "-" and 0 < i < n - 1 and self.tokens[i - 1].end == self.tokens[i].start \
                and self.tokens[i].end == self.tokens[i + 1].start
            if w in (";", ":", "(", ")", "–", "—", "-", "\"", "„", "“", "”") and 0 < i < n - 1 and not joined:
                clause += 1
                out.append(clause)
                continue
            if w == "," and i + 1 < n:
                nxt = self.low[i + 1]
                # "in Kursk, Russia" and "3,000": a place apposition stays in the clause
                if nxt in openers or not self.tokens[i + 1].text[:1].isupper() or self.lang == "de":
                    clause += 1
            elif w in breaks and i > 0 and self.low[i - 1] != ",":
                clause += 1
            out.append(clause)
        return out

    def span(self, clause: int) -> tuple[int, int]:
        """Token indexes [a, b) of the sentence's tokens in ``clause``."""
        if self._spans is None:
            spans: dict[int, tuple[int, int]] = {}
            for i, c in enumerate(self.clause_of):
                a, _b = spans.get(c, (i, i))
                spans[c] = (a, i + 1)
            self._spans = spans
        return self._spans.get(clause, (0, 0))

    def clause_at(self, token: int) -> int:
        return self.clause_of[token - self.first]

    def hits(self, key: str, lo: int, hi: int) -> list[tuple[int, str]]:
        """Cue words of list ``key`` among the sentence's tokens [lo, hi): (token index, word).

        The sentence is scanned once, for all lists together, on the first query; a query bisects
        that scan, so that a long sentence with many triggers costs linear time, not quadratic. A
        gap cue "a ... b" holds when its "b" is also below ``hi``."""
        if not self._scanned:
            self._scan()
        found = self._hits.get(key, ())
        if not found:
            return []
        starts = self._hit_starts[key]
        out: list[tuple[int, str]] = []
        for k in range(bisect_left(starts, max(lo, 0)), len(found)):
            i, w, last = found[k]
            if i >= hi:
                break
            if last < hi:
                out.append((i, w))
        return out

    def _scan(self) -> None:
        """Every cue of every list in the sentence, in one pass: (first token, cue, last token) per
        list. A list's word match at a token excludes its compound heads, phrases and gap cues
        there; phrases and gap cues are tried only at a token that can start one; lists in
        TEXT_ONLY match the word as written, the others also its lemma."""
        cues = self.cues
        word_keys, head_keys, phrase_first, gap_first = cues.word_keys, cues.head_keys, cues.phrase_first, cues.gap_first
        hits: dict[str, list[tuple[int, str, int]]] = {}
        low, lemma = self.low, self.lemma
        later: dict[str, int] = {}  # gap cues: the last position of each "b" word
        for j, w in enumerate(low):
            later[w] = j
        for i, w in enumerate(low):
            lem = lemma[i]
            matched: set[str] = set()
            for key in word_keys.get(w, ()):
                matched.add(key)
                if self._case_ok(i, w):
                    hits.setdefault(key, []).append((i, w, i))
            if lem != w:
                for key in word_keys.get(lem, ()):
                    if key not in matched and key not in TEXT_ONLY:
                        matched.add(key)
                        if self._case_ok(i, w):
                            hits.setdefault(key, []).append((i, w, i))
            if len(w) > 4:
                for key, heads in head_keys:
                    if key not in matched and (w.endswith(heads) or lem.endswith(heads)):
                        matched.add(key)
                        hits.setdefault(key, []).append((i, w, i))
            for key, p in phrase_first.get(w, ()):
                if key not in matched and tuple(low[i : i + len(p)]) == p:
                    hits.setdefault(key, []).append((i, " ".join(p), i + len(p) - 1))
            for a in (w,) if lem == w else (w, lem):
                for key, b in gap_first.get(a, ()):
                    if key not in matched and (a == w or key not in TEXT_ONLY) and later.get(b, -1) > i:
                        hits.setdefault(key, []).append((i, f"{a} ... {b}", low.index(b, i + 1)))
        self._hits = hits
        self._hit_starts = {k: [h[0] for h in v] for k, v in hits.items()}
        self._scanned = True

    def _case_ok(self, i: int, w: str) -> bool:
        # English cue words are lower case in running text: "May" is a month, "Will" a name
        if self.lang != "en" or i == 0 or self.headline:
            return True
        return not self.tokens[i].text[:1].isupper()


class SentenceContext:
    """One sentence and what extraction found in it, with role lookups cached."""

    def __init__(self, ex: Extraction, sent: ClauseSentence, concepts: list[ConceptMatch], entities: list[Entity],
                 counts: list[Count], ref_year: int | None, lead_place: Entity | None,
                 dateline: Entity | None, sport: bool = False,
                 sentence: Callable[[int], ClauseSentence] | None = None,
                 concepts_by_sentence: Mapping[int, list[ConceptMatch]] | None = None,
                 shared: dict[str, bool] | None = None) -> None:
        self.ex, self.sent, self.concepts, self.entities, self.counts = ex, sent, concepts, entities, counts
        self.ref_year, self.lead_place, self.dateline, self.sport = ref_year, lead_place, dateline, sport
        self._sentence = sentence
        self._concepts_by_sentence = concepts_by_sentence or {}
        self.agent_tokens: set[int] = set()
        self.shared: dict[str, bool] = {} if shared is None else shared  # article-wide answers
        self._roles: dict[tuple[int, str], bool] = {}
        # the harmed kind of each count of the sentence, in order (FrameBuilder._harm_counts):
        # computed once per sentence, not once per trigger
        self.harm_counts: list[tuple[Count, str]] | None = None

    def _role(self, e: Entity, role: str) -> bool:

        key = (id(e), role)
        if key not in self._roles:
            self._roles[key] = has_role(self.ex, e, role)
        return self._roles[key]

    def sentence(self, index: int) -> ClauseSentence:
        """Another sentence of the article, split into clauses (shared across the article)."""
        if self._sentence is not None:
            return self._sentence(index)
        return ClauseSentence(self.ex, index, self.sent.cues, self.sent.lang)

    def concepts_of(self, index: int) -> list[ConceptMatch]:
        return self._concepts_by_sentence.get(index, [])

    def is_place(self, e: Entity) -> bool:
        return self._role(e, "place")

    def is_origin(self, e: Entity) -> bool:
        return self._role(e, "origin")

    def is_place_word(self, e: Entity) -> bool:
        return e.type in PLACE_TYPES and self.is_place(e)
