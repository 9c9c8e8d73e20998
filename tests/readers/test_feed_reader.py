"""RSS and Atom feeds read by pipeline/readers/feed.py: the saved feeds of web_fixtures/ (RSS 2.0,
Atom, RSS 1.0), the refusal of entity declarations (billion laughs, XXE), the handling of what a
hostile or careless publisher puts in items (folded titles, script links, bad dates, repeated
GUIDs, escaped markup), limits, item keys, and what is not a feed at all.

The hostile inputs E02 and E03 are copied byte for byte from the catalogue
(tests/hostile.py, section E; test_catalogue.py checks the copies are the same bytes). The fixtures'
`__BASE__` placeholder is replaced with a local address; nothing here touches the network.
"""

from __future__ import annotations

import html
import re
import time
import tracemalloc
import xml.etree.ElementTree as ET
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from pipeline.errors import BriefError
from pipeline.readers.feed import MAX_ITEMS, Feed, looks_like_feed, parse_feed
from pipeline.readers.html import html_to_text

from .hostile_inputs import E02, E03

FIXTURES = Path(__file__).resolve().parent / "web_fixtures"
BASE = "http://127.0.0.1:8000"
FEEDS = ["feed-rss2.xml", "feed-atom.xml", "feed-rss1.xml"]
PAGES = ["ministry-housing.html", "summit-water.html", "port-strike.html", "news-item-1.html"]
NOT_A_FEED = "is not an RSS or Atom feed"

# --------------------------------------------------------------------------- catalogue inputs (section E)

E03_FOLDED_TITLE = "Item\n   with folded\n   title"
E03_BAD_DATE = "31 Feb 2024 25:61:00 +9999"
# E03 without its DOCTYPE line: it parses, and the item-level hostility remains.
E03_NO_DOCTYPE = re.sub(rb"<!DOCTYPE[^\n]*\n", b"", E03)

# --------------------------------------------------------------------------- helpers

NS = {"atom": "http://www.w3.org/2005/Atom", "rss1": "http://purl.org/rss/1.0/"}


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes().replace(b"__BASE__", BASE.encode())


def parse(data: bytes, name: str = "feed.xml", **kwargs) -> tuple[Feed, list[str]]:
    """The feed and the warnings of parsing `data`."""
    warnings: list[str] = []
    feed = parse_feed(data, name, warnings, **kwargs)
    return feed, warnings


def refusal(data: bytes, name: str = "feed.xml") -> BriefError:
    with pytest.raises(BriefError) as caught:
        parse_feed(data, name, [])
    assert caught.value.subject == name
    return caught.value


def fixture_entries(name: str) -> list[dict[str, str]]:
    """Title, link and (RSS 2.0) guid and pubDate of each item, in order, read from the fixture
    with the standard library (the fixtures are ours and declare no DTD)."""
    root = ET.fromstring(fixture_bytes(name))
    if root.tag == "rss":
        return [{"title": item.findtext("title"), "link": item.findtext("link"), "guid": item.findtext("guid"),
                 "pubDate": item.findtext("pubDate")} for item in root.iter("item")]
    if root.tag == f"{{{NS['atom']}}}feed":
        return [{"title": entry.findtext("atom:title", namespaces=NS),
                 "link": entry.find("atom:link[@rel='alternate']", NS).get("href")}
                for entry in root.findall("atom:entry", NS)]
    return [{"title": item.findtext("rss1:title", namespaces=NS), "link": item.findtext("rss1:link", namespaces=NS)}
            for item in root.findall("rss1:item", NS)]


def page_headline(link: str) -> str:
    """The <h1> of the saved page a fixture link (BASE/news/item-N.html) points to."""
    page = (FIXTURES / ("news-" + link.rsplit("/", 1)[-1])).read_text(encoding="utf-8")
    return html.unescape(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.DOTALL).group(1).strip())


def rss(*items: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test feed</title>'
            f'<link>{BASE}/</link>{"".join(items)}</channel></rss>').encode()


