"""How a pack of stories is laid out (templates/pack.md.j2 and _story.md.j2), read back from the
document model both renderers draw: watched names bold and article text still escaped, stories
numbered across sections, and a story whose lead a reviewer dropped left out."""

from __future__ import annotations

from pipeline.compose.blocks import Paragraph
from pipeline.compose.layout import layout_pack
from pipeline.model import (Brief, Pack, PackEntry, PackSection, PackStory, Person, Quote, Source, StoryAlso,
                            StoryExtra)


def brief(title: str, sha: str, people=(), summary=(), publisher="Wire") -> Brief:
    return Brief(title=title, summary=list(summary), people=list(people),
                 source=Source(sha256=sha * 64, publisher=publisher, url=f"https://example.org/{sha}"))


STARMER = Person("Keir Starmer", role="Prime Minister", aliases=["Sir Keir"])
BAILEY = Person("Andrew Bailey", role="Governor")


def pack(**changes) -> Pack:
    entries = [PackEntry(brief("Summit *deal* agreed", "a", [STARMER], ["Sir Keir met [allies] in Paris."])),
               PackEntry(brief("Copy of the summit", "b", [STARMER], publisher="Courier")),
               PackEntry(brief("Rates held", "c", [BAILEY], ["The Bank held rates."]))]
    sections = [PackSection("Europe", [PackStory("a" * 64, [StoryAlso("b" * 64, "Courier", "07:10",
                                                                      "https://example.org/b", "Copy")],
                                                 [StoryExtra("quote", "We act for Keir Starmer_s people", "Sir Keir",
                                                             "Courier", "https://example.org/b")],
                                                 ["Keir Starmer"])]),
                PackSection("Economy", [PackStory("c" * 64)])]
    values = dict(name="Daily", date="2026-01-06", entries=entries, sections=sections,
                  watched=["Keir Starmer", "Sir Keir"], watch_counts=["Keir Starmer in 1 story"])
    values.update(changes)
    return Pack(**values)


def span_runs(node) -> list[list]:
    """Every run of spans (a paragraph's, a list item's, a cell's) in the document, in order."""
    import dataclasses

    if isinstance(node, Paragraph):
        return [node.spans]
    if isinstance(node, list):
        if node and all(hasattr(x, "strong") for x in node):
            return [node]
        return [run for x in node for run in span_runs(x)]
    if dataclasses.is_dataclass(node):
        return [run for f in dataclasses.fields(node) for run in span_runs(getattr(node, f.name))]
    return []


def test_watched_names_are_bold_and_the_rest_of_the_text_is_escaped():
    markdown, document = layout_pack(pack())
    top = next(run for run in span_runs(document.blocks) if "".join(s.text for s in run).startswith("1. "))
    assert [s.text for s in top if s.strong] == ["1. Summit *deal* agreed", "Sir Keir"]
    assert "".join(s.text for s in top).endswith(": Sir Keir met [allies] in Paris.")
    # Under its section, a story's heading is a level below it.
    assert "\n### 1. Summit \\*deal\\* agreed" in markdown and "### 2. Rates held" in markdown
    quote = next(run for run in span_runs(document.blocks) if "We act for" in "".join(s.text for s in run))
    # "_" is text, and "Keir Starmer_s" is not the name; the speaker's alias is.
    assert "“We act for Keir Starmer_s people”: Sir Keir (Courier)" == "".join(s.text for s in quote)
    assert [s.text for s in quote if s.strong] == ["Sir Keir"]
    assert "Watched: Keir Starmer in 1 story." in markdown
    assert "| **Keir Starmer** | Prime Minister | 1 |" in markdown
    assert "| Andrew Bailey | Governor | 2 |" in markdown


def test_a_story_whose_lead_was_dropped_is_not_shown():
    shown = pack()
    shown.entries = [e for e in shown.entries if e.brief.source.sha256 != "c" * 64]
    markdown, _ = layout_pack(shown)
    assert "Rates held" not in markdown
    assert "## Economy\n\nNo story in this section." in markdown
    assert "1 story from 2 articles." in markdown
