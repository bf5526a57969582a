"""Routing: which topics an alert goes to and under which key; subscriber filters."""

from __future__ import annotations

import pytest

from streams.delivery.filters import AlertFilter, severity_rank
from streams.delivery.routing import (
    key_of,
    message_key,
    parse_topic_map,
    severity_topics_from_env,
    topics_for,
)
from tests.unit.test_delivery_schema import make_alert


def test_default_severity_and_rule_topics_in_order_without_duplicates() -> None:
    alert = make_alert(severity="critical", topics=("alerts.ops", "alerts.military", "alerts"))
    topics = topics_for(
        alert,
        default_topic="alerts",
        severity_topics={"high": "alerts.high", "critical": "alerts.critical"},
    )
    assert topics == ["alerts", "alerts.critical", "alerts.ops", "alerts.military"]


def test_severity_topic_is_for_that_severity_only() -> None:
    low = make_alert(severity="low")
    assert topics_for(low, default_topic="alerts", severity_topics={"high": "alerts.high"}) == [
        "alerts"
    ]


def test_key_is_the_suppression_key_or_the_alert_id() -> None:
    keyed = make_alert(suppression_key="troops-moved:XA:XB")
    unkeyed = make_alert(suppression_key="")
    assert message_key(keyed) == b"troops-moved:XA:XB"
    assert message_key(unkeyed) == unkeyed.alert_id.encode()
    assert key_of(keyed.to_dict()) == "troops-moved:XA:XB"
    assert key_of(unkeyed.to_dict()) == unkeyed.alert_id


def test_update_of_one_event_has_the_same_key_as_its_new_alert() -> None:
    first = make_alert()
    update = make_alert(status="update", revision=2, corroboration=2, article_id="art-2")
    assert message_key(first) == message_key(update)


def test_parse_topic_map() -> None:
    assert parse_topic_map(" high=alerts.high , critical=alerts.critical,") == {
        "high": "alerts.high",
        "critical": "alerts.critical",
    }
    with pytest.raises(ValueError, match="expected NAME=TOPIC, got 'high'"):
        parse_topic_map("high")


def test_severity_topics_from_env_rejects_unknown_severity() -> None:
    assert severity_topics_from_env({"NEWSALERT_SEVERITY_TOPICS": "high=a.h"}) == {"high": "a.h"}
    assert severity_topics_from_env({}) == {}
    with pytest.raises(ValueError, match="unknown severity urgent"):
        severity_topics_from_env({"NEWSALERT_SEVERITY_TOPICS": "urgent=a.u"})


def test_severity_order() -> None:
    ranks = [severity_rank(s) for s in ("info", "low", "medium", "high", "critical")]
    assert ranks == sorted(ranks) and len(set(ranks)) == 5
    assert severity_rank("bogus") < severity_rank("info")


@pytest.mark.parametrize(
    ("flt", "severity", "tags", "rule", "accepted"),
    [
        (AlertFilter.of("high"), "high", (), "r", True),
        (AlertFilter.of("high"), "critical", (), "r", True),
        (AlertFilter.of("HIGH"), "medium", (), "r", False),
        (AlertFilter.of(None, tags=["a", "b"]), "info", ("b",), "r", True),
        (AlertFilter.of(None, tags=["a"]), "info", ("b",), "r", False),
        (AlertFilter.of(None, rules=["r1", "r2"]), "info", (), "r2", True),
        (AlertFilter.of(None, rules=["r1"]), "info", (), "r2", False),
        (AlertFilter.of("low", tags=["a"], rules=["r"]), "low", ("a",), "r", True),
        (AlertFilter.of("low", tags=["a"], rules=["r"]), "info", ("a",), "r", False),
        (AlertFilter(), "whatever", (), "r", True),
    ],
)
def test_filters(flt: AlertFilter, severity: str, tags: tuple[str, ...], rule: str, accepted: bool) -> None:
    alert = {"severity": severity, "tags": list(tags), "rule_id": rule}
    assert flt.accepts(alert) is accepted


def test_unknown_minimum_severity_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown severity 'urgent'"):
        AlertFilter.of("urgent")
