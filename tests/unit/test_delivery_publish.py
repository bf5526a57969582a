"""`newsalert publish` without a broker: the message format, publish_items with a fake producer, and
the command reading its input with streams.inputs (reading itself: tests/unit/test_inputs.py)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from kafka.errors import KafkaTimeoutError

from streams.cli.main import cli
from streams.delivery.publish import article_message, publish_items
from streams.inputs import InputProblem, LocatedArticle
from streams.models import Article


class _Future:
    def __init__(self, error: Exception | None) -> None:
        self.error = error

    def get(self, timeout: float) -> None:
        if self.error is not None:
            raise self.error


class FakeProducer:
    def __init__(self, reject: str | None = None) -> None:
        self.sent: list[tuple[str, bytes, bytes]] = []
        self.reject = reject  # article id whose send fails
        self.closed = False

    def send(self, topic: str, *, key: bytes, value: bytes) -> _Future:
        self.sent.append((topic, key, value))
        return _Future(RuntimeError("rejected") if key.decode() == self.reject else None)

    def flush(self, timeout: float | None = None) -> None:
        pass

    def close(self, timeout: float | None = None) -> None:
        self.closed = True


def test_message_is_keyed_by_id_with_compact_utf8_json() -> None:
    key, value = article_message(Article(id="ü-1", text="Straße gesperrt.", source="Lokalblatt"))
    assert key == "ü-1".encode()
    assert value == '{"id":"ü-1","text":"Straße gesperrt.","source":"Lokalblatt"}'.encode()
    assert Article.from_dict(json.loads(value)) == Article(id="ü-1", text="Straße gesperrt.", source="Lokalblatt")


def test_publish_items_sends_articles_counts_problems_and_names_failed_sends_by_location() -> None:
    producer = FakeProducer(reject="b")
    problem = InputProblem("in.jsonl:2", "invalid_json", "Expecting value")
    items: list[LocatedArticle | InputProblem] = [
        LocatedArticle("in.jsonl:1", Article(id="a", text="A.")),
        problem,
        LocatedArticle("in.jsonl:3", Article(id="b", text="B.")),
    ]
    seen: list[LocatedArticle | InputProblem] = []
    report = publish_items(producer, "articles", items, on_item=seen.append)
    assert seen == items
    assert [(t, k) for t, k, _ in producer.sent] == [("articles", b"a"), ("articles", b"b")]
    assert report.sent == 1 and report.bad == [problem]
    assert report.failed == ["in.jsonl:3: RuntimeError: rejected"]
    assert not report.ok
    assert "published 1 article(s) to articles" in report.summary()


class _SlowFuture:
    """No answer within get()'s timeout; ``late`` makes the acknowledgement arrive just after."""

    def __init__(self, late: bool) -> None:
        self.late = late
        self.is_done = False
        self.exception: Exception | None = None
        self.waited: list[float] = []

    def get(self, timeout: float) -> None:
        self.waited.append(timeout)
        time.sleep(timeout)
        self.is_done = self.late
        raise KafkaTimeoutError("timed out")


class OutageProducer(FakeProducer):
    def __init__(self) -> None:
        super().__init__()
        self.futures: list[Any] = []

    def send(self, topic: str, *, key: bytes, value: bytes) -> Any:
        self.sent.append((topic, key, value))
        future: Any = _Future(None) if key == b"a" else _SlowFuture(late=key == b"c")
        self.futures.append(future)
        return future

    def flush(self, timeout: float | None = None) -> None:
        raise KafkaTimeoutError("flush timed out")


def test_publish_items_has_one_deadline_and_lists_unacknowledged_lines() -> None:
    """Issue 16 item 5: each message waited up to 60 s on its own, and a message acknowledged late
    was reported as failed."""
    producer = OutageProducer()
    items: list[LocatedArticle | InputProblem] = [
        LocatedArticle(f"in.jsonl:{n}", Article(id=i, text="T.")) for n, i in enumerate("abcd", start=1)
    ]
    started = time.monotonic()
    report = publish_items(producer, "articles", items, delivery_timeout_s=0.5)
    took = time.monotonic() - started
    # the waits do not add up: about one deadline (+ grace) for all, not one per message
    assert took < 0.5 + 1.0 + 0.5, took
    assert report.sent == 2  # "a", and "c" whose acknowledgement came in late
    assert report.unacknowledged == ["in.jsonl:2", "in.jsonl:4"]
    assert report.failed == [] and not report.ok
    assert "2 not acknowledged" in report.summary()


@pytest.fixture()
def fake_kafka(monkeypatch: pytest.MonkeyPatch) -> FakeProducer:
    producer = FakeProducer()
    monkeypatch.delenv("NEWSALERT_ARTICLES_TOPIC", raising=False)
    monkeypatch.setattr("streams.delivery.clients.make_producer", lambda kafka, **kw: producer)
    monkeypatch.setattr("streams.delivery.topics.ensure_topics", lambda *a, **kw: None)
    return producer


def test_publish_command_reports_bad_lines_as_file_line_reason(tmp_path: Path, fake_kafka: FakeProducer) -> None:
    d = tmp_path / "dir"
    (d / "sub").mkdir(parents=True)
    (d / "one.txt").write_text("Erster Text.", encoding="utf-8")
    batch = d / "sub" / "batch.jsonl"
    batch.write_text('{"id": "j1", "text": "Zwei."}\n{broken\n', encoding="utf-8")
    stdin = '{"id": "s1", "text": "Drei."}\n'
    result = CliRunner().invoke(cli, ["publish", "--topic", "t1", str(d), "-"], input=stdin)
    assert result.exit_code == 1, result.output
    assert f"error: {batch}:2: invalid_json: " in result.stderr
    assert [k for _, k, _ in fake_kafka.sent] == [b"one", b"j1", b"s1"]
    assert "published 3 article(s) to t1" in result.stdout and "1 bad input(s), 0 failed send(s)" in result.stdout
    assert fake_kafka.closed


def test_publish_command_all_good_and_quiet_exits_zero(tmp_path: Path, fake_kafka: FakeProducer) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "a", "text": "A."}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["publish", "-q", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "published 1 article(s) to articles" in result.stdout
