"""Feed parsing, HTML stripping, entry identity and the ingest state store (no network, no Kafka)."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.delivery.feeds import FeedError, article_id_for, entry_identity, parse_feed
from streams.delivery.htmltext import html_to_text
from streams.delivery.ingest_state import FeedCache, IngestState

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
  <title>Kreisblatt Nord</title><link>https://kreisblatt.example/</link><language>de-DE</language>
  <item>
    <title>Br&#252;cke &amp; Stra&#223;e gesperrt</title>
    <link>https://kreisblatt.example/a/1</link>
    <guid isPermaLink="false">kb-1</guid>
    <pubDate>Fri, 27 Nov 2026 09:30:00 +0100</pubDate>
    <description><![CDATA[<p>Nach dem <b>Hochwasser</b> bleibt die Br&uuml;cke zu.</p><script>alert(1)</script><p>Umleitung &uuml;ber die B4.</p>]]></description>
  </item>
  <item>
    <title>Nur eine Schlagzeile</title>
    <guid>urn:kb:2</guid>
  </item>
  <item><description>   </description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Harbour Gazette</title><id>tag:harbour.example,2026:feed</id><updated>2026-11-27T10:00:00Z</updated>
  <entry>
    <title>Ferry service resumes</title><id>tag:harbour.example,2026:e1</id>
    <link href="https://harbour.example/e1"/>
    <updated>2026-11-27T10:00:00Z</updated>
    <summary>Short summary.</summary>
    <content type="html">&lt;p&gt;The ferry runs again after the storm.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;first&lt;/li&gt;&lt;li&gt;second&lt;/li&gt;&lt;/ul&gt;</content>
  </entry>
</feed>"""


def test_html_to_text() -> None:
    html = "<div><h1>Titel</h1><p>Erster&nbsp;Absatz mit <a href='x'>Link</a>.</p><style>p{}</style>" \
           "<ul><li>eins</li><li>zwei</li></ul>Schluss &amp; Ende<br/>neue Zeile</div>"
    assert html_to_text(html) == "Titel\n\nErster Absatz mit Link.\n\neins\n\nzwei\n\nSchluss & Ende\nneue Zeile"
    assert html_to_text("<script>var a = '<p>x</p>';</script>sichtbar") == "sichtbar"
    assert html_to_text("kein <b>HTML-Fehler</i> stört") == "kein HTML-Fehler stört"


def test_rss_entries_become_articles() -> None:
    feed = parse_feed("https://kreisblatt.example/feed.xml", RSS)
    assert feed.title == "Kreisblatt Nord"
    first, second = (e.article for e in feed.entries)
    assert first.title == "Brücke & Straße gesperrt"
    assert first.text == "Nach dem Hochwasser bleibt die Brücke zu.\n\nUmleitung über die B4."
    assert first.url == "https://kreisblatt.example/a/1"
    assert first.source == "Kreisblatt Nord" and first.language == "de"
    assert first.published_at == "2026-11-27T08:30:00Z"
    # a local guid ("kb-1") is not unique across feeds: the link identifies the entry
    assert feed.entries[0].keys == ("https://kreisblatt.example/a/1",)
    assert first.id == article_id_for("https://kreisblatt.example/a/1")
    # no body: the headline is the text; a URN guid is used as is
    assert second.text == "Nur eine Schlagzeile" and second.url is None
    assert feed.entries[1].keys == ("urn:kb:2",)
    assert len(feed.skipped) == 1 and "empty_field" in feed.skipped[0]


def test_atom_prefers_content_over_summary() -> None:
    feed = parse_feed("https://harbour.example/atom", ATOM)
    [entry] = feed.entries
    assert entry.article.text == "The ferry runs again after the storm.\n\nfirst\n\nsecond"
    assert entry.article.language == "en" and entry.article.source == "Harbour Gazette"
    assert entry.keys == ("tag:harbour.example,2026:e1", "https://harbour.example/e1")
    assert entry.article.published_at == "2026-11-27T10:00:00Z"


def test_source_falls_back_to_the_host() -> None:
    body = b'<rss version="2.0"><channel><item><link>https://x.example/1</link><title>T</title></item></channel></rss>'
    [entry] = parse_feed("https://feeds.x.example/rss", body).entries
    assert entry.article.source == "feeds.x.example"


@pytest.mark.parametrize("body", [b"<html><body>Not a feed</body></html>", b"\x00\x01garbage", b""])
def test_unusable_feeds_raise(body: bytes) -> None:
    with pytest.raises(FeedError, match="https://bad.example/feed: cannot parse feed"):
        parse_feed("https://bad.example/feed", body)


def test_ids_are_stable_and_distinct() -> None:
    assert article_id_for("https://a.example/1") == article_id_for("https://a.example/1")
    assert article_id_for("https://a.example/1") != article_id_for("https://a.example/2")
    assert entry_identity("https://f.example", {"id": "7"}) == "https://f.example#7"


def test_state_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "state.sqlite3"
    state = IngestState(path)
    assert not state.seen(["guid-1", "https://a.example/1"])
    state.mark(["guid-1", "https://a.example/1"], "feed-abc", "https://a.example/feed")
    state.feed_ok("https://a.example/feed", FeedCache('"v1"', "Fri, 27 Nov 2026 10:00:00 GMT"))
    state.close()
    again = IngestState(path)
    assert again.seen(["https://a.example/1"]) and again.seen(["guid-1", "other"])
    assert not again.seen(["guid-2"]) and not again.seen([])
    assert again.cache("https://a.example/feed") == FeedCache('"v1"', "Fri, 27 Nov 2026 10:00:00 GMT")
    assert again.prune(older_than_days=1) == 0 and again.count() == 2
    assert again.prune(older_than_days=-1) == 2 and again.count() == 0
    again.close()


def test_file_feeds_only_when_allowed(tmp_path: Path) -> None:
    from streams.delivery.feeds import check_feed_url, fetch_feed

    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS)
    with pytest.raises(FeedError, match="--allow-file"):
        fetch_feed(feed.as_uri(), FeedCache(None, None))
    fetched = fetch_feed(feed.as_uri(), FeedCache(None, None), allow_file=True)
    assert fetched.body == feed.read_bytes()
    for url in ("ftp://feeds.example/x.xml", "gopher://x/", "feeds.example/rss", "http:///rss"):
        with pytest.raises(FeedError, match="must be http"):
            check_feed_url(url, allow_file=True)


def test_ingest_refuses_a_file_feed_at_start_without_allow_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from streams.cli.main import cli

    result = CliRunner().invoke(cli, ["ingest", "feed", "-b", "127.0.0.1:1", "--once", (tmp_path / "f.xml").as_uri()])
    assert result.exit_code == 2 and "--allow-file" in result.output


@pytest.mark.parametrize("date", [b"the day after tomorrow", b"9999-12-31T23:59:59-14:00", b"0001-01-01T00:00:00+14:00"])
def test_an_unusable_feed_date_is_dropped_not_the_entry(date: bytes) -> None:
    good = parse_feed("https://feeds.example/rss", RSS)
    bad = parse_feed("https://feeds.example/rss", RSS.replace(b"Fri, 27 Nov 2026 09:30:00 +0100", date))
    assert len(bad.entries) == len(good.entries) and bad.skipped == good.skipped
    assert good.entries[0].article.published_at and bad.entries[0].article.published_at is None
