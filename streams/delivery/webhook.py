"""POSTing alerts to a webhook with retries and exponential backoff.

``WebhookSender.deliver`` is called by ``newsalert forward`` once per alert; it returns after a
2xx answer or raises DeliveryFailed after the last attempt (or at once for a permanent refusal).

Redirects are never followed by default: a 3xx answer is a failed attempt (retried, then
dead-lettered with the status and the Location). With ``follow_redirects`` a 307 or 308 to the
same origin (scheme, host and port) is followed with the same POST; any other redirect still
fails, so the body and the headers (``Authorization``) never go to another origin.
"""

from __future__ import annotations

import contextlib
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from streams import __version__

# 4xx answers worth retrying: timeout, conflict-ish throttling; all others mean "never"
RETRYABLE_4XX = frozenset({408, 425, 429})
MAX_RETRY_AFTER_S = 300.0
MAX_REDIRECTS = 5  # same-origin 307/308 hops followed per attempt when following is allowed


class DeliveryFailed(RuntimeError):
    """The webhook did not accept the alert. ``reason`` is what the DLQ records."""

    def __init__(self, reason: str, *, attempts: int, status: int | None, permanent: bool,
                 location: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts
        self.status = status
        self.permanent = permanent
        self.location = location  # where the last 3xx answer pointed (credentials removed)


class Redirected(Exception):
    """The webhook answered 3xx and the redirect is not followed."""

    def __init__(self, status: int, location: str | None, why: str) -> None:
        super().__init__(f"HTTP {status} redirect to {location or '(no Location)'} not followed: {why}")
        self.status = status
        self.location = location


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
    follow_redirects: bool = False  # follow same-origin 307/308 only; never anything else

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"webhook URL must be http(s)://host/..., got {self.safe_url!r}")
        if parts.username is not None or parts.password is not None:
            raise ValueError(
                f"webhook URL must not contain credentials (user:password@), got {self.safe_url!r}; "
                "pass them as a header (NEWSALERT_WEBHOOK_AUTHORIZATION or --header) instead")
        try:
            parts.port  # noqa: B018 - raises on a port that is not a number or out of range
        except ValueError as exc:
            raise ValueError(f"webhook URL has an invalid port: {exc}") from None
        if self.retries < 0 or self.backoff_s < 0 or self.timeout_s <= 0:
            raise ValueError("retries and backoff must be >= 0 and the timeout > 0")

    @property
    def safe_url(self) -> str:
        """The URL without user:password, for logs and the DLQ."""
        return safe_url(self.url)

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
        location: str | None = None
        reason = ""
        while True:
            attempts += 1
            wait_hint: float | None = None
            try:
                status = self._post(body, headers)
                return Delivered(attempts, status)
            except Redirected as exc:
                last_status = exc.status
                reason = str(exc)
                location = exc.location
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
                                     status=last_status, permanent=False, location=location)
            self._wait(wait_hint if wait_hint is not None else self.config.delay(attempts))

    def _post(self, body: bytes, headers: Mapping[str, str]) -> int:
        """POST once; follow same-origin 307/308 only when allowed. Raises Redirected for any
        redirect not followed, HTTPError for other non-2xx answers."""
        url = self.config.url
        for _ in range(MAX_REDIRECTS + 1):
            request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
            try:
                with _OPENER.open(request, timeout=self.config.timeout_s) as response:
                    response.read(65536)
                    return int(response.status)
            except urllib.error.HTTPError as exc:
                if not 300 <= exc.code < 400:
                    raise
                url = self._redirect_target(url, exc)
        raise Redirected(307, safe_url(url), f"more than {MAX_REDIRECTS} redirects")

    def _redirect_target(self, url: str, exc: urllib.error.HTTPError) -> str:
        """The URL a followable redirect points to; raise Redirected for any other."""
        raw = exc.headers.get("Location") if exc.headers else None
        with contextlib.suppress(Exception):
            exc.close()
        target = urljoin(url, raw) if raw else None
        shown = safe_url(target) if target else None
        if not self.config.follow_redirects:
            raise Redirected(exc.code, shown, "redirects are not followed for a POST "
                                              "(--follow-redirects allows same-origin 307/308)")
        if exc.code not in (307, 308):
            raise Redirected(exc.code, shown, "only 307 and 308 keep the POST")
        if target is None or _origin(target) != _origin(url):
            raise Redirected(exc.code, shown, "another origin never gets the alert or the credentials")
        return target

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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hands every 3xx back as an HTTPError: WebhookSender decides (urllib's default would turn a
    302 into a GET to anywhere, with the same headers)."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> urllib.request.Request | None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def safe_url(url: str) -> str:
    """``url`` without user:password, query and fragment (they may hold secrets)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{host}:{port}" if port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


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
