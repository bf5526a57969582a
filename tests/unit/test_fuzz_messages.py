"""Hostile article messages: every input is either rejected with a reason or processed.

Property-based (hypothesis) over ``decode_article`` and, for whatever decodes, the in-process
pipeline, plus explicit oversized cases (10 MB). Nothing here asserts a duration: the slowest
input of each kind is measured and printed at the end of the module (run with ``-s`` or read the
terminal summary line "fuzz timings").
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.config import Limits
from streams.models import ARTICLE_FIELDS, Article, ArticleError
from streams.worker.messages import SourceRecord, dead_letter, decode_article

LIMITS = Limits()
TIMINGS: dict[str, list[float]] = defaultdict(list)

FUZZ = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.data_too_large])
FUZZ_PIPELINE = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow,
                                                                                 HealthCheck.data_too_large])

# characters from the scripts and special classes a news feed can carry
SCRIPTS = (
    "abcdefghijklmnopqrstuvwxyzäöüßÄÖÜéèçñ ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?-–—\"'()%€$",
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯіїєґ",
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي٠١٢٣٤٥٦٧٨٩ءآأؤإئ",
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年北京朝鲜俄罗斯乌克兰士兵",
    "日本語のテキストとカタカナ한국어문장입니다",
    "😀🔥💥🚀🇺🇦🇷🇺👨‍👩‍👧🏳️‍🌈",
    "\u200d\u200c\u200e\u200f\u202e\u2066\u2069\ufeff\u00ad\u2028\u2029\u0301\u0308",
    "".join(chr(c) for c in range(1, 32)) + "\x7f\x85\x9b",
)
mixed_text = st.text(alphabet=st.sampled_from("".join(SCRIPTS)), min_size=0, max_size=400)
any_text = st.one_of(mixed_text, st.text(max_size=200))  # any code point, incl. lone surrogates

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), any_text)
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)), max_leaves=20)


@st.composite
def article_like(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly article-shaped objects: right fields with hostile strings, sometimes wrong types,
    missing or unknown fields."""
    obj: dict[str, Any] = {}
    well_formed = draw(st.integers(0, 9)) < 7  # most examples decode, so the pipeline gets hostile text
    for name in ARTICLE_FIELDS:
        if well_formed and name in ("id", "text"):
            obj[name] = draw(st.text(alphabet=st.sampled_from("".join(SCRIPTS)), min_size=1, max_size=400)) + "x"
            continue
        mode = draw(st.sampled_from(["text", "text", "text", "absent", "other"]))
        if well_formed and mode == "other":
            mode = "absent"
        if mode == "text":
            obj[name] = draw(mixed_text if name == "text" else any_text)
        elif mode == "other":
            obj[name] = draw(json_values)
    if not well_formed and draw(st.booleans()):
        obj[draw(st.text(min_size=1, max_size=8))] = draw(json_values)
    return obj


