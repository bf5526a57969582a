"""What feed ingestion has already published, kept across restarts (sqlite3, one file).

Opened once by ``newsalert ingest feed``; ``seen`` is asked for every feed entry, ``mark`` is
called only after Kafka acknowledged the article, so a crash in between republishes (at least
once) rather than losing it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DEFAULT_STATE = Path(".newsalert/ingest-state/feeds.sqlite3")
RETENTION_DAYS = 90

_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
    key TEXT PRIMARY KEY,        -- entry identity (guid) or link URL
    article_id TEXT NOT NULL,
    feed TEXT NOT NULL,
    first_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    etag TEXT,
    modified TEXT,
    last_ok REAL,
    last_error TEXT
);
"""


@dataclass(frozen=True)
class FeedCache:
    etag: str | None = None
    modified: str | None = None


class IngestState:
    """Seen entry keys and per-feed HTTP validators (ETag / Last-Modified)."""

    def __init__(self, path: Path | str = DEFAULT_STATE) -> None:
        self.path = Path(path)
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path))
        self.db.executescript(_SCHEMA)
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    def seen(self, keys: Iterable[str]) -> bool:
        """True when any of ``keys`` (guid, link) was published before."""
        keys = [k for k in keys if k]
        if not keys:
            return False
        marks = ",".join("?" * len(keys))
        row = self.db.execute(f"SELECT 1 FROM seen WHERE key IN ({marks}) LIMIT 1", keys).fetchone()  # noqa: S608
        return row is not None

    def mark(self, keys: Iterable[str], article_id: str, feed: str) -> None:
        now = time.time()
        self.db.executemany(
            "INSERT OR IGNORE INTO seen (key, article_id, feed, first_seen) VALUES (?, ?, ?, ?)",
            [(k, article_id, feed, now) for k in keys if k],
        )
        self.db.commit()

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM seen").fetchone()[0])

    def cache(self, url: str) -> FeedCache:
        row = self.db.execute("SELECT etag, modified FROM feeds WHERE url = ?", (url,)).fetchone()
        return FeedCache(*row) if row else FeedCache()

    def feed_ok(self, url: str, cache: FeedCache) -> None:
        self.db.execute(
            "INSERT INTO feeds (url, etag, modified, last_ok, last_error) VALUES (?, ?, ?, ?, NULL) "
            "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, modified = excluded.modified, "
            "last_ok = excluded.last_ok, last_error = NULL",
            (url, cache.etag, cache.modified, time.time()),
        )
        self.db.commit()

    def feed_failed(self, url: str, error: str) -> None:
        self.db.execute(
            "INSERT INTO feeds (url, last_error) VALUES (?, ?) "
            "ON CONFLICT(url) DO UPDATE SET last_error = excluded.last_error",
            (url, error),
        )
        self.db.commit()

    def prune(self, older_than_days: float = RETENTION_DAYS) -> int:
        """Forget keys first seen more than ``older_than_days`` ago; return how many."""
        cur = self.db.execute("DELETE FROM seen WHERE first_seen < ?", (time.time() - older_than_days * 86400,))
        self.db.commit()
        return cur.rowcount
