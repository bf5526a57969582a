"""Webhook configuration and retry timing (no network: the sender posts to a closed port)."""

from __future__ import annotations

import pytest

from streams.delivery.webhook import (
    DeliveryFailed,
    StopRequested,
    WebhookConfig,
    WebhookSender,
    retry_after,
    safe_url,
)


def test_backoff_doubles_and_is_capped() -> None:
    cfg = WebhookConfig("https://hooks.example/x", backoff_s=0.5, max_backoff_s=3)
    assert [cfg.delay(k) for k in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_safe_url_hides_credentials() -> None:
    assert safe_url("https://user:secret@hooks.example:8443/path?token=abc") == "https://hooks.example:8443/path"
    assert WebhookConfig("https://hooks.example:8443/path?token=abc").safe_url == "https://hooks.example:8443/path"


@pytest.mark.parametrize("url", ["ftp://hooks.example/x", "hooks.example/x", "http://"])
def test_only_http_urls(url: str) -> None:
    with pytest.raises(ValueError, match="webhook URL must be http"):
        WebhookConfig(url)


def test_retries_then_fails_with_waits_in_between() -> None:
    waited: list[float] = []
    sender = WebhookSender(WebhookConfig("http://127.0.0.1:1/x", retries=3, backoff_s=1, timeout_s=2, jitter=0),
                           sleep=waited.append)
    with pytest.raises(DeliveryFailed) as info:
        sender.deliver(b"{}")
    assert info.value.attempts == 4 and info.value.status is None and not info.value.permanent
    assert "cannot connect" in info.value.reason and "after 4 attempt(s)" in info.value.reason
    assert sum(waited) == pytest.approx(1 + 2 + 4, abs=0.1)


def test_stop_interrupts_the_wait() -> None:
    sender = WebhookSender(WebhookConfig("http://127.0.0.1:1/x", retries=3, backoff_s=60), stop=lambda: True)
    with pytest.raises(StopRequested):
        sender.deliver(b"{}")


@pytest.mark.parametrize("url", ["https://user:hunter2-secret@hooks.example/x", "http://:hunter2-secret@hooks.example/x",
                                 "http://only-user@hooks.example/x"])
def test_credentials_in_the_url_are_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(ValueError, match="must not contain credentials") as info:
        WebhookConfig(url)
    assert "hunter2" not in str(info.value) and "only-user" not in str(info.value)


@pytest.mark.parametrize(("url", "problem"), [
    ("https://user:hunter2-secret@hooks.example/x", "must not contain credentials"),
    ("ftp://hooks.example/x", "must be http(s)"),
    ("file:///etc/passwd", "must be http(s)"),
])
def test_forward_refuses_a_bad_webhook_url_at_start(url: str, problem: str) -> None:
    from click.testing import CliRunner

    from streams.cli.main import cli

    # port 1: nothing listens, and nothing is tried: the URL is refused before Kafka is contacted
    result = CliRunner().invoke(cli, ["forward", "-b", "127.0.0.1:1", "--webhook", url])
    assert result.exit_code == 2
    assert problem in result.output and "hunter2" not in result.output


def test_a_redirect_is_not_followed_and_names_the_location() -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server API)
            seen.append(self.path)
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(301)
            self.send_header("Location", "http://user:pw@elsewhere.example:8080/in?token=t")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/hook"
        sender = WebhookSender(WebhookConfig(url, retries=2, backoff_s=0, follow_redirects=True), sleep=lambda s: None)
        with pytest.raises(DeliveryFailed) as info:
            sender.deliver(b"{}")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert seen == ["/hook"] * 3
    assert info.value.status == 301 and info.value.location == "http://elsewhere.example:8080/in"
    assert not info.value.permanent and "pw" not in info.value.reason and "token" not in info.value.reason


# -- issue 15 item 7: jitter, Retry-After as an HTTP date, one connection for many alerts ----------


def test_backoff_has_jitter_within_bounds() -> None:
    cfg = WebhookConfig("https://hooks.example/x", backoff_s=1, max_backoff_s=8, jitter=0.5)
    waits = [[cfg.jittered(k) for k in range(1, 6)] for _ in range(20)]
    for run in waits:
        for k, wait in enumerate(run, start=1):
            assert 0.5 * cfg.delay(k) <= wait <= cfg.delay(k)
    assert len({tuple(run) for run in waits}) == 20  # senders do not retry in step
    assert cfg.jittered(3, rand=lambda: 1.0) == 2.0 and cfg.jittered(3, rand=lambda: 0.0) == 4.0
    with pytest.raises(ValueError, match="jitter"):
        WebhookConfig("https://hooks.example/x", jitter=1.5)


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 12, 7, 3, 0, 0, tzinfo=UTC)
    assert retry_after("7", lambda: now) == 7.0
    assert retry_after("Mon, 07 Dec 2026 03:00:42 GMT", lambda: now) == 42.0
    assert retry_after("Mon, 07 Dec 2026 02:59:00 GMT", lambda: now) == 0.0  # in the past: now
    assert retry_after("Tue, 08 Dec 2026 03:00:00 GMT", lambda: now) == 300.0  # capped
    assert retry_after("Mon, 07 Dec 2026 03:00:42 -0000", lambda: now) == 42.0
    for junk in (None, "", "soon", "-5", "1.5"):
        assert retry_after(junk, lambda: now) is None


class _Hook:
    """A keep-alive HTTP/1.1 webhook on 127.0.0.1 that answers from ``plan`` (the last repeats) and
    records the client's port of every request."""

    def __init__(self, plan: list[tuple[int, dict[str, str]]]) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.plan = plan
        self.ports: list[int] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                hook.ports.append(self.client_address[1])
                code, headers = hook.plan[min(len(hook.ports), len(hook.plan)) - 1]
                self.send_response(code)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_one_connection_is_reused_for_many_alerts() -> None:
    hook = _Hook([(200, {})])
    try:
        with WebhookSender(WebhookConfig(hook.url)) as sender:
            for i in range(5):
                assert sender.deliver(b"{}", alert_id=f"a{i}", revision=1).status == 200
    finally:
        hook.close()
    assert len(hook.ports) == 5 and len(set(hook.ports)) == 1  # urllib opened one connection per alert


def test_a_retry_after_date_is_honoured() -> None:
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    when = format_datetime(datetime.now(tz=UTC) + timedelta(seconds=30), usegmt=True)
    hook = _Hook([(503, {"Retry-After": when}), (200, {})])
    waited: list[float] = []
    try:
        with WebhookSender(WebhookConfig(hook.url, retries=2, backoff_s=0.01), sleep=waited.append) as sender:
            assert sender.deliver(b"{}").attempts == 2
    finally:
        hook.close()
    assert 28 <= sum(waited) <= 30.5  # the date, not the 0.01 s backoff
