"""A pack's articles as stories: the same summit from three outlets is one story with "Also
reported by", in the pack file's sections, watched names in bold and counted on the cover, the
pack kept to its size with what was cut listed; the pack-file settings checked at load."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from pipeline.errors import SettingsError
from pipeline.packs.build import build_pack, read_content
from pipeline.packs.settings import load_pack
from pipeline.stories import GroupSettings
from tests.conftest import ROOT, require_tool
from tests.packs import story_site
from tests.packs.articles import write_articles
from tests.web_server import WebServer

DATE = "2026-01-06"
SECTIONS = """
watch = ["Keir Starmer", "Andrew Bailey", "Somebody Else"]

[[section]]
title = "Europe"
query = 'people:"Emmanuel Macron" OR (ukraine AND NOT source:"City Journal")'

[[section]]
title = "Economy"
query = 'org:"Bank of England" OR "interest rates"'
"""


@pytest.fixture()
def site():
    server = WebServer()
    feeds = story_site.serve(server)
    yield feeds
    server.close()


def pack_file(tmp_path: Path, feeds, extra: str = "", formats: str = '["md", "json"]') -> Path:
    path = tmp_path / "stories.toml"
    sources = ", ".join(json.dumps(f"feed:{f}") for f in feeds)
    path.write_text(f'name = "Story daily"\nsources = [{sources}]\nformats = {formats}\noutput = "{tmp_path / "out"}"\n'
                    f'since = "all"\n{extra}\n[fetch]\ntimeout = 2\n', encoding="utf-8")
    return path


def folder(tmp_path: Path) -> Path:
    return tmp_path / "out" / "story-daily" / DATE


def markdown(tmp_path: Path) -> str:
    return (folder(tmp_path) / f"story-daily-{DATE}.md").read_text(encoding="utf-8")


def by_sha(content: dict) -> dict[str, dict]:
    return {e["brief"]["source"]["sha256"]: e["brief"] for e in content["entries"]}


# --------------------------------------------------------------------------- the acceptance case


def test_three_outlets_one_story_with_also_reported_by_and_the_rewrites_quote(tmp_path, site):
    result = build_pack(load_pack(pack_file(tmp_path, site)), DATE, email=False)
    assert result.failures == []
    content = read_content(folder(tmp_path))
    briefs = by_sha(content)
    (section,) = content["sections"]
    assert section["title"] is None
    assert len(section["stories"]) == 3
    summit = [s for s in section["stories"] if s["also"]]
    assert len(summit) == 1
    summit = summit[0]
    # The wire copy names the most and is the lead; the near-copy and the rewrite are "also".
    assert briefs[summit["lead"]]["source"]["publisher"] == "Wire Service"
    assert [(a["outlet"], a["time"]) for a in summit["also"]] == [("Daily Courier", "07:10"), ("Evening Post", "09:00")]
    assert {briefs[a["article"]]["title"] for a in summit["also"]} == {story_site.COPY[2], story_site.REWRITE[2]}
    others = {briefs[s["lead"]]["title"] for s in section["stories"] if not s["also"]}
    assert others == {story_site.FLOOD[2], story_site.RATES[2]}
    # The quote only the rewrite has is kept, with its source; the lead's own quote is not repeated.
    quotes = [x for x in summit["extras"] if x["kind"] == "quote"]
    assert [(q["text"], q["who"], q["outlet"]) for q in quotes] == [(story_site.HEALEY_QUOTE, "John Healey", "Evening Post")]
    assert quotes[0]["url"].endswith(story_site.REWRITE[0])

    text = markdown(tmp_path)
    assert text.count("Also reported by:") == 1
    also = next(line for line in text.splitlines() if line.startswith("Also reported by:"))
    assert f"[Daily Courier 07:10]({site[0].rsplit('/', 1)[0]}{story_site.COPY[0]})" in also
    assert "[Evening Post 09:00](" in also
    # The quote sits under the summit's story, before the next story starts.
    story_text = text.split("## 1. ", 1)[1].split("\n## 2. ", 1)[0]
    assert story_text.startswith(story_site.WIRE[2])
    assert f"“{story_site.HEALEY_QUOTE}”: John Healey ([Evening Post](" in story_text
    assert "3 stories from 5 articles." in text
    # The manifest says why they were joined, in one line for the story, and stays small.
    manifest = json.loads((folder(tmp_path) / "manifest.json").read_text(encoding="utf-8"))
    (line,) = manifest["groups"]
    assert line.startswith(story_site.WIRE[2] + ": Wire Service and Daily Courier: near-copy (shingle Jaccard")
    assert "Evening Post: same event (shared: " in line and "Keir Starmer" in line
    assert manifest["stories"] == 3 and "sections" not in manifest


def test_sections_watchlist_bold_in_docx_and_pdf_and_counted_on_the_cover(tmp_path, site):
    pdfplumber = pytest.importorskip("pdfplumber")
    qpdf = require_tool("qpdf")
    path = pack_file(tmp_path, site, SECTIONS, formats='["docx", "pdf", "md", "json"]')
    result = build_pack(load_pack(path), DATE, email=False)
    assert result.failures == []
    content = read_content(folder(tmp_path))
    briefs = by_sha(content)
    sections = [(s["title"], [briefs[story["lead"]]["title"] for story in s["stories"]]) for s in content["sections"]]
    assert sections == [("Europe", [story_site.WIRE[2]]), ("Economy", [story_site.RATES[2]]),
                        ("Other", [story_site.FLOOD[2]])]
    assert content["watch_counts"] == ["Keir Starmer in 1 story", "Andrew Bailey in 1 story"]

    document = docx.Document(str(folder(tmp_path) / f"story-daily-{DATE}.docx"))
    texts = [p.text for p in document.paragraphs]
    assert any("Watched: Keir Starmer in 1 story; Andrew Bailey in 1 story." in t for t in texts)
    assert "Somebody Else" not in " ".join(texts)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in headings if h in ("Europe", "Economy", "Other")] == ["Europe", "Economy", "Other"]
    bold = {run.text for p in document.paragraphs if not p.style.name.startswith(("Heading", "Title"))
            for run in p.runs if run.bold}
    assert {"Keir Starmer", "Andrew Bailey"} <= bold
    plain = {run.text.strip() for p in document.paragraphs for run in p.runs if not run.bold}
    assert "Keir Starmer" not in plain

    pdf = folder(tmp_path) / f"story-daily-{DATE}.pdf"
    assert subprocess.run([qpdf, "--check", str(pdf)], capture_output=True).returncode == 0
    with pdfplumber.open(str(pdf)) as opened:
        words = [w for page in opened.pages for w in page.extract_words(extra_attrs=["fontname"])]
    watched = [w for w in words if w["text"].strip(",.") in ("Starmer", "Bailey")]
    assert any("Bold" in w["fontname"] for w in watched if w["text"].startswith("Starmer"))
    assert any("Bold" in w["fontname"] for w in watched if w["text"].startswith("Bailey"))
    assert any("Bold" not in w["fontname"] for w in words if w["text"] == "Macron")


def test_unmatched_drop_and_limits_go_to_the_annex_with_why(tmp_path, site):
    extra = 'unmatched = "drop"\nmax_stories = 1\n' + SECTIONS.split("\n", 2)[2]
    build_pack(load_pack(pack_file(tmp_path, site, extra)), DATE, email=False)
    content = read_content(folder(tmp_path))
    kept = [s for section in content["sections"] for s in section["stories"]]
    assert len(kept) == 1 and by_sha(content)[kept[0]["lead"]]["title"] == story_site.WIRE[2]
    assert [(c["title"], c["source"], c["reason"]) for c in content["cut"]] == [
        (story_site.FLOOD[2], "Northern Echo", 'it matches no section (unmatched = "drop")'),
        (story_site.RATES[2], "City Journal", "the pack already has 1 story (max_stories)")]
    # What is cut is not in the pack's briefs, but is listed in the annex.
    assert {b["title"] for b in by_sha(content).values()} == {story_site.WIRE[2], story_site.COPY[2],
                                                                story_site.REWRITE[2]}
    text = markdown(tmp_path)
    annex = text.split("## Stories cut", 1)[1]
    assert story_site.FLOOD[2] in annex and "max\\_stories" in annex
    assert "1 story from 3 articles, 2 stories cut." in text


def test_grouping_off_and_same_inputs_same_bytes(tmp_path, site):
    path = pack_file(tmp_path, site, "[stories]\nenabled = false\n")
    build_pack(load_pack(path), DATE, email=False)
    content = read_content(folder(tmp_path))
    assert "sections" not in content and len(content["entries"]) == 5
    assert "Also reported by" not in markdown(tmp_path)

    path = pack_file(tmp_path, site, SECTIONS)
    build_pack(load_pack(path), DATE, email=False)
    first = markdown(tmp_path), (folder(tmp_path) / "content.json").read_bytes()
    build_pack(load_pack(path), DATE, email=False, force=True)
    assert (markdown(tmp_path), (folder(tmp_path) / "content.json").read_bytes()) == first


def test_a_pack_of_different_stories_without_settings_is_laid_out_as_before(tmp_path):
    write_articles(tmp_path / "articles")
    path = tmp_path / "plain.toml"
    path.write_text(f'name = "Story daily"\nsources = ["{tmp_path / "articles"}/"]\nformats = ["md"]\n'
                    f'output = "{tmp_path / "out"}"\n', encoding="utf-8")
    build_pack(load_pack(path), DATE, email=False)
    content = read_content(folder(tmp_path))
    assert "sections" not in content and "watched" not in content
    assert "Also reported by" not in markdown(tmp_path)
    assert "## People index" in markdown(tmp_path) and "| In briefs |" in markdown(tmp_path)


def test_explain_groups_prints_why_articles_were_joined(tmp_path, site):
    path = pack_file(tmp_path, site)
    build_pack(load_pack(path), DATE, email=False)
    done = subprocess.run([sys.executable, "-m", "pipeline", "pack", "run", str(path), "--date", DATE,
                           "--explain-groups"], cwd=str(ROOT), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.decode().splitlines()
    joined = [line for line in lines if line.startswith(story_site.WIRE[2] + ":")]
    assert len(joined) == 1 and "near-copy (shingle Jaccard" in joined[0] and "same event" in joined[0]


# --------------------------------------------------------------------------- the pack file


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "daily.toml"
    path.write_text('name = "Daily"\nsources = ["seeds/"]\n' + text, encoding="utf-8")
    return path


def test_story_settings_are_read(tmp_path):
    config = load_pack(write(tmp_path, 'watch = ["Keir Starmer", "Keir Starmer", "MoD"]\nmax_per_feed = 3\n'
                                       'max_stories = 20\nunmatched = "drop"\n[stories]\nnear_copy = 0.7\n'
                                       'window_hours = 24\n[[section]]\ntitle = "Defence"\nquery = "nato"\n'))
    stories = config.stories
    assert stories.grouping == GroupSettings(near_copy=0.7, window_hours=24.0)
    assert stories.watch == ("Keir Starmer", "MoD")
    assert (stories.max_per_feed, stories.max_stories, stories.unmatched) == (3, 20, "drop")
    assert stories.sections == (("Defence", "nato"),)
    assert load_pack(write(tmp_path, "[stories]\nenabled = false\n")).stories.grouping is None
    assert load_pack(write(tmp_path, "")).stories.grouping == GroupSettings()


@pytest.mark.parametrize("text, where, says", [
    ('[stories]\nnear_copy = "high"\n', 4, 'stories.near_copy: must be a number of at least 0'),
    ("[stories]\nnearcopy = 0.5\n", 4, "stories.nearcopy: unknown key"),
    ("[stories]\nenabled = 1\n", 4, "stories.enabled: must be true or false"),
    ('unmatched = "keep"\n', 3, 'unmatched: must be "other" or "drop"'),
    ('watch = "Keir Starmer"\nmax_stories = 0\n', 4, "max_stories: must be a whole number of at least 1"),
    ("watch = [1]\n", 3, "watch: must be a list of names"),
    ('[[section]]\ntitle = "A"\n', 3, 'section "A": query: must be a non-empty string'),
    ('[[section]]\nquery = "x"\n', 3, "section 1: title: must be a non-empty string"),
    ('[[section]]\ntitle = "A"\nquery = "x"\nwhere = 1\n', 6, "section 1: where: unknown key"),
    ('[[section]]\ntitle = "A"\nquery = "a"\n\n[[section]]\ntitle = "A"\nquery = "b"\n', 8,
     'section "A": title: two sections have this title'),
])
def test_a_bad_story_setting_names_the_file_line_and_key(tmp_path, text, where, says):
    with pytest.raises(SettingsError) as caught:
        load_pack(write(tmp_path, text))
    assert str(caught.value).startswith(f"{tmp_path / 'daily.toml'}:{where}: {says}")


def test_a_bad_query_is_one_line_with_its_position(tmp_path):
    path = write(tmp_path, '\n[[section]]\ntitle = "Ukraine"\nquery = "kyiv"\n\n[[section]]\ntitle = "Defence"\n'
                           'query = \'nato AND (spending OR budget))\'\n')
    done = subprocess.run([sys.executable, "-m", "pipeline", "pack", "run", str(path)], cwd=str(ROOT),
                          capture_output=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == b""
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f'brief: {path}:10: section "Defence": query: ')
    # The second ")" of "budget))", counted from the query's first character.
    assert "this ')' has no '(' before it at column 30;" in lines[0]


def test_the_email_lists_top_stories_not_every_copy(tmp_path, site):
    from pipeline.compose.layout import render_template
    from pipeline.deliver.message import EMAIL_TEMPLATE
    from pipeline.model import Pack

    build_pack(load_pack(pack_file(tmp_path, site, SECTIONS)), DATE, email=False)
    pack = Pack.from_dict(read_content(folder(tmp_path)))
    body = render_template(EMAIL_TEMPLATE, pack=pack, files=["story-daily.pdf"])
    top = body.split("## Top stories", 1)[1].split("## Attached", 1)[0]
    items = [line for line in top.splitlines() if line.startswith("- ")]
    assert len(items) == 3  # three stories from five articles: the copies are not listed again
    assert "3 stories from 5 articles." in body
    summit = next(line for line in items if story_site.WIRE[2] in line)
    assert "(3 outlets)" in summit and "[Europe]" in summit
    assert not any(story_site.COPY[2] in line or story_site.REWRITE[2] in line for line in items)
