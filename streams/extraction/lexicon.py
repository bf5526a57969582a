"""Concept lexicons (rules/lexicon/*.yaml): load them and match concepts on lemmas.

``load_lexicon(dir)`` is called once when the Extractor starts (errors carry file:line);
``ConceptMatcher.match`` once per document.

File format (documented in docs/extraction.md and at the top of every lexicon file)::

    concepts:
      kill:                          # concept id: lower case, digits, "-"
        description: People killed.  # required
        count_event: killed          # optional: a count in the same clause gets this event
        count_category: people       # optional: a count of this noun counts this category
        count_priority: 0            # optional: when a word has several categories, the highest
                                     # priority wins (ties: children > civilians > ... > people)
        de: [töten, sterben, "ums Leben", "*tote"]
        en: [kill, die, dead]

Terms (matched case-insensitively against each token's lemma and its lower-cased text):

- ``wort``      one token whose lemma or text is "wort";
- ``*kopf``     compound head: a token whose lemma or text, optionally without a German inflection
                ending (-e, -en, -n, -er, -ern, -es, -s), ends with "kopf" (Luftangriffen -> *angriff);
                a hyphenated token is also matched by its last part ("Wagner-Kämpfer" -> Kämpfer);
- ``präfix*``   a token starting with "präfix" (nuklear* -> nukleare, nuklearen);
- ``a b``       consecutive tokens, each matched like a single-word term ("ums Leben", "air strike");
- ``a ... b``   "b" later in the same sentence, at most 12 tokens after "a" (German separable verbs:
                "greifen ... an" matches "griffen russische Drohnen an").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

CONCEPT_ID = re.compile(r"^[a-z][a-z0-9-]*$")
CONCEPT_KEYS = {"description", "count_event", "count_category", "count_priority", "de", "en", "fr", "es", "it", "nl", "pl", "pt"}
GERMAN_ENDINGS = ("ern", "en", "er", "es", "e", "n", "s")
MIN_HEAD_PREFIX = 2  # a compound needs at least this many letters before the head
GAP_MAX = 12
CACHE_LIMIT = 200_000
NO_CONCEPTS: frozenset[str] = frozenset()


class LexiconError(ValueError):
    """A lexicon file is invalid; the message starts with file:line."""


@dataclass(frozen=True, slots=True)
class Concept:
    id: str
    description: str
    terms: dict[str, tuple[str, ...]]  # language -> terms as written
    count_event: str | None = None
    count_category: str | None = None
    count_priority: int = 0
    source: str = ""  # file:line


@dataclass(frozen=True)
class Lexicon:
    concepts: dict[str, Concept] = field(default_factory=dict)

    def for_language(self, lang: str) -> list[Concept]:
        return [c for c in self.concepts.values() if c.terms.get(lang)]


def load_lexicon(directory: Path) -> Lexicon:
    """Read every *.yaml in ``directory``; a concept id may be defined only once."""
    if not directory.is_dir():
        raise LexiconError(f"{directory}: lexicon directory not found")
    concepts: dict[str, Concept] = {}
    for path in sorted(directory.glob("*.yaml")):
        for concept in _load_file(path):
            if concept.id in concepts:
                raise LexiconError(f"{concept.source}: concept '{concept.id}' already defined at {concepts[concept.id].source}")
            concepts[concept.id] = concept
    return Lexicon(concepts)


def _load_file(path: Path) -> list[Concept]:
    yaml = YAML(typ="rt")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise LexiconError(f"{path}:{line}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    if data is None:
        return []
    if not isinstance(data, dict) or "concepts" not in data or not isinstance(data["concepts"], dict):
        raise LexiconError(f"{path}:1: expected a mapping with key 'concepts'")
    out = []
    concepts = data["concepts"]
    for cid, spec in concepts.items():
        line = _line(concepts, cid)
        where = f"{path}:{line}"
        if not isinstance(cid, str) or not CONCEPT_ID.match(cid):
            raise LexiconError(f"{where}: concept id {cid!r} must be lower case letters, digits and '-'")
        if not isinstance(spec, dict):
            raise LexiconError(f"{where}: concept '{cid}' must be a mapping")
        unknown = sorted(set(spec) - CONCEPT_KEYS)
        if unknown:
            raise LexiconError(f"{where}: concept '{cid}': unknown key(s) {', '.join(map(str, unknown))}")
        desc = spec.get("description")
        if not isinstance(desc, str) or not desc.strip():
            raise LexiconError(f"{where}: concept '{cid}' needs a description")
        terms: dict[str, tuple[str, ...]] = {}
        for lang in CONCEPT_KEYS - {"description", "count_event", "count_category", "count_priority"}:
            if lang not in spec:
                continue
            values = spec[lang]
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                raise LexiconError(f"{path}:{_line(spec, lang)}: concept '{cid}': '{lang}' must be a list of non-empty strings")
            for v in values:
                _check_term(v, f"{path}:{_line(spec, lang)}", cid)
            terms[lang] = tuple(v.strip() for v in values)
        for key in ("count_event", "count_category"):
            if key in spec and not (isinstance(spec[key], str) and CONCEPT_ID.match(spec[key].replace("_", "-"))):
                raise LexiconError(f"{path}:{_line(spec, key)}: concept '{cid}': '{key}' must be a short name")
        priority = spec.get("count_priority", 0)
        if not isinstance(priority, int) or isinstance(priority, bool):
            raise LexiconError(f"{path}:{_line(spec, 'count_priority')}: concept '{cid}': 'count_priority' must be an integer")
        out.append(
            Concept(
                id=cid,
                description=desc.strip(),
                terms=terms,
                count_event=spec.get("count_event"),
                count_category=spec.get("count_category"),
                count_priority=priority,
                source=where,
            )
        )
    return out


def _line(mapping: Any, key: Any) -> int:
    try:
        return int(mapping.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return 1


def _check_term(term: str, where: str, cid: str) -> None:
    words = term.split()
    if "..." in words and (words.count("...") > 1 or words[0] == "..." or words[-1] == "..."):
        raise LexiconError(f"{where}: concept '{cid}': term {term!r}: '...' must stand between two words")
    for w in words:
        if w != "..." and (w.count("*") > 1 or ("*" in w and len(words) > 1) or w in ("*",)):
            raise LexiconError(f"{where}: concept '{cid}': term {term!r}: '*' only at the start or end of a one-word term")


@dataclass(frozen=True, slots=True)
class ConceptHit:
    concept: str
    token_start: int
    token_end: int


class ConceptMatcher:
    """Compiled terms of one language. Built at start-up; ``match`` per document."""

    def __init__(self, lexicon: Lexicon, lang: str) -> None:
        self.lang = lang
        self.concepts = {c.id: c for c in lexicon.for_language(lang)}
        self.words: dict[str, set[str]] = {}
        self.suffixes: dict[str, set[str]] = {}
        self.prefixes: dict[str, set[str]] = {}
        self.phrases: dict[str, list[tuple[tuple[str, ...], bool, str]]] = {}  # first word -> (words, gap, concept)
        for c in self.concepts.values():
            for term in c.terms[lang]:
                t = term.lower()
                words = t.split()
                if len(words) == 1:
                    w = words[0]
                    if w.startswith("*"):
                        self.suffixes.setdefault(w[1:], set()).add(c.id)
                    elif w.endswith("*"):
                        self.prefixes.setdefault(w[:-1], set()).add(c.id)
                    else:
                        self.words.setdefault(w, set()).add(c.id)
                        parts = w.split("-")
                        if len(parts) > 1 and all(parts):
                            # the English tokenizer splits "build-up" into "build - up"
                            seq = tuple(x for part in parts for x in (part, "-"))[:-1]
                            self.phrases.setdefault(seq[0], []).append((seq, False, c.id))
                else:
                    gap = "..." in words
                    seq = tuple(x for x in words if x != "...")
                    self.phrases.setdefault(seq[0], []).append((seq, gap, c.id))
        self.min_suffix = min((len(s) for s in self.suffixes), default=0)
        self.min_prefix = min((len(s) for s in self.prefixes), default=0)
        self.max_prefix = max((len(s) for s in self.prefixes), default=0)
        self._cache: dict[tuple[str, str], frozenset[str]] = {}

    def token_concepts(self, lower: str, lemma: str) -> frozenset[str]:
        """Concepts of one token (single-word terms only); cached per (text, lemma)."""
        key = (lower, lemma)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        found: set[str] = set()
        for form in (lower, lemma):
            got = self.words.get(form)
            if got:
                found |= got
        if "-" in lower and not lower.startswith("-"):
            # hyphenated compounds: the last part is the head ("Wagner-Kämpfer", "UN-Soldaten")
            head = lower.rsplit("-", 1)[1]
            if head:
                found |= self.token_concepts(head, head)
        if self.suffixes and lower.isalpha():
            forms = {lower, lemma}
            if self.lang == "de":
                forms.update(lower[: -len(e)] for e in GERMAN_ENDINGS if lower.endswith(e) and len(lower) - len(e) >= 3)
            for form in forms:
                for k in range(0, len(form) - self.min_suffix + 1):
                    if k != 0 and k < MIN_HEAD_PREFIX:
                        continue
                    got = self.suffixes.get(form[k:])
                    if got:
                        found |= got
        if self.prefixes:
            for form in (lower, lemma):
                for k in range(self.min_prefix, min(len(form), self.max_prefix) + 1):
                    got = self.prefixes.get(form[:k])
                    if got:
                        found |= got
        # most words have none: one shared empty set instead of one per word (each is an object
        # the cyclic garbage collector would traverse again and again in a long-running worker)
        result = frozenset(found) if found else NO_CONCEPTS
        if len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = result
        return result

    def starts_phrase(self, lower: str, lemma: str) -> bool:
        """The token's text or lemma is the first word of a multi-word term (cached per word by
        the Extractor's LexemeTable)."""
        return lower in self.phrases or lemma in self.phrases

    def match(
        self,
        lowers: Sequence[str],
        lemmas: Sequence[str],
        sentence_of: Sequence[int],
        token_sets: Sequence[frozenset[str]] | None = None,
        phrase_starts: Sequence[bool] | None = None,
    ) -> list[ConceptHit]:
        """All concept matches of one document, sorted by position. ``token_sets[i]`` and
        ``phrase_starts[i]``, when given, are ``token_concepts`` and ``starts_phrase`` of token i
        already computed (the Extractor caches them per word)."""
        hits: list[ConceptHit] = []
        n = len(lowers)
        phrases = self.phrases
        if token_sets is not None and phrase_starts is not None:
            positions: Sequence[int] = [k for k in range(n) if token_sets[k] or phrase_starts[k]]
        else:
            positions = range(n)
        for i in positions:
            low, lemma = lowers[i], lemmas[i]
            found = token_sets[i] if token_sets is not None else self.token_concepts(low, lemma)
            if found:
                for cid in sorted(found):
                    hits.append(ConceptHit(cid, i, i + 1))
            if phrase_starts is not None:
                if not phrase_starts[i]:
                    continue
            elif low not in phrases and lemma not in phrases:
                continue
            for first in {low, lemma}:
                for seq, gap, cid in phrases.get(first, ()):
                    end = self._phrase_end(seq, gap, lowers, lemmas, sentence_of, i)
                    if end is not None:
                        hits.append(ConceptHit(cid, i, end))
        hits = list(dict.fromkeys(hits))
        hits.sort(key=lambda h: (h.token_start, h.token_end, h.concept))
        return hits

    @staticmethod
    def _phrase_end(
        seq: tuple[str, ...], gap: bool, lowers: Sequence[str], lemmas: Sequence[str], sentence_of: Sequence[int], i: int
    ) -> int | None:
        n = len(lowers)
        if not gap:
            if i + len(seq) > n:
                return None
            for k, w in enumerate(seq):
                if lowers[i + k] != w and lemmas[i + k] != w:
                    return None
            return i + len(seq)
        # "a ... b": each later word within GAP_MAX tokens of the previous one, same sentence
        pos = i
        for w in seq[1:]:
            found = None
            for j in range(pos + 1, min(n, pos + 1 + GAP_MAX)):
                if sentence_of[j] != sentence_of[i]:
                    break
                if lowers[j] == w or lemmas[j] == w:
                    found = j
                    break
            if found is None:
                return None
            pos = found
        return pos + 1
