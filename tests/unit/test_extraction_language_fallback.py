"""LanguageIdentifier derives lingua's detect_language_of answer from the confidence values it
already computed for the article's language field; the answer must be lingua's own."""

from __future__ import annotations

import json
from pathlib import Path

from streams.extraction.language import LanguageIdentifier, _most_likely

DATA = Path(__file__).resolve().parent.parent / "data"
OWN = ["", "123", "!!!", "a", "ok", "Kiew", "Привет всем", "e e e", "3.000 4.000", "Die Lage bleibt angespannt.",
       "Troops left the area on Monday.", "Le gouvernement a démissionné hier.", "Nice Essen Reading"]


def test_most_likely_equals_detect_language_of() -> None:
    detector = LanguageIdentifier()._detector
    texts = list(OWN)
    for path in (DATA / "corpus" / "articles.jsonl", DATA / "counts" / "sentences.jsonl"):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    samples = texts + [t[:200] for t in texts] + [t[k : k + 25] for t in texts for k in (0, 40)]
    for s in samples:
        assert _most_likely(detector.compute_language_confidence_values(s)) == detector.detect_language_of(s), s


def test_unconfirmed_field_falls_back_to_detection() -> None:
    li = LanguageIdentifier()
    text = "Die Regierung hat am Montag neue Maßnahmen beschlossen, um die Lage zu entspannen."
    assert li.detect(text, "en") == "de"
    assert li.detect(text, "de") == "de"
