"""The k8s ServiceMonitor gives scraped workers the job label the self-alerting rules select."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_servicemonitor_job_label_matches_the_alert_rules() -> None:
    monitor = yaml.safe_load((ROOT / "k8s/base/servicemonitor.yaml").read_text())
    service = yaml.safe_load((ROOT / "k8s/base/service.yaml").read_text())
    job_label = monitor["spec"]["jobLabel"]
    job = service["metadata"]["labels"][job_label]
    rules = (ROOT / "docker/prometheus/newsalert-alerts.rules.yml").read_text()
    selected = set(re.findall(r'job="([^"]+)"', rules))
    assert selected == {job}, f"alert rules select {selected}, the ServiceMonitor yields job={job!r}"
