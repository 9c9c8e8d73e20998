"""Renderers by format. Each is a module with `render(job) -> bytes` (the `Renderer` protocol),
imported only when used, so that asking for Markdown never loads reportlab or python-docx. A
format that uses what another learnt while rendering says so in `Format.needs`, and the build
orders the formats from those declarations (`render_order`)."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Protocol

if TYPE_CHECKING:
    from pipeline.compose.blocks import Document
    from pipeline.model import Brief, Pack
    from pipeline.compose.theme import Theme


def has_contents(document: "Document") -> bool:
    from pipeline.compose.blocks import Contents

    return any(isinstance(block, Contents) for block in document.blocks)


@dataclass(frozen=True)
class Need:
    """Another format to render first, for the documents `when` accepts: its renderer leaves
    facts in the job (`RenderJob.page_facts`) that this one uses."""

    format: str
    when: Callable[["Document"], bool]


@dataclass(frozen=True)
class Format:
    name: str
    module: str
    extension: str
    media_type: str
    needs: tuple[Need, ...] = ()


class Renderer(Protocol):
    """A format's module. One may also offer `prepare(job) -> Prepared`: the document built
    before the formats it needs are done, finished once they are."""

    def render(self, job: "RenderJob") -> bytes: ...


class Prepared(Protocol):
    def finish(self) -> bytes: ...


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        # The DOCX's contents show the PDF's page numbers before Word or LibreOffice lays it out.
        Format("docx", "pipeline.render.docx", "docx",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               needs=(Need("pdf", has_contents),)),
        Format("pdf", "pipeline.render.pdf", "pdf", "application/pdf"),
        Format("html", "pipeline.render.html", "html", "text/html"),
        Format("md", "pipeline.render.md", "md", "text/markdown"),
        Format("json", "pipeline.render.json", "json", "application/json"),
    )
}
DEFAULT_FORMATS = ("docx", "pdf")


@dataclass
class RenderJob:
    """Everything a renderer may need. Document renderers walk `document`; `md` writes
    `markdown` as the template produced it; `json` serialises the `pack`, or else the `brief`."""

    document: "Document"
    markdown: str
    theme: "Theme"
    brief: "Brief | None" = None
    pack: "Pack | None" = None
    warnings: list[str] = field(default_factory=list)
    # What the PDF renderer learnt laying the document out: {"pages": n, "headings": {anchor:
    # page}}. The DOCX uses it for the cached page numbers of its contents and page count.
    page_facts: dict | None = None

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


DEFAULT_TIMESTAMP = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def document_timestamp() -> dt.datetime:
    """The time documents record as made: SOURCE_DATE_EPOCH (UTC) when set, else a fixed date,
    so output never depends on the clock."""
    from pipeline.environment import Environment

    return Environment.read().source_date or DEFAULT_TIMESTAMP


def needed(format_name: str, formats: list[str], document: "Document") -> list[str]:
    """The formats among `formats` that this one waits for, for this document."""
    return [need.format for need in FORMATS[format_name].needs
            if need.format in formats and need.format != format_name and need.when(document)]


def render_order(formats: list[str], document: "Document") -> list[str]:
    """`formats` ordered so that each comes after the formats it needs: those needed first, the
    others as asked."""
    waits = {fmt: set(needed(fmt, formats, document)) for fmt in formats}
    wanted = {need for needs in waits.values() for need in needs}
    pending = sorted(formats, key=lambda fmt: (fmt not in wanted, formats.index(fmt)))
    order: list[str] = []
    while pending:
        ready = next((fmt for fmt in pending if waits[fmt] <= set(order)), None)
        if ready is None:
            raise ValueError(f"renderers wait for each other: {', '.join(pending)}")
        order.append(ready)
        pending.remove(ready)
    return order


def renderer(format_name: str) -> Renderer:
    return importlib.import_module(FORMATS[format_name].module)


def render(format_name: str, job: RenderJob) -> bytes:
    return renderer(format_name).render(job)
