"""Write the worker's self-alerts for Kubernetes: k8s/base/prometheusrule.yaml, a PrometheusRule
(Prometheus Operator) whose groups are those of docker/prometheus/newsalert-alerts.rules.yml, the
file the compose stack's Prometheus loads. One source of truth, two packagings.

Run after editing the rule file: `.venv/bin/python scripts/sync_k8s_alerts.py` (the deploy tests
fail when the two differ). `--check` only compares and exits 1 on drift.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "docker" / "prometheus" / "newsalert-alerts.rules.yml"
TARGET = ROOT / "k8s" / "base" / "prometheusrule.yaml"

HEADER = """\
# GENERATED from docker/prometheus/newsalert-alerts.rules.yml by scripts/sync_k8s_alerts.py: do not
# edit here. The worker's self-alerts (docs/monitoring.md) for the Prometheus Operator; the
# ServiceMonitor's jobLabel makes job="newsalert", which the expressions select. A Prometheus from
# kube-prometheus-stack selects rules by its release label (added in the production overlay).
"""


def render() -> str:
    yaml = YAML()  # round trip: comments and block scalars of the source are kept
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    source = yaml.load(SOURCE)
    doc = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": "newsalert-worker",
            "labels": {"app.kubernetes.io/name": "newsalert", "app.kubernetes.io/component": "worker"},
        },
        "spec": {"groups": source["groups"]},
    }
    out = io.StringIO()
    yaml.dump(doc, out)
    return HEADER + out.getvalue()


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET.relative_to(ROOT)} differs from {SOURCE.relative_to(ROOT)}: "
                  "run scripts/sync_k8s_alerts.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} from {SOURCE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
