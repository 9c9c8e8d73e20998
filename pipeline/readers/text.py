"""Plain-text articles.

Layout rules (the sample in seeds/ follows them):
- The first non-blank line is the headline.
- Paragraphs are separated by blank lines (a line that is only white space, NBSP, zero-width
  space or the like counts as blank); the lines of a paragraph are joined with one space.
- A line starting with a bullet (• ◦ ▪ - * – followed by a space, or `1.` / `1)`) is a list
  item of its own, even without blank lines around it. A following line that is indented
  continues the item; one that is not starts a new paragraph.
- Standfirst and subheadings: see `common.is_standfirst` and `common.looks_like_heading`.

Every step is a single pass over the lines with anchored, bounded patterns, so a 1 MB line
costs linear time.
"""

from __future__ import annotations

import re

from pipeline.errors import BriefError
from pipeline.model import Article, Source
from pipeline.readers.common import RawBlock, assemble, take_title
from pipeline.text import is_blank

# The marker, then white space (or the end of the line), so "-5 degrees", "*emphasis*" and
# "2024. It was" are not bullets. Numbers are capped at three digits for the same reason.
BULLET = re.compile(r"\s*(?:[\u2022\u25e6\u25aa*\u2013-]|\d{1,3}[.)])(?:\s+|$)")


def read_text(text: str, source: Source, warnings: list[str]) -> Article:
    """An article from normalised text (LF newlines, no illegal characters)."""
    lines = text.split("\n")
    first = _first_non_blank(lines)
    if first is None:
        raise BriefError(source.path or "-", "empty input", "the file holds no text")
    title, overflow = take_title(lines[first], source.path or "-", warnings)
    body = raw_blocks(lines[first + 1:])
    if overflow is not None:
        body.insert(0, overflow)
    return assemble(title, body, source, warnings, mark_headings=True)


def raw_blocks(lines: list[str]) -> list[RawBlock]:
    """Group lines into paragraphs and list items."""
    blocks: list[RawBlock] = []
    current: RawBlock | None = None
    for line in lines:
        if is_blank(line):
            current = None
            continue
        bullet = BULLET.match(line)
        if bullet:
            current = RawBlock("item", [line[bullet.end():]])
            blocks.append(current)
        elif current is not None and (current.kind == "paragraph" or line[:1].isspace()):
            current.lines.append(line)
        else:
            current = RawBlock("paragraph", [line])
            blocks.append(current)
    return blocks


def _first_non_blank(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if not is_blank(line):
            return index
    return None
