"""The service's own Prometheus alerts: valid, unit-tested with promtool, every alert covered."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

PROM_DIR = Path(__file__).resolve().parents[2] / "docker" / "prometheus"
RULES = PROM_DIR / "newsalert-alerts.rules.yml"
RULE_TESTS = PROM_DIR / "newsalert-alerts.test.yml"
CONFIG = PROM_DIR / "prometheus.yml"
EXPECTED_ALERTS = {
    "NewsalertWorkerDown",
    "NewsalertConsumerStalled",
    "NewsalertLagGrowing",
    "NewsalertDeadLetterRate",
    "NewsalertRuleReloadFailing",
}

needs_promtool = pytest.mark.skipif(
    shutil.which("promtool") is None,
    reason="promtool not found on PATH: install the 'prometheus' package (apt install prometheus); CI has it",
)


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["promtool", *args], cwd=PROM_DIR, capture_output=True, text=True, timeout=120)


def alert_rules() -> list[dict[str, Any]]:
    return [rule for group in load(RULES)["groups"] for rule in group["rules"] if "alert" in rule]


@needs_promtool
def test_promtool_check_rules() -> None:
    result = promtool("check", "rules", RULES.name)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_test_rules() -> None:
    result = promtool("test", "rules", RULE_TESTS.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@needs_promtool
def test_promtool_check_config() -> None:
    result = promtool("check", "config", CONFIG.name)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_test_rules_catches_a_wrong_expectation(tmp_path: Path) -> None:
    # the rule tests must be able to fail: expect silence where an alert fires
    shutil.copy(RULES, tmp_path / RULES.name)
    tests = load(RULE_TESTS)
    tests["tests"] = [t for t in tests["tests"] if t["name"] == "an empty rule set fires"]
    tests["tests"][0]["alert_rule_test"][0]["exp_alerts"] = []
    YAML(typ="safe").dump(tests, tmp_path / "wrong.test.yml")
    result = subprocess.run(["promtool", "test", "rules", "wrong.test.yml"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "NewsalertNoRulesLoaded" in result.stdout + result.stderr


def test_the_required_alerts_exist_with_severity_and_runbook() -> None:
    rules = alert_rules()
    assert {r["alert"] for r in rules} >= EXPECTED_ALERTS
    docs = (PROM_DIR.parents[1] / "docs" / "monitoring.md").read_text(encoding="utf-8")
    for rule in rules:
        assert rule["labels"]["severity"] in ("critical", "warning"), rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], rule["alert"]
        anchor = rule["annotations"]["runbook"].split("#", 1)[1]
        assert f"### {rule['alert']}" in docs and anchor == rule["alert"].lower(), rule["alert"]


def test_every_alert_fires_in_one_case_and_is_silent_in_another() -> None:
    fired: set[str] = set()
    silent: set[str] = set()
    for case in load(RULE_TESTS)["tests"]:
        for check in case.get("alert_rule_test", []):
            (fired if check.get("exp_alerts") else silent).add(check["alertname"])
    names = {r["alert"] for r in alert_rules()}
    assert names - fired == set(), "alerts never shown firing"
    assert names - silent == set(), "alerts never shown silent"
