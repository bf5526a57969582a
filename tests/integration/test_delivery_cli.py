"""`newsalert publish` and `newsalert subscribe` against the real broker, cross-checked with kcat."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from kafka import KafkaProducer

from streams.cli.main import cli
from streams.delivery.routing import key_of, message_key
from streams.delivery.topics import ensure_topics
from streams.kafka.settings import KafkaSettings
from streams.models import Alert
from tests.conftest import consume_until
from tests.unit.test_delivery_schema import make_alert

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def run_cli(args: list[str], bootstrap: str, stdin: str | None = None) -> Any:
    runner = CliRunner()
    return runner.invoke(cli, [*args[:1], "-b", bootstrap, *args[1:]], input=stdin, catch_exceptions=False)


def kcat(bootstrap: str, topic: str) -> list[tuple[str, str]]:
    """Every (key, value) of ``topic`` read by kcat, an independent client (librdkafka)."""
    exe = shutil.which("kcat")
    if exe is None:
        pytest.skip("kcat is not installed")
    out = subprocess.run(
        [exe, "-b", bootstrap, "-C", "-t", topic, "-e", "-o", "beginning", "-q", "-f", "%k\t%s\n"],
        capture_output=True, text=True, timeout=60, check=True,
    )
    return [tuple(line.split("\t", 1)) for line in out.stdout.splitlines() if line]  # type: ignore[misc]


def produce_alerts(bootstrap: str, topic: str, alerts: list[Alert], *, timestamps: list[int] | None = None,
                   extra: list[bytes] = ()) -> None:  # type: ignore[assignment]
    ensure_topics(KafkaSettings(bootstrap_servers=bootstrap), [topic], 3, 1)
    producer = KafkaProducer(bootstrap_servers=[bootstrap])
    try:
        for i, alert in enumerate(alerts):
            producer.send(topic, key=message_key(alert), value=json.dumps(alert.to_dict()).encode(),
                          timestamp_ms=timestamps[i] if timestamps else None)
        for raw in extra:
            producer.send(topic, key=b"junk", value=raw)
        producer.flush(timeout=30)
    finally:
        producer.close()


def sample_alerts() -> list[Alert]:
    return [
        make_alert(alert_id="a-low", severity="low", suppression_key="", tags=("weather",), rule_id="storm",
                   title="Storm over the coast"),
        make_alert(alert_id="a-high", severity="high", suppression_key="troops:XA:XB"),
        make_alert(alert_id="a-high", severity="high", suppression_key="troops:XA:XB", status="update",
                   revision=2, corroboration=2, article_id="art-2"),
        make_alert(alert_id="a-crit", severity="critical", suppression_key="troops:XC:XB", tags=("military",),
                   title="Large offensive reported"),
    ]


# -- publish -------------------------------------------------------------------------------------


def test_publish_files_dirs_and_stdin(kafka_bootstrap: str, unique_name: Callable[[str], str],
                                      tmp_path: Path) -> None:
    topic = unique_name("articles")
    (tmp_path / "dir" / "sub").mkdir(parents=True)
    (tmp_path / "dir" / "lagebericht.txt").write_text("Der Fluss trat über die Ufer.", encoding="utf-8")
    (tmp_path / "dir" / "sub" / "batch.jsonl").write_text(
        json.dumps({"id": "b1", "text": "Storm closes port.", "language": "en", "source": "Wire"}) + "\n"
        + "{oops\n"
        + json.dumps({"id": "b2", "text": "Bahnstrecke gesperrt.", "url": "https://example.org/b2"}) + "\n",
        encoding="utf-8",
    )
    stdin = json.dumps({"id": "s1", "text": "Zugausfall im Norden."}) + "\n"
    result = run_cli(["publish", "--topic", topic, str(tmp_path / "dir"), "-"], kafka_bootstrap, stdin=stdin)
    assert result.exit_code == 1, result.output
    assert f"{tmp_path / 'dir' / 'sub' / 'batch.jsonl'}:2: invalid_json" in result.stderr
    assert "published 4 article(s)" in result.stdout and "1 bad input(s)" in result.stdout

    got = kcat(kafka_bootstrap, topic)
    by_key = {k: json.loads(v) for k, v in got}
    assert len(got) == 4
    assert by_key == {
        "lagebericht": {"id": "lagebericht", "text": "Der Fluss trat über die Ufer."},
        "b1": {"id": "b1", "text": "Storm closes port.", "language": "en", "source": "Wire"},
        "b2": {"id": "b2", "text": "Bahnstrecke gesperrt.", "url": "https://example.org/b2"},
        "s1": {"id": "s1", "text": "Zugausfall im Norden."},
    }


def test_publish_all_good_exits_zero(kafka_bootstrap: str, unique_name: Callable[[str], str], tmp_path: Path) -> None:
    topic = unique_name("articles")
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"id": f"n{i}", "text": f"Meldung Nummer {i}."}) + "\n" for i in range(50)))
    result = run_cli(["publish", "-t", topic, "--quiet", str(path)], kafka_bootstrap)
    assert result.exit_code == 0, result.output
    assert "published 50 article(s)" in result.stdout
    values = consume_until(kafka_bootstrap, topic, lambda v: len(v) >= 50, timeout=30)
    assert sorted(v["id"] for v in values) == sorted(f"n{i}" for i in range(50))


def test_publish_to_unreachable_broker_fails_fast_and_clearly(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Text.")
    env = {**os.environ, "NEWSALERT_KAFKA_CONNECT_TIMEOUT": "2"}
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "streams.cli.main", "publish", "-b", "127.0.0.1:1", str(path)],
        capture_output=True, text=True, timeout=60, env=env, cwd=ROOT,
    )
    assert proc.returncode == 1
    assert "127.0.0.1:1" in proc.stderr and "connection refused" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert time.monotonic() - started < 30


# -- subscribe -----------------------------------------------------------------------------------


def test_subscribe_jsonl_matches_what_kcat_reads(kafka_bootstrap: str, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("alerts")
    alerts = sample_alerts()
    produce_alerts(kafka_bootstrap, topic, alerts, extra=[b"not json at all"])
    result = run_cli(["subscribe", "-t", topic, "--from-beginning", "--format", "jsonl", "--idle-timeout", "3",
                      "--timeout", "60"], kafka_bootstrap)
    assert result.exit_code == 0, result.output
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    expected = [a.to_dict() for a in alerts]
    assert sorted(printed, key=json.dumps) == sorted(expected, key=json.dumps)
    assert "warning: skipping" in result.stderr and "not JSON" in result.stderr
    # updates of one event come after its new alert: same key, same partition
    high = [p["status"] for p in printed if p["alert_id"] == "a-high"]
    assert high == ["new", "update"]

    pairs = kcat(kafka_bootstrap, topic)
    from_kcat = [(k, json.loads(v)) for k, v in pairs if k != "junk"]
    assert sorted((json.dumps(v) for _, v in from_kcat)) == sorted(json.dumps(p) for p in printed)
    for key, value in from_kcat:
        assert key == key_of(value)
    assert {k for k, _ in from_kcat} == {"a-low", "troops:XA:XB", "troops:XC:XB"}


def test_subscribe_filters(kafka_bootstrap: str, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("alerts")
    produce_alerts(kafka_bootstrap, topic, sample_alerts())

    def ids(*args: str) -> list[tuple[str, int]]:
        result = run_cli(["subscribe", "-t", topic, "--from-beginning", "--format", "jsonl", "--idle-timeout", "2",
                          *args], kafka_bootstrap)
        assert result.exit_code == 0, result.output
        return sorted((a["alert_id"], a["revision"]) for a in map(json.loads, result.stdout.splitlines()))

    assert ids("--severity", "high") == [("a-crit", 1), ("a-high", 1), ("a-high", 2)]
    assert ids("--severity", "critical") == [("a-crit", 1)]
    assert ids("--tag", "weather", "--tag", "deployment") == [("a-high", 1), ("a-high", 2), ("a-low", 1)]
    assert ids("--rule", "storm") == [("a-low", 1)]
    assert ids("--rule", "troops-moved", "--severity", "critical") == [("a-crit", 1)]


def test_subscribe_since_uses_message_time(kafka_bootstrap: str, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("alerts")
    now_ms = int(time.time() * 1000)
    old, recent = make_alert(alert_id="old", suppression_key=""), make_alert(alert_id="recent", suppression_key="")
    produce_alerts(kafka_bootstrap, topic, [old, recent], timestamps=[now_ms - 3 * 3600_000, now_ms - 600_000])
    result = run_cli(["subscribe", "-t", topic, "--since", "1h", "--format", "jsonl", "--idle-timeout", "2"],
                     kafka_bootstrap)
    assert [json.loads(line)["alert_id"] for line in result.stdout.splitlines()] == ["recent"]
    result = run_cli(["subscribe", "-t", topic, "--since", "4h", "--format", "jsonl", "--idle-timeout", "2"],
                     kafka_bootstrap)
    assert sorted(json.loads(line)["alert_id"] for line in result.stdout.splitlines()) == ["old", "recent"]


def test_subscribe_group_with_since(kafka_bootstrap: str, unique_name: Callable[[str], str]) -> None:
    topic, group = unique_name("alerts"), unique_name("grp")
    now_ms = int(time.time() * 1000)
    alerts = [make_alert(alert_id=f"g{i}", suppression_key="") for i in range(3)]
    produce_alerts(kafka_bootstrap, topic, alerts,
                   timestamps=[now_ms - 5 * 3600_000, now_ms - 1800_000, now_ms - 60_000])
    result = run_cli(["subscribe", "-t", topic, "--group", group, "--since", "1h", "--format", "jsonl",
                      "--idle-timeout", "3", "--timeout", "60"], kafka_bootstrap)
    assert result.exit_code == 0, result.output
    assert sorted(json.loads(line)["alert_id"] for line in result.stdout.splitlines()) == ["g1", "g2"]


def test_subscribe_max_messages_and_pretty(kafka_bootstrap: str, unique_name: Callable[[str], str]) -> None:
    topic = unique_name("alerts")
    produce_alerts(kafka_bootstrap, topic, sample_alerts())
    result = run_cli(["subscribe", "-t", topic, "--from-beginning", "--severity", "critical", "-n", "1",
                      "--timeout", "60"], kafka_bootstrap)
    assert result.exit_code == 0, result.output
    assert " CRITICAL " in result.stdout and "Large offensive reported" in result.stdout
    assert "NEW" in result.stdout and "[0:42]" in result.stdout and "https://news.example/a1" in result.stdout
    assert "1 alert(s) shown" in result.stderr


def test_subscribe_group_continues_where_it_stopped(kafka_bootstrap: str, unique_name: Callable[[str], str]) -> None:
    topic, group = unique_name("alerts"), unique_name("grp")
    alerts = sample_alerts()
    produce_alerts(kafka_bootstrap, topic, alerts)
    seen: list[tuple[str, int]] = []
    for args in (["-n", "2"], ["--idle-timeout", "3"]):
        result = run_cli(["subscribe", "-t", topic, "--group", group, "--from-beginning", "--format", "jsonl",
                          "--timeout", "60", *args], kafka_bootstrap)
        assert result.exit_code == 0, result.output
        seen.extend((a["alert_id"], a["revision"]) for a in map(json.loads, result.stdout.splitlines()))
    assert sorted(seen) == sorted((a.alert_id, a.revision) for a in alerts)


def test_subscribe_shows_only_new_alerts_and_stops_cleanly_on_ctrl_c(
    kafka_bootstrap: str, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("alerts")
    produce_alerts(kafka_bootstrap, topic, [make_alert(alert_id="before", suppression_key="")])
    proc = subprocess.Popen(
        [sys.executable, "-m", "streams.cli.main", "subscribe", "-b", kafka_bootstrap, "-t", topic,
         "--format", "jsonl"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        assert proc.stderr is not None and proc.stdout is not None
        line = proc.stderr.readline()  # "subscribed to ..." once positioned
        assert "subscribed to" in line, line
        produce_alerts(kafka_bootstrap, topic, [make_alert(alert_id="after", suppression_key="")])
        first = proc.stdout.readline()
        assert json.loads(first)["alert_id"] == "after"
        proc.send_signal(signal.SIGINT)
        rest_out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert rest_out == ""
    assert "Traceback" not in err and "1 alert(s) shown" in err
