"""The Extractor: article -> Extraction (language, sentences, tokens, entities, concepts, counts).

Create it once per process with ``Extractor.from_settings()`` (loads spaCy, lexicons and the
gazetteer, a few seconds), then call ``extract`` / ``extract_many`` for every article. Plain
synchronous Python: the worker runs it in an executor, ``newsalert check`` calls it directly.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import gc
import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from spacy.attrs import IDX, ORTH
from spacy.language import Language
from spacy.tokens import Doc

from streams.extraction.counts import CountFinder, DocView
from streams.extraction.entities import EntityMatcher, is_non_place
from streams.extraction.frames import FrameBuilder
from streams.extraction.gazetteer import DEFAULT_GAZETTEER, Gazetteer, load_gazetteer
from streams.extraction.language import LanguageIdentifier
from streams.extraction.lexemes import LexemeTable, sentence_starts
from streams.extraction.lexicon import ConceptMatcher, Lexicon, load_lexicon
from streams.extraction.pipeline import build_nlp, build_sentence_splitter, load_model
from streams.extraction.tokens import make_tokens
from streams.models import Article, ConceptMatch, Count, Entity, Extraction, Sentence, Token

log = logging.getLogger(__name__)

SUPPORTED = ("de", "en")
MODEL_LABELS = {"PER": "PERSON", "PERSON": "PERSON", "LOC": "LOC", "GPE": "GPE", "ORG": "ORG", "NORP": "NORP", "MISC": "MISC"}
_NORMALISE = re.compile(r"\W+")
_EMPTY: frozenset[str] = frozenset()


@dataclass
class LanguagePipeline:
    """Everything one language needs; built once in ``Extractor.from_settings``."""

    lang: str
    nlp: Language
    entities: EntityMatcher
    concepts: ConceptMatcher
    counts: CountFinder
    lexemes: LexemeTable
    frames: FrameBuilder
    model: Any | None = None
    model_name: str | None = None


class LazyPipelines(Mapping[str, "LanguagePipeline"]):
    """The supported languages' pipelines, each built on first access."""

    def __init__(self, languages: Sequence[str], build: Callable[[str], LanguagePipeline]) -> None:
        self._languages = tuple(languages)
        self._build = build
        self._built: dict[str, LanguagePipeline] = {}

    def __getitem__(self, lang: str) -> LanguagePipeline:
        if lang not in self._languages:
            raise KeyError(lang)
        pipe = self._built.get(lang)
        if pipe is None:
            t0 = time.perf_counter()
            pipe = self._built[lang] = self._build(lang)
            log.info("extraction: %s pipeline built on first use in %.1f s", lang, time.perf_counter() - t0)
        return pipe

    def __contains__(self, lang: object) -> bool:
        return lang in self._languages

    def __iter__(self) -> Iterator[str]:
        return iter(self._languages)

    def __len__(self) -> int:
        return len(self._languages)

    @property
    def built(self) -> tuple[str, ...]:
        return tuple(self._built)


