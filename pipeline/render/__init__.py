"""Renderers by format. Each is a module with `render(job) -> bytes`, imported only when used,
so that asking for Markdown never loads reportlab or python-docx."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.blocks import Document
    from pipeline.model import Brief
    from pipeline.theme import Theme


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
    `markdown` as the template produced it; `json` serialises `brief`."""

    document: "Document"
    markdown: str
    theme: "Theme"
    brief: "Brief | None" = None
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def render(format_name: str, job: RenderJob) -> bytes:
    fmt = FORMATS[format_name]
    module = importlib.import_module(fmt.module)
    return module.render(job)
