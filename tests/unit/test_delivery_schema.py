"""The alert JSON Schema matches models.Alert.to_dict() exactly, and validate_alert explains errors."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from streams.alerts.schema import AlertSchemaError, alert_errors, alert_schema, validate_alert
from streams.models import Alert, ArticleRef, Evidence


def make_alert(**overrides: Any) -> Alert:
    """A complete alert with every field filled; tests change what they need."""
    values: dict[str, Any] = {
        "alert_id": "3f1c9a0d5e7b4c2a8f6e1d0c9b8a7f6e",
        "status": "new",
        "revision": 1,
        "rule_id": "troops-moved",
        "rule_version": "sha256:0a1b2c",
        "severity": "high",
        "tags": ("military", "deployment"),
        "title": "Troops of Examplestan moved to Sampleland",
        "summary": "A brigade crossed the border overnight.",
        "facts": {"actor": {"country": "XA", "name": "Examplestan"}, "count": {"min": 800, "max": 1200}},
        "evidence": (Evidence("Eine Brigade überquerte nachts die Grenze.", 0, 42),),
        "article_id": "art-1",
        "articles": (
            ArticleRef("art-1", "https://news.example/a1", "Brigade crosses border", "Example News", "de",
                       "2026-11-27T08:00:00Z"),
        ),
        "corroboration": 1,
        "suppression_key": "troops-moved:XA:XB",
        "first_seen": "2026-11-27T08:00:05.000Z",
        "last_seen": "2026-11-27T08:00:05.000Z",
        "detected_at": "2026-11-27T08:00:05.120Z",
        "pipeline_version": "newsalert 0.1.0",
    }
    values.update(overrides)
    return Alert(**values)


def test_a_full_alert_is_valid_and_survives_json() -> None:
    d = json.loads(json.dumps(make_alert().to_dict()))
    validate_alert(d)
    assert alert_errors(d) == []


def test_schema_lists_exactly_the_fields_of_to_dict_in_order() -> None:
    schema = alert_schema()
    d = make_alert().to_dict()
    assert list(schema["properties"]) == list(d)
    assert sorted(schema["required"]) == sorted(d)
    assert list(schema["properties"]["rule"]["properties"]) == list(d["rule"])
    # "extra" (the article's unknown fields) is optional: present only when the article had any
    assert list(schema["properties"]["articles"]["items"]["properties"]) == [*d["articles"][0], "extra"]
    assert "extra" not in schema["properties"]["articles"]["items"]["required"]
    assert list(schema["properties"]["evidence"]["items"]["properties"]) == list(d["evidence"][0])
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"]["const"] == "1.0"


def test_article_refs_may_have_null_metadata() -> None:
    validate_alert(make_alert(articles=(ArticleRef("art-1"),)).to_dict())


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("alert_id"), "'alert_id' is a required property"),
        (lambda d: d.update(severity="urgent"), "severity: 'urgent' is not one of"),
        (lambda d: d.update(status="closed"), "status: 'closed' is not one of"),
        (lambda d: d.update(revision=0), "revision: 0 is less than the minimum of 1"),
        (lambda d: d.update(extra=1), "Additional properties are not allowed ('extra' was unexpected)"),
        (lambda d: d["evidence"][0].update(start="0"), "evidence/0/start: '0' is not of type 'integer'"),
        (lambda d: d["articles"][0].pop("url"), "articles/0: 'url' is a required property"),
        (lambda d: d.update(schema_version="2.0"), "schema_version: '1.0' was expected"),
        (lambda d: d["rule"].update(id="other"), "rule/id: 'other' differs from rule_id 'troops-moved'"),
        (lambda d: d.update(revision=2), "status: 'new' does not fit revision 2"),
        (lambda d: d["evidence"][0].update(end=-1), "evidence/0/end: -1 is less than the minimum of 0"),
        (lambda d: d.update(facts=[]), "facts: [] is not of type 'object'"),
    ],
)
def test_invalid_alerts_are_rejected_with_the_path(change: Any, expected: str) -> None:
    d = copy.deepcopy(make_alert().to_dict())
    change(d)
    with pytest.raises(AlertSchemaError) as info:
        validate_alert(d)
    assert expected in str(info.value)
    assert any(expected in e for e in info.value.errors)


def test_evidence_end_before_start_is_an_error() -> None:
    d = make_alert(evidence=(Evidence("x", 10, 5),)).to_dict()
    assert alert_errors(d) == ["evidence/0: end 5 is before start 10"]


def test_an_update_has_revision_above_one() -> None:
    validate_alert(make_alert(status="update", revision=3, corroboration=3).to_dict())


def test_non_objects_are_rejected() -> None:
    with pytest.raises(AlertSchemaError, match="not of type 'object'"):
        validate_alert(["not", "an", "alert"])


def test_many_errors_are_summarised() -> None:
    err = AlertSchemaError([f"e{i}" for i in range(8)])
    assert "and 3 more" in str(err)
    assert len(err.errors) == 8
