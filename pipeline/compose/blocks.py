"""The rendered document as blocks: what every renderer walks.

`layout` builds it from the Markdown the templates produce; DOCX, PDF and HTML writers turn it
into their formats. It knows nothing of briefs and nothing of any output format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from pipeline.text import is_safe_link  # noqa: F401  (the renderers take it from here with the blocks)



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


@dataclass
class Contents:
    """A table of contents: the headings of `level` that follow it, with their page numbers
    where the format has pages."""

    level: int = 2


LOGO = "logo"


@dataclass
class Image:
    """A picture the theme supplies (only the logo: article text never names a file to load)."""

    source: str  # LOGO
    alt: str


Block = Union[Heading, Paragraph, ListBlock, BlockQuote, Table, CodeBlock, Rule, PageBreak, Contents, Image]


@dataclass
class Meta:
    """Document properties every format records, and the marking every page carries."""

    title: str
    subject: str = ""
    keywords: list[str] = field(default_factory=list)
    language: str = "en-GB"
    author: str = ""
    classification: str = ""
    caveat: str = ""

    @property
    def marking(self) -> str:
        """The line printed at the top and bottom of every page: "OFFICIAL-SENSITIVE UK EYES ONLY"."""
        return " ".join(part for part in (self.classification, self.caveat) if part)


@dataclass
class Document:
    meta: Meta
    blocks: list[Block]


@dataclass(frozen=True)
class OutlineEntry:
    """A heading at the top level of a document: the `index`th heading, counted from 0 in
    document order, which renderers use to name its anchor."""

    index: int
    level: int
    text: str

    @property
    def anchor(self) -> str:
        return f"h{self.index}"


def outline(document: Document) -> list[OutlineEntry]:
    """Every top-level heading, in order."""
    entries = []
    for block in document.blocks:
        if isinstance(block, Heading):
            entries.append(OutlineEntry(len(entries), block.level, " ".join(plain_text(block.spans).split())))
    return entries


def contents_entries(document: Document) -> list[OutlineEntry]:
    """What the document's first Contents block lists: the headings of its level after it."""
    position = next((i for i, b in enumerate(document.blocks) if isinstance(b, Contents)), None)
    if position is None:
        return []
    level = document.blocks[position].level
    before = sum(1 for b in document.blocks[:position] if isinstance(b, Heading))
    return [e for e in outline(document) if e.index >= before and e.level == level]


def plain_text(spans: list[Span]) -> str:
    return "".join(span.text for span in spans)
