"""Entry point of the `newsalert` command.

Subcommands are imported only when used, so `newsalert --help` and `newsalert subscribe` do not pay
for loading spaCy or Faust.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from typing import Any

import click

from streams import __version__
from streams.logsafe import install as install_safe_log_records

# name -> "module:attribute"; every module lives in streams/cli/
SUBCOMMANDS: dict[str, str] = {
    "broker": "streams.cli.broker_cmd:broker",
    "worker": "streams.cli.worker_cmd:worker",
    "check": "streams.cli.check_cmd:check",
    "extract": "streams.cli.extract_cmd:extract",
    "rules": "streams.cli.rules_cmd:rules",
    "publish": "streams.cli.publish_cmd:publish",
    "subscribe": "streams.cli.subscribe_cmd:subscribe",
    "ingest": "streams.cli.ingest_cmd:ingest",
    "forward": "streams.cli.forward_cmd:forward",
    "demo": "streams.cli.demo_cmd:demo",
    "topics": "streams.cli.topics_cmd:topics",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, target in SUBCOMMANDS.items() if _module_exists(target))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None or not _module_exists(target):
            return None
        module_name, attr = target.split(":")
        command: Any = getattr(importlib.import_module(module_name), attr)
        return command  # type: ignore[no-any-return]

    def invoke(self, ctx: click.Context) -> Any:
        """A setting that does not parse is reported by name, without a traceback (exit 1)."""
        from streams.envparse import SettingsError

        try:
            return super().invoke(ctx)
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from None


def _module_exists(target: str) -> bool:
    return importlib.util.find_spec(target.split(":")[0]) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsalert")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """newsalert: streaming news alerts from Kafka, spaCy extraction and YAML rules.

    Start with `newsalert check ARTICLE.txt` to see what the rules find, then `newsalert demo`
    for the whole pipeline on a local broker.

    Exit status of every command: 0 ok; 1 findings or errors in the input (invalid article lines
    or rules, failing rule examples, sends that failed, Kafka unreachable or refusing); 2 usage
    error (unknown option, bad value, incomplete settings), found before any work is done.
    """
    install_safe_log_records()  # data in log messages cannot forge log lines (streams.logsafe)
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not verbose:
        # kafka-python logs transient connection trouble (a reset socket it then reconnects) with
        # full tracebacks; commands explain real connection failures themselves (delivery.clients)
        for handler in logging.getLogger().handlers:
            handler.addFilter(_QuietKafkaClient())


class _QuietKafkaClient(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name.startswith("kafka.") and record.levelno < logging.CRITICAL)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="newsalert")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
