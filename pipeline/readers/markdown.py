"""Markdown articles, parsed with markdown-it-py (CommonMark, tables on, raw HTML off so any
HTML in the source is plain text).

Mapping: the first block is the title when it is a heading, otherwise the title is the first
line; other headings are heading blocks; paragraphs, block quotes, code blocks and table rows
are paragraph blocks; the first paragraph of each list item is an item block. Inline markup
is dropped and its text kept (emphasis markers go, link and image text stays, code stays).

The token stream is flat, so walking it needs no recursion. The parser itself stops nesting
at `maxNesting` (20) levels and silently skips anything deeper; that content is recovered
here from the source lines, as plain paragraphs, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.commonmark import parser

from pipeline.errors import BriefError
from pipeline.model import Article, Source
from pipeline.readers.common import RawBlock, assemble, recheck_illegal, take_title
from pipeline.text import is_blank

if TYPE_CHECKING:
    from markdown_it.token import Token

_PARSER = parser()
MAX_NESTING: int = _PARSER.options["maxNesting"]

_CONTAINERS = {"blockquote_open", "list_item_open", "bullet_list_open", "ordered_list_open"}
_TEXT_TOKENS = {"text", "text_special", "code_inline", "html_inline"}
_CODE_TOKENS = {"fence", "code_block", "html_block"}

# One leading container marker: a quote mark, or a list marker followed by white space.
_CONTAINER_MARKER = re.compile(r"[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))")


def read_markdown(text: str, source: Source, warnings: list[str]) -> Article:
    """An article from normalised Markdown text."""
    name = source.path or "-"
    try:
        tokens = _PARSER.parse(text)
    except RecursionError:  # a safety net: the parser limits nesting, so this should not happen
        raise BriefError(name, "the Markdown is nested too deeply to read",
                         "simplify it, or rename the file to .txt to read it as plain text") from None
    blocks = [block for block in raw_blocks(tokens, text.split("\n"), warnings) if not is_blank(block.text)]
    if not blocks:
        raise BriefError(name, "has no text, only Markdown markup", "check that it is the right file")
    title, body = _split_title(blocks, name, warnings)
    return recheck_illegal(assemble(title, body, source, warnings), warnings)


def _split_title(blocks: list[RawBlock], name: str, warnings: list[str]) -> tuple[str, list[RawBlock]]:
    """A leading heading is the title; otherwise the first line is, and the rest of its block stays."""
    first, rest = blocks[0], blocks[1:]
    if first.kind == "heading":
        title, overflow = take_title(first.text, name, warnings)
    else:
        title, overflow = take_title(first.lines[0], name, warnings)
        remaining = RawBlock(first.kind, first.lines[1:], first.nested)
        if not is_blank(remaining.text):
            rest = [remaining, *rest]
    return title, ([overflow] if overflow else []) + rest


# --------------------------------------------------------------------------- the token walk


@dataclass
class _Container:
    kind: str
    first_leaf_taken: bool = False


@dataclass
class _Walk:
    """State of one pass over the token stream."""

    source_lines: list[str]
    blocks: list[RawBlock] = field(default_factory=list)
    containers: list[_Container] = field(default_factory=list)
    row: list[str] | None = None
    pending_heading: bool = False
    recovered_lines: int = 0

    def visit(self, token: Token, previous: Token | None) -> None:
        if token.type in _CONTAINERS:
            self.containers.append(_Container(token.type))
        elif token.type.endswith("_close") and token.type.replace("_close", "_open") in _CONTAINERS:
            self.containers.pop()
            if previous is not None and previous.type == token.type.replace("_close", "_open"):
                self._recover_skipped(previous)
        elif token.type == "heading_open":
            self.pending_heading = True
        elif token.type == "tr_open":
            self.row = []
        elif token.type == "tr_close":
            self.blocks.append(RawBlock("paragraph", [" | ".join(self.row or [])], nested=True))
            self.row = None
        elif token.type == "inline":
            self._add_inline(token)
        elif token.type in _CODE_TOKENS:
            self.blocks.append(RawBlock(self._leaf_kind(), token.content.split("\n"), bool(self.containers)))

    def _add_inline(self, token: Token) -> None:
        lines = inline_lines(token.children or [])
        if self.row is not None:
            self.row.append(" ".join(lines))
        elif self.pending_heading:
            self.pending_heading = False
            self.blocks.append(RawBlock("heading", lines, bool(self.containers)))
        else:
            self.blocks.append(RawBlock(self._leaf_kind(), lines, bool(self.containers)))

    def _leaf_kind(self) -> str:
        """The first leaf inside a list item is the item; anything else is a paragraph."""
        inner = self.containers[-1] if self.containers else None
        if inner is not None and inner.kind == "list_item_open" and not inner.first_leaf_taken:
            inner.first_leaf_taken = True
            return "item"
        return "paragraph"

    def _recover_skipped(self, opener: Token) -> None:
        """An empty container may be one the parser skipped for nesting too deep: take its
        source lines, without their quote and list markers, as plain paragraphs."""
        # The parser skips only inside containers opened at the last level it allows.
        if not opener.map or opener.level < MAX_NESTING - 1:
            return
        start, end = opener.map
        paragraph: list[str] = []
        for line in [*self.source_lines[start:end], ""]:
            content = strip_container_markers(line)
            if content:
                paragraph.append(content)
                self.recovered_lines += 1
            elif paragraph:
                self.blocks.append(RawBlock("paragraph", plain_inline_lines("\n".join(paragraph)), nested=True))
                paragraph = []


def raw_blocks(tokens: list[Token], source_lines: list[str], warnings: list[str]) -> list[RawBlock]:
    walk = _Walk(source_lines)
    previous = None
    for token in tokens:
        walk.visit(token, previous)
        previous = token
    if walk.recovered_lines:
        lines = "line" if walk.recovered_lines == 1 else "lines"
        warnings.append(f"Markdown nested more than {MAX_NESTING} levels deep: kept {walk.recovered_lines} "
                        f"{lines} of it as plain paragraphs")
    return walk.blocks


def inline_lines(children: list[Token]) -> list[str]:
    """The text of inline tokens, split at line breaks, with the markup dropped."""
    lines: list[list[str]] = [[]]
    stack = list(reversed(children))  # explicit stack: image alt text nests without recursion
    while stack:
        child = stack.pop()
        if child.type in ("softbreak", "hardbreak"):
            lines.append([])
        elif child.type == "image":
            stack.extend(reversed(child.children or []))
        elif child.type in _TEXT_TOKENS:
            lines[-1].append(child.content)
    return ["".join(parts) for parts in lines]


def plain_inline_lines(text: str) -> list[str]:
    """Inline Markdown parsed on its own (no block structure), as lines of plain text."""
    inline = _PARSER.parseInline(text)
    return inline_lines(inline[0].children or []) if inline else [text]


def strip_container_markers(line: str) -> str:
    position = 0
    while (marker := _CONTAINER_MARKER.match(line, position)) and marker.end() > position:
        position = marker.end()
    return line[position:].strip()