def item(title: str | None = None, *, guid: str | None = None, link: str | None = None,
         description: str | None = None) -> str:
    parts = [f"<title>{title}</title>" if title is not None else "",
             f'<guid isPermaLink="false">{guid}</guid>' if guid is not None else "",
             f"<link>{link}</link>" if link is not None else "",
             f"<description>{description}</description>" if description is not None else ""]
    return f"<item>{''.join(parts)}</item>"


def has_warning(warnings: list[str], *words: str) -> bool:
    return any(all(word in warning for word in words) for warning in warnings)


# --------------------------------------------------------------------------- saved feeds


@pytest.fixture(scope="module")
def rss2() -> tuple[Feed, list[str]]:
    return parse(fixture_bytes("feed-rss2.xml"), "feed-rss2.xml", base=f"{BASE}/feed-rss2.xml")


def test_rss2_items_in_feed_order_keyed_by_guid(rss2):
    feed, warnings = rss2
    assert [i.key for i in feed.items] == [e["guid"] for e in fixture_entries("feed-rss2.xml")]
    assert warnings == []


def test_rss2_titles_are_the_headlines_of_the_linked_pages(rss2):
    feed, _ = rss2
    assert [i.title for i in feed.items] == [page_headline(i.link) for i in feed.items]


def test_rss2_published_dates_are_utc(rss2):
    feed, _ = rss2
    for feed_item, entry in zip(feed.items, fixture_entries("feed-rss2.xml"), strict=True):
        assert feed_item.published.utcoffset() == timedelta(0)
        assert feed_item.published == parsedate_to_datetime(entry["pubDate"])


def test_rss2_summaries_are_not_empty(rss2):
    feed, _ = rss2
    assert all(html_to_text(i.summary or "") for i in feed.items)


def test_relative_links_are_resolved_against_the_base():
    data = (FIXTURES / "feed-rss2.xml").read_bytes().replace(b"__BASE__", b"")
    feed, _ = parse(data, base=f"{BASE}/feed-rss2.xml")
    assert [i.link for i in feed.items] == [e["link"] for e in fixture_entries("feed-rss2.xml")]


@pytest.mark.parametrize("name", FEEDS)
def test_saved_feed_titles_and_links(name):
    feed, warnings = parse(fixture_bytes(name), name, base=f"{BASE}/{name}")
    entries = fixture_entries(name)
    assert [(i.title, i.link) for i in feed.items] == [(e["title"], e["link"]) for e in entries]
    assert [i.title for i in feed.items] == [page_headline(i.link) for i in feed.items]
    assert warnings == []


# --------------------------------------------------------------------------- entities: E02, E03


@pytest.mark.parametrize("data", [E02, E03], ids=["E02 billion laughs", "E03 XXE"])
def test_entity_declarations_are_refused_quickly_with_flat_memory(data):
    tracemalloc.start()
    start = time.perf_counter()
    try:
        error = refusal(data)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "entities" in error.problem
    assert elapsed < 2
    assert peak < 20_000_000


# --------------------------------------------------------------------------- E03's items


@pytest.fixture(scope="module")
def e03() -> tuple[Feed, list[str]]:
    return parse(E03_NO_DOCTYPE, "e03.xml")


def test_e03_folded_title_is_one_line(e03):
    feed, _ = e03
    assert feed.items[0].title == " ".join(E03_FOLDED_TITLE.split())


def test_e03_javascript_link_is_dropped_with_a_warning(e03):
    feed, warnings = e03
    assert feed.items[0].link is None
    assert has_warning(warnings, "item 1", "link")


def test_e03_bad_date_is_unknown_with_a_warning(e03):
    feed, warnings = e03
    assert feed.items[0].published is None
    assert has_warning(warnings, "date unknown", E03_BAD_DATE)


def test_e03_duplicate_guid_keeps_the_first_with_a_warning(e03):
    feed, warnings = e03
    assert [i.title for i in feed.items] == [" ".join(E03_FOLDED_TITLE.split())]
    assert has_warning(warnings, "item 2", "repeats")


