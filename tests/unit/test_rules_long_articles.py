"""Long articles: the shipped rules find in a long article what they find in its matching
sentences alone, and the work of evaluating it grows linearly with its length.

No wall-clock assertions: the cost is counted (items handed to leaves, characters given to RE2,
joins). Timings are in benchmarks/bench_long_articles.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import re2

from streams.models import Article, ConceptMatch, Entity, Extraction, Match, Sentence, Token
from streams.pipeline import Pipeline
from streams.rules import matcher
from streams.rules.conditions import AllOf, ConceptLeaf, EntityLeaf, OptionalOf, SameSentence
from streams.rules.matcher import MAX_SOLUTIONS, ExtractionView, evaluate

ROOT = Path(__file__).resolve().parents[2]

# Written for this test. Each HITS sentence matches at least one rule of the pack on its own;
# the FILLER sentences match none (German, English and mixed scripts).
HITS = {
    "de": [
        "Bei einem Drohnenangriff auf Odesa wurden in der Nacht drei Zivilisten getötet.",
        "Nach Angaben der Regionalverwaltung schlugen am Morgen zwei Raketen in Wohnhäusern in Dnipro ein, "
        "fünf Menschen wurden verletzt.",
    ],
    "en": [
        "A drone attack on Odesa killed three civilians overnight, the regional governor said.",
        "Hackers attacked the computer networks of the Estonian parliament on Monday.",
        "The European Union agreed new sanctions against Iran on Thursday.",
    ],
}
FILLER = {
    "de": [
        "Der Stadtrat von Freiburg hat am Dienstag über den neuen Radweg entlang der Dreisam beraten.",
        "Die Bäckerei am Marktplatz verkauft seit Jahren Brezeln nach einem alten Familienrezept.",
        "Журналисты спорили о погоде, während draußen ein leichter Regen fiel 🌧.",
        "مرحبا — ein Gruß, den die Schülerinnen im Sprachkurs zuerst gelernt haben.",
        "Im Herbst sammeln Kinder in Passau Kastanien für den Wildpark.",
    ],
    "en": [
        "Officials in Lagos said the new ferry line would carry about four thousand commuters a day.",
        "In the evening the orchestra played a short piece by a young composer from Graz.",
        "The library in Leeds extended its opening hours during the exam weeks.",
        "Журналисты спорили о погоде, while the rain kept falling on the old square 🌧.",
    ],
}
EVERY = 30  # one matching sentence, then EVERY - 1 filler sentences


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_dirs(ROOT / "rules")


def long_text(lang: str, sentences: int) -> tuple[str, list[str]]:
    """``sentences`` sentences, a matching one first (same lead as the short text) and then every
    EVERY-th; also the matching sentences in order."""
    out, hits = [], []
    for i in range(sentences):
        if i % EVERY == 0:
            s = HITS[lang][(i // EVERY) % len(HITS[lang])]
            hits.append(s)
        else:
            s = FILLER[lang][i % len(FILLER[lang])]
        out.append(s)
    return " ".join(out), hits


def article(text: str, lang: str) -> Article:
    return Article(id=f"long-{lang}-{len(text)}", text=text, title="", language=lang, source="test",
                   url="https://example.invalid/long")


def comparable(m: Match) -> tuple[Any, ...]:
    return (m.rule_id, m.suppression_key, m.facts, tuple(e.text for e in m.evidence))


@pytest.mark.parametrize("lang", ["de", "en"])
def test_long_article_matches_what_its_matching_sentences_match(pipeline: Pipeline, lang: str) -> None:
    text, hits = long_text(lang, 150)
    long_result = pipeline.process(article(text, lang))
    assert len(pipeline.extractor.extract_many([article(text, lang)])[0].sentences) >= 140
    short_result = pipeline.process(article(" ".join(hits), lang))
    assert short_result.matches, "the matching sentences match"
    assert [comparable(m) for m in long_result.matches] == [comparable(m) for m in short_result.matches]
    for m in long_result.matches:  # evidence offsets point into the long text
        for e in m.evidence:
            assert text[e.start:e.end] == e.text
            assert e.text in hits


@dataclass
class Cost:
    items: int = 0  # entities / counts / concepts read from the extraction
    regex_chars: int = 0  # characters handed to RE2
    regex_calls: int = 0
    joins: int = 0


@pytest.fixture
def cost(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cost]:
    """Count what evaluation looks at (see measure()), and check that a region of sentences is only
    ever given items of those sentences and that RE2 is only ever given one sentence."""
    c = Cost()

    def checking(name: str) -> None:
        original = getattr(ExtractionView, name)

        def wrapper(self: ExtractionView, *args: Any) -> Any:
            region = args[-1]
            items = original(self, *args)
            if region is not None:
                assert all(i.sentence in region for i in items), f"{name} looked outside {region}"
            return items

        monkeypatch.setattr(ExtractionView, name, wrapper)

    for name in ("entities_in", "counts_in", "concepts_in"):
        checking(name)

    finditer = re2._Regexp.finditer

    def regex_wrapper(self: Any, text: str, pos: int | None = None, endpos: int | None = None) -> Any:
        assert pos is None and endpos is None, "RE2 is given the sentence, not offsets into the article"
        c.regex_chars += len(text)
        c.regex_calls += 1
        return finditer(self, text, pos, endpos)

    join = matcher._join

    def join_wrapper(a: Any, b: Any) -> Any:
        c.joins += 1
        return join(a, b)

    monkeypatch.setattr(re2._Regexp, "finditer", regex_wrapper)
    monkeypatch.setattr(matcher, "_join", join_wrapper)
    yield c


class Counted(tuple):  # type: ignore[type-arg]
    """A tuple that counts the items read from it (iteration and indexing)."""

    cost: Cost

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            self.cost.items += 1
            yield item

    def __getitem__(self, key: Any) -> Any:
        got = super().__getitem__(key)
        self.cost.items += len(got) if isinstance(key, slice) else 1
        return got


def counted(items: tuple[Any, ...], cost: Cost) -> Counted:
    out = Counted(items)
    out.cost = cost
    return out


def measure(pipeline: Pipeline, cost: Cost, text: str, lang: str) -> Cost:
    a = article(text, lang)
    ex = pipeline.extractor.extract_many([a])[0]  # extraction outside the counters
    ex = replace(ex, entities=counted(ex.entities, cost), counts=counted(ex.counts, cost),
                 concepts=counted(ex.concepts, cost))
    before = Cost(cost.items, cost.regex_chars, cost.regex_calls, cost.joins)
    matches = pipeline.ruleset.evaluate(ex, a)
    assert matches
    longest = max(s.end - s.start for s in ex.sentences)
    assert cost.regex_calls > before.regex_calls
    assert cost.regex_chars - before.regex_chars <= (cost.regex_calls - before.regex_calls) * longest
    return Cost(cost.items - before.items, cost.regex_chars - before.regex_chars,
                cost.regex_calls - before.regex_calls, cost.joins - before.joins)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_evaluation_work_grows_linearly_with_article_length(pipeline: Pipeline, cost: Cost, lang: str) -> None:
    # 120 and 480 sentences: quadratic work would grow 16-fold, linear work 4-fold
    small = measure(pipeline, cost, long_text(lang, 120)[0], lang)
    large = measure(pipeline, cost, long_text(lang, 480)[0], lang)
    for what in ("items", "regex_chars", "regex_calls", "joins"):
        a, b = getattr(small, what), getattr(large, what)
        assert a > 0, what
        assert b <= 4.5 * a, f"{what}: {a} for 120 sentences, {b} for 480"


def one_long_sentence(words: int) -> Extraction:
    """One sentence of ``words`` words, each a concept and a place (no spaCy)."""
    text = " ".join(["Wort"] * words) + "."
    tokens, entities, concepts = [], [], []
    for i in range(words):
        start = i * 5
        tokens.append(Token("Wort", "wort", start, start + 4, 0))
        entities.append(Entity("Wort", start, start + 4, i, i + 1, 0, "GPE", f"city:{i}", f"City {i}", "XX", "city"))
        concepts.append(ConceptMatch("thing", "Wort", "wort", start, start + 4, i, i + 1, 0))
    tokens.append(Token(".", ".", len(text) - 1, len(text), 0, is_punct=True))
    return Extraction(article_id="one", language="de", supported=True, text=text,
                      sentences=(Sentence(text, 0, len(text), 0, len(tokens)),), tokens=tuple(tokens),
                      entities=tuple(entities), concepts=tuple(concepts), counts=())


def test_optional_in_a_long_sentence_stops_joining_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Counter[str]()
    join = matcher._join

    def join_wrapper(a: Any, b: Any) -> Any:
        calls["join"] += 1
        return join(a, b)

    monkeypatch.setattr(matcher, "_join", join_wrapper)
    ex = one_long_sentence(3 * MAX_SOLUTIONS)
    cond = SameSentence(AllOf((ConceptLeaf(frozenset({"thing"}), "what"),
                               OptionalOf(EntityLeaf(types=frozenset({"GPE"}), binding="where")))))
    sols = evaluate(cond, ExtractionView(ex, {}, {}))
    assert len(sols) == MAX_SOLUTIONS
    # the same prefix as joining everything and cutting: the first concept with every place
    first = ex.concepts[0]
    assert [s.binding_map()["what"] for s in sols] == [first] * MAX_SOLUTIONS
    assert [s.binding_map()["where"] for s in sols] == list(ex.entities[:MAX_SOLUTIONS])
    # required join (capped) + optional widening (capped), not 2,000 x 6,000
    assert calls["join"] <= 2 * MAX_SOLUTIONS


def _token_span_by_scan(ex: Extraction, start: int, end: int, sentence: int) -> tuple[int, int]:
    s = ex.sentences[sentence]
    ts = te = s.token_start
    for i in range(s.token_start, s.token_end):
        t = ex.tokens[i]
        if t.end <= start:
            ts = i + 1
        if t.start < end:
            te = i + 1
    return (ts, max(te, ts))


def test_regex_token_spans_are_bisected_like_the_scan(pipeline: Pipeline) -> None:
    text, _ = long_text("de", 60)
    ex = pipeline.extractor.extract_many([article(text, "de")])[0]
    view = ExtractionView(ex, {}, {})
    assert view.token_bounds is not None
    for si, s in enumerate(ex.sentences):
        for start in range(s.start, s.end, 7):
            for end in (start, start + 1, start + 5, start + 13, s.end):
                assert matcher._token_span(view, start, end, si) == _token_span_by_scan(ex, start, end, si)
