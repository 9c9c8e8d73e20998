"""The command line with web sources: `brief generate URL`, feeds, saved pages, and a clear
line for every failure. The server is a real one on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from tests.conftest import WEB_FIXTURES, require_tool, run_brief
from tests.readers.hostile_inputs import WEB_HOSTILE
from tests.web_server import Route, never_finishes


def expected(name: str) -> dict:
    return json.loads((WEB_FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))


def test_generate_from_an_address_writes_the_brief_and_keeps_the_page(tmp_path, web_server):
    url = web_server.url("/summit-water.html")
    result = run_brief("generate", url, "-f", "json", "-f", "docx", "-o", str(tmp_path), timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    paths = [Path(line) for line in result.stdout.decode().splitlines()]
    assert [p.suffix for p in paths] == [".json", ".docx"]
    brief = json.loads(paths[0].read_text(encoding="utf-8"))
    want = expected("summit-water")
    assert brief["title"] == want["title"]
    assert brief["source"]["url"] == url
    assert (brief["source"]["publisher"], brief["source"]["published"], brief["source"]["author"]) == \
        (want["publisher"], want["published"], want["author"])
    kept = tmp_path / brief["source"]["path"]
    assert kept.read_bytes() == (WEB_FIXTURES / "summit-water.html").read_bytes()
    document = docx.Document(str(paths[1]))
    assert url in {rel.target_ref for rel in document.part.rels.values() if rel.reltype.endswith("/hyperlink")}


def test_generate_from_a_feed_briefs_each_item_and_a_second_feed_adds_no_duplicates(tmp_path, web_server):
    result = run_brief("generate", f"feed:{web_server.url('/feed-rss2.xml')}", web_server.url("/feed-atom.xml"),
                       "-f", "json", "-o", str(tmp_path), timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    paths = [Path(line) for line in result.stdout.decode().splitlines()]
    assert len(paths) == len(set(paths)) == 5
    briefs = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    assert {b["source"]["url"] for b in briefs} == {web_server.url(f"/news/item-{n}.html") for n in range(1, 6)}
    assert all(b["source"]["published"] == "2026-11-24" for b in briefs)


def test_a_feed_file_is_read_as_a_feed(tmp_path, web_server):
    feed = tmp_path / "saved.rss"
    feed.write_bytes((WEB_FIXTURES / "feed-rss1.xml").read_bytes().replace(b"__BASE__", web_server.base.encode()))
    result = run_brief("generate", str(feed), "-f", "json", "-o", str(tmp_path / "out"), timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    assert len(result.stdout.decode().splitlines()) == 2


def test_extract_reads_an_address(web_server):
    result = run_brief("extract", web_server.url("/port-strike.html"), timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["title"] == expected("port-strike")["title"]


def test_extract_refuses_a_feed_with_one_line(web_server):
    result = run_brief("extract", web_server.url("/feed-rss2.xml"), timeout=60)
    assert result.returncode != 0
    assert result.stderr.decode().splitlines() == [
        f"brief: {web_server.url('/feed-rss2.xml')}: is a feed of 5 articles; use brief generate, which briefs each one"]


@pytest.mark.parametrize("route, problem", [
    (Route(404, b"gone"), "the server answered 404 Not Found"),
    (Route(body=b"%PDF-1.4", content_type="application/pdf"), "is application/pdf, not a news page or feed"),
    (Route(stream=never_finishes), "fetch timed out after 1 s"),
    (Route(302, headers={"Location": "file:///etc/passwd"}), "file: addresses are not fetched"),
])
def test_each_failure_is_one_line_and_the_other_sources_still_run(tmp_path, web_server, route, problem):
    web_server.routes["/bad"] = route
    good = web_server.url("/ministry-housing.html")
    result = run_brief("generate", web_server.url("/bad"), good, "-f", "md", "--timeout", "1",
                       "-o", str(tmp_path), timeout=60)
    stderr = result.stderr.decode()
    assert result.returncode == 1
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if not line.startswith("brief: warning:")]
    assert len(errors) == 1 and errors[0].startswith(f"brief: {web_server.url('/bad')}: ") and problem in errors[0]
    assert len(result.stdout.decode().splitlines()) == 1  # the good page's brief


def test_since_is_checked():
    result = run_brief("generate", "--since", "yesterday", "https://example.org/feed")
    assert result.returncode == 2
    assert "is not a window" in result.stderr.decode()


def test_a_saved_page_reads_like_any_file(tmp_path):
    result = run_brief("generate", str(WEB_FIXTURES / "ministry-housing.html"), "-f", "md", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr.decode()
    text = Path(result.stdout.decode().strip()).read_text(encoding="utf-8")
    want = expected("ministry-housing")
    assert text.startswith(f"# {want['title']}")
    assert "The Northgate Herald" in text and "Tuesday 10 March 2026" in text
    assert not any(furniture in text for furniture in want["body_excludes"])


def test_every_format_opens_with_the_page_read(tmp_path, web_server):
    """The brief of a web page goes through every renderer: LibreOffice opens the DOCX and qpdf
    passes the PDF."""
    import subprocess

    result = run_brief("generate", web_server.url("/port-strike.html"), "-f", "docx", "-f", "pdf", "-o",
                       str(tmp_path), timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    docx_path, pdf_path = (Path(line) for line in result.stdout.decode().splitlines())
    qpdf = require_tool("qpdf")
    assert subprocess.run([qpdf, "--check", str(pdf_path)], capture_output=True).returncode == 0
    soffice = require_tool("soffice")
    converted = subprocess.run([soffice, "--headless", "--convert-to", "txt:Text", "--outdir", str(tmp_path / "lo"),
                                str(docx_path)], capture_output=True, timeout=120)
    assert converted.returncode == 0
    assert expected("port-strike")["title"] in (tmp_path / "lo" / (docx_path.stem + ".txt")).read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("name", sorted(WEB_HOSTILE))
def test_catalogue_web_inputs_pass_through_without_a_traceback(tmp_path, name):
    """E01-E05, as files and as served pages: a brief or one clear line, never a traceback."""
    path = tmp_path / name
    path.write_bytes(WEB_HOSTILE[name])
    result = run_brief("generate", str(path), "-f", "md", "-f", "pdf", "-o", str(tmp_path / "out"), timeout=60)
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if not line.startswith("brief: warning:")]
    if result.returncode == 0:
        text = Path(result.stdout.decode().split()[0]).read_text(encoding="utf-8")
        assert "root:" not in text and "alert" not in text and "lollol" not in text
    else:
        assert result.returncode == 1 and len(errors) == 1 and errors[0].startswith(f"brief: {path}: ")
