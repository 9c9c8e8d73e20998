"""Packs built from the web: saved pages and feeds served by a real HTTP server on 127.0.0.1,
the awkward servers of the real world among them, and the history that keeps yesterday's feed
items out of today's pack."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import time
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from pipeline.packs.settings import load_pack
from pipeline.packs.build import build_pack, read_content
from tests.conftest import WEB_FIXTURES, require_tool
from tests.readers.hostile_inputs import E02, E03
from tests.web_server import Route, gzip_bomb, megabytes, never_finishes

TIMEOUT = 2


def pack_file(tmp_path: Path, sources: list[str], extra: str = "", formats: str = '["json", "md"]') -> Path:
    path = tmp_path / "web.toml"
    listed = ", ".join(json.dumps(s) for s in sources)
    path.write_text(f'name = "Web daily"\nsources = [{listed}]\nformats = {formats}\noutput = "{tmp_path / "out"}"\n'
                    f'{extra}\n[fetch]\ntimeout = {TIMEOUT}\n', encoding="utf-8")
    return path


def content(tmp_path: Path, date: str) -> dict:
    return read_content(tmp_path / "out" / "web-daily" / date)


def titles(pack: dict) -> list[str]:
    return [entry["brief"]["title"] for entry in pack["entries"]]


def feed_titles(*numbers: int) -> list[str]:
    found = []
    for n in numbers:
        page = (WEB_FIXTURES / f"news-item-{n}.html").read_text(encoding="utf-8")
        found.append(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip())
    return found


def rss_with(server, path: str, numbers: list[int]) -> None:
    """A copy of the five-item RSS fixture served at `path`, with only the items given."""
    text = (WEB_FIXTURES / "feed-rss2.xml").read_text(encoding="utf-8")
    items = re.findall(r"<item>.*?</item>", text, re.S)
    kept = [item for item in items if any(f"item-{n}.html" in item for n in numbers)]
    head, tail = text.split("<item>", 1)[0], text.rsplit("</item>", 1)[1]
    server.routes[path] = Route(body=(head + "".join(kept) + tail).encode(), content_type="application/rss+xml")


# --------------------------------------------------------------------------- feeds and history


def test_feed_items_already_in_an_earlier_pack_are_left_out(tmp_path, web_server):
    rss_with(web_server, "/feed.xml", [4, 5])
    path = pack_file(tmp_path, [f"feed:{web_server.url('/feed.xml')}"], 'since = "all"')
    first = build_pack(load_pack(path), "2026-11-24", email=False)
    assert first.failures == []
    assert sorted(titles(content(tmp_path, "2026-11-24"))) == sorted(feed_titles(4, 5))

    rss_with(web_server, "/feed.xml", [1, 2, 3, 4, 5])
    second = build_pack(load_pack(path), "2026-11-25", email=False)
    assert second.failures == []
    pack = content(tmp_path, "2026-11-25")
    # The feed lists newest first: items 5 and 4 were in yesterday's pack.
    assert titles(pack) == feed_titles(3, 2, 1)
    assert all(entry["new"] for entry in pack["entries"])
    for entry in pack["entries"]:
        source = entry["brief"]["source"]
        assert source["feed"] == web_server.url("/feed.xml")
        assert source["url"].startswith(web_server.url("/news/item-"))
        assert source["published"] == "2026-11-24" and source["publisher"] == "Harnby Gazette"
        # The page read is kept beside the pack, named in the brief, byte for byte what was served.
        kept = tmp_path / "out" / "web-daily" / "2026-11-25" / source["path"]
        served = WEB_FIXTURES / ("news-" + source["url"].rsplit("/", 1)[1])
        assert kept.read_bytes() == served.read_bytes()

    # Building today's pack again keeps today's items: only earlier packs' items are old news.
    again = build_pack(load_pack(path), "2026-11-25", force=True, email=False)
    assert again.failures == [] and titles(content(tmp_path, "2026-11-25")) == feed_titles(3, 2, 1)
    history = sqlite3.connect(tmp_path / "out" / "web-daily" / "history.sqlite")
    dates = {item.rsplit(" ", 1)[1]: date for item, date in
             history.execute("SELECT item, pack_date FROM feed_items WHERE item LIKE '% unique-guid-%'")}
    assert dates == {"unique-guid-1": "2026-11-25", "unique-guid-2": "2026-11-25", "unique-guid-3": "2026-11-25",
                     "unique-guid-4": "2026-11-24", "unique-guid-5": "2026-11-24"}


def test_the_same_article_in_two_feeds_is_briefed_once(tmp_path, web_server):
    # The Atom feed lists items 1-3 with other ids than the RSS feed: the links match.
    path = pack_file(tmp_path, [web_server.url("/feed-rss2.xml"), web_server.url("/feed-atom.xml")], 'since = "all"')
    build_pack(load_pack(path), "2026-11-25", email=False)
    assert titles(content(tmp_path, "2026-11-25")) == feed_titles(5, 4, 3, 2, 1)


def test_the_window_leaves_out_older_items(tmp_path, web_server):
    path = pack_file(tmp_path, [web_server.url("/feed-rss2.xml")], 'since = "1h"')
    result = build_pack(load_pack(path), "2026-11-25", email=False)
    # Every item is dated 24 November 2026, more than an hour before any run of this test.
    assert titles(content(tmp_path, "2026-11-25")) == [] and result.failures == []


def test_an_item_whose_page_fails_is_made_from_its_summary_and_says_so(tmp_path, web_server):
    del web_server.routes["/news/item-2.html"]
    path = pack_file(tmp_path, [web_server.url("/feed-rss2.xml")], 'since = "all"')
    build_pack(load_pack(path), "2026-11-25", email=False)
    entries = content(tmp_path, "2026-11-25")["entries"]
    by_url = {e["brief"]["source"]["url"]: e["brief"] for e in entries}
    summary = by_url[web_server.url("/news/item-2.html")]
    assert summary["title"] == feed_titles(2)[0]
    assert "404" in summary["source"]["note"] and "summary" in summary["source"]["note"]
    assert summary["context"], "the summary's text is the brief's context"
    assert all(b["source"]["note"] is None for url, b in by_url.items() if not url.endswith("item-2.html"))


# --------------------------------------------------------------------------- hostile servers


HOSTILE_XML = {"/xxe.xml": E03, "/bomb.xml": E02}  # catalogue E03 (XXE) and E02 (billion laughs)


def test_each_hostile_source_gives_one_clear_error_and_the_pack_still_builds(tmp_path, web_server):
    web_server.routes["/never"] = Route(stream=never_finishes)
    web_server.routes["/huge"] = Route(stream=megabytes(50))
    web_server.routes["/gzip-bomb"] = Route(stream=gzip_bomb(), headers={"Content-Encoding": "gzip"})
    web_server.routes["/loop-a"] = Route(302, headers={"Location": "/loop-b"})
    web_server.routes["/loop-b"] = Route(302, headers={"Location": "__BASE__/loop-a"})
    for route, body in HOSTILE_XML.items():
        web_server.routes[route] = Route(body=body, content_type="application/rss+xml")
    expected = {
        "/never": f"fetch timed out after {TIMEOUT} s",
        "/huge": "over the 10 MB limit",
        "/gzip-bomb": "over the 10 MB limit after decompression",
        "/loop-a": "redirect loop",
        "/missing": "the server answered 404 Not Found",
        "/xxe.xml": "declares XML entities",
        "/bomb.xml": "declares XML entities",
    }
    good = web_server.url("/ministry-housing.html")
    path = pack_file(tmp_path, [good, *(web_server.url(p) for p in expected)], formats='["json", "md", "pdf"]')
    started = time.monotonic()
    result = subprocess.run([*_brief(), "pack", "run", str(path), "--date", "2026-11-25"], capture_output=True,
                            timeout=120)
    elapsed = time.monotonic() - started
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr  # articles were left out
    assert "Traceback" not in stderr
    failures = {f["source"]: f["reason"] for f in content(tmp_path, "2026-11-25")["failures"]}
    for route, problem in expected.items():
        assert problem in failures[web_server.url(route)], (route, failures)
        lines = [line for line in stderr.splitlines() if line.startswith(f"brief: {web_server.url(route)}:")]
        assert len(lines) == 1 and problem in lines[0], (route, stderr)
    assert titles(content(tmp_path, "2026-11-25")) == [json.loads(
        (WEB_FIXTURES / "ministry-housing.expected.json").read_text())["title"]]
    # Every bound held: the page that never finishes costs its timeout, not more.
    assert elapsed < 30, elapsed
    assert "root:" not in (tmp_path / "out" / "web-daily" / "2026-11-25" / "web-daily-2026-11-25.md").read_text()


def _brief() -> list[str]:
    import sys

    return [sys.executable, "-m", "pipeline"]


# --------------------------------------------------------------------------- documents


def test_the_source_is_a_live_link_in_both_formats(tmp_path, web_server):
    url = web_server.url("/port-strike.html")
    path = pack_file(tmp_path, [url], formats='["docx", "pdf"]')
    result = build_pack(load_pack(path), "2026-11-25", email=False)
    assert result.failures == []
    folder = tmp_path / "out" / "web-daily" / "2026-11-25"
    document = docx.Document(str(folder / "web-daily-2026-11-25.docx"))
    targets = {rel.target_ref for rel in document.part.rels.values() if rel.reltype.endswith("/hyperlink")}
    assert url in targets
    links = {annotation.get_object().get("/A", {}).get("/URI")
             for page in PdfReader(str(folder / "web-daily-2026-11-25.pdf")).pages
             for annotation in page.get("/Annots") or []}
    assert url in links
    pdftotext = require_tool("pdftotext")
    text = subprocess.run([pdftotext, str(folder / "web-daily-2026-11-25.pdf"), "-"], capture_output=True,
                          check=True).stdout.decode()
    assert "Coastline Chronicle" in text and "15 September 2026" in text and "Callum Ferris" in text


@pytest.mark.parametrize("bad, problem", [
    ('since = "yesterday"', "is not a window"),
    ('since = "24h"\n[fetch]\ntimeout = 0', "must be between"),
    ('[fetch]\nmax_bytes = "10MB"', "must be a number"),
    ('[fetch]\nretries = 3', "unknown key"),
])
def test_web_settings_are_checked_with_file_and_line(tmp_path, bad, problem):
    path = tmp_path / "bad.toml"
    path.write_text(f'name = "x"\nsources = ["feed:https://example.org/rss"]\n{bad}\n', encoding="utf-8")
    from pipeline.errors import BriefError

    with pytest.raises(BriefError) as caught:
        load_pack(path)
    assert problem in str(caught.value) and re.match(rf"{re.escape(str(path))}:\d+", str(caught.value))


def test_a_rerun_does_not_replace_todays_pack_with_one_missing_a_web_article(tmp_path, web_server):
    path = pack_file(tmp_path, [web_server.url("/port-strike.html"), web_server.url("/summit-water.html")])
    assert build_pack(load_pack(path), "2026-11-25", email=False).failures == []
    built = (tmp_path / "out" / "web-daily" / "2026-11-25" / "web-daily-2026-11-25.json").read_bytes()
    del web_server.routes["/summit-water.html"]  # the site is down this time
    kept = build_pack(load_pack(path), "2026-11-25", email=False)
    assert kept.skipped and "kept the pack" in kept.message and "summit-water" in kept.message
    assert (tmp_path / "out" / "web-daily" / "2026-11-25" / "web-daily-2026-11-25.json").read_bytes() == built
    forced = build_pack(load_pack(path), "2026-11-25", force=True, email=False)
    assert [f.source for f in forced.failures] == [web_server.url("/summit-water.html")]


def test_a_glob_of_feed_files_reads_each_as_a_feed(tmp_path, web_server):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "one.rss").write_bytes((WEB_FIXTURES / "feed-rss1.xml").read_bytes()
                                    .replace(b"__BASE__", web_server.base.encode()))
    path = pack_file(tmp_path, [f"{feeds}/*.rss"], 'since = "all"\n[fetch]\nallow_private = true',
                     formats='["json"]')
    path.write_text(path.read_text().replace("[fetch]\ntimeout", "timeout"), encoding="utf-8")
    build_pack(load_pack(path), "2026-11-25", email=False)
    assert sorted(titles(content(tmp_path, "2026-11-25"))) == sorted(feed_titles(4, 5))
