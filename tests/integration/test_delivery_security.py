"""SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) on a second local broker: publish and subscribe through
the secured listener with the shared Kafka options; wrong credentials fail fast and clearly.

The broker has three listeners, PLAINTEXT (inter-broker), controller and SASL_PLAINTEXT, on free ports
picked when it starts, or on NEWSALERT_TEST_SASL_BROKER_PORTS (``"p,c,s"`` or a first port).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from streams.cli.main import cli
from streams.delivery.routing import message_key
from streams.kafka.settings import KafkaSettings
from tests.ports import start_extra_broker
from tests.unit.test_delivery_schema import make_alert

pytestmark = pytest.mark.integration

PORTS_VARIABLE = "NEWSALERT_TEST_SASL_BROKER_PORTS"
ADMIN_PASSWORD = "admin-pw-7f3e"
USERS = {"alice": "alice-pw-91c2", "bob": "bob-pw-44d0"}


def sasl_config(port: int, controller_port: int, sasl_port: int) -> str:
    plain_users = " ".join(f'user_{u}="{p}"' for u, p in {"admin": ADMIN_PASSWORD, **USERS}.items())
    return "\n".join([
        f"listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port},"
        f"SASL_PLAINTEXT://127.0.0.1:{sasl_port}",
        f"advertised.listeners=PLAINTEXT://127.0.0.1:{port},SASL_PLAINTEXT://127.0.0.1:{sasl_port}",
        "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
        "listener.name.sasl_plaintext.plain.sasl.jaas.config="
        f"org.apache.kafka.common.security.plain.PlainLoginModule required {plain_users};",
        "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config="
        "org.apache.kafka.common.security.scram.ScramLoginModule required;",
        "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config="
        "org.apache.kafka.common.security.scram.ScramLoginModule required;",
    ])


@pytest.fixture(scope="module")
def secured_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The SASL listener's address (the broker's PLAINTEXT listener is for the admin set-up only)."""
    # server.properties keeps the last value of a repeated key: extra_config replaces the listeners
    broker, sasl_port = start_extra_broker(tmp_path_factory.mktemp("sasl-broker"), PORTS_VARIABLE, sasl_config)
    try:
        from kafka import KafkaAdminClient
        from kafka.admin import UserScramCredentialUpsertion

        admin = KafkaAdminClient(bootstrap_servers=[broker.bootstrap])
        try:
            result = admin.alter_user_scram_credentials([
                UserScramCredentialUpsertion("bob", "SCRAM-SHA-256", USERS["bob"]),
                UserScramCredentialUpsertion("alice", "SCRAM-SHA-512", USERS["alice"]),
            ])
            assert all(v is None for v in result.values()), result
        finally:
            admin.close()
        yield f"127.0.0.1:{sasl_port}"
    finally:
        broker.stop()


def env_for(bootstrap: str, mechanism: str, user: str, password: str) -> dict[str, str]:
    return {
        "NEWSALERT_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "NEWSALERT_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "NEWSALERT_KAFKA_SASL_MECHANISM": mechanism,
        "NEWSALERT_KAFKA_SASL_USERNAME": user,
        "NEWSALERT_KAFKA_SASL_PASSWORD": password,
        "NEWSALERT_KAFKA_CONNECT_TIMEOUT": "4",
    }


def invoke(args: list[str], env: dict[str, str], stdin: str | None = None) -> Any:
    return CliRunner().invoke(cli, args, env=env, input=stdin, catch_exceptions=False)


@pytest.mark.parametrize(("mechanism", "user"), [("PLAIN", "alice"), ("SCRAM-SHA-256", "bob"),
                                                  ("SCRAM-SHA-512", "alice")])
