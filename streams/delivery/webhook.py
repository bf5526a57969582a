"""POSTing alerts to a webhook with retries and exponential backoff.

``WebhookSender.deliver`` is called by ``newsalert forward`` once per alert; it returns after a
2xx answer or raises DeliveryFailed after the last attempt (or at once for a permanent refusal).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from streams import __version__

# 4xx answers worth retrying: timeout, conflict-ish throttling; all others mean "never"
RETRYABLE_4XX = frozenset({408, 425, 429})
MAX_RETRY_AFTER_S = 300.0


class DeliveryFailed(RuntimeError):
    """The webhook did not accept the alert. ``reason`` is what the DLQ records."""

    def __init__(self, reason: str, *, attempts: int, status: int | None, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts
        self.status = status
        self.permanent = permanent


class StopRequested(Exception):
    """Shutdown was asked for while waiting to retry; the alert stays uncommitted."""


@dataclass(frozen=True)
class WebhookConfig:
    url: str
    retries: int = 5  # attempts after the first
    backoff_s: float = 1.0  # wait before retry k is backoff * 2**(k-1), capped at max_backoff_s
    max_backoff_s: float = 60.0
    timeout_s: float = 10.0
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"webhook URL must be http(s)://host/..., got {self.safe_url!r}")
        if self.retries < 0 or self.backoff_s < 0 or self.timeout_s <= 0:
            raise ValueError("retries and backoff must be >= 0 and the timeout > 0")

    @property
    def safe_url(self) -> str:
        """The URL without user:password, for logs and the DLQ."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        return float(min(self.max_backoff_s, self.backoff_s * 2 ** (retry - 1)))


@dataclass(frozen=True)
class Delivered:
    attempts: int
    status: int


class WebhookSender:
    """Sends one JSON body per call; ``sleep`` and ``stop`` are injectable for tests and shutdown."""

    def __init__(self, config: WebhookConfig, *, stop: Callable[[], bool] = lambda: False,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self.stop = stop
        self.sleep = sleep

    def deliver(self, body: bytes, *, alert_id: str = "", revision: int | str = "") -> Delivered:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"newsalert/{__version__}",
            **({"X-Newsalert-Alert-Id": alert_id} if alert_id else {}),
            **({"X-Newsalert-Revision": str(revision)} if revision != "" else {}),
            **({"Idempotency-Key": f"{alert_id}:{revision}"} if alert_id else {}),
            **self.config.headers,
        }
        attempts = 0
        last_status: int | None = None
        reason = ""
        while True:
            attempts += 1
            wait_hint: float | None = None
            try:
                status = self._post(body, headers)
                return Delivered(attempts, status)
            except urllib.error.HTTPError as exc:
                last_status = exc.code
                detail = _short_body(exc)
                reason = f"HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")
                if 400 <= exc.code < 500 and exc.code not in RETRYABLE_4XX:
                    raise DeliveryFailed(f"{reason} (not retried: the webhook refused the alert)",
                                         attempts=attempts, status=exc.code, permanent=True) from exc
                wait_hint = _retry_after(exc)
            except (urllib.error.URLError, OSError) as exc:
                last_status = None
                reason = f"cannot connect: {getattr(exc, 'reason', exc)}"
            if attempts > self.config.retries:
                raise DeliveryFailed(f"{reason} (after {attempts} attempt(s))", attempts=attempts,
                                     status=last_status, permanent=False)
            self._wait(wait_hint if wait_hint is not None else self.config.delay(attempts))

    def _post(self, body: bytes, headers: Mapping[str, str]) -> int:
        request = urllib.request.Request(self.config.url, data=body, headers=dict(headers), method="POST")
        with urllib.request.urlopen(request, timeout=self.config.timeout_s) as response:  # noqa: S310 (checked http/https)
            response.read(65536)
            return int(response.status)

    def _wait(self, seconds: float) -> None:
        left = seconds
        while True:
            if self.stop():
                raise StopRequested
            if left <= 0:
                return
            step = min(left, 0.2)
            self.sleep(step)
            left -= step


def _short_body(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read(300).decode("utf-8", "replace")
    except Exception:
        return ""
    return " ".join(text.split())[:200]


def _retry_after(exc: urllib.error.HTTPError) -> float | None:
    value = exc.headers.get("Retry-After") if exc.headers else None
    if value and value.strip().isdigit():
        return min(float(value.strip()), MAX_RETRY_AFTER_S)
    return None
