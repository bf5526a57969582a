"""Decoding of raw article messages and the dead-letter record."""

from __future__ import annotations

import base64
import json

import pytest

from streams.config import Limits
from streams.models import ArticleError
from streams.worker.messages import SourceRecord, dead_letter, decode_article


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty_message"),
        (b"not json", "invalid_json"),
        (b"\xff\xfe{}", "invalid_utf8"),
        (b"[1, 2]", "not_an_object"),
        (b'{"id": "a"}', "missing_field"),
        (b'{"id": 7, "text": "x"}', "wrong_type"),
        (b'{"id": "a", "text": "   "}', "empty_field"),
        (b"[" * 100_000 + b"]" * 100_000, "too_deep"),
    ],
)
def test_bad_messages_have_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(ArticleError) as exc:
        decode_article(raw, Limits())
    assert exc.value.reason == reason


def test_size_limits() -> None:
    body = json.dumps({"id": "a", "text": "x" * 5000}).encode()
    with pytest.raises(ArticleError, match="too_large"):
        decode_article(body, Limits(max_article_bytes=1000))
    with pytest.raises(ArticleError, match="too_large"):
        decode_article(body, Limits(max_article_chars=100))


def test_good_article() -> None:
    a = decode_article(json.dumps({"id": "a1", "text": "Hallo Welt", "language": "de"}).encode(), Limits())
    assert (a.id, a.text, a.language) == ("a1", "Hallo Welt", "de")


def test_dead_letter_keeps_original_bytes() -> None:
    record = SourceRecord("articles", 2, 17, 1.5, b"k", b"\xff\x00raw")
    letter = dead_letter(record, ArticleError("invalid_utf8", "x"), "w1")
    assert letter["reason"] == "invalid_utf8"
    assert letter["source"] == {"topic": "articles", "partition": 2, "offset": 17, "timestamp": 1.5, "key": "k"}
    assert letter["value_encoding"] == "base64"
    assert base64.b64decode(letter["value"]) == b"\xff\x00raw"
