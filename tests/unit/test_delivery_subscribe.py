"""Rendering alerts and parsing --since (no Kafka)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click
import pytest

from streams.delivery.consume import StartAt, decode_alert, parse_since
from streams.delivery.subscribe import flatten_facts, render
from tests.unit.test_delivery_schema import make_alert


def test_jsonl_is_one_line_and_round_trips() -> None:
    alert = make_alert(title="Zeile\nzwei").to_dict()
    line = render(alert, "jsonl")
    assert "\n" not in line
    assert json.loads(line) == alert


def test_pretty_shows_what_a_reader_needs() -> None:
    alert = make_alert(status="update", revision=2, corroboration=2).to_dict()
    text = click.unstyle(render(alert, "pretty"))
    assert " HIGH " in text and "UPDATE rev 2" in text
    assert "Troops of Examplestan moved to Sampleland" in text
    assert "actor.country=XA" in text and "count.max=1200" in text
    assert "[0:42]" in text and "Eine Brigade überquerte nachts die Grenze." in text
    assert "Example News" in text and "https://news.example/a1" in text
    assert "2 article(s)" in text
    new = click.unstyle(render(make_alert().to_dict(), "pretty"))
    assert "NEW" in new and "UPDATE" not in new


def test_pretty_colours_by_severity() -> None:
    high = render(make_alert(severity="high").to_dict(), "pretty")
    critical = render(make_alert(severity="critical").to_dict(), "pretty")
    assert "\x1b[31m" in high  # red
    assert "\x1b[41m" in critical  # red background


def test_pretty_tolerates_sparse_alerts() -> None:
    text = click.unstyle(render({"title": "Only a title"}, "pretty"))
    assert "Only a title" in text


def test_flatten_facts() -> None:
    assert flatten_facts({"a": {"b": 1, "c": ["x", "y"]}, "d": None}) == [("a.b", "1"), ("a.c", "x, y"), ("d", "")]


def test_parse_since() -> None:
    now = 1_800_000_000.0
    assert parse_since("2h", now=now) == int((now - 7200) * 1000)
    assert parse_since("30m", now=now) == int((now - 1800) * 1000)
    assert parse_since("1d", now=now) == int((now - 86400) * 1000)
    assert parse_since("2026-11-27T10:00:00Z") == int(datetime(2026, 11, 27, 10, tzinfo=UTC).timestamp() * 1000)
    assert parse_since("2026-11-27T10:00:00") == parse_since("2026-11-27T10:00:00+00:00")
    with pytest.raises(ValueError, match="expected a duration"):
        parse_since("yesterday")


def test_start_at() -> None:
    assert StartAt.of(False, None).mode == "latest"
    assert StartAt.of(True, None).mode == "earliest"
    assert StartAt.of(False, "1h").mode == "since"
    with pytest.raises(ValueError, match="exclude each other"):
        StartAt.of(True, "1h")


class _Rec:
    def __init__(self, value: bytes, key: bytes | None = b"k") -> None:
        self.topic, self.partition, self.offset, self.key, self.value = "t", 2, 7, key, value


def test_decode_alert_never_raises() -> None:
    assert decode_alert(_Rec(b'{"a": 1}')).alert == {"a": 1}
    bad = decode_alert(_Rec(b"\xff\xfe", key=None))
    assert bad.alert is None and bad.error and bad.error.startswith("not JSON") and bad.where == "t[2]@7"
    assert decode_alert(_Rec(b"[1]")).error == "not a JSON object but list"
