"""`newsalert forward`: webhook delivery with retries, backoff and a dead-letter topic (real broker)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from kafka import KafkaProducer

from streams.cli.main import cli
from streams.delivery.routing import message_key
from streams.delivery.topics import ensure_topics
from streams.kafka.settings import KafkaSettings
from streams.models import Alert
from tests.conftest import consume_until
from tests.local_http import LocalHTTPServer, QuietHandler
from tests.unit.test_delivery_schema import make_alert

pytestmark = pytest.mark.integration


class Hook(LocalHTTPServer):
    """A webhook on 127.0.0.1: ``plan[path]`` lists the status codes to answer, the last one repeats."""

    def __init__(self) -> None:
        self.plan: dict[str, list[int]] = {}
        self.requests: list[tuple[str, dict[str, str], bytes, float]] = []
        hook = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                seen = sum(1 for r in hook.requests if r[0] == self.path)
                hook.requests.append((self.path, dict(self.headers.items()), body, time.monotonic()))
                codes = hook.plan.get(self.path, [404])
                code = codes[min(seen, len(codes) - 1)]
                reply = b"ok" if code < 300 else b"receiver is having a bad day"
                self.send_response(code)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)


        super().__init__(Handler)

    def bodies(self, path: str) -> list[dict[str, Any]]:
        return [json.loads(r[2]) for r in self.requests if r[0] == path]


@pytest.fixture
def hook() -> Iterator[Hook]:
    with Hook() as h:
        yield h


def produce(bootstrap: str, topic: str, alerts: list[Alert], raw: list[bytes] = ()) -> None:  # type: ignore[assignment]
    ensure_topics(KafkaSettings(bootstrap_servers=bootstrap), [topic], 2, 1)
    producer = KafkaProducer(bootstrap_servers=[bootstrap])
    for alert in alerts:
        producer.send(topic, key=message_key(alert), value=json.dumps(alert.to_dict()).encode())
    for value in raw:
        producer.send(topic, key=b"junk", value=value)
    producer.flush(timeout=30)
    producer.close()


def forward(bootstrap: str, *args: str) -> Any:
    return CliRunner().invoke(cli, ["forward", "-b", bootstrap, "--from-beginning", "--backoff", "0.2", *args],
                              catch_exceptions=False)


def test_retries_until_the_webhook_recovers(kafka_bootstrap: str, unique_name: Callable[[str], str],
                                            hook: Hook) -> None:
    topic, dlq, group = unique_name("alerts"), unique_name("dlq"), unique_name("fwd")
    alert = make_alert(alert_id="flaky-1")
    produce(kafka_bootstrap, topic, [alert])
    hook.plan["/flaky"] = [500, 503, 200]
    result = forward(kafka_bootstrap, "--webhook", hook.url("/flaky"), "-t", topic, "--dlq-topic", dlq,
                     "--group", group, "--retries", "3", "-n", "1", "--idle-timeout", "20")
    assert result.exit_code == 0, result.output
    assert "delivered alert flaky-1 rev 1 (HTTP 200, attempt 3)" in result.stdout
    assert "1 delivered, 0 dead-lettered" in result.stderr
    posts = [r for r in hook.requests if r[0] == "/flaky"]
    assert len(posts) == 3
    assert all(json.loads(p[2]) == alert.to_dict() for p in posts)
    headers = {k.lower(): v for k, v in posts[-1][1].items()}
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["idempotency-key"] == "flaky-1:1"
    gaps = [b[3] - a[3] for a, b in zip(posts, posts[1:], strict=False)]
    # exponential backoff with jitter: up to 0.2 s, then up to 0.4 s, each at least half of that
    assert gaps[0] >= 0.09 and gaps[1] >= 0.19
    # committed: the same group finds nothing more to do and does not post again
    again = forward(kafka_bootstrap, "--webhook", hook.url("/flaky"), "-t", topic, "--dlq-topic", dlq,
                    "--group", group, "--idle-timeout", "3")
    assert again.exit_code == 0, again.output
    assert len([r for r in hook.requests if r[0] == "/flaky"]) == 3
    assert consume_until(kafka_bootstrap, dlq, lambda v: False, timeout=2) == []


def test_after_the_last_retry_the_alert_goes_to_the_dlq(kafka_bootstrap: str, unique_name: Callable[[str], str],
                                                        hook: Hook) -> None:
    topic, dlq, group = unique_name("alerts"), unique_name("dlq"), unique_name("fwd")
    down, ok = make_alert(alert_id="down-1", severity="critical"), make_alert(alert_id="low-1", severity="low")
    produce(kafka_bootstrap, topic, [down, ok], raw=[b"{broken json"])
    hook.plan["/down"] = [500]
    result = forward(kafka_bootstrap, "--webhook", hook.url("/down"), "-t", topic, "--dlq-topic", dlq,
                     "--group", group, "--retries", "2", "--severity", "high", "-n", "3", "--idle-timeout", "20")
    assert result.exit_code == 0, result.output
    assert len(hook.bodies("/down")) == 3  # first attempt + 2 retries; the low alert was filtered out
    assert "1 filtered out" in result.stderr and "2 dead-lettered" in result.stderr
    dead = consume_until(kafka_bootstrap, dlq, lambda v: len(v) >= 2, timeout=30)
    by_kind = {("alert" if isinstance(d["alert"], dict) else "raw"): d for d in dead}
    assert by_kind["alert"]["alert"] == down.to_dict()
    err = by_kind["alert"]["error"]
    assert err["reason"].startswith("HTTP 500") and "after 3 attempt(s)" in err["reason"]
    assert err["attempts"] == 3 and err["last_status"] == 500 and err["webhook"] == hook.url("/down")
    assert by_kind["alert"]["source"]["topic"] == topic and by_kind["alert"]["source"]["key"] == "troops-moved:XA:XB"
    assert by_kind["raw"]["alert"] == "{broken json" and by_kind["raw"]["error"]["reason"].startswith("invalid_alert")


def test_a_refusal_is_not_retried(kafka_bootstrap: str, unique_name: Callable[[str], str], hook: Hook) -> None:
    topic, dlq, group = unique_name("alerts"), unique_name("dlq"), unique_name("fwd")
    produce(kafka_bootstrap, topic, [make_alert(alert_id="refused-1")])
    hook.plan["/reject"] = [422]
    result = forward(kafka_bootstrap, "--webhook", hook.url("/reject"), "-t", topic, "--dlq-topic", dlq,
                     "--group", group, "--retries", "5", "-n", "1", "--idle-timeout", "20")
    assert result.exit_code == 0, result.output
    assert len(hook.bodies("/reject")) == 1
    [dead] = consume_until(kafka_bootstrap, dlq, lambda v: len(v) >= 1, timeout=30)
    assert dead["error"]["permanent"] is True and "HTTP 422" in dead["error"]["reason"]
    assert "receiver is having a bad day" in dead["error"]["reason"]


def test_unreachable_webhook_goes_to_dlq(kafka_bootstrap: str, unique_name: Callable[[str], str]) -> None:
    topic, dlq, group = unique_name("alerts"), unique_name("dlq"), unique_name("fwd")
    produce(kafka_bootstrap, topic, [make_alert(alert_id="nowhere-1")])
    result = forward(kafka_bootstrap, "--webhook", "http://127.0.0.1:1/hook", "-t", topic, "--dlq-topic", dlq,
                     "--group", group, "--retries", "1", "-n", "1", "--idle-timeout", "20")
    assert result.exit_code == 0, result.output
    [dead] = consume_until(kafka_bootstrap, dlq, lambda v: len(v) >= 1, timeout=30)
    assert dead["error"]["reason"].startswith("cannot connect") and dead["error"]["attempts"] == 2


def test_ctrl_c_while_retrying_keeps_the_alert_for_the_next_run(
    kafka_bootstrap: str, unique_name: Callable[[str], str], hook: Hook
) -> None:
    topic, dlq, group = unique_name("alerts"), unique_name("dlq"), unique_name("fwd")
    produce(kafka_bootstrap, topic, [make_alert(alert_id="pending-1")])
    hook.plan["/later"] = [503]
    proc = subprocess.Popen(
        [sys.executable, "-m", "streams.cli.main", "forward", "-b", kafka_bootstrap, "--webhook", hook.url("/later"),
         "-t", topic, "--dlq-topic", dlq, "--group", group, "--from-beginning", "--retries", "5", "--backoff", "30"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
    )
    try:
        deadline = time.monotonic() + 30
        while not hook.bodies("/later") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(hook.bodies("/later")) == 1  # first attempt failed; now waiting 30 s to retry
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and "Traceback" not in err
    assert "0 delivered, 0 dead-lettered" in err
    # the webhook is back: the same group delivers the alert that was interrupted
    hook.plan["/later"] = [503, 200]
    result = forward(kafka_bootstrap, "--webhook", hook.url("/later"), "-t", topic, "--dlq-topic", dlq,
                     "--group", group, "-n", "1", "--idle-timeout", "20")
    assert result.exit_code == 0, result.output
    assert "delivered alert pending-1 rev 1 (HTTP 200" in result.stdout
    assert consume_until(kafka_bootstrap, dlq, lambda v: False, timeout=2) == []
