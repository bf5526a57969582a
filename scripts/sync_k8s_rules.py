"""Copy the rule pack into the kustomize base and list every file in the rules ConfigMap.

kustomize reads files only below its own folder, so k8s/base/rules/ holds copies of rules/.
Run after editing rules: `.venv/bin/python scripts/sync_k8s_rules.py` (the deploy tests fail on drift).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "rules"
DST = ROOT / "k8s" / "base" / "rules"


def main() -> int:
    shutil.rmtree(DST, ignore_errors=True)
    (DST / "lexicon").mkdir(parents=True)
    rules = sorted(p.name for p in SRC.glob("*.yaml"))
    lexicons = sorted(p.name for p in (SRC / "lexicon").glob("*.yaml"))
    for name in rules:
        shutil.copy2(SRC / name, DST / name)
    for name in lexicons:
        shutil.copy2(SRC / "lexicon" / name, DST / "lexicon" / name)

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 120
    yaml.indent(mapping=2, sequence=4, offset=2)
    kust_path = ROOT / "k8s" / "base" / "kustomization.yaml"
    kust = yaml.load(kust_path)
    gen = next(g for g in kust["configMapGenerator"] if g["name"] == "newsalert-rules")
    gen["files"] = [f"rules/{n}" for n in rules] + [f"lexicon--{n}=rules/lexicon/{n}" for n in lexicons]
    yaml.dump(kust, kust_path)

    dep_path = ROOT / "k8s" / "base" / "deployment.yaml"
    dep = yaml.load(dep_path)
    volume = next(v for v in dep["spec"]["template"]["spec"]["volumes"] if v["name"] == "rules")
    volume["configMap"]["items"] = [{"key": n, "path": n} for n in rules] + [
        {"key": f"lexicon--{n}", "path": f"lexicon/{n}"} for n in lexicons
    ]
    yaml.dump(dep, dep_path)
    print(f"synced {len(rules)} rule files and {len(lexicons)} lexicons into {DST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
