"""An ACL-enforced cluster, as in Kubernetes: a broker with StandardAuthorizer, the topics of
k8s/base/kafkatopics.yaml created beforehand, and the worker's principal holding exactly the ACLs of
k8s/base/kafkauser.yaml (read from those files). The worker must start and alert without the Create
permission on topics that exist; a missing permission is named in the error (issue 15, item 1).

The broker's PLAINTEXT listener (inter-broker, and the test's own admin work) is a super user; the
worker logs in with SCRAM-SHA-512 on a SASL_PLAINTEXT listener. Ports are free ones picked at
start, or NEWSALERT_TEST_ACL_BROKER_PORTS (``"p,c,s"`` or a first port).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from streams.delivery.topics import TopicError, ensure_topics
from streams.kafka.settings import KafkaSettings
from tests.integration.worker_harness import TopicCollector, WorkerHarness
from tests.ports import start_extra_broker

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "k8s" / "base"
USER = "newsalert-worker"
PASSWORD = "worker-pw-c0ffee"
PORTS_VARIABLE = "NEWSALERT_TEST_ACL_BROKER_PORTS"
WORKER_TOPICS = ["articles", "articles.dlq", "newsalert-matches", "alerts", "alerts.military"]


def acl_config(port: int, controller_port: int, sasl_port: int) -> str:
    return "\n".join([
        f"listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port},"
        f"SASL_PLAINTEXT://127.0.0.1:{sasl_port}",
        f"advertised.listeners=PLAINTEXT://127.0.0.1:{port},SASL_PLAINTEXT://127.0.0.1:{sasl_port}",
        "sasl.enabled.mechanisms=SCRAM-SHA-512",
        "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config="
        "org.apache.kafka.common.security.scram.ScramLoginModule required;",
        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        # the unauthenticated listeners (inter-broker, controller, this test's admin) only
        "super.users=User:ANONYMOUS",
        "allow.everyone.if.no.acl.found=false",
    ])


def k8s_documents(name: str, kind: str) -> list[dict[str, Any]]:
    docs = yaml.safe_load_all((K8S / name).read_text(encoding="utf-8"))
    return [d for d in docs if d and d.get("kind") == kind]


def k8s_acls() -> list[Any]:
    """The worker's ACLs exactly as kafkauser.yaml grants them, as kafka-python ACL objects."""
    from kafka.admin import (
        ACL,
        ACLOperation,
        ACLPermissionType,
        ACLResourcePatternType,
        ResourcePattern,
        ResourceType,
    )

    (user,) = k8s_documents("kafkauser.yaml", "KafkaUser")
    acls = []
    for entry in user["spec"]["authorization"]["acls"]:
        resource = entry["resource"]
        pattern = ResourcePattern(
            ResourceType[resource["type"].upper()], resource["name"],
            ACLResourcePatternType.PREFIXED if resource["patternType"] == "prefix" else ACLResourcePatternType.LITERAL)
        for operation in entry["operations"]:  # Strimzi spells them DescribeConfigs, Kafka DESCRIBE_CONFIGS
            op = ACLOperation[re.sub(r"(?<=[a-z])(?=[A-Z])", "_", operation).upper()]
            acls.append(ACL(f"User:{user['metadata']['name']}", "*", op, ACLPermissionType.ALLOW, pattern))
    return acls


@dataclass(frozen=True)
class AclCluster:
    admin_bootstrap: str  # PLAINTEXT, super user
    sasl_bootstrap: str  # the worker's listener

    def worker_env(self) -> dict[str, str]:
        return {
            "NEWSALERT_KAFKA_BOOTSTRAP_SERVERS": self.sasl_bootstrap,
            "NEWSALERT_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "NEWSALERT_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "NEWSALERT_KAFKA_SASL_USERNAME": USER,
            "NEWSALERT_KAFKA_SASL_PASSWORD": PASSWORD,
            "NEWSALERT_KAFKA_CONNECT_TIMEOUT": "5",
        }

    def worker_settings(self) -> KafkaSettings:
        return KafkaSettings.from_env(self.worker_env())


@pytest.fixture(scope="module")
def acl_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AclCluster]:
    from kafka import KafkaAdminClient
    from kafka.admin import UserScramCredentialUpsertion

    broker, sasl_port = start_extra_broker(tmp_path_factory.mktemp("acl-broker"), PORTS_VARIABLE, acl_config)
    try:
        admin = KafkaAdminClient(bootstrap_servers=[broker.bootstrap])
        try:
            result = admin.alter_user_scram_credentials([UserScramCredentialUpsertion(USER, "SCRAM-SHA-512", PASSWORD)])
            assert all(v is None for v in result.values()), result
            # the topics as the Topic Operator makes them (one broker here: replication 1, and no
            # min.insync.replicas of 2 that one broker could never satisfy)
            topics = {}
            for doc in k8s_documents("kafkatopics.yaml", "KafkaTopic"):
                config = {k: str(v) for k, v in (doc["spec"].get("config") or {}).items() if k != "min.insync.replicas"}
                topics[doc["spec"]["topicName"]] = {"num_partitions": 2, "replication_factor": 1, "configs": config}
            assert set(WORKER_TOPICS) <= set(topics), "kafkatopics.yaml no longer has the worker's topics"
            admin.create_topics(topics, timeout_ms=30_000, wait_for_metadata=True)
            created = admin.create_acls(k8s_acls())
            assert not created["failed"], created["failed"]
        finally:
            admin.close()
        cluster = AclCluster(broker.bootstrap, f"127.0.0.1:{sasl_port}")
        wait_for_acls(cluster)
        yield cluster
    finally:
        broker.stop()


