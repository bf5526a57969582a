"""TLS on a second local broker: SASL_SSL (PLAIN over TLS) and SSL with client certificates (mutual
TLS), with certificates made by openssl in the test. One broker configuration at a time, with PLAINTEXT,
controller and TLS listeners on free ports picked when it starts, or on
NEWSALERT_TEST_TLS_BROKER_PORTS (``"p,c,t"`` or a first port).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from streams.cli.main import cli
from streams.kafka.settings import KafkaSettings
from tests.ports import start_extra_broker

pytestmark = pytest.mark.integration

PORTS_VARIABLE = "NEWSALERT_TEST_TLS_BROKER_PORTS"
KEY_PASSWORD = "client-key-pw-3a9"


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@dataclass(frozen=True)
class Certs:
    dir: Path
    ca: Path
    other_ca: Path  # a CA that did not sign the broker's certificate
    client_cert: Path
    client_key: Path  # encrypted with KEY_PASSWORD
    wrong_host_ca: Path  # CA of a broker certificate that names another host (for the hostname check)


def make_certs(d: Path) -> Certs:
    def ca(name: str) -> None:
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem",
                "-days", "2", "-subj", f"/CN=newsalert test {name}", cwd=d)

    def signed(name: str, by: str, subject: str, ext: str | None) -> None:
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                "-subj", subject, cwd=d)
        extra = []
        if ext:
            (d / f"{name}.ext").write_text(ext + "\n")
            extra = ["-extfile", f"{name}.ext"]
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{by}.pem", "-CAkey", f"{by}.key", "-CAcreateserial",
                "-out", f"{name}.crt", "-days", "2", *extra, cwd=d)
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", f"{name}.key", "-out", f"{name}.p8", cwd=d)
        (d / f"{name}-keystore.pem").write_text((d / f"{name}.p8").read_text() + (d / f"{name}.crt").read_text())

    ca("ca")
    ca("other-ca")
    signed("server", "ca", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1")
    signed("client", "ca", "/CN=newsalert-client", None)
    openssl("pkcs8", "-topk8", "-in", "client.key", "-out", "client-enc.key", "-passout", f"pass:{KEY_PASSWORD}",
            cwd=d)
    return Certs(d, d / "ca.pem", d / "other-ca.pem", d / "client.crt", d / "client-enc.key", d / "other-ca.pem")


@dataclass(frozen=True)
class TlsBroker:
    kind: str  # "sasl_ssl" or "mtls"
    port: int  # of the TLS listener

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"


def broker_config(kind: str, certs: Certs, port: int, controller_port: int, tls_port: int) -> str:
    protocol = "SASL_SSL" if kind == "sasl_ssl" else "SSL"
    lines = [
        f"listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port},{protocol}://127.0.0.1:{tls_port}",
        f"advertised.listeners=PLAINTEXT://127.0.0.1:{port},{protocol}://127.0.0.1:{tls_port}",
        "ssl.keystore.type=PEM",
        f"ssl.keystore.location={certs.dir / 'server-keystore.pem'}",
        "ssl.truststore.type=PEM",
        f"ssl.truststore.location={certs.ca}",
    ]
    if kind == "sasl_ssl":
        lines += [
            "sasl.enabled.mechanisms=PLAIN",
            "listener.name.sasl_ssl.plain.sasl.jaas.config="
            'org.apache.kafka.common.security.plain.PlainLoginModule required user_carol="carol-pw-5e1";',
        ]
    else:
        lines += ["listener.name.ssl.ssl.client.auth=required"]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="module", params=["sasl_ssl", "mtls"])
def tls_broker(request: pytest.FixtureRequest, certs: Certs,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsBroker]:
    kind: str = request.param
    broker, tls_port = start_extra_broker(tmp_path_factory.mktemp(f"tls-{kind}"), PORTS_VARIABLE,
                                          lambda p, c, t: broker_config(kind, certs, p, c, t))
    try:
        yield TlsBroker(kind, tls_port)
    finally:
        broker.stop()


def good_env(broker: TlsBroker, certs: Certs) -> dict[str, str]:
    kind = broker.kind
    env = {
        "NEWSALERT_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
        "NEWSALERT_KAFKA_SSL_CAFILE": str(certs.ca),
        "NEWSALERT_KAFKA_CONNECT_TIMEOUT": "3",
    }
    if kind == "sasl_ssl":
        env.update({"NEWSALERT_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "NEWSALERT_KAFKA_SASL_MECHANISM": "PLAIN",
                    "NEWSALERT_KAFKA_SASL_USERNAME": "carol", "NEWSALERT_KAFKA_SASL_PASSWORD": "carol-pw-5e1"})
    else:
        env.update({"NEWSALERT_KAFKA_SECURITY_PROTOCOL": "SSL", "NEWSALERT_KAFKA_SSL_CERTFILE": str(certs.client_cert),
                    "NEWSALERT_KAFKA_SSL_KEYFILE": str(certs.client_key),
                    "NEWSALERT_KAFKA_SSL_PASSWORD": KEY_PASSWORD})
    return env


def invoke(args: list[str], env: dict[str, str], stdin: str | None = None) -> Any:
    return CliRunner().invoke(cli, args, env=env, input=stdin, catch_exceptions=False)


def test_publish_and_subscribe_over_tls(tls_broker: TlsBroker, certs: Certs, unique_name: Callable[[str], str]) -> None:
    env = good_env(tls_broker, certs)
    topic = unique_name("tls")
    result = invoke(["publish", "-t", topic, "-"], env, stdin=json.dumps({"id": "t1", "text": "Über TLS."}) + "\n")
    assert result.exit_code == 0, result.output
    # read back with the shared settings → kafka-python kwargs, as every CLI command does
    from streams.delivery.consume import StartAt, open_consumer, poll_records

    consumer = open_consumer(KafkaSettings.from_env(env), [topic], group=None, start=StartAt("earliest"))
    try:
        got = [r.alert for r in poll_records(consumer, timeout=20, idle=3)]
    finally:
        consumer.close()
    assert got == [{"id": "t1", "text": "Über TLS."}]


def test_untrusted_broker_certificate_is_a_clear_error(tls_broker: TlsBroker, certs: Certs,
                                                       unique_name: Callable[[str], str]) -> None:
    env = {**good_env(tls_broker, certs), "NEWSALERT_KAFKA_SSL_CAFILE": str(certs.other_ca)}
    result = invoke(["subscribe", "-t", unique_name("tls"), "--timeout", "20"], env)
    assert result.exit_code == 1
    assert f"Kafka at {tls_broker.bootstrap}" in result.stderr and "TLS handshake failed" in result.stderr
    assert "CERTIFICATE_VERIFY_FAILED" in result.stderr and "Traceback" not in result.stderr


def test_hostname_check(tls_broker: TlsBroker, certs: Certs, unique_name: Callable[[str], str]) -> None:
    """The certificate names only IP 127.0.0.1; bootstrapping via the name 'localhost' fails the
    hostname check unless it is switched off."""
    env = {**good_env(tls_broker, certs), "NEWSALERT_KAFKA_BOOTSTRAP_SERVERS": f"localhost:{tls_broker.port}"}
    topic = unique_name("tls")
    result = invoke(["publish", "-t", topic, "--no-create-topic", "-"], env, stdin='{"id":"h","text":"x"}\n')
    assert result.exit_code == 1 and "TLS handshake failed" in result.stderr
    assert "Hostname mismatch" in result.stderr or "hostname" in result.stderr.lower()
    result = invoke(["publish", "-t", topic, "--no-ssl-check-hostname", "-"], env, stdin='{"id":"h","text":"x"}\n')
    assert result.exit_code == 0, result.output


def test_mtls_without_client_certificate_is_refused(tls_broker: TlsBroker, certs: Certs,
                                                    unique_name: Callable[[str], str]) -> None:
    if tls_broker.kind != "mtls":
        pytest.skip("only the SSL listener requires client certificates")
    env = {k: v for k, v in good_env(tls_broker, certs).items() if "CERTFILE" not in k and "KEYFILE" not in k}
    result = invoke(["subscribe", "-t", unique_name("tls"), "--timeout", "20"], env)
    assert result.exit_code == 1
    assert f"Kafka at {tls_broker.bootstrap} (SSL)" in result.stderr and "Traceback" not in result.stderr
    wrong_pw = {**good_env(tls_broker, certs), "NEWSALERT_KAFKA_SSL_PASSWORD": "wrong"}
    result = invoke(["subscribe", "-t", unique_name("tls"), "--timeout", "20"], wrong_pw)
    assert result.exit_code == 2  # a configuration error, found before connecting
    assert "cannot load the TLS files" in result.output and str(certs.client_key) in result.output