def test_e03_escaped_script_never_becomes_script(e03):
    feed, _ = e03
    summary = feed.items[0].summary or ""
    assert "<script" not in summary.lower()
    assert "alert" not in html_to_text(summary)


# --------------------------------------------------------------------------- what is not a feed


@pytest.mark.parametrize("data", [b"/etc/passwd", b"http://169.254.169.254/latest", b"file:///etc/passwd"])
def test_strings_are_never_opened_as_paths_or_addresses(data):
    error = refusal(data)
    assert NOT_A_FEED in error.problem
    assert "root:" not in str(error)


@pytest.mark.parametrize("name", PAGES)
def test_html_page_is_not_a_feed(name):
    assert NOT_A_FEED in refusal((FIXTURES / name).read_bytes(), name).problem


@pytest.mark.parametrize("name", FEEDS)
def test_looks_like_feed_for_feed_roots(name):
    assert looks_like_feed(fixture_bytes(name))


@pytest.mark.parametrize("name", PAGES)
def test_looks_like_feed_false_for_html_pages(name):
    assert not looks_like_feed((FIXTURES / name).read_bytes())


@pytest.mark.parametrize("data", [
    b'<!DOCTYPE html><html><head><title>Contact</title></head><body><feedback-form></feedback-form></body></html>',
    b"<!DOCTYPE html><!-- <rss> --><html><body><p>Text</p></body></html>",
], ids=["custom element", "comment"])
def test_looks_like_feed_false_for_html_mentioning_feed_tags(data):
    assert not looks_like_feed(data)


# --------------------------------------------------------------------------- limits and keys


def test_feed_over_the_item_limit_keeps_the_first_items_with_a_warning():
    feed, warnings = parse(rss(*(item(f"Item {n}", guid=f"g{n}") for n in range(MAX_ITEMS + 1))))
    assert [i.key for i in feed.items] == [f"g{n}" for n in range(MAX_ITEMS)]
    assert has_warning(warnings, f"more than {MAX_ITEMS} items")


def test_feed_at_the_item_limit_has_no_warning():
    feed, warnings = parse(rss(*(item(f"Item {n}", guid=f"g{n}") for n in range(MAX_ITEMS))))
    assert len(feed.items) == MAX_ITEMS
    assert warnings == []


def test_entries_without_title_or_summary_are_skipped_with_a_warning():
    feed, warnings = parse(rss(item(guid="empty", link=f"{BASE}/empty.html"), item("Kept", guid="kept")))
    assert [i.key for i in feed.items] == ["kept"]
    assert has_warning(warnings, "item 1", "neither a title nor a summary")


def test_item_without_guid_is_keyed_by_its_link():
    link = f"{BASE}/news/no-guid.html"
    feed, _ = parse(rss(item("No guid", link=link)))
    assert (feed.items[0].key, feed.items[0].link) == (link, link)


def test_item_without_guid_or_link_has_a_stable_digest_key():
    data = rss(item("Neither", description="Body text of an item with neither a guid nor a link."))
    first, _ = parse(data)
    second, _ = parse(data)
    assert first.items[0].key.startswith("sha256:")
    assert first.items[0].key == second.items[0].key


def test_item_dates_with_offsets_become_utc():
    stamp = "Wed, 25 Nov 2026 01:30:00 +0200"
    feed, _ = parse(rss(item("Offset", guid="o").replace("</item>", f"<pubDate>{stamp}</pubDate></item>")))
    assert feed.items[0].published.utcoffset() == timedelta(0)
    assert feed.items[0].published == parsedate_to_datetime(stamp)


@pytest.mark.parametrize("stamp", ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00"])
def test_out_of_range_date_is_unknown_not_a_crash(stamp):
    data = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
            f'<entry><id>{BASE}/a</id><title>A</title><link href="{BASE}/a"/><updated>{stamp}</updated></entry>'
            '</feed>').encode()
    feed, warnings = parse(data)
    assert feed.items[0].published is None
    assert has_warning(warnings, "date unknown")
