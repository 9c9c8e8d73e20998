"""The briefing note as a reader meets it: a pack opens with a line per article, a brief ends
with where it came from (never a bare file name or "-"), and addresses are written as they are."""

from __future__ import annotations

from pipeline.compose.layout import layout_pack, render_markdown
from pipeline.extract import extract
from pipeline.model import Pack, PackEntry, ReviewNotes
from pipeline.readers import read_bytes

ARTICLES = [
    ("Council approves new bridge\n\nThe city council approved a £12m bridge over the river on Monday, "
     "ending a decade of debate.\n\nWork will start by March 2027, the council leader, Anna Price, said.\n"),
    ("Port strike ends after pay deal\n\nDock workers in Felixstowe ended a two-week strike after accepting "
     "a 7% pay rise.\n\nThe union said 1,900 members had voted on the offer.\n"),
    ("Library hours extended\n\nThe county library service will open on Sundays from April, its director "
     "said.\n\nThe change follows a survey of 3,000 readers.\n"),
]


def briefs(source=None):
    out = []
    for n, text in enumerate(ARTICLES):
        out.append(extract(read_bytes(text.encode(), source or f"article-{n}.txt")))
    return out


def test_top_stories_list_every_article_in_order_before_the_briefs():
    entries = [PackEntry(b) for b in briefs()]
    entries[2].brief.review = ReviewNotes(comment="Sunday opening starts in April.")
    markdown, _ = layout_pack(Pack(name="Morning pack", date="2026-01-07", entries=entries))
    top = markdown.index("## Top stories")
    lines = [line for line in markdown[top:].splitlines() if line.startswith("- **")][:3]
    assert [line.split("**")[1] for line in lines] == [
        "1. Council approves new bridge", "2. Port strike ends after pay deal", "3. Library hours extended"]
    assert "£12m bridge" in lines[0]
    assert lines[2].endswith("Sunday opening starts in April.")  # the analyst's line beats the article's
    assert top < markdown.index("## 1. Council approves new bridge")


def test_source_line_is_standard_input_or_the_address_never_a_dash():
    brief = briefs("-")[0]
    assert render_markdown(brief).rstrip().splitlines()[-1].startswith("Source: standard input.")
    brief.source.url = "https://news.example/local/council_bridge?id=1&x=2"
    brief.source.publisher = "Example News"
    line = render_markdown(brief).rstrip().splitlines()[-1]
    assert line.startswith("Source: Example News, <https://news.example/local/council_bridge?id=1&x=2>.")
    assert "\\-" not in line and "\\_" not in line


def test_commitments_are_a_table_with_the_deadline():
    markdown = render_markdown(briefs()[0])
    section = markdown[markdown.index("## Commitments"):markdown.index("## People")]
    assert "| Who | What | By when |" in section
    assert "by March 2027" in section
