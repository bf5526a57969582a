"""Rendering alerts and parsing --since (no Kafka)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click
import pytest

from streams.delivery.consume import StartAt, decode_alert, parse_since
from streams.delivery.subscribe import flatten_facts, render, summarize_facts
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
    assert "facts: actor: Examplestan (XA) · count: 800–1200" in text
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


def test_summarize_facts_as_the_worker_writes_them() -> None:
    facts = {
        "actor": {"text": "nordkoreanischer", "id": "country:KP", "name": "North Korean", "type": "NORP",
                  "country": "KP", "kind": "demonym"},
        "troops": {"text": "bis zu 12.000", "value": 12000, "min": 1, "max": 12000, "counted": "soldiers",
                   "event": "deployed", "approximate": True},
        "killed": {"text": "vier", "min": 4, "max": 4, "counted": "people"},
        "open": {"min": 101, "max": None, "value": 101},
        "weapon": {"text": "Luftangriff", "concept": "airstrike", "lemma": "luftangriff"},
        "places": [{"name": "Kyiv", "country": "UA"}, {"name": "Kharkiv", "country": "UA"}],
        "other": {"a": 1},
        "n": 3,
    }
    assert summarize_facts(facts) == [
        "actor: North Korean (KP)",
        "troops: ≈1–12000 soldiers deployed (“bis zu 12.000”)",
        "killed: 4 people (“vier”)",
        "open: ≥101",
        "weapon: Luftangriff",
        "places: Kyiv (UA), Kharkiv (UA)",
        "other: a=1",
        "n: 3",
    ]
    assert summarize_facts({}) == [] and summarize_facts(None) == []


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
