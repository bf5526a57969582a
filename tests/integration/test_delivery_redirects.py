"""`newsalert forward` and redirects (issue 16, item 2), against a pair of real local HTTP servers
and the real broker: a 302 to another port must reach nothing there, must not count as delivered,
and the alert ends in the dead-letter topic with the status and the location."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import consume_until
from tests.integration.test_delivery_forward import forward, produce
from tests.local_http import LocalHTTPServer, QuietHandler
from tests.unit.test_delivery_schema import make_alert

pytestmark = pytest.mark.integration

TOKEN = "Bearer s3cr3t-token-for-the-test"  # noqa: S105 - a test value


class Server(LocalHTTPServer):
    """Answers every request to ``path`` with ``plan[path]`` = (status, Location or None); records
    every request (method, path, headers, body), whatever the method."""

    def __init__(self) -> None:
        self.plan: dict[str, tuple[int, str | None]] = {}
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        server = self

        class Handler(QuietHandler):
            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                server.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                code, location = server.plan.get(self.path, (200, None))
                self.send_response(code)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            do_GET = do_POST = do_PUT = do_HEAD = _any  # noqa: N815 (http.server API)


        super().__init__(Handler)


@pytest.fixture
def servers() -> Iterator[tuple[Server, Server]]:
    with Server() as first, Server() as second:
        yield first, second


def run(bootstrap: str, names: Callable[[str], str], url: str, *extra: str) -> tuple[Any, str]:
    topic, dlq, group = names("alerts"), names("dlq"), names("fwd")
    produce(bootstrap, topic, [make_alert(alert_id="moved-1")])
    result = forward(bootstrap, "--webhook", url, "--header", f"Authorization: {TOKEN}", "-t", topic,
                     "--dlq-topic", dlq, "--group", group, "--retries", "1", "-n", "1", "--idle-timeout", "20", *extra)
    return result, dlq


def test_a_302_to_another_port_reaches_nothing_and_is_dead_lettered(
        kafka_bootstrap: str, unique_name: Callable[[str], str], servers: tuple[Server, Server]) -> None:
    hook, other = servers
    hook.plan["/hook"] = (302, other.url("/x?sig=abc"))
    result, dlq = run(kafka_bootstrap, unique_name, hook.url("/hook"))
    assert result.exit_code == 0, result.output
    assert other.requests == []  # no GET, no POST, no Authorization header at the other port
    assert [r[0] for r in hook.requests] == ["POST", "POST"]  # first attempt + 1 retry
    assert "delivered alert" not in result.stdout
    assert "0 delivered, 1 dead-lettered" in result.stderr
    [dead] = consume_until(kafka_bootstrap, dlq, lambda v: len(v) >= 1, timeout=30)
    err = dead["error"]
    assert err["last_status"] == 302 and err["attempts"] == 2 and not err["permanent"]
    assert err["location"] == other.url("/x")  # query (may hold a signature) left out
    assert "HTTP 302" in err["reason"] and "not followed" in err["reason"]
    assert TOKEN not in result.output and "s3cr3t" not in str(dead)


def test_follow_redirects_follows_a_same_origin_307_with_the_same_post(
        kafka_bootstrap: str, unique_name: Callable[[str], str], servers: tuple[Server, Server]) -> None:
    hook, _ = servers
    hook.plan["/old"] = (307, "/new")
    result, dlq = run(kafka_bootstrap, unique_name, hook.url("/old"), "--follow-redirects")
    assert result.exit_code == 0, result.output
    assert "delivered alert moved-1 rev 1 (HTTP 200, attempt 1)" in result.stdout
    assert [(r[0], r[1]) for r in hook.requests] == [("POST", "/old"), ("POST", "/new")]
    assert hook.requests[0][3] == hook.requests[1][3] and hook.requests[1][2]["authorization"] == TOKEN
    assert consume_until(kafka_bootstrap, dlq, lambda v: False, timeout=2) == []


@pytest.mark.parametrize("code", [302, 307, 308])
def test_follow_redirects_never_goes_to_another_origin_nor_follows_a_302(
        kafka_bootstrap: str, unique_name: Callable[[str], str], servers: tuple[Server, Server], code: int) -> None:
    hook, other = servers
    hook.plan["/hook"] = (code, other.url("/x") if code != 302 else "/same-origin")
    result, dlq = run(kafka_bootstrap, unique_name, hook.url("/hook"), "--follow-redirects")
    assert result.exit_code == 0, result.output
    assert other.requests == [] and {r[1] for r in hook.requests} == {"/hook"}
    assert "0 delivered, 1 dead-lettered" in result.stderr
    [dead] = consume_until(kafka_bootstrap, dlq, lambda v: len(v) >= 1, timeout=30)
    assert dead["error"]["last_status"] == code
