"""KafkaSettings and @kafka_options as the delivery commands use them (no broker)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from streams.cli.options import kafka_options
from streams.kafka.settings import KafkaSettings


def test_sasl_settings_become_kafka_python_kwargs() -> None:
    s = KafkaSettings.from_env({
        "NEWSALERT_KAFKA_BOOTSTRAP_SERVERS": "k1:9093,k2:9093",
        "NEWSALERT_KAFKA_SECURITY_PROTOCOL": "sasl_plaintext",
        "NEWSALERT_KAFKA_SASL_MECHANISM": "scram-sha-512",
        "NEWSALERT_KAFKA_SASL_USERNAME": "ops",
        "NEWSALERT_KAFKA_SASL_PASSWORD": "pw",
    })
    kw = s.kafka_python_kwargs()
    assert kw["bootstrap_servers"] == ["k1:9093", "k2:9093"]
    assert (kw["security_protocol"], kw["sasl_mechanism"]) == ("SASL_PLAINTEXT", "SCRAM-SHA-512")
    assert (kw["sasl_plain_username"], kw["sasl_plain_password"]) == ("ops", "pw")
    assert "ssl_context" not in kw


def test_unreadable_tls_files_are_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot load the TLS files"):
        KafkaSettings(security_protocol="SSL", ssl_cafile=str(tmp_path / "missing-ca.pem"))


def test_options_build_settings_and_hostname_switch(tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    @click.command()
    @kafka_options
    def cmd(kafka: KafkaSettings) -> None:
        seen["kafka"] = kafka

    runner = CliRunner()
    result = runner.invoke(cmd, ["-b", "h:1", "--security-protocol", "sasl_plaintext", "--sasl-mechanism", "plain",
                                 "--sasl-username", "u"], env={"NEWSALERT_KAFKA_SASL_PASSWORD": "from-env"})
    assert result.exit_code == 0, result.output
    k = seen["kafka"]
    assert (k.bootstrap_servers, k.security_protocol, k.sasl_mechanism, k.sasl_password) == (
        "h:1", "SASL_PLAINTEXT", "PLAIN", "from-env")
    assert k.ssl_check_hostname is True
    result = runner.invoke(cmd, ["--security-protocol", "ssl", "--no-ssl-check-hostname"])
    assert result.exit_code == 0, result.output
    assert seen["kafka"].ssl_check_hostname is False
    ctx = seen["kafka"].ssl_context()
    assert ctx is not None and ctx.check_hostname is False
    result = runner.invoke(cmd, ["--security-protocol", "sasl_ssl"], env={"NEWSALERT_KAFKA_SASL_MECHANISM": ""})
    assert result.exit_code == 2 and "needs a SASL mechanism" in result.output