def wait_for_acls(cluster: AclCluster, timeout: float = 30) -> None:
    """New ACLs reach the authorizer through the metadata log a moment after CreateAcls returns."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(**cluster.worker_settings().kafka_python_kwargs())
    deadline = time.monotonic() + timeout
    try:
        while any(t.get("error_code") for t in admin.describe_topics(WORKER_TOPICS)):
            assert time.monotonic() < deadline, "the worker's ACLs did not take effect"
            time.sleep(0.2)
    finally:
        admin.close()


def test_existing_topics_need_no_create_permission(acl_cluster: AclCluster) -> None:
    """Before the fix, CreateTopics was sent for every topic and the broker refused all of them."""
    created = ensure_topics(acl_cluster.worker_settings(), WORKER_TOPICS, 2, 1,
                            needs={"articles": ["READ"], "articles.dlq": ["WRITE"], "alerts": ["WRITE"],
                                   "newsalert-matches": ["READ", "WRITE"]})
    assert created == []


def test_a_missing_topic_without_create_permission_names_it(acl_cluster: AclCluster,
                                                             unique_name: Callable[[str], str]) -> None:
    missing = unique_name("alerts.extra")  # the alerts prefix grants Write and Describe, not Create
    with pytest.raises(TopicError) as info:
        ensure_topics(acl_cluster.worker_settings(), ["alerts", missing], 2, 1)
    message = str(info.value)
    assert f"lacks the CREATE permission on topic {missing}" in message
    assert "alerts," not in message and "kafkatopics.yaml" in message
    # the worker's own prefix grants Create: the same call works there
    own = unique_name("newsalert-extra")
    assert ensure_topics(acl_cluster.worker_settings(), [own], 2, 1) == [own]


def test_a_missing_operation_is_named(acl_cluster: AclCluster) -> None:
    with pytest.raises(TopicError, match=r"lacks the READ permission on topic alerts \("):
        ensure_topics(acl_cluster.worker_settings(), ["alerts"], 2, 1, needs={"alerts": ["READ", "WRITE"]})
    with pytest.raises(TopicError, match="lacks the DESCRIBE permission on topic secret-topic"):
        ensure_topics(acl_cluster.worker_settings(), ["secret-topic"], 2, 1)


def test_the_worker_runs_with_exactly_the_k8s_acls(acl_cluster: AclCluster, tmp_path: Path) -> None:
    """The real worker process, as the k8s principal: it starts, consumes and publishes alerts."""
    samples = [json.loads(line) for line in
               (ROOT / "streams" / "samples" / "articles.jsonl").read_text(encoding="utf-8").splitlines() if line]
    harness = WorkerHarness(bootstrap=acl_cluster.sasl_bootstrap, tmp=tmp_path, extra_env={
        **acl_cluster.worker_env(), "NEWSALERT_APP_ID": "newsalert", "NEWSALERT_ARTICLES_TOPIC": "articles",
        "NEWSALERT_ALERTS_TOPIC": "alerts", "NEWSALERT_DLQ_TOPIC": "articles.dlq", "NEWSALERT_MATCHES_TOPIC": "",
    })
    try:
        harness.start_worker(wait_ready=120)
        from kafka import KafkaProducer

        with TopicCollector(acl_cluster.admin_bootstrap, "alerts") as alerts:
            producer = KafkaProducer(bootstrap_servers=[acl_cluster.admin_bootstrap])
            for article in samples:
                producer.send("articles", key=article["id"].encode(), value=json.dumps(article).encode())
            producer.flush(30)
            producer.close()
            assert alerts.wait_for(lambda values: len(values) >= 1, timeout=90), harness.logs()
            got = alerts.values()
        assert {a["article_id"] for a in got} <= {a["id"] for a in samples}
        assert "AuthorizationFailed" not in harness.logs()
    finally:
        harness.stop_all()


def test_the_worker_says_which_permission_it_lacks(acl_cluster: AclCluster, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from streams.cli.main import cli

    env = {**acl_cluster.worker_env(), "NEWSALERT_APP_ID": "newsalert", "NEWSALERT_ALERTS_TOPIC": "other-alerts",
           "NEWSALERT_DATA_DIR": str(tmp_path / "data"), "NEWSALERT_METRICS_PORT": "0"}
    result = CliRunner().invoke(cli, ["worker", "--rules", str(ROOT / "rules"), "--no-reload"], env=env)
    assert result.exit_code == 1, result.output
    assert "cannot use the topics, not starting" in result.stderr
    assert "lacks the DESCRIBE permission on topic other-alerts" in result.stderr
    assert "Traceback" not in result.stderr
