"""Connection failures explained from kafka-python's own log lines (no broker needed)."""

from __future__ import annotations

import logging

import pytest
from kafka import errors as kerr

from streams.delivery.clients import KafkaUnavailable, connect_timeout_ms, explain, explain_bootstrap
from streams.envparse import SettingsError
from streams.kafka.settings import KafkaSettings

SASL = KafkaSettings(bootstrap_servers="k1:9093", security_protocol="SASL_PLAINTEXT", sasl_mechanism="SCRAM-SHA-512",
                     sasl_username="ops", sasl_password="pw")
TIMEOUT = kerr.KafkaTimeoutError("Unable to bootstrap from ['k1:9093']")


@pytest.mark.parametrize(
    ("settings", "lines", "expected"),
    [
        (SASL, ["Bootstrap connection to bootstrap-0 failed: SaslAuthenticationFailedError: bad"],
         "SASL authentication failed for user 'ops' (SCRAM-SHA-512): check the username"),
        (SASL, ["Broker version identified as 4.3", "socket disconnected"],
         "SASL authentication failed for user 'ops' (SCRAM-SHA-512): the broker closed the connection"),
        (KafkaSettings(bootstrap_servers="k1:9093"), ["Broker version identified as 4.3", "Connection lost: x"],
         "does this listener need SASL or TLS?"),
        (KafkaSettings(bootstrap_servers="k1:9093"), ["Connect attempt returned error: [Errno 111] Connection refused"],
         "connection refused: is the broker running"),
        (KafkaSettings(bootstrap_servers="k1:9093", security_protocol="SSL"),
         ["KafkaConnectionError: Handshake failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"],
         "TLS handshake failed ([SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed)"),
        (KafkaSettings(bootstrap_servers="k1:9093"), [], "not reachable: KafkaTimeoutError: Unable to bootstrap"),
        # issue 16 item 7: a SASL client on a listener without SASL was told to check its CA file
        (SASL, ["<KafkaConnection node_id=bootstrap-0 ...>: SaslHandshake failed: IllegalSaslStateError",
                "Bootstrap connection to bootstrap-0 failed: [Error 34] IllegalSaslStateError"],
         "tried a SASL SCRAM-SHA-512 login as 'ops' without TLS; the broker answered the SASL handshake with "
         "IllegalSaslStateError: this listener does not take SASL logins"),
        (KafkaSettings(bootstrap_servers="k1:9093", security_protocol="SSL"),
         ["Connection failed: KafkaConnectionError: Handshake failed: [SSL: UNEXPECTED_EOF_WHILE_READING] EOF "
          "occurred in violation of protocol (_ssl.c:1006)"],
         "tried a TLS handshake; the broker closed the connection during the TLS handshake ([SSL: "
         "UNEXPECTED_EOF_WHILE_READING]"),
    ],
)
def test_explain(settings: KafkaSettings, lines: list[str], expected: str) -> None:
    text = explain(settings, TIMEOUT, lines)
    assert text.startswith(f"Kafka at k1:9093 ({settings.security_protocol}): ")
    assert expected in text
    if "IllegalSaslState" in expected or "UNEXPECTED_EOF" in expected:
        assert "CA file" not in text


def test_explain_bootstrap_records_and_restores_logging() -> None:
    logger = logging.getLogger("kafka")
    before = (logger.level, logger.propagate, list(logger.handlers))
    try:
        with pytest.raises(KafkaUnavailable, match="connection refused"), explain_bootstrap(KafkaSettings()):
            logging.getLogger("kafka.net.manager").warning("Bootstrap failed: [Errno 111] Connection refused")
            raise kerr.KafkaTimeoutError("Unable to bootstrap")
        assert (logger.propagate, list(logger.handlers)) == before[1:]
        verbose = logging.getLogger().getEffectiveLevel() <= logging.INFO
        assert logger.level == (before[0] if verbose else max(before[0], logging.ERROR))
    finally:
        logger.setLevel(before[0])


def test_connect_timeout_comes_from_the_kafka_settings() -> None:
    assert connect_timeout_ms(KafkaSettings.from_env({})) == 10_000
    assert connect_timeout_ms(KafkaSettings.from_env({"NEWSALERT_KAFKA_CONNECT_TIMEOUT": "2.5"})) == 2_500
    with pytest.raises(SettingsError, match=r"NEWSALERT_KAFKA_CONNECT_TIMEOUT='soon': expected a number"):
        KafkaSettings.from_env({"NEWSALERT_KAFKA_CONNECT_TIMEOUT": "soon"})
    with pytest.raises(ValueError, match="NEWSALERT_KAFKA_CONNECT_TIMEOUT"):
        KafkaSettings.from_env({"NEWSALERT_KAFKA_CONNECT_TIMEOUT": "0"})
