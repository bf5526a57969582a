"""A client with the wrong security protocol for the listener is told what it tried and what the
broker answered (issue 16 item 7). Uses the session's broker: a PLAINTEXT listener."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner

from streams.cli.main import cli

pytestmark = pytest.mark.integration


def invoke(args: list[str], env: dict[str, str]) -> Any:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256"])
def test_sasl_client_on_a_plaintext_listener(kafka_bootstrap: str, unique_name: Callable[[str], str],
                                             mechanism: str) -> None:
    env = {"NEWSALERT_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "NEWSALERT_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
           "NEWSALERT_KAFKA_SASL_MECHANISM": mechanism, "NEWSALERT_KAFKA_SASL_USERNAME": "carol",
           "NEWSALERT_KAFKA_SASL_PASSWORD": "carol-pw-0b1d", "NEWSALERT_KAFKA_CONNECT_TIMEOUT": "2"}
    result = invoke(["subscribe", "-t", unique_name("x"), "--timeout", "10"], env)
    assert result.exit_code == 1, result.output
    err = result.stderr
    assert f"Kafka at {kafka_bootstrap} (SASL_PLAINTEXT): tried a SASL {mechanism} login as 'carol' without TLS" in err
    assert "the broker answered the SASL handshake with IllegalSaslStateError" in err
    assert "does not take SASL logins" in err
    assert "CA file" not in err and "TLS handshake" not in err and "carol-pw-0b1d" not in err


def test_tls_client_on_a_plaintext_listener(kafka_bootstrap: str, unique_name: Callable[[str], str]) -> None:
    env = {"NEWSALERT_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "NEWSALERT_KAFKA_SECURITY_PROTOCOL": "SSL",
           "NEWSALERT_KAFKA_CONNECT_TIMEOUT": "2"}
    result = invoke(["subscribe", "-t", unique_name("x"), "--timeout", "10"], env)
    assert result.exit_code == 1, result.output
    assert "tried a TLS handshake; the broker closed the connection during the TLS handshake" in result.stderr
    assert "does not speak TLS" in result.stderr and "CA file" not in result.stderr
