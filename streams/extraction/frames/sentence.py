"""One sentence of an article split into clauses, with cue lookups (``ClauseSentence``), and what
extraction found in it (``SentenceContext``). Built by FrameBuilder for every sentence that has a
trigger."""

from __future__ import annotations

from collections.abc import Sequence

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

    def _clauses(self) -> list[int]:
        out: list[int] = []
        clause = 0
        openers = self.cues.words["clause_openers"]
        breaks = self.cues.words["clause_breaks"]
        n = len(self.tokens)
        for i in range(n):
            w = self.low[i]
            if w in (";", ":", "(", ")", "–", "—", "-", "\"", "„", "“", "”") and 0 < i < n - 1:
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
        idx = [i for i, c in enumerate(self.clause_of) if c == clause]
        return (idx[0], idx[-1] + 1) if idx else (0, 0)

    def clause_at(self, token: int) -> int:
        return self.clause_of[token - self.first]

    def hits(self, key: str, lo: int, hi: int) -> list[tuple[int, str]]:
        """Cue words of list ``key`` among the sentence's tokens [lo, hi): (token index, word)."""
        words, phrases, gaps, heads = (self.cues.words[key], self.cues.phrases[key], self.cues.gaps[key],
                                       self.cues.heads[key])
        out: list[tuple[int, str]] = []
        text_only = key in TEXT_ONLY
        for i in range(max(lo, 0), min(hi, len(self.tokens))):
            w = self.low[i]
            lem = w if text_only else self.lemma[i]
            if w in words or lem in words:
                if not self._case_ok(i, w):
                    continue
                out.append((i, w))
                continue
            if heads and len(w) > 4 and any(w.endswith(h) or lem.endswith(h) for h in heads):
                out.append((i, w))
                continue
            for p in phrases:
                if tuple(self.low[i : i + len(p)]) == p:
                    out.append((i, " ".join(p)))
            for a, b in gaps:
                if (w == a or lem == a) and b in self.low[i + 1 : min(hi, len(self.tokens))]:
                    out.append((i, f"{a} ... {b}"))
        return out

    def _case_ok(self, i: int, w: str) -> bool:
        # English cue words are lower case in running text: "May" is a month, "Will" a name
        if self.lang != "en" or i == 0 or self.headline:
            return True
        return not self.tokens[i].text[:1].isupper()


class SentenceContext:
    """One sentence and what extraction found in it, with role lookups cached."""

    def __init__(self, ex: Extraction, sent: ClauseSentence, concepts: list[ConceptMatch], entities: list[Entity],
                 counts: list[Count], ref_year: int | None, lead_place: Entity | None,
                 dateline: Entity | None, sport: bool = False) -> None:
        self.ex, self.sent, self.concepts, self.entities, self.counts = ex, sent, concepts, entities, counts
        self.ref_year, self.lead_place, self.dateline, self.sport = ref_year, lead_place, dateline, sport
        self.agent_tokens: set[int] = set()
        self._roles: dict[tuple[int, str], bool] = {}

    def _role(self, e: Entity, role: str) -> bool:

        key = (id(e), role)
        if key not in self._roles:
            self._roles[key] = has_role(self.ex, e, role)
        return self._roles[key]

    def is_place(self, e: Entity) -> bool:
        return self._role(e, "place")

    def is_origin(self, e: Entity) -> bool:
        return self._role(e, "origin")

    def is_place_word(self, e: Entity) -> bool:
        return e.type in PLACE_TYPES and self.is_place(e)
