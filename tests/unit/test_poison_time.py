"""Poison times (issue 16, item 1): refused at the edge with ``bad_published_at``, and the whole
decode -> extraction -> rules -> suppression -> alert path, as the worker's agents call it, never
raises on any JSON value of ``published_at`` nor on any id or text."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from streams.alerts.suppression import Suppressor
from streams.cli.main import cli
from streams.config import Limits
from streams.models import (
    EARLIEST_PUBLISHED,
    LATEST_PUBLISHED,
    Article,
    ArticleError,
    published_epoch,
)
from streams.pipeline import PIPELINE_VERSION, Pipeline
from streams.worker.article_batches import ArticleBatchStage
from streams.worker.match_envelope import MatchEnvelope
from streams.worker.messages import SourceRecord, check_record_time, decode_article

ROOT = Path(__file__).resolve().parents[2]
POISON = ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00")
REPORT = ("Three civilians were killed when a drone strike hit an apartment block in Kharkiv overnight, "
          "the regional administration said.")


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_dirs(ROOT / "rules")


@pytest.mark.parametrize("value", [*POISON, "yesterday", "", "2026-13-01T00:00:00Z", "1899-12-31T23:59:59Z",
                                   "9999-06-01T00:00:00Z"])
def test_bad_published_at_is_refused_at_decode(value: str) -> None:
    with pytest.raises(ArticleError) as err:
        published_epoch(value)
    assert err.value.reason == "bad_published_at"
    raw = json.dumps({"id": "a", "text": "x", "published_at": value}).encode()
    with pytest.raises(ArticleError) as err:
        decode_article(raw, Limits())
    assert err.value.reason == "bad_published_at"


@pytest.mark.parametrize("value", ["2026-11-20T22:00:00Z", "2026-11-20T22:00:00+14:00", "2026-11-20",
                                   "1900-01-01T00:00:00Z", "9998-12-30T23:59:59-14:00", " 2026-11-20T22:00Z "])
def test_good_published_at_is_kept_as_given(value: str) -> None:
    article = decode_article(json.dumps({"id": "a", "text": "x", "published_at": value}).encode(), Limits())
    assert article.published_at == value
    assert datetime.fromtimestamp(published_epoch(value), tz=UTC).year in range(1900, 9999)


def test_an_absurd_record_timestamp_is_refused_when_there_is_no_published_at() -> None:
    article = Article(id="a", text="x")
    check_record_time(article, SourceRecord("t", 0, 0, 1.7e9, None, b""))
    with pytest.raises(ArticleError) as err:
        check_record_time(article, SourceRecord("t", 0, 0, 3.0e11, None, b""))
    assert err.value.reason == "bad_timestamp"
    check_record_time(Article(id="a", text="x", published_at="2026-11-20"), SourceRecord("t", 0, 0, 3.0e11, None, b""))


def test_check_reports_the_poison_articles_and_goes_on(tmp_path: Path) -> None:
    lines = [{"id": f"poison-{i}", "text": REPORT, "language": "en", "published_at": p} for i, p in enumerate(POISON)]
    lines.append({"id": "fine", "text": REPORT, "language": "en", "published_at": "2026-11-20T22:00:00Z"})
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--rules", str(ROOT / "rules"), "--format", "jsonl", str(path)])
    assert result.exit_code == 1, result.output
    alerts = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert alerts and {a["article_id"] for a in alerts} == {"fine"}
    assert "in.jsonl:1: bad_published_at" in result.stderr and "in.jsonl:2: bad_published_at" in result.stderr


# --- property: the whole path -----------------------------------------------------------------

def _iso_like() -> st.SearchStrategy[str]:
    """ISO 8601 date-times over the whole datetime range with any offset up to +-23:59, and
    near-misses: these are where the poison lives."""
    def fmt(dt: datetime, minutes: int, sep: str, z: bool) -> str:
        if z:
            return dt.strftime(f"%Y-%m-%d{sep}%H:%M:%S").rjust(19, "0") + "Z"
        sign = "+" if minutes >= 0 else "-"
        h, m = divmod(abs(minutes), 60)
        return f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}{sep}{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}{sign}{h:02d}:{m:02d}"
    stamps = st.builds(fmt, st.datetimes(), st.integers(-1439, 1439), st.sampled_from(["T", " "]), st.booleans())
    return st.one_of(stamps, stamps.map(lambda s: s[:10]), stamps.map(lambda s: s[:19]),
                     st.sampled_from([*POISON, "9999-12-31T23:59:59.999999-23:59", "0001-01-01T00:00:00+23:59"]))


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                         st.text())
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                                 st.dictionaries(st.text(), inner, max_size=3)),
                           max_leaves=6)


def run_path(pipeline: Pipeline, raw: bytes, record_ts: float, state: dict[str, Any]) -> str:
    """What the worker's agents do with one article message: decode (dead letter), pipeline, one
    matches-topic envelope per match (JSON round trip), suppression, the alert's JSON."""
    record = SourceRecord("articles", 0, 0, record_ts, b"k", raw)
    try:
        article = decode_article(raw, Limits())
        check_record_time(article, record)
    except ArticleError as exc:
        return f"dead_letter:{exc.reason}"
    result = pipeline.process(article)
    sent = 0
    for _, value in ArticleBatchStage.envelopes(record, article, result):
        envelope = MatchEnvelope.decode(value)
        outcome = Suppressor(state, PIPELINE_VERSION).observe(envelope.match, envelope.article, envelope.event_time)
        if outcome.alert is not None:
            json.dumps(outcome.alert.to_dict(), ensure_ascii=False).encode()
            sent += 1
    return "alert" if sent else "no_alert"


