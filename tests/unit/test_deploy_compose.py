"""docker/compose.yaml, checked without a docker engine.

The file is validated against the Compose Specification's JSON Schema as shipped in the
check-jsonschema wheel (its vendored `compose-spec.json`), and checked against the project and the
files it mounts: the Dockerfile, the Prometheus config and rules, the Grafana provisioning.
"""

from __future__ import annotations

import base64
import copy
import importlib.resources
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from streams.broker.local import DEFAULT_KAFKA_VERSION
from streams.config import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker" / "compose.yaml"
COMPOSE_DIR = COMPOSE.parent


def compose_schema() -> dict[str, Any]:
    text = (
        importlib.resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    ).read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_errors(doc: dict[str, Any]) -> list[str]:
    schema = compose_schema()
    # The file declares draft-07 (as "https://json-schema.org/draft-07/schema", without "#").
    assert "draft-07" in schema["$schema"]
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


_VAR = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}")


def interpolate(value: Any) -> Any:
    """Compose's ${VAR:-default} with nothing set in the environment: the defaults."""
    if isinstance(value, str):
        return _VAR.sub(lambda m: m.group(2) or "", value).replace("$$", "$")
    if isinstance(value, list):
        return [interpolate(v) for v in value]
    if isinstance(value, dict):
        return {k: interpolate(v) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return doc


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    resolved: dict[str, Any] = interpolate(compose["services"])
    return resolved


def test_compose_file_is_valid_against_the_compose_spec(compose: dict[str, Any]) -> None:
    assert schema_errors(compose) == []
    # and after interpolation with the defaults, as docker compose would see it
    assert schema_errors(interpolate(compose)) == []


def test_check_jsonschema_cli_agrees() -> None:
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["services"]["worker"].__setitem__("replica", 2),  # misspelt key
        lambda d: d["services"]["worker"]["deploy"].__setitem__("replicas", [2]),  # wrong type
        lambda d: d["services"]["kafka"]["healthcheck"].__setitem__("interval", 10),  # not a duration string
        lambda d: d["services"]["worker"]["depends_on"]["topic-init"].__setitem__("condition", "done"),
    ],
)
def test_schema_rejects_broken_variants(compose: dict[str, Any], mutate: Any) -> None:
    broken = copy.deepcopy(compose)
    mutate(broken)
    assert schema_errors(broken), "the schema accepted a broken compose file"


def test_worker_scales_without_port_clashes(services: dict[str, Any]) -> None:
    worker = services["worker"]
    assert "ports" not in worker, "a fixed host port stops `--scale worker=N`"
    assert "container_name" not in worker, "a fixed container name stops `--scale worker=N`"
    assert int(worker["deploy"]["replicas"]) >= 1
    settings = Settings.from_env({k: str(v) for k, v in worker["environment"].items()})
    assert str(settings.metrics_port) in [str(p) for p in worker["expose"]]
    assert worker["depends_on"]["topic-init"]["condition"] == "service_completed_successfully"
    assert worker.get("read_only") is True
    writable = set(worker.get("tmpfs", []))
    assert str(settings.data_dir) in writable, "Faust's data dir must be writable on a read-only root"


def test_worker_builds_from_the_dockerfile_and_mounts_the_rules(services: dict[str, Any]) -> None:
    build = services["worker"]["build"]
    context = (COMPOSE_DIR / build["context"]).resolve()
    assert context == ROOT
    assert (context / build["dockerfile"]).resolve() == ROOT / "docker" / "Dockerfile"
    settings = Settings.from_env({k: str(v) for k, v in services["worker"]["environment"].items()})
    mounts = {target: source for source, target, *_ in (v.split(":") for v in services["worker"]["volumes"])}
    assert (COMPOSE_DIR / mounts[str(settings.rules_dir)]).resolve() == ROOT / "rules"


def test_every_bind_mount_source_exists(services: dict[str, Any], compose: dict[str, Any]) -> None:
    named = set(compose.get("volumes", {}))
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source in named:
                continue
            assert (COMPOSE_DIR / source).exists(), f"{name}: mount source {source} does not exist"


