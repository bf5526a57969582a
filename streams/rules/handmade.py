"""Build an Extraction by hand from text and annotations, without spaCy.

For unit tests, the benchmark and documentation examples, where the rule engine must be exercised
on exactly known input. Sentences split at . ! ? followed by whitespace; tokens are words, numbers
and punctuation marks.

    ex = (HandmadeExtraction("In Charkiw wurden vier Menschen getötet.", language="de")
          .entity("Charkiw", "GPE", "city:geonames:706483", "Kharkiv", country="UA", kind="city")
          .count("vier", 4, counted="people", counted_text="Menschen", event="killed")
          .concept("getötet", "kill")
          .build())
"""

from __future__ import annotations

from dataclasses import dataclass, field

import re2

from streams.models import ConceptMatch, Count, Entity, Extraction, Sentence, Token

_SENT_END = re2.compile(r"[.!?][\"”“»]?(\s+|$)")
_TOKEN = re2.compile(r"[\pL\pN]+(?:[.\-'’][\pL\pN]+)*|[^\pL\pN\s]")


@dataclass
class HandmadeExtraction:
    text: str
    language: str = "de"
    article_id: str = "a1"
    entities: list[Entity] = field(default_factory=list)
    concepts: list[ConceptMatch] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sentences: list[tuple[int, int]] = []
        start = 0
        for m in _SENT_END.finditer(self.text):
            end = m.start() + 1
            if self.text[start:end].strip():
                self.sentences.append((start, end))
            start = m.end()
        if self.text[start:].strip():
            self.sentences.append((start, len(self.text.rstrip())))
        self.tokens: list[tuple[int, int, int]] = []  # start, end, sentence
        for si, (s, e) in enumerate(self.sentences):
            for m in _TOKEN.finditer(self.text, s, e):
                self.tokens.append((m.start(), m.end(), si))

    def _span(self, surface: str, occurrence: int) -> tuple[int, int, int, int, int]:
        pos = -1
        for _ in range(occurrence + 1):
            pos = self.text.find(surface, pos + 1)
            if pos < 0:
                raise ValueError(f"{surface!r} (occurrence {occurrence}) not in text")
        end = pos + len(surface)
        toks = [i for i, (s, e, _) in enumerate(self.tokens) if s < end and e > pos]
        sentence = self.tokens[toks[0]][2]
        return pos, end, toks[0], toks[-1] + 1, sentence

    def entity(self, surface: str, type: str, id: str, name: str, *, country: str | None = None,
               kind: str | None = None, occurrence: int = 0) -> HandmadeExtraction:
        s, e, ts, te, si = self._span(surface, occurrence)
        self.entities.append(Entity(surface, s, e, ts, te, si, type, id, name, country, kind))
        return self

    def concept(self, surface: str, concept: str, *, lemma: str | None = None, occurrence: int = 0) -> HandmadeExtraction:
        s, e, ts, te, si = self._span(surface, occurrence)
        self.concepts.append(ConceptMatch(concept, surface, lemma or surface.lower(), s, e, ts, te, si))
        return self

    def count(self, surface: str, minimum: int, maximum: int | None = None, *, counted: str | None = None,
              counted_text: str | None = None, event: str | None = None, approximate: bool = False,
              occurrence: int = 0) -> HandmadeExtraction:
        s, e, ts, te, si = self._span(surface, occurrence)
        cmax = minimum if maximum is None else maximum
        self.counts.append(Count(surface, s, e, ts, te, si, minimum, cmax, approximate, counted, counted_text,
                                 event=event))
        return self

    def build(self) -> Extraction:
        sentences = []
        for si, (s, e) in enumerate(self.sentences):
            idx = [i for i, t in enumerate(self.tokens) if t[2] == si]
            sentences.append(Sentence(self.text[s:e], s, e, idx[0] if idx else 0, idx[-1] + 1 if idx else 0))
        tokens = tuple(
            Token(self.text[s:e], self.text[s:e].lower(), s, e, si,
                  is_punct=not any(ch.isalnum() for ch in self.text[s:e]),
                  like_num=self.text[s:e].replace(".", "").isdigit())
            for s, e, si in self.tokens
        )
        key = lambda x: (x.start, x.end)  # noqa: E731
        return Extraction(
            article_id=self.article_id,
            language=self.language,
            supported=True,
            text=self.text,
            sentences=tuple(sentences),
            tokens=tokens,
            entities=tuple(sorted(self.entities, key=key)),
            concepts=tuple(sorted(self.concepts, key=key)),
            counts=tuple(sorted(self.counts, key=key)),
        )
