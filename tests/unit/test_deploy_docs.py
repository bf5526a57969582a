"""docs/deploy.md names only commands, files and settings that exist."""

from __future__ import annotations

import re
from pathlib import Path

from streams.cli.main import SUBCOMMANDS
from streams.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "deploy.md").read_text()


def _code(text: str) -> str:
    """Fenced blocks and inline code spans: where the guide shows commands."""
    fenced = re.findall(r"^```[^\n]*\n(.*?)^```", text, re.M | re.S)
    inline = re.findall(r"`([^`\n]+)`", re.sub(r"^```.*?^```", "", text, flags=re.M | re.S))
    return "\n".join(fenced + inline)


def test_every_newsalert_subcommand_in_the_guide_exists() -> None:
    # "kubectl -n newsalert get ..." names the namespace, not a subcommand
    used = set(re.findall(r"(?<!-n )(?<![\w/.-])newsalert ([a-z][\w-]*)", _code(DOC)))
    assert {"worker", "publish", "broker"} <= used
    assert used <= set(SUBCOMMANDS), used - set(SUBCOMMANDS)


def test_every_repository_path_in_the_guide_exists() -> None:
    paths = set(re.findall(r"`((?:docker|k8s|rules|streams|docs)/[\w./-]*)`", DOC))
    assert {"docker/Dockerfile", "docker/compose.yaml", "k8s/base/"} <= paths
    missing = sorted(p for p in paths if not (ROOT / p.rstrip("/")).exists())
    assert not missing, missing


def test_every_setting_in_the_guide_is_read_by_the_worker() -> None:
    text = DOC.replace("NEWSALERT_KAFKA_*", "").replace("NEWSALERT_*", "")
    named = set(re.findall(r"NEWSALERT_[A-Z_]*[A-Z]", text))
    known = {f"NEWSALERT_{f.upper()}" for f in Settings.__dataclass_fields__}
    known |= {"NEWSALERT_CACHE_DIR", "NEWSALERT_WORKERS"}  # cache location; compose's replica count
    known |= {f"NEWSALERT_KAFKA_{n}" for n in ("BOOTSTRAP_SERVERS", "SASL_PASSWORD", "SASL_USERNAME")}
    assert named <= known, named - known


def test_throughput_figure_points_at_the_benchmarks() -> None:
    assert "see [docs/benchmarks.md](benchmarks.md)" in DOC
