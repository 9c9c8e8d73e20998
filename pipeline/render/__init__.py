"""Renderers by format. Each is a module with `render(job) -> bytes`, imported only when used,
so that asking for Markdown never loads reportlab or python-docx."""

from __future__ import annotations

import datetime as dt
import importlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.compose.blocks import Document
    from pipeline.model import Brief, Pack
    from pipeline.compose.theme import Theme


@dataclass(frozen=True)
class Format:
    name: str
    module: str
    extension: str
    media_type: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("docx", "pipeline.render.docx", "docx",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
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
    from pipeline.errors import BriefError

    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return DEFAULT_TIMESTAMP
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise BriefError("SOURCE_DATE_EPOCH", f"{value!r} is not a valid number of seconds since 1970",
                         "unset it or give a whole number such as 1767225600") from None


def render(format_name: str, job: RenderJob) -> bytes:
    fmt = FORMATS[format_name]
    module = importlib.import_module(fmt.module)
    return module.render(job)
