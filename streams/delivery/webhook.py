"""POSTing alerts to a webhook with retries and exponential backoff with jitter.

``WebhookSender.deliver`` is called by ``newsalert forward`` once per alert; it returns after a
2xx answer or raises DeliveryFailed after the last attempt (or at once for a permanent refusal).
One ``httpx.Client`` per sender keeps its connection open between alerts (keep-alive); close the
sender when done.

Redirects are never followed by default: a 3xx answer is a failed attempt (retried, then
dead-lettered with the status and the Location). With ``follow_redirects`` a 307 or 308 to the
same origin (scheme, host and port) is followed with the same POST; any other redirect still
fails, so the body and the headers (``Authorization``) never go to another origin. (httpx's own
redirect following is off: it would follow a POST anywhere, turning a 302 into a GET.)

Waits between attempts: ``Retry-After`` when the webhook sends it (seconds or an HTTP date, at most
``MAX_RETRY_AFTER_S``), otherwise ``backoff * 2**(k-1)`` capped at ``max_backoff``, each shortened
by a random part of up to ``jitter`` (so that many senders do not retry in step).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

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
    jitter: float = 0.5  # each backoff wait is shortened by a random fraction of up to this

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
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")

    @property
    def safe_url(self) -> str:
        """The URL without user:password, for logs and the DLQ."""
        return safe_url(self.url)

    def delay(self, retry: int) -> float:
        """The longest wait before retry number ``retry`` (1-based), without jitter."""
        return float(min(self.max_backoff_s, self.backoff_s * 2 ** (retry - 1)))

    def jittered(self, retry: int, rand: Callable[[], float] = random.random) -> float:
        """The wait before retry ``retry``: ``delay`` less a random part of up to ``jitter`` of it."""
        return self.delay(retry) * (1.0 - self.jitter * rand())


@dataclass(frozen=True)
class Delivered:
    attempts: int
    status: int


class _Failed(Exception):
    """One attempt failed in a way worth retrying."""

    def __init__(self, reason: str, status: int | None = None, location: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.status, self.location, self.retry_after = reason, status, location, retry_after


class WebhookSender:
    """Sends one JSON body per call over one kept-alive connection; ``sleep``, ``stop`` and ``client``
    are injectable for tests and shutdown."""

    def __init__(self, config: WebhookConfig, *, stop: Callable[[], bool] = lambda: False,
                 sleep: Callable[[float], None] = time.sleep, client: httpx.Client | None = None) -> None:
        self.config = config
        self.stop = stop
        self.sleep = sleep
        # proxies from the environment are honoured (HTTPS_PROXY, NO_PROXY), as urllib did
        self.client = client or httpx.Client(timeout=config.timeout_s, follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> WebhookSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
        while True:
            attempts += 1
            try:
                return Delivered(attempts, self._post(body, headers, attempts))
            except _Failed as failed:
                if attempts > self.config.retries:
                    raise DeliveryFailed(f"{failed.reason} (after {attempts} attempt(s))", attempts=attempts,
                                         status=failed.status, permanent=False, location=failed.location) from None
                hint = failed.retry_after
                self._wait(hint if hint is not None else self.config.jittered(attempts))

    def _post(self, body: bytes, headers: Mapping[str, str], attempts: int) -> int:
        """POST once, following same-origin 307/308 only when allowed; the 2xx status, or raise
        _Failed (retried) or DeliveryFailed (a refusal: never retried)."""
        url = self.config.url
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = self.client.post(url, content=body, headers=headers)
            except httpx.HTTPError as exc:  # connect, read, write and timeout errors
                raise _Failed(f"cannot connect: {str(exc).strip() or type(exc).__name__}") from None
            code = response.status_code
            if 200 <= code < 300:
                return code
            if 300 <= code < 400:
                url = self._redirect_target(url, response)
                continue
            detail = " ".join(response.text[:300].split())[:200]
            reason = f"HTTP {code} {response.reason_phrase}" + (f": {detail}" if detail else "")
            if 400 <= code < 500 and code not in RETRYABLE_4XX:
                raise DeliveryFailed(f"{reason} (not retried: the webhook refused the alert)",
                                     attempts=attempts, status=code, permanent=True)
            raise _Failed(reason, code, retry_after=retry_after(response.headers.get("Retry-After")))
        shown = safe_url(url)
        raise _Failed(f"HTTP 307 redirect to {shown} not followed: more than {MAX_REDIRECTS} redirects", 307, shown)

    def _redirect_target(self, url: str, response: httpx.Response) -> str:
        """The URL a followable redirect points to; raise _Failed for any other."""
        code = response.status_code
        raw = response.headers.get("Location")
        target = urljoin(url, raw) if raw else None
        shown = safe_url(target) if target else None
        if not self.config.follow_redirects:
            why = "redirects are not followed for a POST (--follow-redirects allows same-origin 307/308)"
        elif code not in (307, 308):
            why = "only 307 and 308 keep the POST"
        elif target is None or _origin(target) != _origin(url):
            why = "another origin never gets the alert or the credentials"
        else:
            return target
        raise _Failed(f"HTTP {code} redirect to {shown or '(no Location)'} not followed: {why}", code, shown)

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


def retry_after(value: str | None, now: Callable[[], datetime] = lambda: datetime.now(tz=UTC)) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP date (RFC 9110),
    at most MAX_RETRY_AFTER_S; None when absent or unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is in GMT; "-0000" parses as naive
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, (when - now()).total_seconds()), MAX_RETRY_AFTER_S)
