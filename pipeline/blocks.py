"""The rendered document as blocks: what every renderer walks.

`layout` builds it from the Markdown the templates produce; DOCX, PDF and HTML writers turn it
into their formats. It knows nothing of briefs and nothing of any output format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

SAFE_LINK_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class Span:
    """A run of text with uniform formatting. A span whose text is "\\n" is a line break."""

    text: str
    strong: bool = False
    emphasis: bool = False
    code: bool = False
    href: str | None = None


@dataclass
class Heading:
    level: int
    spans: list[Span]


@dataclass
class Paragraph:
    spans: list[Span]


@dataclass
class ListBlock:
    ordered: bool
    items: list[list["Block"]]
    start: int = 1


@dataclass
class BlockQuote:
    """A quotation; `attribution` is who said it (the closing "— Name" line), kept with it."""

    blocks: list["Block"]
    attribution: list[Span] | None = None


@dataclass
class Table:
    header: list[list[Span]]
    rows: list[list[list[Span]]]
    align: list[str | None] = field(default_factory=list)


@dataclass
class CodeBlock:
    text: str


@dataclass
class Rule:
    pass


@dataclass
class PageBreak:
    """What follows starts on a new page (in the formats that have pages)."""


Block = Union[Heading, Paragraph, ListBlock, BlockQuote, Table, CodeBlock, Rule, PageBreak]


@dataclass
class Meta:
    """Document properties every format records."""

    title: str
    subject: str = ""
    keywords: list[str] = field(default_factory=list)
    language: str = "en-GB"
    author: str = ""


@dataclass
class Document:
    meta: Meta
    blocks: list[Block]


def plain_text(spans: list[Span]) -> str:
    return "".join(span.text for span in spans)


def is_safe_link(href: str | None) -> bool:
    return bool(href) and href.lower().startswith(SAFE_LINK_SCHEMES)
