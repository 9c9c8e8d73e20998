"""The one Markdown parser the project uses: CommonMark with tables, raw HTML off, so that text
in a Markdown article or in a brief's template output can never become HTML."""

from __future__ import annotations

import functools

from markdown_it import MarkdownIt


@functools.cache
def parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
