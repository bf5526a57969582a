"""`newsalert ingest feed` against feeds served on localhost and the real broker."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from streams.cli.main import cli
from streams.delivery.feeds import article_id_for
from tests.conftest import consume_until
from tests.local_http import LocalHTTPServer, QuietHandler

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def rss(*items: tuple[str, str, str]) -> bytes:
    body = "".join(
        f"<item><title>{title}</title><link>https://valley.example/{slug}</link>"
        f"<guid isPermaLink='true'>https://valley.example/{slug}</guid>"
        f"<pubDate>Fri, 27 Nov 2026 07:00:00 GMT</pubDate><description><![CDATA[{html}]]></description></item>"
        for slug, title, html in items
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Courier</title>'
            f"<language>en</language>{body}</channel></rss>").encode()


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
  <title>Bergpost</title><id>tag:bergpost.example,2026:feed</id><updated>2026-11-27T06:00:00Z</updated>
  <entry><title>Lawinenwarnung</title><id>tag:bergpost.example,2026:1</id>
    <link href="https://bergpost.example/1"/><updated>2026-11-27T06:00:00Z</updated>
    <content type="html">&lt;p&gt;Oberhalb von 1800 Metern gilt Stufe drei.&lt;/p&gt;</content></entry>
  <entry><title>Pass wieder offen</title><id>tag:bergpost.example,2026:2</id>
    <link href="https://bergpost.example/2"/><updated>2026-11-27T05:00:00Z</updated>
    <summary>Der Pass ist seit heute Morgen befahrbar.</summary></entry>
</feed>"""


