"""NewsalertRuleReloadFailing must stop firing once the broken rule file is gone (issue 15, item 2).

The gauge values come from the real code path: a RuleWatcher wired to the worker's runtime and
metrics, driven through good files -> a broken file added -> the broken file removed. promtool
then evaluates the shipped alert rule on exactly those values.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any, cast

import pytest
import yaml
from prometheus_client import CollectorRegistry

from streams.config import Settings
from streams.metrics.service import Metrics
from streams.rules import RuleSet, RuleWatcher, load_ruleset
from streams.rules.loader import files_digest
from streams.worker.app import WorkerRuntime
from tests.unit.test_rules_watcher import rule_text

PROM_DIR = Path(__file__).resolve().parents[2] / "docker" / "prometheus"
RULES = PROM_DIR / "newsalert-alerts.rules.yml"
GAUGE = "newsalert_rules_last_reload_successful"


def baseline(watcher: RuleWatcher) -> RuleWatcher:
    """What start() does, without the thread: the files on disk now are the set in force."""
    watcher._digest = files_digest(watcher.directory)
    watcher._version = load_ruleset(watcher.directory).version
    return watcher


def drive(rules: Path) -> list[tuple[str, float]]:
    """The gauge after each step of the sequence, as the worker would expose it."""
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    runtime = WorkerRuntime(Settings(), cast(Any, None), metrics, {})
    changes: list[RuleSet] = []
    watcher = baseline(RuleWatcher(rules, on_change=changes.append, on_error=runtime.on_rules_error,
                                   on_recovered=runtime.on_rules_recovered))

    def gauge() -> float:
        value = registry.get_sample_value(GAUGE)
        assert value is not None
        return value

    steps = [("good", gauge())]
    (rules / "broken.yaml").write_text(rule_text("rule-broken") + "bogus: 1\n")
    watcher.check_now()
    steps.append(("broken file added", gauge()))
    (rules / "broken.yaml").unlink()
    watcher.check_now()
    steps.append(("broken file removed", gauge()))
    assert changes == []  # the set in force never changed
    return steps


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    d = tmp_path / "rules"
    d.mkdir()
    (d / "a.yaml").write_text(rule_text("rule-a"))
    return d


def test_the_gauge_recovers_when_the_broken_file_is_removed(rules_dir: Path) -> None:
    assert drive(rules_dir) == [("good", 1.0), ("broken file added", 0.0), ("broken file removed", 1.0)]


def test_on_change_failing_counts_as_a_failure_and_is_retried(rules_dir: Path) -> None:
    calls: list[str] = []

    def refuse(ruleset: RuleSet) -> None:
        calls.append(ruleset.version)
        raise RuntimeError("no CREATE permission on a new alert topic")

    watcher = baseline(RuleWatcher(rules_dir, on_change=refuse, on_error=lambda errors: None))
    before = watcher.version
    (rules_dir / "a.yaml").write_text(rule_text("rule-a", "attack"))
    assert watcher.check_now() is False
    assert watcher.version == before and watcher.failing and watcher.failures == 1
    assert watcher.check_now() is False  # same files, no retry due yet: not applied again at once
    assert len(calls) == 1
    assert watcher.check_now(retrying=True) is False  # the retry timer tries the same files again
    assert len(calls) == 2 and calls[0] != before and watcher.failures == 2
    watcher.retry.cancel()


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not on PATH (apt install prometheus)")
def test_promtool_sees_the_alert_fire_and_resolve(rules_dir: Path, tmp_path: Path) -> None:
    steps = drive(rules_dir)
    # each state is held for a while: good 2 minutes, broken 8 minutes, then fixed for 10 minutes
    held = [2, 8, 10]
    values = " ".join(f"{value:g}" for (_, value), minutes in zip(steps, held, strict=True) for _ in range(minutes))
    shutil.copy(RULES, tmp_path / RULES.name)
    shipped = yaml.safe_load((PROM_DIR / "newsalert-alerts.test.yml").read_text(encoding="utf-8"))
    (annotations,) = {yaml.safe_dump(a["exp_annotations"]) for t in shipped["tests"] for c in t["alert_rule_test"]
                      if c["alertname"] == "NewsalertRuleReloadFailing" for a in c["exp_alerts"]}
    labels = {"job": "newsalert", "instance": "w1:9108"}
    series = f'{GAUGE}{{job="newsalert", instance="w1:9108"}}'
    test = {
        "rule_files": [RULES.name],
        "evaluation_interval": "1m",
        "tests": [{
            "name": "broken rule file added, then removed",
            "interval": "1m",
            "input_series": [{"series": series, "values": values}],
            "alert_rule_test": [
                {"eval_time": "9m", "alertname": "NewsalertRuleReloadFailing",
                 "exp_alerts": [{"exp_labels": {"severity": "warning", **labels},
                                 "exp_annotations": yaml.safe_load(annotations)}]},
                {"eval_time": "12m", "alertname": "NewsalertRuleReloadFailing", "exp_alerts": []},
                {"eval_time": "19m", "alertname": "NewsalertRuleReloadFailing", "exp_alerts": []},
            ],
        }],
    }
    (tmp_path / "sequence.test.yml").write_text(yaml.safe_dump(test, sort_keys=False))
    result = subprocess.run(["promtool", "test", "rules", "sequence.test.yml"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"values {values!r}\n{result.stdout}{result.stderr}"
