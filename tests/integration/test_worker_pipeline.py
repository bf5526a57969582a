"""The whole pipeline on the real broker: articles in, alerts and dead letters out."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REFERENCE_ARTICLE, consume_until
from tests.integration.worker_harness import WorkerHarness

pytestmark = pytest.mark.integration


def _facts_country(alert: dict[str, Any], role: str) -> str | None:
    value = alert["facts"].get(role) or {}
    return value.get("country")


def _count(alert: dict[str, Any], name: str) -> int | None:
    value = alert["facts"].get(name)
    return value.get("value") if isinstance(value, dict) else None


@pytest.fixture
def harness(kafka_bootstrap: str, tmp_path: Path) -> Iterator[WorkerHarness]:
    h = WorkerHarness(bootstrap=kafka_bootstrap, tmp=tmp_path)
    yield h
    h.stop_all()


def _is_reference_complete(alerts: list[dict[str, Any]]) -> bool:
    tags = [t for a in alerts for t in a["tags"]]
    return "foreign-troop-deployment" in tags and tags.count("civilian-casualties") >= 2


@pytest.mark.skipif(not REFERENCE_ARTICLE.exists(), reason="../shared/data is not beside the project")
@pytest.mark.parametrize("pipeline_process", ["true", "false"], ids=["child-process", "in-process"])
def test_reference_article_gives_the_three_alerts(harness: WorkerHarness, pipeline_process: str) -> None:
    """Both pipeline backends (streams.pipeline.ArticlePipeline) give the same alerts."""
    harness.extra_env["NEWSALERT_PIPELINE_PROCESS"] = pipeline_process
    text = REFERENCE_ARTICLE.read_text(encoding="utf-8")
    harness.start_worker()
    harness.publish({"id": "kursk-troops-de", "text": text, "source": "reference", "language": "de"})
    alerts = consume_until(harness.bootstrap, harness.alerts, _is_reference_complete, timeout=60)
    assert _is_reference_complete(alerts), harness.logs()

    troops = [a for a in alerts if "foreign-troop-deployment" in a["tags"]]
    assert _facts_country(troops[0], "actor") == "KP"
    assert _facts_country(troops[0], "location") == "RU"
    assert "Kursk" in troops[0]["facts"]["location"]["text"] or "Kursk" in troops[0]["facts"]["location"]["name"]

    casualties = {a["facts"]["location"]["country"] + ":" + a["facts"]["location"]["name"]: a
                  for a in alerts if "civilian-casualties" in a["tags"]}
    kharkiv = next(a for k, a in casualties.items() if "Kharkiv" in k or "Charkiw" in k)
    kyiv = next(a for k, a in casualties.items() if "Kyiv" in k or "Kiew" in k or "Kiev" in k)
    assert _count(kharkiv, "killed") == 4
    assert _count(kyiv, "injured") == 6
    for alert in (troops[0], kharkiv, kyiv):
        assert alert["article_id"] == "kursk-troops-de"
        assert alert["status"] == "new"
        assert alert["evidence"], alert
        for ev in alert["evidence"]:
            assert text[ev["start"]:ev["end"]] == ev["text"]
    assert "Charkiw" in kharkiv["evidence"][0]["text"]
    assert "Kiew" in kyiv["evidence"][0]["text"]


KHARKIV_EN_1 = (
    "A Russian missile hit a residential block in Kharkiv on Tuesday night. "
    "Four civilians were killed and nine were wounded, the regional governor said."
)
KHARKIV_DE_2 = (
    "Nach dem nächtlichen Raketenangriff auf ein Wohnhaus in Charkiw ist die Zahl der Toten gestiegen. "
    "Sechs Zivilisten wurden getötet, teilte die Stadtverwaltung am Mittwoch mit."
)


def test_malformed_messages_go_to_the_dlq_and_the_worker_keeps_going(harness: WorkerHarness) -> None:
    harness.start_worker()
    harness.publish(b"{this is not json", key=b"bad-1")
    harness.publish({"id": "no-text"}, key=b"bad-2")
    harness.publish(b"\xff\xfe\x00garbage", key=b"bad-3")
    harness.publish({"id": "good-after-bad", "text": KHARKIV_EN_1, "published_at": "2026-11-20T22:00:00Z"})

    letters = consume_until(harness.bootstrap, harness.dlq, lambda v: len(v) >= 3, timeout=60)
    reasons = {json.loads(json.dumps(v))["source"]["key"]: v["reason"] for v in letters}
    assert reasons == {"bad-1": "invalid_json", "bad-2": "missing_field", "bad-3": "invalid_utf8"}, letters
    assert all(v["detail"] for v in letters)

    alerts = consume_until(harness.bootstrap, harness.alerts,
                           lambda v: any(a["article_id"] == "good-after-bad" for a in v), timeout=60)
    casualties = [a for a in alerts if "civilian-casualties" in a["tags"]]
    assert casualties, harness.logs()
    assert _count(casualties[0], "killed") == 4
    assert casualties[0]["facts"]["location"]["country"] == "UA"


def test_suppression_survives_a_worker_restart(harness: WorkerHarness) -> None:
    worker, _ = harness.start_worker()
    harness.publish({"id": "kh-1", "text": KHARKIV_EN_1, "source": "wire-a", "published_at": "2026-11-20T22:00:00Z"})
    first = consume_until(harness.bootstrap, harness.alerts,
                          lambda v: any("civilian-casualties" in a["tags"] for a in v), timeout=60)
    new = [a for a in first if "civilian-casualties" in a["tags"]]
    assert len(new) == 1 and new[0]["status"] == "new", harness.logs()

    harness.stop_worker(worker)  # clean stop; the table lives on in its changelog topic
    harness.start_worker()
    harness.publish({"id": "kh-2", "text": KHARKIV_DE_2, "source": "wire-b", "published_at": "2026-11-21T08:00:00Z"})

    def has_update(values: list[dict[str, Any]]) -> bool:
        return any(a["status"] == "update" for a in values if "civilian-casualties" in a["tags"])

    alerts = [a for a in consume_until(harness.bootstrap, harness.alerts, has_update, timeout=90)
              if "civilian-casualties" in a["tags"]]
    assert [a["status"] for a in alerts] == ["new", "update"], harness.logs()
    update = alerts[1]
    assert update["alert_id"] == new[0]["alert_id"]
    assert update["corroboration"] == 2
    assert _count(update, "killed") == 6  # escalated 4 -> 6
    assert [a["id"] for a in update["articles"]] == ["kh-1", "kh-2"]


def test_rules_reload_in_a_running_worker(harness: WorkerHarness, tmp_path: Path) -> None:
    import shutil

    from tests.conftest import ROOT

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    harness.rules_dir = rules
    harness.start_worker()
    extra = rules / "zz-test-sanctions-copy.yaml"
    base = next(p for p in sorted(rules.glob("*.yaml")) if "sanction" in p.read_text())
    text = base.read_text()
    import re

    old_id = re.search(r"^id:\s*(\S+)", text, re.M)
    assert old_id is not None
    extra.write_text(text.replace(old_id.group(0), "id: reload-probe", 1))

    article = {"id": "sanctions-1", "text": "Die EU hat am Montag neue Sanktionen gegen Russland beschlossen. "
               "Die Strafmaßnahmen treffen Banken und Ölexporte.", "published_at": "2026-11-22T10:00:00Z"}

    def probe_seen(values: list[dict[str, Any]]) -> bool:
        return any(a["rule_id"] == "reload-probe" for a in values)

    deadline = time.monotonic() + 60
    seen = False
    n = 0
    while time.monotonic() < deadline and not seen:
        n += 1
        harness.publish({**article, "id": f"sanctions-{n}"})
        seen = probe_seen(consume_until(harness.bootstrap, harness.alerts, probe_seen, timeout=5))
    assert seen, harness.logs()

    # an invalid file is rejected: the old set, with the probe, keeps serving
    (rules / "zz-broken.yaml").write_text("id: broken\nseverity: [not, valid\n")
    time.sleep(2)
    harness.publish({**article, "id": "after-broken"})
    after = consume_until(harness.bootstrap, harness.alerts,
                          lambda v: any(a["article_id"] == "after-broken" and a["rule_id"] == "reload-probe" for a in v),
                          timeout=30)
    assert any(a["article_id"] == "after-broken" and a["rule_id"] == "reload-probe" for a in after), harness.logs()

    # fix the set and delete the probe: it stops firing
    (rules / "zz-broken.yaml").unlink()
    extra.unlink()
    deadline = time.monotonic() + 60
    stopped = False
    while time.monotonic() < deadline and not stopped:
        n += 1
        marker = f"after-delete-{n}"
        harness.publish({**article, "id": marker})
        values = consume_until(harness.bootstrap, harness.alerts,
                               lambda v, m=marker: any(a["article_id"] == m for a in v), timeout=10)
        fired = {a["rule_id"] for a in values if a["article_id"] == marker}
        stopped = bool(fired) and "reload-probe" not in fired
    assert stopped, harness.logs()