def test_worker_reaches_kafka_on_its_advertised_listener(services: dict[str, Any]) -> None:
    kafka_env = services["kafka"]["environment"]
    advertised = dict(item.split("://") for item in kafka_env["KAFKA_ADVERTISED_LISTENERS"].split(","))
    settings = Settings.from_env({k: str(v) for k, v in services["worker"]["environment"].items()})
    assert settings.kafka.bootstrap_servers == advertised[kafka_env["KAFKA_INTER_BROKER_LISTENER_NAME"]]
    host = settings.kafka.bootstrap_servers.split(":")[0]
    assert host == "kafka" or host == services["kafka"].get("hostname")
    # Kafka in the image is the release the project's local broker runs and is tested against.
    assert services["kafka"]["image"] == f"apache/kafka:{DEFAULT_KAFKA_VERSION}"
    assert services["topic-init"]["image"] == services["kafka"]["image"]
    # KRaft: combined roles; the cluster id is a base64url UUID (16 bytes, 22 characters).
    assert set(kafka_env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    cluster_id = kafka_env["CLUSTER_ID"]
    assert len(cluster_id) == 22 and len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def test_topic_init_creates_what_the_worker_uses(services: dict[str, Any]) -> None:
    init = services["topic-init"]
    script = init["command"][0]
    assert init["entrypoint"][0] == "/bin/bash"
    syntax = subprocess.run(["bash", "-n", "-c", script], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr
    created = re.findall(r"^\s*create (\S+)", script, re.M)
    worker_env = {k: str(v) for k, v in services["worker"]["environment"].items()}
    settings = Settings.from_env(worker_env)
    expected = {
        settings.articles_topic,
        settings.alerts_topic,
        settings.dlq_topic,
        settings.matches_topic,
        f"{settings.app_id}-suppression-changelog",
        f"{settings.app_id}-suppression-articles-changelog",
    }
    assert set(created) == expected
    # One partition count for all of them, the one the workers are told.
    assert str(init["environment"]["PARTITIONS"]) == worker_env["NEWSALERT_TOPIC_PARTITIONS"]
    assert (
        str(services["kafka"]["environment"]["KAFKA_NUM_PARTITIONS"])
        == worker_env["NEWSALERT_TOPIC_PARTITIONS"]
    )
    assert '--partitions "$PARTITIONS"' in script
    # Topics named by rules are not listed here: the broker creates them on first use.
    named_by_rules = {
        topic
        for path in sorted((ROOT / "rules").glob("*.y*ml"))
        for doc in yaml.safe_load_all(path.read_text())
        if isinstance(doc, dict) and "id" in doc
        for topic in doc.get("topics") or []
    }
    if named_by_rules - set(created):
        assert services["kafka"]["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "true"


def test_images_are_pinned(services: dict[str, Any]) -> None:
    for name, service in services.items():
        image = service.get("image", "")
        if "build" in service:
            continue
        repo, _, tag = image.rpartition(":")
        assert repo and tag and tag != "latest" and re.search(r"\d", tag), f"{name}: {image!r} is not pinned"


def test_prometheus_gets_config_rules_and_finds_every_worker(services: dict[str, Any]) -> None:
    prom = services["prometheus"]
    mounts = {target: source for source, target, *_ in (v.split(":") for v in prom["volumes"])}
    config_flag = next(a for a in prom["command"] if a.startswith("--config.file="))
    config_path = Path(config_flag.split("=", 1)[1])
    host_dir = COMPOSE_DIR / mounts[str(config_path.parent)]
    config = yaml.safe_load((host_dir / config_path.name).read_text())
    for rule_file in config.get("rule_files", []):
        assert (host_dir / rule_file).is_file(), f"rule file {rule_file} is not in the mounted folder"
    assert (host_dir / "newsalert-alerts.rules.yml").is_file()
    assert any(Path(r).name == "newsalert-alerts.rules.yml" for r in config["rule_files"])
    # With `--scale worker=N`, only DNS service discovery sees every replica.
    jobs = [
        j
        for j in config["scrape_configs"]
        if any(s.get("names") == ["worker"] for s in j.get("dns_sd_configs", []))
    ]
    assert jobs, "no scrape job discovers the worker replicas"
    port = Settings.from_env({k: str(v) for k, v in services["worker"]["environment"].items()}).metrics_port
    assert all(s["port"] == port for j in jobs for s in j["dns_sd_configs"])


def test_grafana_gets_the_provisioned_datasource_and_dashboards(services: dict[str, Any]) -> None:
    grafana = services["grafana"]
    mounts = {target: source for source, target, *_ in (v.split(":") for v in grafana["volumes"])}
    provisioning = COMPOSE_DIR / mounts["/etc/grafana/provisioning"]
    providers = [
        p
        for f in sorted((provisioning / "dashboards").glob("*.y*ml"))
        for p in yaml.safe_load(f.read_text())["providers"]
    ]
    assert providers
    for provider in providers:
        path = provider["options"]["path"]
        assert path in mounts, f"dashboard provider reads {path}, which compose does not mount"
        assert list((COMPOSE_DIR / mounts[path]).glob("*.json")), f"no dashboards in {mounts[path]}"
    datasources = [
        d
        for f in sorted((provisioning / "datasources").glob("*.y*ml"))
        for d in yaml.safe_load(f.read_text())["datasources"]
    ]
    hosts = {re.match(r"https?://([^:/]+)", d["url"]).group(1) for d in datasources}  # type: ignore[union-attr]
    assert hosts <= set(services), f"data source hosts {hosts} are not compose services"
