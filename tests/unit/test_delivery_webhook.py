"""Webhook configuration and retry timing (no network: the sender posts to a closed port)."""

from __future__ import annotations

import pytest

from streams.delivery.webhook import DeliveryFailed, StopRequested, WebhookConfig, WebhookSender


def test_backoff_doubles_and_is_capped() -> None:
    cfg = WebhookConfig("https://hooks.example/x", backoff_s=0.5, max_backoff_s=3)
    assert [cfg.delay(k) for k in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_safe_url_hides_credentials() -> None:
    cfg = WebhookConfig("https://user:secret@hooks.example:8443/path?token=abc")
    assert cfg.safe_url == "https://hooks.example:8443/path"


@pytest.mark.parametrize("url", ["ftp://hooks.example/x", "hooks.example/x", "http://"])
def test_only_http_urls(url: str) -> None:
    with pytest.raises(ValueError, match="webhook URL must be http"):
        WebhookConfig(url)


def test_retries_then_fails_with_waits_in_between() -> None:
    waited: list[float] = []
    sender = WebhookSender(WebhookConfig("http://127.0.0.1:1/x", retries=3, backoff_s=1, timeout_s=2),
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
