"""Web sources as a whole: what a page or feed address stands for, the feed window, items
already seen, and the item summary used when a page cannot be read."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.errors import BriefError
from pipeline.readers import web
from pipeline.readers.url import FetchLimits
from tests.web_server import Route

UTC = dt.timezone.utc
LIMITS = FetchLimits(timeout=2)


@pytest.mark.parametrize("value, window", [("24h", "24h"), (" 7D ", "7d"), ("90m", "90m"), ("2w", "2w"),
                                           ("all", "all"), ("last-run", "last-run")])
def test_windows_accepted(value, window):
    assert web.parse_since(value) == window


@pytest.mark.parametrize("value", ["", "yesterday", "24", "h", "-3h", "0h", "1.5h", "999999d"])
def test_windows_refused(value):
    with pytest.raises(ValueError, match="is not a window"):
        web.parse_since(value)


def test_window_start():
    now = dt.datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    last = dt.datetime(2026, 11, 24, 7, 0, 5, tzinfo=UTC)
    assert web.WebSettings(since="24h").since_time(now) == dt.datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    assert web.WebSettings(since="all").since_time(now) is None
    # Since the last run, with a margin for items dated before they reached the feed (items
    # already in a pack are left out by their GUID and link, not by the window).
    assert web.WebSettings(since="last-run").since_time(now, last_run=last) == last - web.LAST_RUN_MARGIN
    # The first run of a pack has no previous run: the last day's items.
    assert web.WebSettings(since="last-run").since_time(now) == now - dt.timedelta(hours=24)


def test_a_page_address_stands_for_one_article(web_server):
    items = web.load(web_server.url("/port-strike.html"), LIMITS)
    assert len(items) == 1 and items[0].fmt == "html" and items[0].keys == ()
    article = web.read(items[0])
    assert article.source.url == web_server.url("/port-strike.html")
    assert article.source.path == web.saved_name(items[0])
    assert article.source.path.startswith("sources/") and article.source.path.endswith(".html")


def test_a_feed_stands_for_its_items_in_order(web_server):
    items = web.load(web_server.url("/feed-rss2.xml"), LIMITS)
    assert [i.source.url for i in items] == [web_server.url(f"/news/item-{n}.html") for n in (5, 4, 3, 2, 1)]
    assert [i.keys for i in items] == [(f"{web_server.url('/feed-rss2.xml')} unique-guid-{n}",
                                        web_server.url(f"/news/item-{n}.html")) for n in (5, 4, 3, 2, 1)]
    assert all(i.feed == web_server.url("/feed-rss2.xml") and i.published == "2026-11-24" for i in items)


def test_items_seen_or_older_than_the_window_are_left_out(web_server):
    warnings: list[str] = []
    since = dt.datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # items 3 (12:40), 4 and 5 are later
    items = web.load(web_server.url("/feed-rss2.xml"), LIMITS, since=since,
                     seen={web_server.url("/news/item-4.html")}, warnings=warnings)
    assert [i.source.url for i in items] == [web_server.url(f"/news/item-{n}.html") for n in (5, 3)]
    assert any("3 of the 5 items" in w for w in warnings)


def test_text_served_as_text_is_read_as_text(web_server):
    web_server.routes["/plain"] = Route(body="Plain headline\n\nA body with an \u00e9.\n".encode("utf-8"),
                                        content_type="text/plain; charset=utf-8")
    [item] = web.load(web_server.url("/plain"), LIMITS)
    assert item.fmt == "text" and web.read(item).title == "Plain headline"


def test_an_xml_document_that_is_not_a_feed_is_refused(web_server):
    web_server.routes["/data.xml"] = Route(body=b"<?xml version='1.0'?><data><row>1</row></data>",
                                           content_type="application/xml")
    with pytest.raises(BriefError, match="not an RSS or Atom feed"):
        web.load(web_server.url("/data.xml"), LIMITS)


def test_a_page_without_article_text_falls_back_to_the_summary(web_server):
    web_server.routes["/news/item-1.html"] = Route(body=b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
    items = web.load(web_server.url("/feed-rss2.xml"), LIMITS)
    fallback = next(i for i in items if i.source.url == web_server.url("/news/item-1.html"))
    assert fallback.fmt == web.SUMMARY_FORMAT
    assert "no article text found" in fallback.source.note
    article = web.read(fallback)
    assert article.source.note == fallback.source.note and article.blocks


def test_an_item_with_neither_page_nor_summary_is_an_error_of_its_own(tmp_path, web_server):
    feed = tmp_path / "f.rss"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
                    f'<item><title>Gone</title><link>{web_server.url("/gone")}</link><guid>g1</guid></item>'
                    f'<item><title>Here</title><link>{web_server.url("/ministry-housing.html")}</link>'
                    '<guid>g2</guid></item></channel></rss>', encoding="utf-8")
    first, second = web.load(str(feed), FetchLimits(timeout=2, allow_private=True))
    assert first.data is None and "404" in first.error and "no summary" in first.error
    assert second.error is None and second.data


def test_a_saved_feed_may_not_point_into_the_local_network_unless_allowed(tmp_path, web_server):
    feed = tmp_path / "saved.xml"
    feed.write_bytes((web_server_fixture_feed()).replace(b"__BASE__", web_server.base.encode()))
    refused = web.load(f"feed:{feed}", FetchLimits(timeout=2))
    assert [i.fmt for i in refused] == [web.SUMMARY_FORMAT] * 2
    assert all("private or local address" in i.source.note for i in refused)
    assert web_server.hits == {}
    allowed = web.load(f"feed:{feed}", FetchLimits(timeout=2, allow_private=True))
    assert [i.fmt for i in allowed] == ["html", "html"]
    assert allowed[0].feed == "saved.xml"  # the file's name, not the folder it was in


def test_the_same_guid_in_two_feeds_names_two_articles(tmp_path, web_server):
    for name, number in (("a", 1), ("b", 2)):
        web_server.routes[f"/{name}.xml"] = Route(
            body=(f'<rss version="2.0"><channel><title>{name}</title><item><title>T{number}</title>'
                  f'<link>{web_server.url(f"/news/item-{number}.html")}</link><guid isPermaLink="false">1</guid>'
                  f'</item></channel></rss>').encode(), content_type="application/rss+xml")
    first = web.load(web_server.url("/a.xml"), LIMITS)
    second = web.load(web_server.url("/b.xml"), LIMITS, seen=set(first[0].keys))
    assert len(second) == 1 and second[0].source.url == web_server.url("/news/item-2.html")


@pytest.mark.parametrize("content_type", ["text/plain", "text/html; charset=utf-8", "application/octet-stream"])
def test_a_feed_served_with_the_wrong_type_is_still_a_feed(web_server, content_type):
    from tests.conftest import WEB_FIXTURES

    web_server.routes["/mislabelled"] = Route(body=(WEB_FIXTURES / "feed-rss2.xml").read_bytes(),
                                              content_type=content_type)
    assert len(web.load(web_server.url("/mislabelled"), LIMITS)) == 5


def test_a_page_whose_reading_fails_unexpectedly_falls_back_to_the_summary(web_server, monkeypatch):
    def broken(item, *args, **kwargs):
        raise RecursionError("deep")

    monkeypatch.setattr(web, "_check_readable", broken)
    items = web.load(web_server.url("/feed-rss2.xml"), LIMITS)
    assert {i.fmt for i in items} == {web.SUMMARY_FORMAT}
    assert all("internal error reading the page (RecursionError)" in i.source.note for i in items)


def test_an_empty_feed_source_is_named():
    for spec in ("feed:", "feed: ", "feed:-"):
        with pytest.raises(BriefError, match="names no feed"):
            web.load(spec, LIMITS)


def test_a_feed_in_a_legacy_encoding_is_read(tmp_path):
    feed = tmp_path / "jp.rss"
    feed.write_bytes('<?xml version="1.0" encoding="shift_jis"?><rss version="2.0"><channel><title>T</title>'
                     '<item><title>日本の首相</title><description>東京で会談</description><guid>g</guid></item>'
                     '</channel></rss>'.encode("shift_jis"))
    [item] = web.load(str(feed), LIMITS)
    assert web.read(item).title == "日本の首相"
    feed.write_bytes(b'<?xml version="1.0" encoding="x-bogus"?><rss version="2.0"><channel/></rss>')
    with pytest.raises(BriefError, match="encoding brief does not know"):
        web.load(str(feed), LIMITS)


def test_a_missing_feed_file_is_named():
    with pytest.raises(BriefError, match="no such file"):
        web.load("feed:/nonexistent/feed.xml", LIMITS)


def web_server_fixture_feed() -> bytes:
    from tests.conftest import WEB_FIXTURES

    return (WEB_FIXTURES / "feed-rss1.xml").read_bytes()
