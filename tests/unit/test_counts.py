"""Counts: numbers in both languages, vague quantities, modifiers, exclusions and attachment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from streams.extraction import extractor as extractor_module
from streams.extraction.counts import DocView
from streams.extraction.extractor import Extractor, default_extractor
from streams.extraction.numbers import parse_digits, parse_english_words, parse_german_word
from streams.models import Article, Count


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return default_extractor()


def counts(ex: Extractor, text: str, lang: str) -> list[Count]:
    return list(ex.extract_as([Article(id="t", text=text)], lang)[0].counts)


def one(ex: Extractor, text: str, lang: str) -> tuple[str, int, int | None, str | None, str | None]:
    found = counts(ex, text, lang)
    assert len(found) == 1, found
    c = found[0]
    return c.text, c.min, c.max, c.counted, c.event


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("3.000", "de", 3000), ("12,000", "en", 12000), ("12.000", "de", 12000), ("250", "de", 250),
     ("1.200.000", "de", 1_200_000)],
)
def test_digits(text: str, lang: str, value: int) -> None:
    assert parse_digits(text, None, lang) == (value, 1)


def test_decimals_need_a_scale() -> None:
    assert parse_digits("1,5", "millionen", "de") == (1_500_000, 2)
    assert parse_digits("1.5", "million", "en") == (1_500_000, 2)
    assert parse_digits("1,5", None, "de") is None


@pytest.mark.parametrize(
    ("word", "value"),
    [("vier", 4), ("zwölf", 12), ("einundzwanzig", 21), ("zweitausend", 2000), ("dreihundertfünfzig", 350),
     ("tausend", 1000), ("zweitausendfünfhundert", 2500), ("haus", None), ("undund", None)],
)
def test_german_number_words(word: str, value: int | None) -> None:
    assert parse_german_word(word) == value


@pytest.mark.parametrize(
    ("words", "value"),
    [(["four"], (4, 1)), (["twelve"], (12, 1)), (["two", "thousand"], (2000, 2)), (["twenty", "-", "five"], (25, 3)),
     (["two", "hundred", "and", "fifty"], (250, 4)), (["four", "five"], (4, 1)), (["people"], None)],
)
def test_english_number_words(words: list[str], value: tuple[int, int] | None) -> None:
    assert parse_english_words(words) == value


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Bei dem Angriff wurden vier Zivilisten getötet.", "de", ("vier", 4, 4, "civilians", "killed")),
        ("Mindestens 17 Menschen wurden verletzt.", "de", ("Mindestens 17", 17, None, "people", "injured")),
        ("Mehr als 200 Soldaten wurden verlegt.", "de", ("Mehr als 200", 201, None, "soldiers", "deployed")),
        ("Bis zu 12.000 Soldaten sollen stationiert werden.", "de", ("Bis zu 12.000", 1, 12000, "soldiers", "deployed")),
        ("Mehrere tausend Flüchtlinge flohen über die Grenze.", "de", ("Mehrere tausend", 2000, 9000, "refugees", "displaced")),
        ("Dutzende Kinder wurden verschleppt.", "de", ("Dutzende", 24, 99, "children", "displaced")),
        ("Eine kleine Anzahl Söldner ist eingetroffen.", "de", ("kleine Anzahl", 1, 20, "fighters", "deployed")),
        ("1,5 Millionen Menschen sind geflohen.", "de", ("1,5 Millionen", 1_500_000, 1_500_000, "people", "displaced")),
        ("Zweitausend Reservisten wurden einberufen.", "de", ("Zweitausend", 2000, 2000, "soldiers", None)),
        ("Die Armee fing zwölf Drohnen ab.", "de", ("zwölf", 12, 12, "drones", "shot_down")),
        ("At least 35 civilians were killed.", "en", ("At least 35", 35, None, "civilians", "killed")),
        ("A few thousand troops arrived in Belarus.", "en", ("A few thousand", 2000, 5000, "soldiers", "deployed")),
        ("Dozens of journalists were detained.", "en", ("Dozens", 24, 99, "journalists", "detained")),
        ("Two thousand reservists were called up.", "en", ("Two thousand", 2000, 2000, "soldiers", None)),
        ("Hamas still holds 20 hostages.", "en", ("20", 20, 20, "hostages", None)),
        ("Russia launched 48 missiles overnight.", "en", ("48", 48, 48, "missiles", "launched")),
        ("A small number of troops will remain.", "en", ("A small number", 1, 20, "soldiers", "deployed")),
        ("Between 3,000 and 4,000 soldiers are operating there.", "en", ("Between 3,000 and 4,000", 3000, 4000, "soldiers", "deployed")),
    ],
)
def test_counts(ex: Extractor, text: str, lang: str, expected: tuple[str, int, int | None, str | None, str | None]) -> None:
    assert one(ex, text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Im Jahr 2022 begann der Krieg.", "de"),
        ("Am 12. März 2024 um 14.30 Uhr fielen Schüsse.", "de"),
        ("Die Inflation lag bei 8 Prozent.", "de"),
        ("Die Front ist 30 Kilometer entfernt, die Fahrt dauert 3 Stunden.", "de"),
        ("Ein 12-jähriger Junge wurde gefunden.", "de"),
        ("Der Schaden beträgt 40 Millionen Euro.", "de"),
        ("Zwei Drittel der Bevölkerung waren ohne Strom.", "de"),
        ("Ein Soldat wurde gesehen.", "de"),
        ("In 2014 Russia annexed Crimea; 40% of residents left.", "en"),
        ("The 12-year-old boy and a woman aged 34 were found 5 km away at 3:15 a.m.", "en"),
        ("The attack took place on 3 March, it lasted 2 hours.", "en"),
    ],
)
def test_no_counts_of_people(ex: Extractor, text: str, lang: str) -> None:
    assert [c.text for c in counts(ex, text, lang) if c.counted not in (None, "other")] == []


def test_ellipsis_and_inclusion(ex: Extractor) -> None:
    found = counts(ex, "Zwölf Menschen starben, 28 weitere wurden verletzt, darunter neun Kinder.", "de")
    assert [(c.text, c.counted, c.event) for c in found] == [
        ("Zwölf", "people", "killed"), ("28", "people", "injured"), ("neun", "children", "injured"),
    ]


def test_anaphora_inherits_noun_and_event(ex: Extractor) -> None:
    found = counts(ex, "Rund 5.000 Soldaten sind stationiert, und diese Zahl soll auf 8.000 steigen.", "de")
    assert [(c.text, c.value, c.counted, c.counted_text, c.event) for c in found] == [
        ("Rund 5.000", 5000, "soldiers", "Soldaten", "deployed"), ("8.000", 8000, "soldiers", "Soldaten", "deployed"),
    ]


def test_count_offsets(ex: Extractor) -> None:
    text = "Gestern kamen 300 „freiwillige“ Kämpfer an."
    (c,) = counts(ex, text, "de")
    assert text[c.start : c.end] == "300"
    assert c.counted_text == "Kämpfer" and text[c.counted_start : c.counted_end] == "Kämpfer"  # type: ignore[index]
    assert c.counted == "fighters" and c.event == "deployed"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Two elderly men died, doctors said.", "en", ("Two", "people", "men", "killed")),
        ("The brigade reported three wounded soldiers.", "en", ("three", "soldiers", "soldiers", "injured")),
        ("Zwei Zivilisten, ein Ehepaar aus dem Dorf, wurden dabei getötet.", "de", ("Zwei", "civilians", "Zivilisten", "killed")),
        ("Rund 2.500 US-Marines sind eingetroffen.", "de", ("Rund 2.500", "soldiers", "US-Marines", "deployed")),
    ],
)
def test_attachment_details(ex: Extractor, text: str, lang: str, expected: tuple[str, str, str, str]) -> None:
    (c,) = counts(ex, text, lang)
    assert (c.text, c.counted, c.counted_text, c.event) == expected


def test_event_verb_is_not_the_counted_noun(ex: Extractor) -> None:
    found = counts(ex, "The bombs hit the city, killing three people and injuring 42.", "en")
    assert [(c.text, c.counted, c.counted_text, c.event) for c in found] == [
        ("three", "people", "people", "killed"), ("42", "people", "people", "injured"),
    ]


class _CountingList(list):  # type: ignore[type-arg]
    """A list that adds to ``reads[0]`` each element read from it (index, slice, iteration)."""

    def __init__(self, items: Any, reads: list[int]) -> None:
        super().__init__(items)
        self.reads = reads

    def __getitem__(self, key: Any) -> Any:
        got = super().__getitem__(key)
        self.reads[0] += len(got) if isinstance(key, slice) else 1
        return got

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            self.reads[0] += 1
            yield item


@pytest.mark.parametrize(
    ("lang", "unit"),
    [
        ("de", "12 Häuser "),  # one clause full of counts, no event: clause, sentence and fallback searches
        ("de", "12 Häuser, "),  # one sentence of short clauses, no event: the sentence-wide event
        ("en", "killing 12 "),  # an event next to each count in one long clause
        ("en", "including 12 houses "),  # inclusion words, no event
        ("de", "diese Zahl 12 "),  # anaphora, no noun after the count
        ("de", "zwölf Menschen starben, 28 weitere und 3 "),  # ellipsis and coordination
    ],
)
def test_count_work_is_linear_in_one_long_sentence(
    ex: Extractor, monkeypatch: pytest.MonkeyPatch, lang: str, unit: str
) -> None:
    """The counting stage reads each token a bounded number of times, also when the whole article
    is one sentence full of numbers: the elements it reads from the document's token lists grow
    4 times for 4 times the text (they grew ~16 times, with the square, when each count walked
    over its clause or sentence). No clock involved."""
    reads = [0]
    real_view = extractor_module.DocView

    def counting_view(*fields: Any) -> DocView:
        wrapped: list[Any] = [_CountingList(f, reads) if isinstance(f, list | tuple) else f for f in fields]
        return real_view(*wrapped)

    monkeypatch.setattr(extractor_module, "DocView", counting_view)
    work = {}
    for size in (1_500, 6_000):
        text = (unit * (size // len(unit) + 1))[:size]
        reads[0] = 0
        found = counts(ex, text, lang)
        assert len(found) >= size // len(unit) // 2, (size, len(found))
        work[size] = reads[0]
    assert work[6_000] / work[1_500] < 5, work
