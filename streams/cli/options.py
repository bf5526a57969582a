"""Options shared by every command that talks to Kafka, applied the same way everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from streams.kafka.settings import SASL_MECHANISMS, SECURITY_PROTOCOLS, KafkaSettings

F = Callable[..., Any]


def kafka_options(func: F) -> F:
    """Add --bootstrap-servers and the security options; the command receives ``kafka: KafkaSettings``."""
    opts = [
        click.option("--bootstrap-servers", "-b", envvar="NEWSALERT_KAFKA_BOOTSTRAP_SERVERS",
                     default=None, help="host:port[,host:port] [env NEWSALERT_KAFKA_BOOTSTRAP_SERVERS; default 127.0.0.1:9092]"),
        click.option("--security-protocol", type=click.Choice(SECURITY_PROTOCOLS, case_sensitive=False),
                     default=None, help="[env NEWSALERT_KAFKA_SECURITY_PROTOCOL]"),
        click.option("--sasl-mechanism", type=click.Choice(SASL_MECHANISMS, case_sensitive=False),
                     default=None, help="[env NEWSALERT_KAFKA_SASL_MECHANISM]"),
        click.option("--sasl-username", default=None, help="[env NEWSALERT_KAFKA_SASL_USERNAME]"),
        click.option("--sasl-password", default=None,
                     help="prefer the env variable NEWSALERT_KAFKA_SASL_PASSWORD, which ps does not show"),
        click.option("--ssl-cafile", type=click.Path(dir_okay=False), default=None, help="[env NEWSALERT_KAFKA_SSL_CAFILE]"),
        click.option("--ssl-certfile", type=click.Path(dir_okay=False), default=None, help="[env NEWSALERT_KAFKA_SSL_CERTFILE]"),
        click.option("--ssl-keyfile", type=click.Path(dir_okay=False), default=None,
                     help="[env NEWSALERT_KAFKA_SSL_KEYFILE; its password: env NEWSALERT_KAFKA_SSL_PASSWORD]"),
        click.option("--ssl-check-hostname/--no-ssl-check-hostname", default=None,
                     help="verify that the broker certificate names the host [env NEWSALERT_KAFKA_SSL_CHECK_HOSTNAME; default on]"),
    ]

    def wrapper(**kwargs: Any) -> Any:
        names = ("bootstrap_servers", "security_protocol", "sasl_mechanism", "sasl_username",
                 "sasl_password", "ssl_cafile", "ssl_certfile", "ssl_keyfile", "ssl_check_hostname")
        overrides = {n: kwargs.pop(n) for n in names}
        if overrides["security_protocol"]:
            overrides["security_protocol"] = overrides["security_protocol"].upper()
        if overrides["sasl_mechanism"]:
            overrides["sasl_mechanism"] = overrides["sasl_mechanism"].upper()
        try:
            kwargs["kafka"] = KafkaSettings.from_env(**overrides)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
        return func(**kwargs)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    # keep the options already attached below this decorator
    wrapper.__click_params__ = list(getattr(func, "__click_params__", []))  # type: ignore[attr-defined]
    for opt in reversed(opts):
        wrapper = opt(wrapper)
    return wrapper