def _valid_without_time(data: dict[str, Any]) -> bool:
    rest = {k: v for k, v in data.items() if k != "published_at"}
    try:
        decode_article(json.dumps(rest).encode("ascii"), Limits())
    except ArticleError:
        return False
    return True


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(published=st.one_of(_iso_like(), JSON_VALUES), article_id=st.text(min_size=1),
       text=st.one_of(st.just(REPORT), st.text(min_size=1)), record_ts=st.floats(allow_nan=True),
       absent=st.booleans())
# a blank id with a poison time: the blank id is the fault reported (a case this test's random search found)
@example(published="9999-12-31T23:59:59-14:00", article_id="\r", text=REPORT, record_ts=0.0, absent=False)
def test_the_whole_path_never_raises(pipeline: Pipeline, published: Any, article_id: str, text: str,
                                     record_ts: float, absent: bool) -> None:
    data: dict[str, Any] = {"id": article_id, "text": text, "language": "en"}
    if not absent:
        data["published_at"] = published
    try:
        raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: JSON escapes it on the wire
        raw = json.dumps(data).encode("ascii")
    state: dict[str, Any] = {}
    first = run_path(pipeline, raw, record_ts, state)
    assert first in ("alert", "no_alert") or first.startswith("dead_letter:")
    if isinstance(published, str) and published in POISON and not absent and _valid_without_time(data):
        # the poison time is the only fault ("\r" as the id is an empty field, reported first)
        assert first == "dead_letter:bad_published_at"
    if first.startswith("dead_letter:bad_published_at"):
        assert isinstance(published, str)
    if first == "alert":
        assert text == REPORT
    # redelivery of the same message: nothing new, and no exception either
    assert run_path(pipeline, raw, record_ts, state) in ("no_alert", first if first.startswith("dead") else "no_alert")
    if absent and not (math.isfinite(record_ts) and EARLIEST_PUBLISHED <= record_ts < LATEST_PUBLISHED):
        assert first in ("dead_letter:bad_timestamp", "dead_letter:empty_field", "dead_letter:invalid_unicode",
                         "dead_letter:control_characters"), first
