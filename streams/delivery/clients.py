"""kafka-python clients built from KafkaSettings, with connection failures explained.

Called once at start-up by every delivery command (publish, ingest, subscribe, forward, topics).
kafka-python retries a failed bootstrap silently until its timeout and then only says "Unable to
bootstrap"; ``explain_bootstrap`` records the client's own log lines meanwhile and turns them into
one clear reason (nothing listening, TLS handshake, SASL login refused).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka import errors as kerr

from streams.kafka.settings import KafkaSettings

T = TypeVar("T")


class KafkaUnavailable(RuntimeError):
    """No usable connection to the cluster; the message says why and what to check."""


def connect_timeout_ms(kafka: KafkaSettings) -> int:
    """Bootstrap deadline in ms: ``kafka.connect_timeout_s`` (NEWSALERT_KAFKA_CONNECT_TIMEOUT)."""
    return max(1, int(kafka.connect_timeout_s * 1000))


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.messages) < 500:
            self.messages.append(record.getMessage())


def attempted(kafka: KafkaSettings) -> str:
    """What the client tries on connect, in words: the protocol it speaks and how it logs in."""
    tls = kafka.security_protocol.endswith("SSL")
    if kafka.security_protocol.startswith("SASL"):
        login = f"a SASL {kafka.sasl_mechanism} login as {kafka.sasl_username!r}"
        return f"{login} over TLS" if tls else f"{login} without TLS"
    return "a TLS handshake" if tls else "a plain connection (no TLS, no SASL)"


def _line(log_lines: list[str], *needles: str) -> str:
    return next(m for m in log_lines if any(n in m for n in needles))


def _after(line: str, marker: str) -> str:
    return line.split(marker, 1)[-1].strip()


def explain(kafka: KafkaSettings, exc: BaseException, log_lines: list[str]) -> str:
    """One clear sentence on why the cluster could not be reached: what was tried, what the broker
    answered, and what to check."""
    where = f"Kafka at {kafka.bootstrap_servers} ({kafka.security_protocol})"
    tried = f"tried {attempted(kafka)}"
    text = "\n".join(log_lines)
    if "SaslAuthenticationFailed" in text or isinstance(exc, kerr.SaslAuthenticationFailedError):
        return (f"{where}: SASL authentication failed for user {kafka.sasl_username!r} "
                f"({kafka.sasl_mechanism}): check the username, password and mechanism")
    if "IllegalSaslState" in text or isinstance(exc, kerr.IllegalSaslStateError):
        # a SASL handshake sent to a listener without SASL: Kafka answers ILLEGAL_SASL_STATE
        return (f"{where}: {tried}; the broker answered the SASL handshake with IllegalSaslStateError: "
                "this listener does not take SASL logins (a PLAINTEXT or SSL listener?): use the SASL "
                "listener's address, or the listener's security protocol without SASL")
    if "UnsupportedSaslMechanism" in text or "does not support" in text:
        line = _line(log_lines, "does not support", "UnsupportedSaslMechanism")
        return f"{where}: {tried}; the broker refused the SASL mechanism {kafka.sasl_mechanism}: {line}"
    if "Handshake failed:" in text:  # kafka-python's TLS handshake error (not "SaslHandshake failed")
        reason = _after(_line(log_lines, "Handshake failed:"), "Handshake failed:")
        if any(s in reason for s in ("UNEXPECTED_EOF", "EOF occurred", "WRONG_VERSION_NUMBER", "record layer failure",
                                     "Connection reset")):
            return (f"{where}: {tried}; the broker closed the connection during the TLS handshake ({reason}): "
                    "this listener probably does not speak TLS (a PLAINTEXT or SASL_PLAINTEXT listener?)")
        return (f"{where}: {tried}; the TLS handshake failed ({reason}): check the CA file, certificates "
                "and that the listener speaks TLS")
    version_seen = "Broker version identified" in text
    dropped = "socket disconnected" in text or "Connection lost" in text
    if kafka.security_protocol.startswith("SASL") and version_seen and dropped:
        return (f"{where}: SASL authentication failed for user {kafka.sasl_username!r} "
                f"({kafka.sasl_mechanism}): the broker closed the connection during the login; "
                "check the username, password and mechanism")
    if not kafka.security_protocol.startswith("SASL") and version_seen and dropped:
        return f"{where}: {tried}; the broker closed the connection: does this listener need SASL or TLS?"
    if "refused" in text.lower():
        return f"{where}: connection refused: is the broker running and the address right?"
    failures = [m for m in log_lines if "failed" in m.lower()]
    detail = failures[-1] if failures else str(exc)
    return f"{where}: {tried}; not reachable: {detail}"


@contextmanager
def explain_bootstrap(kafka: KafkaSettings) -> Iterator[None]:
    """Run client construction; turn a bootstrap failure into KafkaUnavailable with the reason.

    kafka-python's retry messages are hidden meanwhile unless logging is at INFO or lower (-v);
    afterwards only its errors are shown (its transient warnings, e.g. during a group rebalance,
    are noise for a command-line user), again unless -v.
    """
    logger = logging.getLogger("kafka")
    recorder = _Recorder()
    old_level, old_propagate = logger.level, logger.propagate
    verbose = logging.getLogger().getEffectiveLevel() <= logging.INFO
    logger.addHandler(recorder)
    logger.setLevel(min(logging.INFO, old_level or logging.INFO))
    logger.propagate = verbose
    try:
        yield
    except kerr.KafkaError as exc:
        raise KafkaUnavailable(explain(kafka, exc, recorder.messages)) from exc
    finally:
        logger.removeHandler(recorder)
        logger.setLevel(old_level if verbose else max(old_level, logging.ERROR))
        logger.propagate = old_propagate


def _build(kafka: KafkaSettings, factory: Callable[..., T], *args: Any, **extra: Any) -> T:
    kwargs = {**kafka.kafka_python_kwargs(), "bootstrap_timeout_ms": connect_timeout_ms(kafka), **extra}
    with explain_bootstrap(kafka):
        return factory(*args, **kwargs)


def make_producer(kafka: KafkaSettings, **extra: Any) -> KafkaProducer:
    """A producer (acks=all, idempotent: kafka-python 3 defaults) that sends bytes keys and values."""
    extra.setdefault("max_block_ms", 30_000)
    extra.setdefault("linger_ms", 10)
    return _build(kafka, KafkaProducer, **extra)


def make_consumer(kafka: KafkaSettings, *topics: str, **extra: Any) -> KafkaConsumer:
    """A consumer; pass group_id=None for an ephemeral one (then assign partitions yourself)."""
    return _build(kafka, KafkaConsumer, *topics, **extra)


def make_admin(kafka: KafkaSettings, **extra: Any) -> KafkaAdminClient:
    """An admin client for topic management."""
    return _build(kafka, KafkaAdminClient, **extra)