def encode(value: Any, ensure_ascii: bool) -> bytes:
    # ensure_ascii=True writes lone surrogates as \ud800 escapes, as a careless producer would
    return json.dumps(value, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")


@lru_cache(maxsize=1)
def pipeline() -> Any:
    from streams.pipeline import Pipeline
    from tests.conftest import ROOT

    return Pipeline.from_dirs(ROOT / "rules")


def decode_or_reason(raw: bytes | None, kind: str, limits: Limits = LIMITS) -> Article | None:
    """Decode; an ArticleError must carry a reason code and a detail. Times the call."""
    t0 = time.perf_counter()
    try:
        article = decode_article(raw, limits)
    except ArticleError as exc:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", exc.reason), exc
        assert exc.detail
        return None
    finally:
        TIMINGS[f"decode {kind}"].append(time.perf_counter() - t0)
    # what decodes must be encodable again: the worker writes it to the matches topic and labels
    for name in ARTICLE_FIELDS:
        value = getattr(article, name)
        if value is not None:
            value.encode("utf-8")
    return article


def process(article: Article, kind: str) -> None:
    """Run the whole pipeline; its output must serialize the way the worker sends it."""
    pipe = pipeline()  # loaded once, outside the measurement
    t0 = time.perf_counter()
    result = pipe.process(article)
    TIMINGS[f"pipeline {kind}"].append(time.perf_counter() - t0)
    assert result.article.id == article.id and isinstance(result.language, str)
    for match in result.matches:
        json.dumps(match.to_dict(), ensure_ascii=False).encode("utf-8")
    for alert in result.standalone_alerts():
        json.dumps(alert.to_dict(), ensure_ascii=False).encode("utf-8")


@pytest.fixture(scope="module", autouse=True)
def report_timings(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"  {kind}: n={len(ts)} max={max(ts) * 1000:.1f} ms" for kind, ts in sorted(TIMINGS.items()) if ts]
    text = "fuzz timings (slowest single input per kind):\n" + "\n".join(lines)
    if reporter is not None:
        reporter.write_line(text)
    else:  # pragma: no cover
        print(text)


@FUZZ
@given(st.one_of(st.none(), st.binary(max_size=3000)))
def test_arbitrary_bytes_are_rejected_with_a_reason_or_decoded(raw: bytes | None) -> None:
    decode_or_reason(raw, "bytes")


@FUZZ
@given(json_values, st.booleans())
def test_arbitrary_json_is_rejected_with_a_reason_or_decoded(value: Any, ensure_ascii: bool) -> None:
    decode_or_reason(encode(value, ensure_ascii), "json")


@FUZZ_PIPELINE
@given(article_like(), st.booleans())
def test_article_like_messages_are_rejected_or_processed(obj: dict[str, Any], ensure_ascii: bool) -> None:
    article = decode_or_reason(encode(obj, ensure_ascii), "article-like")
    if article is not None:
        process(article, "article-like")


@FUZZ_PIPELINE
@given(st.lists(st.sampled_from(SCRIPTS[:6]), min_size=1, max_size=8), st.integers(1, 40))
def test_mixed_script_texts_are_processed(parts: list[str], repeat: int) -> None:
    text = " ".join(p[: 20 + repeat] for p in parts) * repeat
    article = decode_or_reason(json.dumps({"id": "mixed", "text": text}).encode(), "mixed-script")
    assert article is not None
    process(article, "mixed-script")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"id": ' + b"1" * 5000 + b', "text": "x"}', "invalid_json"),  # beyond int_max_str_digits
        (b'{"id": "a", "text": "Kiew \\ud800 Charkiw"}', "invalid_unicode"),  # lone surrogate escape
        (b'{"id": "\\udfff", "text": "x"}', "invalid_unicode"),
        (b'{"id": "a", "text": "x", "source": "\\ud83d"}', "invalid_unicode"),
        (b"\xed\xa0\x80", "invalid_utf8"),  # a surrogate encoded as UTF-8
        (b"\xc0\xaf", "invalid_utf8"),  # overlong encoding
        (b'\xef\xbb\xbf{"id": "a", "text": "x"}', "invalid_json"),  # byte-order mark
        (b'{"id": "a", "text": "NUL\\u0000inside"}', "control_characters"),
        (b"NaN", "not_an_object"),
        (b'{"id": "a", "text": "x", "title": Infinity}', "wrong_type"),
        (b'{"id": "a", "text": {"nested": ["deep"]}}', "wrong_type"),
        (b'{"id": null, "text": ""}', "missing_field"),  # null required field: once an AttributeError
        (b'{"id": "a", "text": null}', "missing_field"),
        (b"{" * 50_000, "invalid_json"),
        (b"[" * 200_000, "too_deep"),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "too_deep"),
    ],
)
def test_explicit_hostile_messages(raw: bytes, reason: str) -> None:
    with pytest.raises(ArticleError) as exc:
        decode_article(raw, LIMITS)
    assert exc.value.reason == reason, exc.value


TEN_MB = 10 * 1024 * 1024


