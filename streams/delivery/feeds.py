"""RSS/Atom feeds to Articles: fetch (urllib, with timeout and conditional GET), parse (feedparser),
and turn entries into articles with stable ids.

``fetch_feed`` and ``entries_to_articles`` are called once per feed per poll by ``ingest``.
"""

from __future__ import annotations

import calendar
import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import feedparser

from streams import __version__
from streams.delivery.htmltext import html_to_text
from streams.delivery.ingest_state import FeedCache
from streams.models import Article, ArticleError, published_epoch

USER_AGENT = f"newsalert/{__version__} (+feed ingestion)"
MAX_FEED_BYTES = 20_000_000


class FeedError(RuntimeError):
    """A feed that could not be fetched or parsed; the message names the URL and the reason."""


@dataclass(frozen=True)
class FetchResult:
    url: str
    body: bytes | None  # None: not modified since the last poll (HTTP 304)
    cache: FeedCache
    headers: dict[str, str] = field(default_factory=dict)


def check_feed_url(url: str, *, allow_file: bool = False) -> None:
    """Raise FeedError unless ``url`` is http(s)://host/..., or file:// when ``allow_file``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        if not allow_file:
            raise FeedError(f"{url}: file:// feeds are read only with --allow-file")
        return
    if scheme not in ("http", "https") or not parts.hostname:
        raise FeedError(f"{url}: a feed URL must be http(s)://host/... (or file:// with --allow-file)")


def fetch_feed(url: str, cache: FeedCache, *, timeout: float = 20.0, allow_file: bool = False) -> FetchResult:
    """GET the feed, sending the validators of the last successful poll; raise FeedError."""
    check_feed_url(url, allow_file=allow_file)
    headers = {"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
    if cache.etag:
        headers["If-None-Match"] = cache.etag
    if cache.modified:
        headers["If-Modified-Since"] = cache.modified
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (feeds are http(s) URLs by design)
            body = response.read(MAX_FEED_BYTES + 1)
            got = {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return FetchResult(url, None, cache)
        raise FeedError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FeedError(f"{url}: cannot fetch: {reason}") from exc
    if len(body) > MAX_FEED_BYTES:
        raise FeedError(f"{url}: larger than {MAX_FEED_BYTES} bytes")
    return FetchResult(url, body, FeedCache(got.get("etag"), got.get("last-modified")), got)


@dataclass(frozen=True)
class FeedEntry:
    """One entry turned into an article, with the keys that identify it for deduplication."""

    article: Article
    keys: tuple[str, ...]  # identity (guid or link) first, then the link URL


@dataclass(frozen=True)
class ParsedFeed:
    url: str
    title: str | None
    entries: tuple[FeedEntry, ...]
    skipped: tuple[str, ...]  # 'entry N: reason' for entries that could not become articles
    warning: str | None = None  # feedparser's complaint about a feed it could still read


def parse_feed(url: str, body: bytes, *, headers: dict[str, str] | None = None,
               max_text_chars: int | None = None) -> ParsedFeed:
    """Parse RSS/Atom bytes; raise FeedError when nothing usable is in them."""
    parsed: Any = feedparser.parse(body, response_headers=headers or {})
    version = parsed.get("version") or ""
    if not parsed.entries and (parsed.bozo or not version):
        reason = parsed.get("bozo_exception") or "not an RSS or Atom feed"
        raise FeedError(f"{url}: cannot parse feed: {reason}")
    feed_info = parsed.feed
    title = _clean(feed_info.get("title")) or None
    source = title or urlsplit(url).hostname or url
    language = _language(feed_info.get("language") or (headers or {}).get("content-language"))
    entries: list[FeedEntry] = []
    skipped: list[str] = []
    for n, entry in enumerate(parsed.entries, start=1):
        try:
            entries.append(entry_to_article(url, entry, source=source, language=language,
                                            max_text_chars=max_text_chars))
        except ArticleError as exc:
            skipped.append(f"entry {n} ({entry.get('link') or entry.get('id') or 'no link'}): {exc}")
    if parsed.bozo and not entries:
        raise FeedError(f"{url}: cannot parse feed: {parsed.get('bozo_exception')} (no usable entry)")
    warning = f"{url}: feed is not well-formed but readable: {parsed.bozo_exception}" if parsed.bozo else None
    return ParsedFeed(url, title, tuple(entries), tuple(skipped), warning)


def entry_identity(feed_url: str, entry: Any) -> str:
    """The entry's identity: a globally unique guid (URL, URN, tag:) as is; else its link; else the
    feed URL plus the local guid; else the feed URL plus title and date."""
    guid = (entry.get("id") or "").strip()
    link = _web_link(entry) or ""
    if guid and ":" in guid:
        return guid
    if link:
        return link
    if guid:
        return f"{feed_url}#{guid}"
    return f"{feed_url}#{entry.get('title', '')}|{entry.get('published') or entry.get('updated') or ''}"


def article_id_for(identity: str) -> str:
    """Stable article id: the same entry gets the same id on every poll and every machine."""
    return "feed-" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:24]


def entry_to_article(feed_url: str, entry: Any, *, source: str, language: str | None,
                     max_text_chars: int | None = None) -> FeedEntry:
    identity = entry_identity(feed_url, entry)
    link = _web_link(entry)
    title = _clean(entry.get("title")) or None
    body = ""
    for content in entry.get("content") or []:
        body = _clean(content.get("value"))
        if body:
            break
    if not body:
        body = _clean(entry.get("summary"))
    text = body or title or ""
    data = {
        "id": article_id_for(identity),
        "text": text,
        "title": title,
        "url": link,
        "source": source,
        "language": _language(entry.get("language")) or language,
        "published_at": _published(entry),
    }
    article = Article.from_dict({k: v for k, v in data.items() if v is not None}, max_text_chars=max_text_chars)
    keys = tuple(dict.fromkeys(k for k in (identity, link) if k))
    return FeedEntry(article, keys)


def _web_link(entry: Any) -> str | None:
    """The entry's http(s) link (feedparser also puts a permalink guid like 'urn:...' there)."""
    link = (entry.get("link") or "").strip()
    return link if urlsplit(link).scheme in ("http", "https") else None


def _clean(value: Any) -> str:
    if not value:
        return ""
    text = str(value)
    return html_to_text(text) if "<" in text or "&" in text else " ".join(text.split())


def _language(value: Any) -> str | None:
    if not value:
        return None
    return str(value).strip().split("-")[0].split("_")[0].lower() or None


def _published(entry: Any) -> str | None:
    """The entry's date as ISO 8601 UTC, or None when it has none or none an article may carry
    (not a date, or outside what ``Article.from_dict`` accepts): the entry is kept without it."""
    from datetime import UTC, datetime

    for key in ("published_parsed", "updated_parsed"):
        struct = entry.get(key)
        if struct:
            try:  # feedparser gives UTC struct_times, also for the year 10000 or 0
                value = datetime.fromtimestamp(calendar.timegm(struct), tz=UTC).isoformat().replace("+00:00", "Z")
            except (OverflowError, OSError, ValueError):
                return None
            return value if _usable_date(value) else None
    raw = entry.get("published") or entry.get("updated")
    return str(raw) if raw and _usable_date(str(raw)) else None


def _usable_date(value: str) -> bool:
    try:
        published_epoch(value)
    except ArticleError:
        return False
    return True
