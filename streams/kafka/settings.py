"""One place that turns connection settings into client arguments.

The worker (Faust, on aiokafka) and every CLI command (kafka-python) read the same settings, from
``NEWSALERT_KAFKA_*`` environment variables or CLI options, so a secured cluster is configured once.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from streams.envparse import parse_value

SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
DEFAULT_BOOTSTRAP = "127.0.0.1:9092"


@dataclass(frozen=True)
class KafkaSettings:
    bootstrap_servers: str = DEFAULT_BOOTSTRAP
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    ssl_password: str | None = None  # for an encrypted ssl_keyfile
    ssl_check_hostname: bool = True
    client_id: str = "newsalert"
    # a CLI command waits this long for the cluster before it explains why it cannot connect
    connect_timeout_s: float = 10.0

    def __post_init__(self) -> None:
        if not self.connect_timeout_s > 0:
            raise ValueError(f"NEWSALERT_KAFKA_CONNECT_TIMEOUT={self.connect_timeout_s}: expected a number of seconds > 0")
        if self.security_protocol not in SECURITY_PROTOCOLS:
            raise ValueError(
                f"security protocol {self.security_protocol!r} is not one of {', '.join(SECURITY_PROTOCOLS)}"
            )
        if self.security_protocol.startswith("SASL"):
            if self.sasl_mechanism not in SASL_MECHANISMS:
                raise ValueError(
                    f"{self.security_protocol} needs a SASL mechanism, one of {', '.join(SASL_MECHANISMS)}"
                )
            if not self.sasl_username or self.sasl_password is None:
                raise ValueError(f"{self.security_protocol} needs a SASL username and password")
        if self.uses_ssl:
            try:  # load the CA, certificate and key now: a bad file is a configuration error
                self.ssl_context()
            except (OSError, ssl.SSLError) as exc:
                files = ", ".join(f for f in (self.ssl_cafile, self.ssl_certfile, self.ssl_keyfile) if f)
                raise ValueError(f"cannot load the TLS files ({files or 'system CAs'}): {exc}") from exc

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> KafkaSettings:
        """Read NEWSALERT_KAFKA_* variables; explicit non-None overrides win."""
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            return env.get(cls.env_name(name)) or None

        values: dict[str, Any] = {
            "bootstrap_servers": get("bootstrap_servers") or DEFAULT_BOOTSTRAP,
            "security_protocol": (get("security_protocol") or "PLAINTEXT").upper(),
            "sasl_mechanism": (get("sasl_mechanism") or "").upper() or None,
            "sasl_username": get("sasl_username"),
            "sasl_password": get("sasl_password"),
            "ssl_cafile": get("ssl_cafile"),
            "ssl_certfile": get("ssl_certfile"),
            "ssl_keyfile": get("ssl_keyfile"),
            "ssl_password": get("ssl_password"),
            "ssl_check_hostname": parse_value(cls.env_name("ssl_check_hostname"), get("ssl_check_hostname") or "true", bool),
        }
        timeout = get("connect_timeout_s")
        if timeout is not None:
            values["connect_timeout_s"] = parse_value(cls.env_name("connect_timeout_s"), timeout, float)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @staticmethod
    def env_name(field_name: str) -> str:
        """The environment variable of a field (``client_id`` has none)."""
        if field_name == "connect_timeout_s":
            return "NEWSALERT_KAFKA_CONNECT_TIMEOUT"
        return f"NEWSALERT_KAFKA_{field_name.upper()}"

    def with_bootstrap(self, bootstrap_servers: str) -> KafkaSettings:
        return replace(self, bootstrap_servers=bootstrap_servers)

    @property
    def uses_ssl(self) -> bool:
        return self.security_protocol in ("SSL", "SASL_SSL")

    def ssl_context(self) -> ssl.SSLContext | None:
        if not self.uses_ssl:
            return None
        ctx = ssl.create_default_context(cafile=self.ssl_cafile)
        ctx.check_hostname = self.ssl_check_hostname
        if self.ssl_certfile:
            ctx.load_cert_chain(self.ssl_certfile, self.ssl_keyfile, password=self.ssl_password)
        return ctx

    def kafka_python_kwargs(self) -> dict[str, Any]:
        """Arguments for kafka-python's KafkaProducer / KafkaConsumer / KafkaAdminClient."""
        kw: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap_servers.split(","),
            "security_protocol": self.security_protocol,
            "client_id": self.client_id,
        }
        if self.security_protocol.startswith("SASL"):
            kw.update(
                sasl_mechanism=self.sasl_mechanism,
                sasl_plain_username=self.sasl_username,
                sasl_plain_password=self.sasl_password,
            )
        if self.uses_ssl:
            kw["ssl_context"] = self.ssl_context()
        return kw

    def faust_broker_url(self) -> str:
        return ";".join(f"kafka://{s.strip()}" for s in self.bootstrap_servers.split(","))

    def faust_credentials(self) -> Any:
        """Faust's broker_credentials object, or None for PLAINTEXT."""
        import faust  # local import: the CLI's kafka-python commands do not need Faust loaded

        if self.security_protocol == "PLAINTEXT":
            return None
        if self.security_protocol == "SSL":
            return faust.SSLCredentials(self.ssl_context())
        mechanism = self.sasl_mechanism or "PLAIN"
        if mechanism == "PLAIN":
            return faust.SASLCredentials(
                username=self.sasl_username,
                password=self.sasl_password,
                ssl_context=self.ssl_context(),
            )
        from faust.auth import SASLCredentials  # SCRAM: same class, other mechanism

        return SASLCredentials(
            username=self.sasl_username,
            password=self.sasl_password,
            ssl_context=self.ssl_context(),
            mechanism=mechanism,
        )