@pytest.mark.parametrize(
    "kind",
    ["plain-bytes", "json-text", "nested-arrays", "nested-objects", "many-fields", "invalid-utf8"],
)
@pytest.mark.parametrize("raised_limits", [False, True])
def test_ten_megabyte_messages(kind: str, raised_limits: bool) -> None:
    """10 MB bodies: refused by size with the default limits; with the byte limit raised to 20 MB
    (an operator's choice) they still end in a reason (chars, depth, fields) and not a hang."""
    raw = {
        "plain-bytes": b"a" * TEN_MB,
        "json-text": json.dumps({"id": "big", "text": "Soldaten in Kursk. " * (TEN_MB // 19)}).encode(),
        "nested-arrays": b"[" * (TEN_MB // 2) + b"]" * (TEN_MB // 2),
        "nested-objects": b'{"a":' * (TEN_MB // 6) + b"1" + b"}" * (TEN_MB // 6),
        "many-fields": json.dumps({f"k{i}": i for i in range(TEN_MB // 16)}).encode(),
        "invalid-utf8": b'{"id": "a", "text": "' + b"\xff" * TEN_MB + b'"}',
    }[kind]
    assert len(raw) >= TEN_MB * 0.95
    limits = Limits(max_article_bytes=20 * 1024 * 1024) if raised_limits else LIMITS
    t0 = time.perf_counter()
    with pytest.raises(ArticleError) as exc:
        decode_article(raw, limits)
    TIMINGS[f"decode 10MB {kind}{' raised' if raised_limits else ''}"].append(time.perf_counter() - t0)
    if not raised_limits:
        assert exc.value.reason == "too_large"
    else:
        expected = {"plain-bytes": "invalid_json", "json-text": "too_large", "nested-arrays": "too_deep",
                    "nested-objects": "too_deep", "many-fields": "missing_field", "invalid-utf8": "invalid_utf8"}
        assert exc.value.reason == expected[kind], exc.value


def test_long_mixed_script_article_is_processed() -> None:
    """A text in mixed scripts exactly at the default limit (``Limits().max_article_chars``,
    200,000 characters) decodes and goes through the whole pipeline. Rule evaluation and counting
    are about linear in the article's length (docs/reliability.md, known gaps): the pipeline takes
    about a second for this text, not the minute it took when rule evaluation grew with the square."""
    unit = "Nordkoreanische Soldaten sind in Kursk eingetroffen. Четыре человека погибли. 北京 😀. "
    size = LIMITS.max_article_chars
    text = (unit * (size // len(unit) + 1))[:size]
    raw = json.dumps({"id": "long", "text": text, "language": "de"}, ensure_ascii=False).encode()
    article = decode_or_reason(raw, "max-chars")
    assert article is not None and len(article.text) == size
    process(article, "max-chars")


@pytest.mark.parametrize(
    "value",
    [b"a" * TEN_MB, b"\x01" * (2 * 1024 * 1024), b"\xff" * TEN_MB, ("Ж" * 600_000).encode(), b'"' * 900_000],
    ids=["ascii-10MB", "control-2MB", "invalid-utf8-10MB", "cyrillic-1.2MB", "quotes-900kB"],
)
def test_dead_letters_fit_in_one_kafka_message(value: bytes) -> None:
    """A dead letter for any message must itself be sendable (producer default: 1 MiB)."""
    record = SourceRecord("articles", 0, 42, 1.0, b"key", value)
    letter = dead_letter(record, ArticleError("too_large", "x"), "w")
    body = json.dumps(letter, ensure_ascii=False).encode("utf-8")
    assert len(body) < 1024 * 1024
    assert letter["value_truncated"] is True and letter["value_bytes"] == len(value)
    assert letter["value_sha256"] == hashlib.sha256(value).hexdigest()
    kept = base64.b64decode(letter["value"]) if letter["value_encoding"] == "base64" else letter["value"].encode()
    assert value.startswith(kept) and len(kept) > 0


@FUZZ
@given(st.binary(max_size=5000), st.integers(64, 4096))
def test_dead_letter_keeps_small_values_intact_and_bounds_large_ones(value: bytes, bound: int) -> None:
    record = SourceRecord("articles", 1, 7, 1.0, None, value)
    letter = dead_letter(record, ArticleError("invalid_json", "x"), "w", max_value_bytes=bound)
    assert len(json.dumps(letter["value"], ensure_ascii=False).encode()) <= bound
    kept = base64.b64decode(letter["value"]) if letter["value_encoding"] == "base64" else letter["value"].encode()
    if letter.get("value_truncated"):
        assert value.startswith(kept) and len(kept) < len(value)
    else:
        assert kept == value
