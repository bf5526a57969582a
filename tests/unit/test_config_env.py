"""Settings are read from the environment in one place, with one syntax per type and errors that
name the variable (issue 14, item 4)."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.cli.main import cli
from streams.config import Limits, LocalBrokerSettings, Settings, SettingsError, env_name
from streams.kafka.settings import KafkaSettings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("raw, expected", [("true", True), ("On", True), ("1", True), ("yes", True),
                                           ("false", False), ("OFF", False), ("0", False), ("no", False)])
def test_one_boolean_syntax_everywhere(raw: str, expected: bool) -> None:
    assert Settings.from_env({"NEWSALERT_RELOAD_RULES": raw}).reload_rules is expected
    assert KafkaSettings.from_env({"NEWSALERT_KAFKA_SSL_CHECK_HOSTNAME": raw}).ssl_check_hostname is expected


@pytest.mark.parametrize("name, raw, expected", [
    ("NEWSALERT_BATCH_SIZE", "abc", "expected an integer"),
    ("NEWSALERT_BATCH_WITHIN_S", "fast", "expected a number"),
    ("NEWSALERT_PIPELINE_PROCESS", "maybe", "expected true or false"),
    ("NEWSALERT_MAX_ARTICLE_BYTES", "1e", "expected an integer"),
    ("NEWSALERT_KAFKA_SSL_CHECK_HOSTNAME", "sure", "expected true or false"),
])
def test_a_bad_value_names_the_variable_and_the_form(name: str, raw: str, expected: str) -> None:
    with pytest.raises(SettingsError) as err:
        Settings.from_env({name: raw})
    assert str(err.value).startswith(f"{name}={raw!r}: {expected}")


def test_typed_values_are_parsed_once() -> None:
    s = Settings.from_env({"NEWSALERT_BATCH_SIZE": " 32 ", "NEWSALERT_BATCH_WITHIN_S": "0.5",
                           "NEWSALERT_DATA_DIR": "/tmp/x", "NEWSALERT_MAX_RULES": "7"})
    assert (s.batch_size, s.batch_within_s, s.data_dir, s.limits.max_rules) == (32, 0.5, Path("/tmp/x"), 7)


def test_the_cli_reports_a_bad_setting_without_a_traceback(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Nothing happened.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(article)], env={"NEWSALERT_MAX_RULES": "many"})
    assert result.exit_code == 1
    assert "NEWSALERT_MAX_RULES='many': expected an integer" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, SettingsError)


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"NEWSALERT_[A-Z0-9_]+", doc))
    # a row may document NEWSALERT_X_A / `_B`: expand the shorthand
    for row in doc.splitlines():
        names = re.findall(r"`(NEWSALERT_[A-Z0-9_]+|_[A-Z0-9_]+)`", row)
        base = next((n for n in names if n.startswith("NEWSALERT_")), None)
        if base:
            stem = base.rsplit("_", 1)[0]
            documented |= {stem + n for n in names if n.startswith("_")}
            documented |= {base.rsplit("_", 2)[0] + n for n in names if n.startswith("_")}
    wanted = {env_name(f.name) for cls in (Settings, Limits, LocalBrokerSettings) for f in fields(cls)
              if f.name not in ("kafka", "limits")}
    wanted |= {KafkaSettings.env_name(f.name) for f in fields(KafkaSettings) if f.name != "client_id"}
    assert wanted <= documented, sorted(wanted - documented)


def test_severity_topics_and_extraction_settings_come_from_settings() -> None:
    s = Settings.from_env({"NEWSALERT_SEVERITY_TOPICS": "high=alerts.high", "NEWSALERT_NER_MODEL_DE": "de_core",
                           "NEWSALERT_TRUST_LANGUAGE_FIELD": "yes", "NEWSALERT_BATCH_SIZE": ""})
    assert s.severity_topic_map() == {"high": "alerts.high"}
    assert s.ner_models() == {"de": "de_core"} and s.trust_language_field is True
    assert s.batch_size == 16  # set but empty: the default
    with pytest.raises(SettingsError, match="NEWSALERT_SEVERITY_TOPICS"):
        Settings.from_env({"NEWSALERT_SEVERITY_TOPICS": "urgent=alerts.urgent"})


def test_no_module_reads_the_environment_itself() -> None:
    """The environment is read in streams/config.py and streams/kafka/settings.py only (the demo
    passes a copy of it to the worker it starts)."""
    allowed = {"streams/config.py", "streams/kafka/settings.py", "streams/cli/demo_cmd.py"}
    readers = [p.relative_to(ROOT).as_posix() for p in (ROOT / "streams").rglob("*.py")
               if re.search(r"os\.environ|getenv", p.read_text(encoding="utf-8"))]
    assert sorted(set(readers) - allowed) == []


def test_local_broker_settings_and_the_cache_dir() -> None:
    s = LocalBrokerSettings.from_env({"NEWSALERT_BROKER_PORT": "19092", "XDG_CACHE_HOME": "/var/cache"})
    assert (s.broker_port, s.broker_dir, s.cache_dir) == (19092, Path(".newsalert/broker"), Path("/var/cache/newsalert"))
    assert LocalBrokerSettings.from_env({"NEWSALERT_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x"}).cache_dir == Path("/c")
    with pytest.raises(SettingsError, match=r"^NEWSALERT_BROKER_PORT='ninety': expected an integer"):
        LocalBrokerSettings.from_env({"NEWSALERT_BROKER_PORT": "ninety"})


def test_the_broker_command_names_a_bad_default_from_the_environment(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["broker", "status", "--data-dir", str(tmp_path)],
                                env={"NEWSALERT_BROKER_PORT": "ninety"})
    assert result.exit_code == 1, result.output
    assert "NEWSALERT_BROKER_PORT='ninety': expected an integer" in result.output
    assert "Traceback" not in result.output


def test_the_webhook_secret_is_a_setting_kept_out_of_repr() -> None:
    s = Settings.from_env({"NEWSALERT_WEBHOOK_AUTHORIZATION": "Bearer s3cret"})
    assert s.webhook_authorization == "Bearer s3cret" and "s3cret" not in repr(s)
