"""The Grafana dashboard and its provisioning: every panel is complete and queries real metrics."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import faust
import pytest
from prometheus_client import CollectorRegistry
from ruamel.yaml import YAML

from streams.metrics import Metrics, install_faust_sensors

GRAFANA = Path(__file__).resolve().parents[2] / "docker" / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "newsalert.json"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
# values Grafana would put in; the integration test uses the same against a real Prometheus
VARIABLES = {"$__rate_interval": "30s", "$__interval": "15s", "$__range": "5m",
             "$job": "newsalert", "$instance": ".*"}


def load_dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def panels() -> list[dict[str, Any]]:
    return [p for p in load_dashboard()["panels"] if p["type"] != "row"]


def substitute(expr: str) -> str:
    for name in sorted(VARIABLES, key=len, reverse=True):
        expr = expr.replace(name, VARIABLES[name])
    return expr


def exposed_names() -> set[str]:
    """Every series name the worker's registry can expose, including label-less-yet families."""
    registry = CollectorRegistry()
    Metrics(registry)
    install_faust_sensors(faust.App("newsalert-unit-dashboard", broker="kafka://127.0.0.1:1"), registry)
    suffixes = {"counter": ("_total",), "gauge": ("",), "histogram": ("_bucket", "_sum", "_count"),
                "info": ("_info",)}
    return {family.name + suffix for family in registry.collect() for suffix in suffixes[family.type]}


def test_every_panel_has_unit_description_and_the_datasource_variable() -> None:
    found = panels()
    assert len(found) >= 15
    for p in found:
        where = f"panel {p['id']} {p['title']!r}"
        assert p.get("description", "").strip(), where
        assert p["fieldConfig"]["defaults"].get("unit"), where
        assert p["datasource"] == DATASOURCE, where
        assert p["targets"], where
        for t in p["targets"]:
            assert t["datasource"] == DATASOURCE, where
            assert t["expr"].strip(), where
        assert len({t["refId"] for t in p["targets"]}) == len(p["targets"]), where


def test_datasource_variable_is_a_prometheus_datasource() -> None:
    variables = {v["name"]: v for v in load_dashboard()["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    for name in ("job", "instance"):
        assert variables[name]["datasource"] == DATASOURCE


def test_panel_ids_are_unique_and_the_grid_does_not_overlap() -> None:
    all_panels = load_dashboard()["panels"]
    assert len({p["id"] for p in all_panels}) == len(all_panels)
    cells: dict[tuple[int, int], str] = {}
    for p in all_panels:
        g = p["gridPos"]
        assert g["x"] >= 0 and g["x"] + g["w"] <= 24, p["title"]
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                assert (x, y) not in cells, f"{p['title']!r} overlaps {cells[(x, y)]!r}"
                cells[(x, y)] = p["title"]


def test_every_query_uses_the_job_and_instance_selectors() -> None:
    for p in panels():
        for t in p["targets"]:
            for selector in re.findall(r"\{[^}]*\}\[|\{[^}]*\}\)", t["expr"]):
                assert 'job=~"$job"' in selector and 'instance=~"$instance"' in selector, t["expr"]


def test_every_metric_in_a_query_is_exposed() -> None:
    exposed = exposed_names() | {"up"}
    for p in panels():
        for t in p["targets"]:
            for name in re.findall(r"\b(newsalert_[a-z0-9_]+|up)\{", t["expr"]):
                assert name in exposed, f"{p['title']!r} queries {name}, which nothing exposes"


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not installed (apt install prometheus)")
def test_every_query_is_valid_promql(tmp_path: Path) -> None:
    # promtool parses recording rules offline: one rule per query, after variable substitution
    rules = [{"record": f"dashboard:panel{p['id']}:{t['refId']}", "expr": substitute(t["expr"])}
             for p in panels() for t in p["targets"]]
    path = tmp_path / "queries.rules.yml"
    YAML(typ="safe").dump({"groups": [{"name": "dashboard", "rules": rules}]}, path)
    result = subprocess.run(["promtool", "check", "rules", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(rules)} rules found" in result.stdout


def test_provisioning_points_at_prometheus_and_the_dashboard_folder() -> None:
    yaml = YAML(typ="safe")
    ds = yaml.load((GRAFANA / "provisioning" / "datasources" / "prometheus.yaml").read_text())
    assert ds["apiVersion"] == 1 and ds["datasources"][0]["type"] == "prometheus"
    dash = yaml.load((GRAFANA / "provisioning" / "dashboards" / "newsalert.yaml").read_text())
    provider = dash["providers"][0]
    assert provider["type"] == "file" and provider["options"]["path"].startswith("/var/lib/grafana/dashboards")