class Extractor:
    """Thread-compatible for reads after construction; not safe to call concurrently (spaCy)."""

    def __init__(
        self,
        pipelines: Mapping[str, LanguagePipeline],
        identifier: LanguageIdentifier,
        splitter: Language,
        lexicon: Lexicon,
        gazetteer: Gazetteer,
        trust_language_field: bool = False,
    ) -> None:
        self.pipelines: Mapping[str, LanguagePipeline] = (
            pipelines if isinstance(pipelines, LazyPipelines) else dict(pipelines))
        self.trust_language_field = trust_language_field
        self.identifier = identifier
        self.splitter = splitter
        self.lexicon = lexicon
        self.gazetteer = gazetteer
        self.start_seconds = 0.0

    # ---------------------------------------------------------------- construction

    @classmethod
    def from_settings(
        cls,
        lexicon_dir: Path | None = None,
        models: dict[str, str] | None = None,
        gazetteer_path: Path | None = None,
        trust_language_field: bool | None = None,
        lazy: bool = False,
    ) -> Extractor:
        """Load everything (call once per process). ``lexicon_dir`` defaults to the rules
        directory's ``lexicon`` folder (Settings.rules_dir / "lexicon"); ``models`` maps a language
        to a spaCy model package or path whose NER is merged in; by default it is read from
        NEWSALERT_NER_MODEL_DE / NEWSALERT_NER_MODEL_EN. ``trust_language_field`` (default: env
        NEWSALERT_TRUST_LANGUAGE_FIELD, off): use an article's own ``language`` field when it names
        a supported language instead of detecting it (saves ~0.2 ms per article). ``lazy``: build
        a language's pipeline when the first article in that language comes (for one-off commands
        such as ``check``; the worker builds all at start so that no batch waits for it)."""
        t0 = time.perf_counter()
        if lexicon_dir is None or models is None or trust_language_field is None:
            from streams.config import Settings  # the environment is read there, once

            settings = Settings.from_env()
            lexicon_dir = settings.rules_dir / "lexicon" if lexicon_dir is None else lexicon_dir
            models = settings.ner_models() if models is None else models
            if trust_language_field is None:
                trust_language_field = settings.trust_language_field
        lexicon = load_lexicon(Path(lexicon_dir))
        gazetteer = load_gazetteer(gazetteer_path or DEFAULT_GAZETTEER)
        categories = {c.id: c.count_category for c in lexicon.concepts.values() if c.count_category}
        events = {c.id: c.count_event for c in lexicon.concepts.values() if c.count_event}
        priorities = {c.id: c.count_priority for c in lexicon.concepts.values() if c.count_priority}

        def build(lang: str) -> LanguagePipeline:
            nlp = build_nlp(lang)
            tokenizer = nlp.tokenizer

            def tokenize(text: str, _tok: Any = tokenizer) -> list[str]:
                return [t.text for t in _tok(text)]

            model = None
            if models.get(lang):
                model = load_model(models[lang])
                log.info("extraction: NER model %s loaded for %s", models[lang], lang)
            concept_matcher = ConceptMatcher(lexicon, lang)
            count_finder = CountFinder(lang, categories, events, priorities)
            pipe = LanguagePipeline(
                lang=lang,
                nlp=nlp,
                entities=EntityMatcher(gazetteer, lang, tokenize),
                concepts=concept_matcher,
                counts=count_finder,
                lexemes=LexemeTable(nlp, concept_matcher.token_concepts, concept_matcher.starts_phrase,
                                    count_finder.may_start),
                frames=FrameBuilder(lang),
                model=model,
                model_name=models.get(lang),
            )
            pipe.entities.set_vocabulary(pipe.lexemes.lemma_lookup, nlp.Defaults.stop_words)
            return pipe

        pipelines: Mapping[str, LanguagePipeline] = (
            LazyPipelines(SUPPORTED, build) if lazy else {lang: build(lang) for lang in SUPPORTED})
        extractor = cls(pipelines, LanguageIdentifier(), build_sentence_splitter(), lexicon, gazetteer,
                        trust_language_field=trust_language_field)
        # the gazetteer tables and caches are ~600,000 long-lived objects: move them out of the
        # cyclic collector's generations so that its full collections (which long articles with
        # thousands of Token objects trigger) do not traverse them again and again; measured in
        # docs/extraction.md ("Speed"). Objects are still freed by reference counting.
        gc.freeze()
        extractor.start_seconds = time.perf_counter() - t0
        log.info("extraction: ready in %.1f s (%d concepts, %d gazetteer names)",
                 extractor.start_seconds, len(lexicon.concepts), len(gazetteer.names))
        return extractor

    @property
    def supported_languages(self) -> tuple[str, ...]:
        return tuple(self.pipelines)

    # ---------------------------------------------------------------- extraction

    def extract(self, article: Article) -> Extraction:
        """Extract one article (prefer ``extract_many`` for batches)."""
        return self.extract_many([article])[0]

    def extract_many(self, articles: Sequence[Article]) -> list[Extraction]:
        """Extract a batch: languages are detected first, then each language's articles are extracted."""
        return [extraction for extraction, _ in self.extract_many_timed(articles)]

    def extract_many_timed(self, articles: Sequence[Article]) -> list[tuple[Extraction, float]]:
        """``extract_many`` with the seconds each article took (its language detection, tokenizing
        and extraction), so per-language timings reflect each article rather than the batch mean."""
        seconds = [0.0] * len(articles)
        langs = []
        for idx, article in enumerate(articles):
            started = time.perf_counter()
            langs.append(self._language(article))
            seconds[idx] += time.perf_counter() - started
        results: list[Extraction | None] = [None] * len(articles)
        by_lang: dict[str, list[int]] = {}
        for idx, lang in enumerate(langs):
            by_lang.setdefault(lang, []).append(idx)
        for lang, idxs in by_lang.items():
            pipe = self.pipelines.get(lang)
            if pipe is None:
                log.info("extraction: language %s is not supported (articles %s)", lang, ", ".join(articles[i].id for i in idxs[:5]))
                for i in idxs:
                    started = time.perf_counter()
                    text, body_start = articles[i].analysed_text()
                    results[i] = Extraction(
                        article_id=articles[i].id, language=lang, supported=False, text=text,
                        sentences=tuple(_sentences(self.splitter(text))), body_start=body_start,
                    )
                    seconds[i] += time.perf_counter() - started
                continue
            tokenizer: Any = pipe.nlp.tokenizer
            for i in idxs:
                started = time.perf_counter()
                results[i] = self._from_doc(articles[i], lang, pipe, tokenizer(articles[i].analysed_text()[0]))
                seconds[i] += time.perf_counter() - started
        return [(r, t) for r, t in zip(results, seconds, strict=True) if r is not None]

    def _language(self, article: Article) -> str:
        if self.trust_language_field and article.language:
            given = article.language.strip().lower()[:2]
            if given in self.pipelines:
                return given
        return self.identifier.detect(article.text, article.language)

    def extract_as(self, articles: Sequence[Article], language: str) -> list[Extraction]:
        """Extract a batch in a language the caller knows (no detection). Used by evaluations and
        by callers whose source guarantees the language. Raises KeyError for an unsupported one."""
        pipe = self.pipelines[language]
        docs = _tokenize(pipe, [a.analysed_text()[0] for a in articles])
        return [self._from_doc(a, language, pipe, doc) for a, doc in zip(articles, docs, strict=True)]

    def _from_doc(self, article: Article, lang: str, pipe: LanguagePipeline, doc: Doc) -> Extraction:
        """Build the Extraction of one tokenised document (``doc`` comes from the bare tokenizer:
        lemmas, sentence starts and the other per-word attributes come from ``pipe.lexemes``).
        The stages are separate methods so that benchmarks/bench_extraction.py can time each."""
        text, body_start = article.analysed_text()
        w = self._words(text, pipe, doc, body_start)
        tokens = self._tokens(w)
        entities = self._entities(w, pipe, doc)
        concepts, per_token = self._concepts(w, pipe)
        counts = self._counts(w, pipe, entities, per_token)
        extraction = Extraction(
            article_id=article.id,
            language=lang,
            supported=True,
            text=w.text,
            sentences=w.sentences,
            tokens=tokens,
            entities=tuple(entities),
            concepts=tuple(concepts),
            counts=tuple(counts),
            body_start=body_start,
            dateline=next((e for e in entities if e.role == "dateline"), None),
        )
        return self._frames(extraction, pipe, article)

    @staticmethod
    def _frames(extraction: Extraction, pipe: LanguagePipeline, article: Article) -> Extraction:
        """Stage 6: event frames (streams.extraction.frames), from everything found before."""
        year = article.published_at[:4] if article.published_at else ""
        frames = pipe.frames.build(extraction, dateline=extraction.dateline,
                                   published_year=int(year) if year.isdigit() else None)
        return dataclasses.replace(extraction, frames=frames)

    @staticmethod
    def _words(text: str, pipe: LanguagePipeline, doc: Doc, body_start: int = 0) -> Words:
        """Stage 1: token ids and offsets from the Doc, per-word attributes, sentences (the
        headline, when there is one before ``body_start``, is a sentence of its own)."""
        # ``text`` is the article text: spaCy's tokenizer is lossless (doc.text == text), and
        # rebuilding doc.text would iterate the Doc
        n = len(doc)
        if n:
            orths, idx = doc.to_array([ORTH, IDX]).T.tolist()
        else:
            orths, idx = [], []
        rows = pipe.lexemes.rows(orths)
        starts = sentence_starts(rows)
        if body_start and n:
            first_body = bisect.bisect_left(idx, body_start)
            if first_body < n:
                starts[first_body] = True
        if n:
            # one transposition instead of one list per attribute
            words, lowers, lemmas, is_punct, like_num, _sp, token_sets, phrase_starts, count_starts = zip(*rows, strict=True)
        else:
            words = lowers = lemmas = is_punct = like_num = token_sets = phrase_starts = count_starts = ()
        sentences: list[Sentence] = []
        sentence_of = [0] * n
        bounds = [k for k in range(n) if starts[k]] + [n]
        for si in range(len(bounds) - 1):
            s_start, s_end = bounds[si], bounds[si + 1]
            c_start = idx[s_start]
            c_end = idx[s_end - 1] + len(words[s_end - 1])
            sentences.append(Sentence(text[c_start:c_end], c_start, c_end, s_start, s_end))
            sentence_of[s_start:s_end] = [si] * (s_end - s_start)
        return Words(text, idx, words, lowers, lemmas, is_punct, like_num, token_sets, phrase_starts, count_starts,
                     starts, sentence_of, tuple(sentences))

    @staticmethod
    def _tokens(w: Words) -> tuple[Token, ...]:
        """Stage 2: the streams.models.Token objects."""
        return make_tokens(w.words, w.lemmas, w.idx, w.sentence_of, w.is_punct, w.like_num)

    @staticmethod
    def _entities(w: Words, pipe: LanguagePipeline, doc: Doc) -> list[Entity]:
        """Stage 3: gazetteer entities (and the optional NER model's)."""
        text, idx, words, sentence_of = w.text, w.idx, w.words, w.sentence_of
        entities: list[Entity] = []
        for hit in pipe.entities.match(words, w.sentence_starts, sentence_of):
            start = idx[hit.token_start]
            end = idx[hit.token_end - 1] + len(words[hit.token_end - 1])
            e = hit.entry
            entities.append(
                Entity(text[start:end], start, end, hit.token_start, hit.token_end, sentence_of[hit.token_start],
                       e.type, e.id, e.name, e.country, e.kind, hit.source, hit.role)
            )
        if pipe.model is not None:
            entities = _merge_model_entities(entities, pipe.model, doc, sentence_of)
        return entities

    @staticmethod
    def _concepts(w: Words, pipe: LanguagePipeline) -> tuple[list[ConceptMatch], list[frozenset[str]]]:
        """Stage 4: concept matches, and the concepts of every token (for counts)."""
        text, idx, words, lemmas, sentence_of = w.text, w.idx, w.words, w.lemmas, w.sentence_of
        concept_hits = pipe.concepts.match(w.lowers, lemmas, sentence_of, w.token_sets, w.phrase_starts)
        per_token: list[frozenset[str]] = list(w.token_sets)  # single-word concepts of each token
        concepts = []
        for h in concept_hits:
            start = idx[h.token_start]
            end = idx[h.token_end - 1] + len(words[h.token_end - 1])
            if h.token_end - h.token_start > 1:  # phrase matches: count the event on their first token
                per_token[h.token_start] = per_token[h.token_start] | {h.concept}
            concepts.append(
                ConceptMatch(h.concept, text[start:end], " ".join(lemmas[h.token_start : h.token_end]), start, end,
                             h.token_start, h.token_end, sentence_of[h.token_start])
            )
        return concepts, per_token

    @staticmethod
    def _counts(w: Words, pipe: LanguagePipeline, entities: Sequence[Entity], per_token: list[frozenset[str]]) -> list[Count]:
        """Stage 5: counts."""
        text, idx, words, sentence_of = w.text, w.idx, w.words, w.sentence_of
        n = len(words)
        norp = [False] * n
        norp_span_end: dict[int, int] = {}
        for ent in entities:
            if ent.type == "NORP":
                norp_span_end[ent.token_start] = ent.token_end
                for k in range(ent.token_start, ent.token_end):
                    norp[k] = True
        view = DocView(words, w.lowers, sentence_of, w.is_punct, per_token, norp, norp_span_end)
        counts = []
        for c in pipe.counts.find(view, w.count_starts):
            start = idx[c.token_start]
            end = idx[c.token_end - 1] + len(words[c.token_end - 1])
            if text[end - 1 : end] == "." and words[c.token_end - 1][:-1].isdigit():
                end -= 1  # "auf 54." - the German tokenizer keeps the full stop with the number
            if c.counted_start is not None and c.counted_end is not None:
                cs: int | None = idx[c.counted_start]
                ce: int | None = idx[c.counted_end - 1] + len(words[c.counted_end - 1])
                ctext: str | None = text[cs:ce]  # type: ignore[index]
            else:
                cs = ce = None
                ctext = None
            counts.append(
                Count(text[start:end], start, end, c.token_start, c.token_end, sentence_of[c.token_start], c.min, c.max,
                      c.approximate, c.counted, ctext, cs, ce, c.event)
            )
        return counts


