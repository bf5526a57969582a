"""Lenient, not lossy, input (issue 15, item 4): fields newsalert does not know are kept and passed
on to the alerts; strict mode rejects them; an invalid-JSON reason keeps line and column."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from streams.alerts.schema import alert_errors
from streams.alerts.suppression import standalone_alert
from streams.config import Limits, Settings
from streams.inputs import InputProblem, LocatedArticle, read_articles
from streams.metrics import Metrics
from streams.models import Article, ArticleError, ArticleRef, Match
from streams.worker.messages import decode_article

FEED_ITEM = {"id": "f1", "text": "Ein Text.", "category": "Politik", "author": "R. Lang",
             "tags": ["Ukraine", "Krieg"], "meta": {"words": 3}}


def test_unknown_fields_are_kept_with_the_article() -> None:
    article = decode_article(json.dumps(FEED_ITEM).encode(), Limits())
    assert article.extra == {"category": "Politik", "author": "R. Lang", "tags": ["Ukraine", "Krieg"],
                             "meta": {"words": 3}}
    # publishing re-serialises the article: nothing is lost on the way to Kafka
    assert article.to_dict() == FEED_ITEM
    assert Article.from_dict(article.to_dict()) == article
    assert hash(article)  # still usable as a dict key / in sets


def test_strict_mode_rejects_them() -> None:
    with pytest.raises(ArticleError) as exc:
        decode_article(json.dumps(FEED_ITEM).encode(), Limits(), strict=True)
    assert exc.value.reason == "unknown_field"
    assert "author, category, meta, tags" in exc.value.detail
    assert Settings.from_env({}).strict_input is False
    assert Settings.from_env({"NEWSALERT_STRICT_INPUT": "true"}).strict_input is True


def test_the_alerts_article_reference_carries_them_and_validates() -> None:
    article = Article.from_dict(FEED_ITEM)
    ref = ArticleRef.of(article, "de")
    assert ref.to_dict()["extra"] == article.extra
    assert ArticleRef(**ref.to_dict()) == ref  # how the suppression table stores references
    match = Match(rule_id="r", rule_version="v", severity="high", tags=("t",), title="T", summary="",
                  facts={}, evidence=(), suppression_key="", window_seconds=0, article_id="f1")
    alert_dict = standalone_alert(match, ref, None, "test", now=0).to_dict()
    assert alert_errors(alert_dict) == []
    assert alert_dict["articles"][0]["extra"]["tags"] == ["Ukraine", "Krieg"]
    # without unknown fields the reference is what it always was
    assert "extra" not in ArticleRef.of(Article(id="p", text="x")).to_dict()


def test_too_large_extra_stays_out_of_the_alert_and_is_counted() -> None:
    article = Article.from_dict({"id": "big", "text": "x", "body_html": "<p>" + "y" * 10_000})
    assert ArticleRef.of(article, max_extra_bytes=4096).extra is None
    assert ArticleRef.of(article, max_extra_bytes=20_000).extra == article.extra
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    metrics.unknown_fields(article.extra, carried=False)
    metrics.unknown_fields(FEED_ITEM.keys() - {"id", "text"})
    assert registry.get_sample_value("newsalert_article_unknown_fields_total", {"field": "body_html"}) == 1
    assert registry.get_sample_value("newsalert_article_unknown_fields_total", {"field": "tags"}) == 1
    assert registry.get_sample_value("newsalert_article_unknown_fields_dropped_total") == 1
    metrics.unknown_fields([f"k{i}" for i in range(1000)])  # one hostile message: bounded work
    assert registry.get_sample_value("newsalert_article_unknown_fields_total", {"field": "other"}) == 950


def test_file_input_keeps_the_json_error_position(tmp_path: Path) -> None:
    p = tmp_path / "in.jsonl"
    p.write_text('{"id": "a", "text": "ok"}\n{"id": "b", "text": nope}\n', encoding="utf-8")
    (problem,) = [i for i in read_articles([p]) if isinstance(i, InputProblem)]
    assert problem.reason == "invalid_json"
    assert problem.detail == "Expecting value at line 2 column 21"
    # the worker's dead-letter reason says the same for the same bytes (one line: line 1)
    with pytest.raises(ArticleError) as exc:
        decode_article(b'{"id": "b", "text": nope}', Limits())
    assert exc.value.detail == "Expecting value at line 1 column 21"


def test_file_input_is_lenient_unless_strict() -> None:
    line = json.dumps(FEED_ITEM) + "\n"
    (item,) = list(read_articles(["-"], stdin=io.StringIO(line)))
    assert isinstance(item, LocatedArticle) and item.article.extra["category"] == "Politik"
    (item,) = list(read_articles(["-"], stdin=io.StringIO(line), strict=True))
    assert isinstance(item, InputProblem) and item.reason == "unknown_field"