class FeedServer(LocalHTTPServer):
    """Feeds on 127.0.0.1 served by a threaded http.server; tests change ``pages`` between polls."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str, bytes]] = {}
        self.etags: dict[str, str] = {}  # path -> ETag; a matching If-None-Match gets 304
        self.hits: dict[str, int] = {}
        self.not_modified = 0
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                status, ctype, body = server.pages.get(self.path, (404, "text/plain", b"not here"))
                etag = server.etags.get(self.path)
                if etag and self.headers.get("If-None-Match") == etag:
                    server.not_modified += 1
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)


        super().__init__(Handler)


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def ingest(bootstrap: str, *args: str) -> Any:
    return CliRunner().invoke(cli, ["ingest", "feed", "-b", bootstrap, *args], catch_exceptions=False)


def test_good_feeds_broken_feed_and_repeats(
    kafka_bootstrap: str, unique_name: Callable[[str], str], feeds: FeedServer, tmp_path: Path
) -> None:
    topic = unique_name("articles")
    state = tmp_path / "state" / "feeds.sqlite3"
    feeds.pages["/rss"] = (200, "application/rss+xml", rss(
        ("flood", "River rises", "<p>The river rose by <b>two</b> metres.</p>"),
        ("school", "School closed", "<p>Classes move online.</p>"),
    ))
    feeds.pages["/atom"] = (200, "application/atom+xml", ATOM)
    feeds.pages["/broken"] = (200, "application/rss+xml", b"<rss><channel><item><title>cut off")
    urls = [feeds.url("/rss"), feeds.url("/broken"), feeds.url("/atom"), feeds.url("/missing")]

    first = ingest(kafka_bootstrap, "--once", "--state", str(state), "-t", topic, *urls)
    assert first.exit_code == 1, first.output  # two feeds failed ...
    assert f"error: {feeds.url('/broken')}: cannot parse feed" in first.stderr
    assert f"error: {feeds.url('/missing')}: HTTP 404" in first.stderr
    assert f"{feeds.url('/rss')}: 2 entries, 2 published" in first.stdout  # ... the others went on
    assert f"{feeds.url('/atom')}: 2 entries, 2 published" in first.stdout

    # second poll: one old item repeats, one is new; the Atom feed is unchanged
    feeds.pages["/rss"] = (200, "application/rss+xml", rss(
        ("school", "School closed", "<p>Classes move online.</p>"),
        ("bridge", "Bridge inspected", "<p>Engineers found no damage.</p>"),
    ))
    second = ingest(kafka_bootstrap, "--once", "--state", str(state), "-t", topic, feeds.url("/rss"),
                    feeds.url("/atom"))
    assert second.exit_code == 0, second.output
    assert f"{feeds.url('/rss')}: 2 entries, 1 published, 1 already seen" in second.stdout
    assert f"{feeds.url('/atom')}: 2 entries, 0 published, 2 already seen" in second.stdout

    # wait a little beyond the fifth article: a sixth (a repeat) must not come
    values = consume_until(kafka_bootstrap, topic, lambda v: len(v) > 5, timeout=5)
    by_url = {v["url"]: v for v in values}
    assert len(values) == 5 and len(by_url) == 5
    flood = by_url["https://valley.example/flood"]
    assert flood == {
        "id": article_id_for("https://valley.example/flood"),
        "text": "The river rose by two metres.",
        "title": "River rises",
        "url": "https://valley.example/flood",
        "source": "Valley Courier",
        "language": "en",
        "published_at": "2026-11-27T07:00:00Z",
    }
    avalanche = by_url["https://bergpost.example/1"]
    assert avalanche["text"] == "Oberhalb von 1800 Metern gilt Stufe drei." and avalanche["language"] == "de"
    assert avalanche["id"] == article_id_for("tag:bergpost.example,2026:1")
    assert by_url["https://bergpost.example/2"]["text"] == "Der Pass ist seit heute Morgen befahrbar."


def test_polling_loop_publishes_new_items_and_stops_on_ctrl_c(
    kafka_bootstrap: str, unique_name: Callable[[str], str], feeds: FeedServer, tmp_path: Path
) -> None:
    topic = unique_name("articles")
    feeds.pages["/rss"] = (200, "application/rss+xml", rss(("a", "First", "<p>One.</p>")))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streams.cli.main", "ingest", "feed", "-b", kafka_bootstrap, "-t", topic,
         "--interval", "1", "--state", str(tmp_path / "s.sqlite3"), feeds.url("/rss")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        got = consume_until(kafka_bootstrap, topic, lambda v: len(v) >= 1, timeout=30)
        assert [v["title"] for v in got] == ["First"]
        feeds.pages["/rss"] = (200, "application/rss+xml", rss(("a", "First", "<p>One.</p>"),
                                                               ("b", "Second", "<p>Two.</p>")))
        got = consume_until(kafka_bootstrap, topic, lambda v: len(v) >= 2, timeout=30)
        assert sorted(v["title"] for v in got) == ["First", "Second"]
        polls = feeds.hits["/rss"]
        deadline = time.monotonic() + 20
        while feeds.hits["/rss"] < polls + 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert len(consume_until(kafka_bootstrap, topic, lambda v: False, timeout=2)) == 2  # no repeats
    assert "1 published" in out and "1 already seen" in out


def test_conditional_get_skips_unchanged_feeds(
    kafka_bootstrap: str, unique_name: Callable[[str], str], feeds: FeedServer, tmp_path: Path
) -> None:
    topic = unique_name("articles")
    state = tmp_path / "state.sqlite3"
    feeds.pages["/atom"] = (200, "application/atom+xml", ATOM)
    feeds.etags["/atom"] = '"v1"'
    first = ingest(kafka_bootstrap, "--once", "--state", str(state), "-t", topic, feeds.url("/atom"))
    assert first.exit_code == 0 and "2 published" in first.stdout
    second = ingest(kafka_bootstrap, "--once", "--state", str(state), "-t", topic, feeds.url("/atom"))
    assert second.exit_code == 0 and f"{feeds.url('/atom')}: not modified" in second.stdout
    assert feeds.not_modified == 1
    feeds.etags["/atom"] = '"v2"'  # changed on the server: fetched again, nothing new to publish
    third = ingest(kafka_bootstrap, "--once", "--state", str(state), "-t", topic, feeds.url("/atom"))
    assert "2 entries, 0 published, 2 already seen" in third.stdout
    assert len(consume_until(kafka_bootstrap, topic, lambda v: len(v) > 2, timeout=4)) == 2
