"""Language identification with lingua (restricted to languages news in Europe arrive in).

``LanguageIdentifier.detect`` is called once per article by the Extractor.

Policy (documented in docs/extraction.md): the text decides. Only the first 1,000 characters are
looked at (enough for lingua, and fast). When the text has fewer than ``MIN_LETTERS`` letters
(a headline, "Kiew") detection is unreliable, so the article's own ``language`` field is used
when present; otherwise lingua's guess, or "und" when it has none.
"""

from __future__ import annotations

import logging

from lingua import IsoCode639_1, LanguageDetectorBuilder

log = logging.getLogger(__name__)

LANGUAGES = ("de", "en", "fr", "es", "it", "nl", "pl", "ru", "uk", "pt", "tr", "ar", "sv", "da", "cs")
SAMPLE_CHARS = 1_000
MIN_LETTERS = 30
UNDETERMINED = "und"


class LanguageIdentifier:
    """Low-accuracy-mode lingua detector over ``LANGUAGES`` (small memory, fast on article text)."""

    def __init__(self, languages: tuple[str, ...] = LANGUAGES) -> None:
        codes = [getattr(IsoCode639_1, code.upper()) for code in languages]
        self.languages = languages
        self._detector = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()

    def detect(self, text: str, hint: str | None = None) -> str:
        """ISO 639-1 code of ``text``; ``hint`` (the article's language field) for very short texts."""
        sample = text[:SAMPLE_CHARS]
        letters = sum(1 for ch in sample if ch.isalpha())
        norm_hint = hint.strip().lower()[:2] if hint and hint.strip() else None
        if letters < MIN_LETTERS and norm_hint:
            return norm_hint
        if letters == 0:
            return UNDETERMINED
        try:
            found = self._detector.detect_language_of(sample)
        except Exception:  # lingua raises only on internal errors; never crash the worker for it
            log.exception("language detection failed")
            found = None
        if found is None:
            return norm_hint or UNDETERMINED
        return str(found.iso_code_639_1.name).lower()