class Words(NamedTuple):
    """Token-parallel data of one document, built by ``Extractor._words``."""

    text: str
    idx: list[int]  # character offset of each token
    words: Sequence[str]
    lowers: Sequence[str]
    lemmas: Sequence[str]
    is_punct: Sequence[bool]
    like_num: Sequence[bool]
    token_sets: Sequence[frozenset[str]]  # single-word concepts
    phrase_starts: Sequence[bool]
    count_starts: Sequence[bool]
    sentence_starts: list[bool]
    sentence_of: list[int]
    sentences: tuple[Sentence, ...]


@functools.lru_cache(maxsize=1)
def default_extractor() -> Extractor:
    """One shared Extractor with the default settings, built on first call (tests, CLI tools)."""
    return Extractor.from_settings()


def _tokenize(pipe: LanguagePipeline, texts: Sequence[str]) -> list[Doc]:
    """The bare tokenizer's Doc of every text: the pipeline's sentencizer and lemmatizer are not
    run, their results come from ``pipe.lexemes`` (same values, cached per word)."""
    tokenizer: Any = pipe.nlp.tokenizer
    return [tokenizer(t) for t in texts]


def _sentences(doc: Doc) -> list[Sentence]:
    return [Sentence(s.text, s.start_char, s.end_char, s.start, s.end) for s in doc.sents] if len(doc) else []


def _merge_model_entities(entities: list[Entity], model: Any, doc: Doc, sentence_of: list[int]) -> list[Entity]:
    """Add the statistical model's entities where they do not overlap a gazetteer entity."""
    taken = [False] * len(doc)
    for e in entities:
        for k in range(e.token_start, e.token_end):
            taken[k] = True
    out = list(entities)
    mdoc = model(doc.text)
    for ent in mdoc.ents:
        span = doc.char_span(ent.start_char, ent.end_char, alignment_mode="expand")
        if span is None or any(taken[k] for k in range(span.start, span.end)):
            continue
        label = MODEL_LABELS.get(ent.label_, ent.label_)
        if label in ("GPE", "LOC") and is_non_place(span.text):
            continue  # months, weekdays, "?", adjectives and demonyms are no places
        norm = _NORMALISE.sub("-", span.text.lower()).strip("-")
        out.append(
            Entity(span.text, span.start_char, span.end_char, span.start, span.end, sentence_of[span.start], label,
                   f"model:{label}:{norm}", span.text, None, None, "model")
        )
        for k in range(span.start, span.end):
            taken[k] = True
    out.sort(key=lambda e: e.start)
    return out