def test_publish_and_subscribe_through_sasl(secured_broker: str, unique_name: Callable[[str], str],
                                            mechanism: str, user: str) -> None:
    env = env_for(secured_broker, mechanism, user, USERS[user])
    articles = unique_name("sec-articles")
    lines = "".join(json.dumps({"id": f"s{i}", "text": f"Gesicherte Meldung {i}."}) + "\n" for i in range(3))
    result = invoke(["publish", "-t", articles, "-"], env, stdin=lines)
    assert result.exit_code == 0, result.output
    assert "published 3 article(s)" in result.stdout

    # alerts: produced with the same settings object the CLI builds, read back with the CLI
    alerts_topic = unique_name("sec-alerts")
    settings = KafkaSettings.from_env(env)
    from streams.delivery.clients import make_producer

    producer = make_producer(settings)
    alert = make_alert(alert_id=f"sec-{mechanism}")
    producer.send(alerts_topic, key=message_key(alert), value=json.dumps(alert.to_dict()).encode()).get(timeout=30)
    producer.close()
    result = invoke(["subscribe", "-t", alerts_topic, "--from-beginning", "--format", "jsonl", "-n", "1",
                     "--timeout", "60"], env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == alert.to_dict()

    # the articles as an independent SASL client (kcat / librdkafka) sees them. Only PLAIN: the
    # Debian kcat (librdkafka 2.0.2) fails SCRAM against Kafka 4.4 here even with credentials made
    # by Kafka's own StorageTool, while kafka-python and aiokafka log in.
    kcat = shutil.which("kcat")
    if kcat and mechanism == "PLAIN":
        out = subprocess.run(
            [kcat, "-b", secured_broker, "-X", "security.protocol=SASL_PLAINTEXT", "-X", f"sasl.mechanisms={mechanism}",
             "-X", f"sasl.username={user}", "-X", f"sasl.password={USERS[user]}",
             "-C", "-t", articles, "-e", "-o", "beginning", "-q", "-f", "%k\n"],
            capture_output=True, text=True, timeout=60,
        )
        assert out.returncode == 0, out.stderr
        assert sorted(out.stdout.split()) == ["s0", "s1", "s2"]


@pytest.mark.parametrize(("mechanism", "user", "password"), [
    ("PLAIN", "alice", "wrong-password"),
    ("SCRAM-SHA-256", "bob", "wrong-password"),
    ("SCRAM-SHA-256", "alice", USERS["alice"]),  # alice has SCRAM-SHA-512 credentials only
    ("PLAIN", "mallory", "anything"),
])
def test_bad_credentials_fail_fast_with_a_clear_error(secured_broker: str, unique_name: Callable[[str], str],
                                                      tmp_path: Path, mechanism: str, user: str, password: str) -> None:
    env = {**env_for(secured_broker, mechanism, user, password), "NEWSALERT_KAFKA_CONNECT_TIMEOUT": "2"}
    article = tmp_path / "a.txt"
    article.write_text("Text.")
    for args in (["publish", "-t", unique_name("x"), str(article)],
                 ["subscribe", "-t", unique_name("x"), "--timeout", "30"]):
        started = time.monotonic()
        result = invoke(args, env)
        elapsed = time.monotonic() - started
        assert result.exit_code == 1, result.output
        assert f"Kafka at {secured_broker} (SASL_PLAINTEXT)" in result.stderr
        assert f"SASL authentication failed for user {user!r} ({mechanism})" in result.stderr
        assert "check the username, password and mechanism" in result.stderr
        assert "Traceback" not in result.stderr
        assert elapsed < 15, f"{args[0]} took {elapsed:.1f}s"  # connect timeout is 2s per client


def test_plaintext_client_on_the_sasl_listener_is_told_so(secured_broker: str, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Text.")
    env = {"NEWSALERT_KAFKA_CONNECT_TIMEOUT": "3"}
    result = invoke(["publish", "-b", secured_broker, str(article)], env)
    assert result.exit_code == 1
    assert "does this listener need SASL or TLS?" in result.stderr


def test_missing_sasl_settings_are_a_usage_error(tmp_path: Path) -> None:
    result = invoke(["subscribe", "-b", "127.0.0.1:9", "--security-protocol", "SASL_PLAINTEXT",
                     "--sasl-mechanism", "PLAIN"], {"NEWSALERT_KAFKA_SASL_USERNAME": "", "NEWSALERT_KAFKA_SASL_PASSWORD": ""})
    assert result.exit_code == 2
    assert "needs a SASL username and password" in result.output


def test_the_worker_side_faust_credentials_reach_the_sasl_listener(secured_broker: str,
                                                                    unique_name: Callable[[str], str],
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    """The worker (Faust on aiokafka) gets its auth from the same KafkaSettings: prove aiokafka logs in."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    topic = unique_name("faust-sec")

    async def roundtrip(settings: KafkaSettings) -> list[bytes]:
        auth = credentials_to_aiokafka_auth(settings.faust_credentials())
        producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, **auth)
        await producer.start()
        try:
            await producer.send_and_wait(topic, b"via-aiokafka")
        finally:
            await producer.stop()
        consumer = AIOKafkaConsumer(topic, bootstrap_servers=settings.bootstrap_servers,
                                    auto_offset_reset="earliest", **auth)
        await consumer.start()
        try:
            batch = await consumer.getmany(timeout_ms=20_000)
            return [r.value for records in batch.values() for r in records]
        finally:
            await consumer.stop()

    for mechanism, user in (("PLAIN", "alice"), ("SCRAM-SHA-256", "bob")):
        settings = KafkaSettings.from_env(env_for(secured_broker, mechanism, user, USERS[user]))
        assert b"via-aiokafka" in asyncio.run(roundtrip(settings))
    wrong = KafkaSettings.from_env(env_for(secured_broker, "PLAIN", "alice", "nope"))
    with pytest.raises(Exception, match="Unable to bootstrap"):
        asyncio.run(asyncio.wait_for(roundtrip(wrong), timeout=30))
    assert "SaslAuthenticationFailed" in caplog.text

