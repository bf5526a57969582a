"""Decoding article messages and building dead-letter records. Plain Python, no Faust."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from streams.config import Limits
from streams.models import ARTICLE_FIELDS, EARLIEST_PUBLISHED, LATEST_PUBLISHED, Article, ArticleError


@dataclass(frozen=True)
class SourceRecord:
    """Where a message came from, for dead letters and latency."""

    topic: str
    partition: int
    offset: int
    timestamp: float  # seconds since epoch (Kafka record timestamp)
    key: bytes | None
    value: bytes | None


def source_record(message: Any) -> SourceRecord:
    """The SourceRecord of a Faust event's message (its raw key and value)."""
    key = message.key
    if isinstance(key, str):
        key = key.encode("utf-8")
    return SourceRecord(message.topic, message.partition, message.offset, message.timestamp, key, message.value)


def check_record_time(article: Article, record: SourceRecord) -> None:
    """An article without published_at takes its event time from the Kafka record timestamp, which
    a producer may set to anything: outside the range published_at may have, it is refused."""
    if article.published_at is None and not EARLIEST_PUBLISHED <= record.timestamp < LATEST_PUBLISHED:
        raise ArticleError("bad_timestamp", f"no published_at and the record timestamp {record.timestamp!r} "
                           "is outside 1900-01-01 .. 9999-01-01")


def decode_article(value: bytes | None, limits: Limits, *, strict: bool = False) -> Article:
    """Turn a raw article message into an Article, or raise ArticleError with a reason code.

    Unknown fields are kept in ``Article.extra``; ``strict`` rejects them (``unknown_field``)."""
    if value is None or len(value) == 0:
        raise ArticleError("empty_message", "the message has no value")
    if len(value) > limits.max_article_bytes:
        raise ArticleError(
            "too_large", f"message is {len(value)} bytes, limit is {limits.max_article_bytes} (NEWSALERT_MAX_ARTICLE_BYTES)"
        )
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError("invalid_utf8", f"not UTF-8 at byte {exc.start}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArticleError("invalid_json", f"{exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise ArticleError("too_deep", "JSON nesting is too deep") from exc
    except ValueError as exc:  # e.g. an integer literal longer than Python's int_max_str_digits
        raise ArticleError("invalid_json", f"unreadable value: {exc}") from exc
    article = Article.from_dict(data, max_text_chars=limits.max_article_chars, strict=strict)
    for name in ARTICLE_FIELDS:
        field_value = getattr(article, name)
        if field_value is not None and _has_lone_surrogate(field_value):
            # JSON may escape lone UTF-16 surrogates ("\\ud800"): such a string cannot be encoded
            # again for the matches topic, the alerts or the metrics' labels
            raise ArticleError("invalid_unicode", f"field '{name}' contains an unpaired surrogate escape")
    if "\x00" in article.text:
        raise ArticleError("control_characters", "text contains NUL characters")
    return article


def _has_lone_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# The letter must fit in one Kafka message (producer and broker default: 1 MiB) next to the other
# fields; a longer original is cut, and its size and SHA-256 say what it was (the source topic,
# partition and offset in the letter still point at the whole message within retention).
DEAD_LETTER_MAX_VALUE_BYTES = 512 * 1024


def _printable(value: bytes) -> tuple[str, str]:
    try:
        return value.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(value).decode("ascii"), "base64"


def dead_letter(record: SourceRecord, error: ArticleError, worker: str, *,
                max_value_bytes: int = DEAD_LETTER_MAX_VALUE_BYTES) -> dict[str, Any]:
    """The dead-letter message: the reason, where it came from, and the original bytes (intact up to
    ``max_value_bytes`` once JSON-encoded; cut beyond, with ``value_truncated``)."""
    value = record.value or b""
    original, encoding = _printable(value)
    kept = len(value)
    while len(json.dumps(original, ensure_ascii=False).encode("utf-8")) > max_value_bytes:
        kept //= 2  # escaping can inflate a byte up to 6 times: halve until it fits
        if encoding == "utf-8":
            original = value[:kept].decode("utf-8", "ignore")
        else:
            original = base64.b64encode(value[:kept]).decode("ascii")
    letter: dict[str, Any] = {
        "reason": error.reason,
        "detail": error.detail[:2000],
        "source": {
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "timestamp": record.timestamp,
            "key": record.key.decode("utf-8", "replace")[:2000] if record.key else None,
        },
        "value": original,
        "value_encoding": encoding,
        "worker": worker,
    }
    error_class = getattr(error, "error_class", None)
    if error_class:  # a record whose handling raised (streams.worker.failures): what raised
        letter["error_class"] = error_class
    if kept < len(value):
        letter["value_truncated"] = True
        letter["value_bytes"] = len(value)
        letter["value_sha256"] = hashlib.sha256(value).hexdigest()
    return letter
